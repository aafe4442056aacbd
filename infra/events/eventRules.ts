import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EVENT_RETRY_POLICY, eventsDeadLetterQueue } from "../kernel/pieces";
import type { EventSenderPlan } from "./plan";
import { eventsTrustPolicy, firehosePutPermissions, putEventsPermissions } from "./policies";

export interface EventRulesArgs {
  accountId: string;
  plan: EventSenderPlan;
  /** The recipient's bus (or events Firehose): resolves once it admits these rules. */
  targetArn: pulumi.Input<string>;
  /** The account's provider (one per account: infra/kernel/providers.ts). */
  provider: aws.Provider;
  /** The region its resources are in: the rules' region. */
  region: string;
}

/**
 * The EventBridge rules of one account and region (the write-up's `CloudTrailIamEventRule`), each
 * delivering through one role that may only put events on the recipient's bus (or, for the
 * recipient's own rules in its home region, only put records into its events Firehose), with a
 * dead-letter queue for what EventBridge gives up on.
 */
export class EventRules extends pulumi.ComponentResource {
  readonly rules: aws.cloudwatch.EventRule[] = [];

  constructor(name: string, args: EventRulesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("central-logging:source:EventRules", name, {}, opts);
    const { plan } = args;
    const o = { parent: this, provider: args.provider };
    // Pieces take the placement: parent, provider and the region their resources name.
    const at = { ...o, region: args.region };
    const ruleArns = plan.rules.map((r) => r.arn);

    const role = new aws.iam.Role(
      `${name}-role`,
      { name: plan.roleName, assumeRolePolicy: JSON.stringify(eventsTrustPolicy(args.accountId, ruleArns)) },
      o,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-role-policy`,
      {
        role: role.name,
        policy: JSON.stringify(
          plan.target.kind === "bus"
            ? putEventsPermissions(plan.target.arn)
            : firehosePutPermissions(plan.target.arn),
        ),
      },
      o,
    );
    const deadLetters = eventsDeadLetterQueue(`${name}-dlq`, plan.deadLetterQueue, ruleArns, at);

    for (const r of plan.rules) {
      const rule = new aws.cloudwatch.EventRule(
        `${name}-${r.configName}`,
        {
          region: args.region,
          name: r.name,
          description:
            r.description ??
            `central-logging: events matching the '${r.configName}' pattern into the archive`,
          eventPattern: r.pattern,
          // Read-only management events reach a rule only when it asks for them.
          state: r.readOnlyEvents ? "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" : "ENABLED",
        },
        o,
      );
      this.rules.push(rule);
      new aws.cloudwatch.EventTarget(
        `${name}-${r.configName}-target`,
        {
          region: args.region,
          rule: rule.name,
          targetId: plan.target.kind === "bus" ? "recipient-bus" : "events-archive",
          arn: args.targetArn,
          roleArn: role.arn,
          deadLetterConfig: { arn: deadLetters.queue.arn },
          retryPolicy: EVENT_RETRY_POLICY,
        },
        { ...o, dependsOn: [rolePolicy, deadLetters.policy] },
      );
    }
    this.registerOutputs({ rules: this.rules.map((r) => r.arn) });
  }
}
