import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { firehoseDeliveryPolicy, firehoseTrustPolicy } from "../archive/firehosePolicies";
import { AREAS, EVENTS_LAYOUT, EVENTS_PARTITION_QUERY, errorPrefix, firehosePrefix } from "../archive/layout";
import {
  EVENT_RETRY_POLICY,
  eventsDeadLetterQueue,
  firehoseErrorLog,
  PARTITIONED_GZIP_OBJECTS,
  partitionByQuery,
} from "../kernel/pieces";
import type { EventsArchivePlan } from "./plan";
import { eventBusPolicy, eventsTrustPolicy, firehosePutPermissions } from "./policies";

export interface EventsArchiveArgs {
  plan: EventsArchivePlan;
  recipientAccountId: string;
  bucketArn: string;
  /** Organization mode: the bus admits the organization's rules of this stack. */
  organizationId?: string;
  /** The archive bucket: Firehose checks at create time that it can write it. */
  bucket?: pulumi.Resource;
  /** The account's provider (one per account: infra/kernel/providers.ts). */
  provider: aws.Provider;
  /** The region its resources are in: the home region. */
  region: string;
}

/**
 * The recipient side of the EventBridge write-up: an event bus that admits the sources' rules, a
 * rule on it delivering everything to a Firehose (EventBridge reaches a Firehose only in its own
 * account and region), and the Firehose writing JSON Lines, partitioned by account and day.
 */
export class EventsArchive extends pulumi.ComponentResource {
  readonly bus: aws.cloudwatch.EventBus;
  readonly firehose: aws.kinesis.FirehoseDeliveryStream;
  /** The bus ARN, resolved once its policy admits the senders (so their targets wait for it). */
  readonly busArn: pulumi.Output<string>;
  readonly firehoseArn: pulumi.Output<string>;

  constructor(name: string, args: EventsArchiveArgs, opts?: pulumi.ComponentResourceOptions) {
    super("central-logging:recipient:EventsArchive", name, {}, opts);
    const { plan } = args;
    const o = { parent: this, provider: args.provider };
    // Pieces take the placement: parent, provider and the region their resources name.
    const at = { ...o, region: args.region };

    const firehoseRole = new aws.iam.Role(
      `${name}-firehose-role`,
      {
        name: plan.firehose.roleName,
        assumeRolePolicy: JSON.stringify(firehoseTrustPolicy(args.recipientAccountId)),
      },
      o,
    );
    const firehoseRolePolicy = new aws.iam.RolePolicy(
      `${name}-firehose-role-policy`,
      {
        role: firehoseRole.name,
        policy: JSON.stringify(
          firehoseDeliveryPolicy({
            bucketArn: args.bucketArn,
            objectPrefixes: [`${AREAS.events}/`, `${AREAS.errors}/${AREAS.events}/`],
            errorLogGroupArn: plan.firehose.errorLogGroup.arn,
          }),
        ),
      },
      o,
    );
    const errorLog = firehoseErrorLog(`${name}-firehose`, plan.firehose.errorLogGroup.name, at);
    this.firehose = new aws.kinesis.FirehoseDeliveryStream(
      `${name}-firehose`,
      {
        region: args.region,
        name: plan.firehose.name,
        destination: "extended_s3",
        serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" },
        extendedS3Configuration: {
          roleArn: firehoseRole.arn,
          bucketArn: args.bucketArn,
          prefix: firehosePrefix(EVENTS_LAYOUT),
          errorOutputPrefix: errorPrefix(AREAS.events),
          bufferingSize: plan.firehose.buffering.bufferSizeMiB,
          bufferingInterval: plan.firehose.buffering.bufferIntervalSeconds,
          ...PARTITIONED_GZIP_OBJECTS,
          processingConfiguration: {
            enabled: true,
            // One event per line (JSON Lines), as the write-up's AppendDelimiterToRecord.
            processors: [
              partitionByQuery(EVENTS_PARTITION_QUERY),
              { type: "AppendDelimiterToRecord", parameters: [] },
            ],
          },
          cloudwatchLoggingOptions: errorLog.cloudwatchLoggingOptions,
        },
      },
      { ...o, dependsOn: [firehoseRolePolicy, errorLog.stream, ...(args.bucket ? [args.bucket] : [])] },
    );

    this.bus = new aws.cloudwatch.EventBus(`${name}-bus`, { region: args.region, name: plan.bus.name }, o);
    // Other accounts need the bus policy; the recipient's own rules only their role.
    const admitsOthers = args.organizationId !== undefined || plan.senderAccountIds.length > 0;
    const busPolicy = admitsOthers
      ? new aws.cloudwatch.EventBusPolicy(
          `${name}-bus-policy`,
          {
            region: args.region,
            eventBusName: this.bus.name,
            policy: JSON.stringify(
              eventBusPolicy({
                busArn: plan.bus.arn,
                senderAccountIds: plan.senderAccountIds,
                senderRuleArns: plan.senderRuleArns,
                namePrefix: plan.namePrefix,
                ...(args.organizationId ? { organizationId: args.organizationId } : {}),
              }),
            ),
          },
          o,
        )
      : undefined;

    const deliveryRole = new aws.iam.Role(
      `${name}-delivery-role`,
      {
        name: plan.deliveryRole.name,
        assumeRolePolicy: JSON.stringify(eventsTrustPolicy(args.recipientAccountId, [plan.busRule.arn])),
      },
      o,
    );
    const deliveryRolePolicy = new aws.iam.RolePolicy(
      `${name}-delivery-role-policy`,
      { role: deliveryRole.name, policy: JSON.stringify(firehosePutPermissions(plan.firehose.arn)) },
      o,
    );
    const deadLetters = eventsDeadLetterQueue(`${name}-dlq`, plan.deadLetterQueue, [plan.busRule.arn], at);
    const rule = new aws.cloudwatch.EventRule(
      `${name}-rule`,
      {
        region: args.region,
        name: plan.busRule.name,
        eventBusName: this.bus.name,
        description: "central-logging: every event on the bus into the events archive",
        // Only the admitted rules can put events here: match them all (an empty prefix matches any source).
        eventPattern: JSON.stringify({ source: [{ prefix: "" }] }),
        // Read-only management events a source rule forwards (readOnlyEvents) must not stop here:
        // the rule state filters them on custom buses too. What arrives was chosen at the source.
        state: "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
      },
      o,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-target`,
      {
        region: args.region,
        rule: rule.name,
        eventBusName: this.bus.name,
        targetId: "events-archive",
        arn: this.firehose.arn,
        roleArn: deliveryRole.arn,
        deadLetterConfig: { arn: deadLetters.queue.arn },
        retryPolicy: EVENT_RETRY_POLICY,
      },
      { ...o, dependsOn: [deliveryRolePolicy, deadLetters.policy] },
    );

    this.busArn = busPolicy ? pulumi.all([this.bus.arn, busPolicy.id]).apply(([arn]) => arn) : this.bus.arn;
    this.firehoseArn = this.firehose.arn;
    this.registerOutputs({ busArn: this.busArn, firehoseArn: this.firehoseArn });
  }
}
