import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { firehoseDeliveryPolicy, firehoseTrustPolicy } from "../policies";
import type { RecipientPlan } from "../routing";
import { GunzipProcessor } from "./gunzipProcessor";

export interface Buffering {
  bufferSizeMiB: number;
  bufferIntervalSeconds: number;
}

export interface ArchiveDeliveryArgs {
  plan: RecipientPlan;
  buffering: Buffering;
  /** The stream to read (kinesis transport); absent = direct put by CloudWatch Logs. */
  stream?: aws.kinesis.Stream;
  /** The recipient account's provider in the home region. */
  provider: aws.Provider;
}

/** Where the archive lands: a date prefix for data, the error type under `errors/`. */
export const ARCHIVE_PREFIX = "cloudwatch-logs/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/";
export const ARCHIVE_ERROR_PREFIX =
  "errors/cloudwatch-logs/!{firehose:error-output-type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/";

/**
 * The Firehose that archives CloudWatch Logs records into the bucket, un-gzipped, one record per
 * line, GZIP-compressed objects under a date prefix; failures kept under `errors/`.
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
            ...(plan.stream ? { streamArn: plan.stream.arn } : {}),
            ...(plan.processor ? { processorArn: plan.processor.arn } : {}),
          }),
        ),
      },
      o,
    );

    const processors = this.processor
      ? [
          {
            type: "Lambda",
            parameters: [
              {
                parameterName: "LambdaArn",
                parameterValue: pulumi.interpolate`${this.processor.functionArn}:$LATEST`,
              },
              // Small batches keep the un-gzipped response well under Lambda's 6 MB limit.
              { parameterName: "BufferSizeInMBs", parameterValue: "1" },
              { parameterName: "BufferIntervalInSeconds", parameterValue: "60" },
              { parameterName: "NumberOfRetries", parameterValue: "3" },
            ],
          },
        ]
      : [
          {
            type: "Decompression",
            parameters: [{ parameterName: "CompressionFormat", parameterValue: "GZIP" }],
          },
          { type: "AppendDelimiterToRecord", parameters: [] },
        ];

    this.firehose = new aws.kinesis.FirehoseDeliveryStream(
      name,
      {
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
          compressionFormat: "GZIP",
          processingConfiguration: { enabled: true, processors },
        },
      },
      // Firehose checks at create time that its role can read the source and write the bucket.
      { ...o, dependsOn: [rolePolicy] },
    );
    this.registerOutputs({ firehoseArn: this.firehose.arn });
  }
}
