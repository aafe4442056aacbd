/**
 * Small pieces several components are built from (no ComponentResource here): each helper
 * creates its resources under the caller's parent and provider, with names derived from the
 * caller's, so the URNs are what the caller would have made itself.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { eventsDeadLetterQueuePolicy } from "../events/policies";
import { functionArchive } from "./lambda/bundle";
import { lambdaTrustPolicy } from "./lambdaPolicies";
import type { Notifications } from "./schema";

/**
 * Where the calling component puts things: its parent, its account's provider (one per account),
 * and the region every regional resource names (`region`, @pulumi/aws 7).
 */
export interface Placement {
  parent: pulumi.Resource;
  provider: aws.Provider;
  region: string;
}

/** The resource options of a placement (its region goes into each resource's inputs). */
export function options(
  o: Placement,
  extra: pulumi.CustomResourceOptions = {},
): pulumi.CustomResourceOptions {
  return { ...extra, parent: o.parent, provider: o.provider };
}

/** EventBridge retries a failed delivery for at most 24 hours and 185 times. */
export const EVENT_RETRY_POLICY = { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 };

/** Dead letters wait the longest SQS allows (14 days) for someone to look. */
export const DEAD_LETTER_RETENTION_SECONDS = 1_209_600;

/** An SQS queue for dead letters: encrypted (SSE-SQS), kept 14 days. */
/**
 * A topic's subscribers (e-mail, https, SQS), each named by its endpoint, never by position:
 * removing one subscriber leaves the others alone.
 */
export function topicSubscriptions(
  name: string,
  topicArn: pulumi.Input<string>,
  n: Notifications,
  o: Placement,
): aws.sns.TopicSubscription[] {
  const subscribers = [
    ...n.emails.map((endpoint) => ({ protocol: "email", endpoint })),
    ...n.httpsEndpoints.map((endpoint) => ({ protocol: "https", endpoint })),
    ...n.sqsQueueArns.map((endpoint) => ({ protocol: "sqs", endpoint })),
  ];
  return subscribers.map(
    (s) =>
      new aws.sns.TopicSubscription(
        `${name}-${s.protocol}-${s.endpoint}`,
        { region: o.region, topic: topicArn, protocol: s.protocol, endpoint: s.endpoint },
        options(o),
      ),
  );
}

export function deadLetterQueue(name: string, queueName: string, o: Placement): aws.sqs.Queue {
  return new aws.sqs.Queue(
    name,
    {
      region: o.region,
      name: queueName,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
    },
    options(o),
  );
}

/** The dead-letter queue of EventBridge rules, which only those rules may write. */
export function eventsDeadLetterQueue(
  name: string,
  queue: { name: string; arn: string },
  ruleArns: string[],
  o: Placement,
): { queue: aws.sqs.Queue; policy: aws.sqs.QueuePolicy } {
  const created = deadLetterQueue(name, queue.name, o);
  const policy = new aws.sqs.QueuePolicy(
    `${name}-policy`,
    {
      region: o.region,
      queueUrl: created.url,
      policy: JSON.stringify(eventsDeadLetterQueuePolicy(queue.arn, ruleArns)),
    },
    options(o),
  );
  return { queue: created, policy };
}

/**
 * What every bucket here gets: all public access blocked, objects owned by the bucket owner
 * (no ACLs), default encryption with a bucket key, and versioning. Returns what later settings
 * must wait for (S3 checks policies against the block, noncurrent rules against versioning).
 */
export function hardenBucket(
  name: string,
  bucket: pulumi.Input<string>,
  o: Placement,
): { publicAccess: aws.s3.BucketPublicAccessBlock; versioning: aws.s3.BucketVersioning } {
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access`,
    {
      region: o.region,
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    options(o),
  );
  new aws.s3.BucketOwnershipControls(
    `${name}-ownership`,
    { region: o.region, bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
    options(o),
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    {
      region: o.region,
      bucket,
      // SSE-S3: a bucket key applies only to SSE-KMS, so none is set (S3 would ignore it).
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    },
    options(o),
  );
  const versioning = new aws.s3.BucketVersioning(
    `${name}-versioning`,
    { region: o.region, bucket, versioningConfiguration: { status: "Enabled" } },
    options(o),
  );
  return { publicAccess, versioning };
}

/** How long a Firehose's error log keeps its entries (days; a CloudWatch Logs retention period). */
export const FIREHOSE_ERROR_LOG_RETENTION_DAYS = 30;

/**
 * A Firehose's error log: a log group of its own with retention, and the stream Firehose writes
 * delivery errors to; returns the Firehose's `cloudwatchLoggingOptions`. Without it a failing
 * delivery or transformation shows only as records under the bucket's error prefix.
 */
export function firehoseErrorLog(name: string, logGroupName: string, o: Placement) {
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-error-log`,
    { region: o.region, name: logGroupName, retentionInDays: FIREHOSE_ERROR_LOG_RETENTION_DAYS },
    options(o),
  );
  const stream = new aws.cloudwatch.LogStream(
    `${name}-error-log-stream`,
    { region: o.region, name: FIREHOSE_ERROR_LOG_STREAM, logGroupName: logGroup.name },
    options(o),
  );
  return {
    stream,
    cloudwatchLoggingOptions: { enabled: true, logGroupName: logGroup.name, logStreamName: stream.name },
  };
}

/** The log stream Firehose's S3 delivery errors go to (its console's name for it). */
export const FIREHOSE_ERROR_LOG_STREAM = "DestinationDelivery";

/** Dynamic partitioning by jq 1.6: the query's keys fill the prefix's `partitionKeyFromQuery`. */
export function partitionByQuery(query: string) {
  return {
    type: "MetadataExtraction",
    parameters: [
      { parameterName: "MetadataExtractionQuery", parameterValue: query },
      { parameterName: "JsonParsingEngine", parameterValue: "JQ-1.6" },
    ],
  };
}

/**
 * How both archive Firehoses write: GZIP objects named `.json.gz` (Athena and SIEM readers pick
 * the decoder by extension), days in UTC, dynamically partitioned (which only a new Firehose can
 * get, and which needs buffers of 64 MiB or more).
 */
export const PARTITIONED_GZIP_OBJECTS = {
  compressionFormat: "GZIP",
  fileExtension: ".json.gz",
  customTimeZone: "UTC",
  dynamicPartitioningConfiguration: { enabled: true, retryDuration: 300 },
} as const;

/** A Lambda's role: only Lambda acting for this account may assume it. */
export function lambdaRole(name: string, roleName: string, accountId: string, o: Placement): aws.iam.Role {
  return new aws.iam.Role(
    `${name}-role`,
    { name: roleName, assumeRolePolicy: JSON.stringify(lambdaTrustPolicy(accountId)) },
    options(o),
  );
}

export interface BundledLambdaArgs {
  functionName: string;
  role: aws.iam.Role;
  /** The role's inline policy (JSON). */
  policy: pulumi.Input<string>;
  logGroupName: string;
  logRetentionDays: number;
  /** Handler path under `infra/` (`<capability>/<lambda>/index.ts`), bundled by esbuild at deploy time. */
  handler: string;
  memorySize: number;
  timeout: number;
  environment?: Record<string, pulumi.Input<string>>;
}

/**
 * A Lambda of this program: Node.js 22 on arm64, the esbuild bundle of its handler, JSON logs in a
 * log group of its own with retention; created after its role's policy and its log group.
 */
export function bundledLambda(
  name: string,
  args: BundledLambdaArgs,
  o: Placement,
): { fn: aws.lambda.Function; rolePolicy: aws.iam.RolePolicy } {
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-logs`,
    { region: o.region, name: args.logGroupName, retentionInDays: args.logRetentionDays },
    options(o),
  );
  const rolePolicy = new aws.iam.RolePolicy(
    `${name}-role-policy`,
    { role: args.role.name, policy: args.policy },
    options(o),
  );
  const fn = new aws.lambda.Function(
    name,
    {
      region: o.region,
      name: args.functionName,
      role: args.role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      code: functionArchive(args.handler),
      memorySize: args.memorySize,
      timeout: args.timeout,
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      ...(args.environment ? { environment: { variables: args.environment } } : {}),
    },
    options(o, { dependsOn: [rolePolicy, logGroup] }),
  );
  return { fn, rolePolicy };
}
