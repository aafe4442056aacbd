import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { firehoseErrorLog, PARTITIONED_GZIP_OBJECTS, partitionByQuery } from "../kernel/pieces";
import { firehoseDeliveryPolicy, firehoseTrustPolicy } from "./firehosePolicies";
import { GunzipProcessor } from "./gunzipProcessor";
import { AREAS, errorPrefix, firehosePrefix, LOGS_LAYOUT, LOGS_PARTITION_QUERY } from "./layout";
import type { RecipientPlan } from "./plan";
import type { Buffering } from "./schema";

export interface ArchiveDeliveryArgs {
  plan: RecipientPlan;
  buffering: Buffering;
  /** The stream to read (kinesis transport); absent = direct put by CloudWatch Logs. */
  stream?: aws.kinesis.Stream;
  /** The archive bucket: Firehose checks at create time that it can write it. */
  bucket?: pulumi.Resource;
  /** The account's provider (one per account: infra/kernel/providers.ts). */
  provider: aws.Provider;
  /** The region its resources are in: the home region. */
  region: string;
}

/** Where the archive lands (`infra/archive/layout.ts`): partitioned for Athena, failures by error type. */
export const ARCHIVE_PREFIX = firehosePrefix(LOGS_LAYOUT);
export const ARCHIVE_ERROR_PREFIX = errorPrefix(AREAS.logs);

/**
 * The Firehose that archives CloudWatch Logs records into the bucket, un-gzipped, one envelope per
 * line, in GZIP objects (`.json.gz`) partitioned by account, log group and day; control messages
 * under their own area; failures kept under `errors/`.
 */
export class ArchiveDelivery extends pulumi.ComponentResource {
  readonly firehose: aws.kinesis.FirehoseDeliveryStream;
  readonly role: aws.iam.Role;
  readonly processor?: GunzipProcessor;

  constructor(name: string, args: ArchiveDeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("central-logging:recipient:ArchiveDelivery", name, {}, opts);
    const { plan } = args;
    const o = { parent: this, provider: args.provider };
    if (plan.transport === "kinesis" && !(args.stream && plan.stream && plan.processor)) {
      throw new Error("central-logging: the kinesis transport needs a stream and a processor plan");
    }

    this.role = new aws.iam.Role(
      `${name}-role`,
      { name: plan.firehose.roleName, assumeRolePolicy: JSON.stringify(firehoseTrustPolicy(plan.accountId)) },
      o,
    );

    if (plan.processor && plan.stream) {
      this.processor = new GunzipProcessor(
        `${name}-gunzip`,
        {
          accountId: plan.accountId,
          region: plan.homeRegion,
          functionName: plan.processor.name,
          roleName: plan.processor.roleName,
          logGroupName: plan.processor.logGroup,
          streamArn: plan.stream.arn,
          provider: args.provider,
        },
        { parent: this },
      );
    }

    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-role-policy`,
      {
        role: this.role.name,
        policy: JSON.stringify(
          firehoseDeliveryPolicy({
            bucketArn: plan.bucketArn,
            objectPrefixes: [`${AREAS.logs}/`, `${AREAS.control}/`, `${AREAS.errors}/${AREAS.logs}/`],
            ...(plan.stream ? { streamArn: plan.stream.arn } : {}),
            ...(plan.processor ? { processorArn: plan.processor.arn } : {}),
            errorLogGroupArn: plan.firehose.errorLogGroup.arn,
          }),
        ),
      },
      o,
    );

    // The Lambda (kinesis transport) or Firehose itself (direct put) un-gzips; then jq reads the
    // envelope's owner, log group and message type for the partition keys.
    const processors = this.processor
      ? [
          {
            type: "Lambda",
            parameters: [
              {
                parameterName: "LambdaArn",
                parameterValue: pulumi.interpolate`${this.processor.functionArn}:$LATEST`,
              },
              // Measured by `npm run bench` on CloudTrail-like data: at 1 MB, 67% of records un-gzip
              // past Lambda's 6 MB response and are re-put; at 0.3 MB none are (largest response
              // 5.6 MB), at 0.35 MB 7%. Firehose accepts 0.2-3 (ProcessorParameter BufferSizeInMBs).
              { parameterName: "BufferSizeInMBs", parameterValue: "0.3" },
              { parameterName: "BufferIntervalInSeconds", parameterValue: "60" },
              { parameterName: "NumberOfRetries", parameterValue: "3" },
            ],
          },
          partitionByQuery(LOGS_PARTITION_QUERY),
        ]
      : [
          {
            type: "Decompression",
            parameters: [{ parameterName: "CompressionFormat", parameterValue: "GZIP" }],
          },
          partitionByQuery(LOGS_PARTITION_QUERY),
          { type: "AppendDelimiterToRecord", parameters: [] },
        ];

    const errorLog = firehoseErrorLog(name, plan.firehose.errorLogGroup.name, {
      ...o,
      region: args.region,
    });
    this.firehose = new aws.kinesis.FirehoseDeliveryStream(
      name,
      {
        region: args.region,
        name: plan.firehose.name,
        destination: "extended_s3",
        ...(args.stream
          ? { kinesisSourceConfiguration: { kinesisStreamArn: args.stream.arn, roleArn: this.role.arn } }
          : // Direct put: encrypt at rest in Firehose (a stream source is encrypted by the stream).
            { serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" } }),
        extendedS3Configuration: {
          roleArn: this.role.arn,
          bucketArn: plan.bucketArn,
          prefix: ARCHIVE_PREFIX,
          errorOutputPrefix: ARCHIVE_ERROR_PREFIX,
          bufferingSize: args.buffering.bufferSizeMiB,
          bufferingInterval: args.buffering.bufferIntervalSeconds,
          ...PARTITIONED_GZIP_OBJECTS,
          processingConfiguration: { enabled: true, processors },
          cloudwatchLoggingOptions: errorLog.cloudwatchLoggingOptions,
        },
      },
      {
        ...o,
        // Firehose checks at create time that its role can read the source and write the bucket.
        // (A component's own dependsOn does not reach its children: the bucket is named here.)
        dependsOn: [rolePolicy, errorLog.stream, ...(args.bucket ? [args.bucket] : [])],
        // Dynamic partitioning can only be set when a Firehose is created: a stack made before it
        // existed replaces its Firehose, and the name is fixed, so the old one must go first.
        deleteBeforeReplace: true,
      },
    );
    this.registerOutputs({ firehoseArn: this.firehose.arn });
  }
}
