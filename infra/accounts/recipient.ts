import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type * as random from "@pulumi/random";
import { ArchiveBucket } from "../archive/archiveBucket";
import { ArchiveDelivery } from "../archive/archiveDelivery";
import type { RecipientPlan } from "../archive/plan";
import { Athena } from "../athena/athena";
import type { AthenaPlan } from "../athena/plan";
import { trailKeyPolicy } from "../cloudtrail/keyPolicy";
import type { TrailPlan } from "../cloudtrail/plan";
import { EventsArchive } from "../events/eventsArchive";
import { destinationPermissions, destinationTrustPolicy } from "../forwarding/destinationPolicies";
import type { DestinationPlan } from "../forwarding/plan";
import { RegionalDestination } from "../forwarding/regionalDestination";
import type { Notifications } from "../kernel/schema";
import { OperationsAlarms } from "../operations/operationsAlarms";
import type { AlarmTopicPlan, OperationsPlan } from "../operations/plan";
import { SearchDomain } from "../search/searchDomain";

export interface RecipientArgs {
  plan: RecipientPlan;
  destinations: DestinationPlan[];
  /** Trails of source accounts that deliver into the archive. */
  trails?: TrailPlan[];
  /** The stack's `random` provider (for the search domain's password). */
  randomProvider?: random.Provider;
  /** Glue tables and an Athena workgroup over the archive (`recipient.athena`). */
  athena?: AthenaPlan;
  /** The recipient account's provider (one per account); each resource names its region. */
  provider: aws.Provider;
  /** The pipeline's health alarms in this account (home region), and the dashboard. */
  operations?: {
    alarms?: AlarmTopicPlan;
    notifications: Notifications;
    dashboard?: OperationsPlan["dashboard"];
  };
}

/**
 * The log-archive account: the bucket, the stream (kinesis transport), the Firehose, and one
 * CloudWatch Logs destination per region in which sources forward.
 */
export class Recipient extends pulumi.ComponentResource {
  readonly archive: ArchiveBucket;
  readonly stream?: aws.kinesis.Stream;
  readonly delivery: ArchiveDelivery;
  readonly destinations: Record<string, RegionalDestination> = {};
  /** The key the trails encrypt with, when `trailKms` is on. */
  readonly trailKey?: aws.kms.Key;
  /** The EventBridge route's recipient side, when any source has event rules. */
  readonly eventsArchive?: EventsArchive;
  readonly athena?: Athena;
  readonly search?: SearchDomain;
  readonly operations?: OperationsAlarms;

  constructor(name: string, args: RecipientArgs, opts?: pulumi.ComponentResourceOptions) {
    super("central-logging:recipient:Recipient", name, {}, opts);
    const { plan } = args;
    const { provider } = args;
    const home = plan.homeRegion;

    this.archive = new ArchiveBucket(
      `${name}-archive`,
      {
        bucketName: plan.bucketName,
        lifecycle: plan.lifecycle,
        trails: (args.trails ?? []).map((t) => ({
          accountId: t.accountId,
          trailArn: t.arn,
          ...(t.organizationId ? { organizationId: t.organizationId } : {}),
        })),
        provider,
        region: plan.bucketRegion,
      },
      { parent: this },
    );

    const trails = args.trails ?? [];
    if (plan.trailKey && trails.length > 0) {
      const o = { parent: this, provider };
      const region = plan.trailKey.region;
      this.trailKey = new aws.kms.Key(
        `${name}-trail-key`,
        {
          region,
          description: "central-logging: CloudTrail log files of the configured trails",
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          policy: JSON.stringify(
            trailKeyPolicy({
              recipientAccountId: plan.accountId,
              trails: trails.map((t) => ({ accountId: t.accountId, trailArn: t.arn })),
            }),
          ),
        },
        o,
      );
      new aws.kms.Alias(
        `${name}-trail-key-alias`,
        { region, name: plan.trailKey.alias, targetKeyId: this.trailKey.keyId },
        o,
      );
    }

    if (plan.stream) {
      const { shardCount, retentionHours } = plan.stream;
      this.stream = new aws.kinesis.Stream(
        `${name}-stream`,
        {
          region: home,
          name: plan.stream.name,
          retentionPeriod: retentionHours,
          // The AWS-managed key: producers (CloudWatch Logs) and readers (Firehose) need no KMS grant.
          encryptionType: "KMS",
          kmsKeyId: "alias/aws/kinesis",
          ...(shardCount === undefined
            ? { streamModeDetails: { streamMode: "ON_DEMAND" } }
            : { streamModeDetails: { streamMode: "PROVISIONED" }, shardCount }),
        },
        { parent: this, provider },
      );
    }

    this.delivery = new ArchiveDelivery(
      `${name}-delivery`,
      {
        plan,
        buffering: plan.firehose.buffering,
        ...(this.stream ? { stream: this.stream } : {}),
        // The bucket must exist before Firehose validates that it can write it.
        bucket: this.archive,
        provider,
        region: home,
      },
      { parent: this },
    );

    if (plan.events) {
      this.eventsArchive = new EventsArchive(
        `${name}-events`,
        {
          plan: plan.events,
          recipientAccountId: plan.accountId,
          bucketArn: plan.bucketArn,

          ...(plan.organizationId ? { organizationId: plan.organizationId } : {}),
          bucket: this.archive,
          provider,
          region: home,
        },
        { parent: this },
      );
    }

    if (plan.search && plan.stream) {
      if (!args.randomProvider) throw new Error("central-logging: search needs the stack's random provider");
      this.search = new SearchDomain(
        `${name}-search`,
        {
          plan: plan.search,
          accountId: plan.accountId,
          streamArn: plan.stream.arn,
          streamRetentionHours: plan.stream.retentionHours,
          ...(this.stream ? { stream: this.stream } : {}),
          provider,
          region: home,
          randomProvider: args.randomProvider,
        },
        { parent: this },
      );
    }

    if (args.athena) {
      this.athena = new Athena(
        `${name}-athena`,
        { plan: args.athena, archive: this.archive, provider, region: args.athena.region },
        { parent: this },
      );
    }

    if (args.destinations.length > 0) {
      // IAM is global: the role names no region.
      const role = new aws.iam.Role(
        `${name}-destination-role`,
        {
          name: plan.destinationRole.name,
          assumeRolePolicy: JSON.stringify(
            destinationTrustPolicy({
              recipientAccountId: plan.accountId,
              destinations: args.destinations,
              ...(plan.organizationId ? { organizationId: plan.organizationId } : {}),
            }),
          ),
        },
        { parent: this, provider },
      );
      const rolePolicy = new aws.iam.RolePolicy(
        `${name}-destination-role-policy`,
        { role: role.name, policy: JSON.stringify(destinationPermissions(plan.transport, plan.targetArn)) },
        { parent: this, provider },
      );
      // The target must exist too: CloudWatch Logs sends a test message when the destination is made.
      const target: pulumi.Resource = this.stream ?? this.delivery.firehose;
      for (const d of args.destinations) {
        this.destinations[d.region] = new RegionalDestination(
          `${name}-destination-${d.region}`,
          {
            plan: d,
            targetArn: plan.targetArn,
            roleArn: role.arn,
            roleReady: [rolePolicy, target],
            ...(plan.organizationId ? { organizationId: plan.organizationId } : {}),
            provider,
            region: d.region,
          },
          { parent: this },
        );
      }
    }

    const ops = args.operations;
    if (ops?.alarms)
      this.operations = new OperationsAlarms(
        `${name}-operations`,
        { plan: ops.alarms, notifications: ops.notifications, provider },
        { parent: this },
      );
    if (ops?.dashboard)
      new aws.cloudwatch.Dashboard(
        `${name}-dashboard`,
        {
          region: ops.dashboard.region,
          dashboardName: ops.dashboard.name,
          dashboardBody: JSON.stringify(ops.dashboard.body),
        },
        { parent: this, provider },
      );

    this.registerOutputs({
      bucketName: this.archive.bucketName,
      targetArn: plan.targetArn,
      destinationArns: Object.fromEntries(Object.entries(this.destinations).map(([r, d]) => [r, d.arn])),
    });
  }
}
