import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Alarms } from "../cloudtrail/alarms";
import { Trail } from "../cloudtrail/trail";
import { EventRules } from "../events/eventRules";
import { flowLogsPermissions, flowLogsTrustPolicy } from "../forwarding/flowLogPolicies";
import type { FlowLogPlan } from "../forwarding/plan";
import { senderRolePermissions, senderRoleTrustPolicy } from "../forwarding/senderPolicies";
import type { Notifications } from "../kernel/schema";
import { CANARY_RETENTION_DAYS } from "../operations/names";
import { OperationsAlarms } from "../operations/operationsAlarms";
import type { AlarmTopicPlan } from "../operations/plan";
import type { SourcePlan } from "../plan";

export interface DestinationRef {
  /** Resolves once the destination's access policy admits this account. */
  arn: pulumi.Input<string>;
  /** The access policy itself: CloudWatch Logs checks it when a filter is created. */
  policy?: pulumi.Resource;
}

export interface SourceAccountArgs {
  plan: SourcePlan;
  /** The recipient's destination in each region this account forwards from. */
  destinations: Record<string, DestinationRef>;
  /** This account's provider (one per account); each resource names its region. */
  provider: aws.Provider;
  /** The central archive, for the account's trail (if it has one). */
  /** The bucket policy orders the trail after its admission; a recipient in another stack has none here. */
  archive?: {
    bucketName: pulumi.Input<string>;
    policy?: pulumi.Resource;
    trailKeyArn?: pulumi.Input<string>;
  };
  /** The recipient's events archive, for the account's EventBridge rules (if it has any). */
  events?: { busArn: pulumi.Input<string>; firehoseArn: pulumi.Input<string> };
  /** This account's health alarms (one topic per region with alarms). */
  operations?: { topics: AlarmTopicPlan[]; notifications: Notifications };
}

/**
 * A source account, realizing its part of the plan with its own providers: subscription filters
 * on existing log groups (never created or adopted), account-wide policies (`forwardAll`), VPC flow
 * logs into new log groups, organization-mode sender roles, the trail with its alarms, and the
 * EventBridge rules that send to the recipient's events archive.
 */
export class SourceAccount extends pulumi.ComponentResource {
  readonly filters: aws.cloudwatch.LogSubscriptionFilter[] = [];
  readonly flowLogs: aws.ec2.FlowLog[] = [];

  constructor(name: string, args: SourceAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    super("central-logging:source:SourceAccount", name, {}, opts);
    const { plan } = args;
    const { provider } = args;

    // Log groups this component creates; a filter on one of them waits for it.
    const createdGroups = new Map<string, aws.cloudwatch.LogGroup>();
    const byRegion = new Map<string, FlowLogPlan[]>();
    for (const f of plan.flowLogs) byRegion.set(f.region, [...(byRegion.get(f.region) ?? []), f]);
    for (const [region, flowLogs] of byRegion) {
      const o = { parent: this, provider };
      // One role per region: the trust names the region, and no role moves when regions change.
      const role = new aws.iam.Role(
        `${name}-${region}-flow-logs-role`,
        {
          name: flowLogs[0]!.roleName,
          assumeRolePolicy: JSON.stringify(flowLogsTrustPolicy(plan.accountId, region)),
        },
        o,
      );
      const rolePolicy = new aws.iam.RolePolicy(
        `${name}-${region}-flow-logs-role-policy`,
        { role: role.name, policy: JSON.stringify(flowLogsPermissions(flowLogs.map((f) => f.logGroupArn))) },
        o,
      );
      for (const f of flowLogs) {
        const group = new aws.cloudwatch.LogGroup(
          `${name}-${region}-${f.vpcId}-logs`,
          { region, name: f.logGroup, retentionInDays: f.retentionDays },
          o,
        );
        createdGroups.set(`${region}/${f.logGroup}`, group);
        this.flowLogs.push(
          new aws.ec2.FlowLog(
            `${name}-${region}-${f.vpcId}`,
            {
              region,
              vpcId: f.vpcId,
              trafficType: f.trafficType,
              logDestinationType: "cloud-watch-logs",
              logDestination: group.arn,
              iamRoleArn: role.arn,
            },
            { ...o, dependsOn: [rolePolicy] },
          ),
        );
      }
    }

    if (plan.cloudTrail) {
      const t = plan.cloudTrail;
      if (!args.archive)
        throw new Error(`central-logging: the trail of ${plan.accountId} needs the archive bucket`);
      const trail = new Trail(
        `${name}-trail`,
        {
          plan: t,
          bucketName: args.archive.bucketName,
          ...(args.archive.policy ? { bucketPolicy: args.archive.policy } : {}),
          ...(args.archive.trailKeyArn ? { kmsKeyArn: args.archive.trailKeyArn } : {}),
          provider,
          region: t.region,
        },
        { parent: this },
      );
      createdGroups.set(`${t.region}/${t.logGroup}`, trail.logGroup);
      if (plan.alarms) {
        new Alarms(
          `${name}-alarms`,
          {
            plan: plan.alarms,
            logGroupName: trail.logGroup.name,
            provider,
            region: plan.alarms.region,
          },
          { parent: this },
        );
      }
    }

    for (const sender of plan.eventSenders) {
      if (!args.events)
        throw new Error(`central-logging: the event rules of ${plan.accountId} need the events archive`);
      new EventRules(
        `${name}-${sender.region}-events`,
        {
          accountId: plan.accountId,
          plan: sender,
          targetArn: sender.target.kind === "bus" ? args.events.busArn : args.events.firehoseArn,
          provider,
          region: sender.region,
        },
        { parent: this },
      );
    }

    // The canary log groups `npm run verify` writes into (operations.canary): one per sending region.
    for (const route of plan.routes) {
      if (route.origin !== "canary") continue;
      createdGroups.set(
        `${route.region}/${route.logGroup}`,
        new aws.cloudwatch.LogGroup(
          `${name}-${route.region}-canary`,
          { region: route.region, name: route.logGroup, retentionInDays: CANARY_RETENTION_DAYS },
          { parent: this, provider },
        ),
      );
    }

    const ops = args.operations;
    if (ops)
      for (const topic of ops.topics)
        new OperationsAlarms(
          `${name}-${topic.region}-operations`,
          { plan: topic, notifications: ops.notifications, provider },
          { parent: this },
        );

    // Organization mode: CloudWatch Logs checks the sender's own role when a filter is created.
    const senders = new Map<string, { role: aws.iam.Role; policy: aws.iam.RolePolicy }>();
    for (const s of plan.senderRoles) {
      const o = { parent: this, provider };
      const role = new aws.iam.Role(
        `${name}-${s.region}-sender-role`,
        { name: s.name, assumeRolePolicy: JSON.stringify(senderRoleTrustPolicy(plan.accountId, s.region)) },
        o,
      );
      const policy = new aws.iam.RolePolicy(
        `${name}-${s.region}-sender-role-policy`,
        { role: role.name, policy: JSON.stringify(senderRolePermissions(s.logGroupArns)) },
        o,
      );
      senders.set(s.region, { role, policy });
    }

    for (const a of plan.accountPolicies) {
      const destination = args.destinations[a.region];
      if (!destination) throw new Error(`central-logging: no destination for ${a.key}`);
      const sender = senders.get(a.region);
      new aws.cloudwatch.LogAccountPolicy(
        `${name}-${a.region}-forward-all`,
        {
          region: a.region,
          policyName: a.name,
          policyType: "SUBSCRIPTION_FILTER_POLICY",
          scope: "ALL",
          policyDocument: JSON.stringify(a.document),
          ...(a.selectionCriteria ? { selectionCriteria: a.selectionCriteria } : {}),
        },
        {
          parent: this,
          provider,
          // The destination must admit the account (and, in organization mode, its role exist).
          dependsOn: [
            ...(destination.policy ? [destination.policy] : []),
            ...(sender ? [sender.policy] : []),
          ],
        },
      );
    }

    for (const route of plan.routes) {
      const destination = args.destinations[route.region];
      if (!destination) throw new Error(`central-logging: no destination for ${route.key}`);
      const createdGroup = createdGroups.get(`${route.region}/${route.logGroup}`);
      const sender = senders.get(route.region);
      // ':' occurs in neither log group nor filter names, so no two filters share a name.
      this.filters.push(
        new aws.cloudwatch.LogSubscriptionFilter(
          `${name}-${route.region}-${route.logGroup}:${route.filterName}`,
          {
            region: route.region,
            name: route.filterName,
            // An existing group is referenced by name only: it is never created or adopted.
            logGroup: createdGroup ? createdGroup.name : route.logGroup,
            filterPattern: route.filterPattern,
            destinationArn: destination.arn,
            ...(sender ? { roleArn: sender.role.arn } : {}),
          },
          {
            parent: this,
            provider,
            dependsOn: [
              ...(destination.policy ? [destination.policy] : []),
              ...(sender ? [sender.policy] : []),
            ],
          },
        ),
      );
    }

    this.registerOutputs({
      filters: this.filters.map((f) => f.name),
      flowLogs: this.flowLogs.map((f) => f.id),
    });
  }
}
