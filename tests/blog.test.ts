/**
 * The blog setup (seeds/000): account 111111111111's log group `test-trail` in ap-northeast-1,
 * filtered by `{$.userIdentity.type = tada}`, into a Kinesis stream of account 999999999999 —
 * built from a few lines of config, with the write-up's `iam:PassRole` grant left out.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { LOGS_PARTITION_QUERY } from "../infra/archive/layout";
import { input, list, policyOf, type Registered, runStack, stackConfig, T } from "./support/program";

const RECIPIENT = "999999999999";
const SOURCE = "111111111111";
const REGION = "ap-northeast-1";
const STREAM_ARN = `arn:aws:kinesis:${REGION}:${RECIPIENT}:stream/central-logging-blog-logs`;
const DESTINATION_ARN = `arn:aws:logs:${REGION}:${RECIPIENT}:destination:central-logging-blog`;
const BUCKET = `central-logging-blog-archive-${RECIPIENT}-${REGION}`;

let p: Registered;

beforeAll(async () => {
  p = await runStack(
    "blog",
    stackConfig(
      { accountId: RECIPIENT, region: REGION, transport: "kinesis" },
      [
        {
          accountId: SOURCE,
          regions: [REGION],
          subscriptions: [{ logGroup: "test-trail", filterPattern: "{$.userIdentity.type = tada}" }],
        },
      ],
      {
        // Exactly the write-up's resources: no canary, health alarms or dashboard (tests/operations.test.ts).
        "central-logging:operations": { canary: false, alarms: false, dashboard: false },
      },
    ),
  );
});

describe("recipient account 999999999999", () => {
  it("has one encrypted, on-demand Kinesis stream in the home region", () => {
    const stream = p.one(T.stream);
    expect(p.where(stream)).toBe(`${RECIPIENT}/${REGION}`);
    expect(input(stream, "name")).toBe("central-logging-blog-logs");
    expect(input(stream, "encryptionType")).toBe("KMS");
    expect(input(stream, "kmsKeyId")).toBe("alias/aws/kinesis");
    expect(input(stream, "streamModeDetails")).toEqual({ streamMode: "ON_DEMAND" });
    expect(input(stream, "shardCount")).toBeUndefined();
  });

  it("has the destination in the log group's region, targeting the stream", () => {
    const destination = p.one(T.destination);
    expect(p.where(destination)).toBe(`${RECIPIENT}/${REGION}`);
    expect(input(destination, "name")).toBe("central-logging-blog");
    expect(input(destination, "targetArn")).toBe(STREAM_ARN);
    expect(input(destination, "roleArn")).toBe(
      `arn:aws:iam::${RECIPIENT}:role/central-logging-blog-cwl-destination`,
    );
  });

  it("lets exactly the source account subscribe to the destination", () => {
    const policy = p.one(T.destinationPolicy);
    expect(p.where(policy)).toBe(`${RECIPIENT}/${REGION}`);
    expect(input(policy, "destinationName")).toBe("central-logging-blog");
    const doc = policyOf(policy, "accessPolicy");
    expect(doc.Statement).toHaveLength(1);
    expect(doc.Statement[0]).toMatchObject({
      Effect: "Allow",
      Principal: { AWS: [SOURCE] },
      Action: "logs:PutSubscriptionFilter",
      Resource: DESTINATION_ARN,
    });
  });

  it("trusts CloudWatch Logs of ap-northeast-1 only, for the source and the recipient", () => {
    const role = p.one(T.role, "recipient-destination-role");
    // IAM is global: the role is in the account (its trust names the region).
    expect(p.where(role)).toBe(RECIPIENT);
    const trust = policyOf(role, "assumeRolePolicy");
    expect(trust.Statement).toHaveLength(1);
    const [s] = trust.Statement;
    expect(s?.Action).toBe("sts:AssumeRole");
    expect(s?.Principal).toEqual({ Service: `logs.${REGION}.amazonaws.com` });
    expect(s?.Condition).toEqual({
      StringLike: {
        "aws:SourceArn": [`arn:aws:logs:${REGION}:${SOURCE}:*`, `arn:aws:logs:${REGION}:${RECIPIENT}:*`],
      },
    });
  });

  it("lets the destination role put records into the stream and nothing else (no iam:PassRole)", () => {
    const doc = policyOf(p.one(T.rolePolicy, "recipient-destination-role-policy"));
    expect(doc.Statement).toEqual([
      { Sid: "PutIntoStream", Effect: "Allow", Action: "kinesis:PutRecord", Resource: STREAM_ARN },
    ]);
  });

  it("archives the stream with a Firehose that un-gzips through the processor Lambda", () => {
    const firehose = p.one(T.firehose);
    expect(p.where(firehose)).toBe(`${RECIPIENT}/${REGION}`);
    expect(input(firehose, "destination")).toBe("extended_s3");
    expect(input(firehose, "kinesisSourceConfiguration")).toEqual({
      kinesisStreamArn: STREAM_ARN,
      roleArn: `arn:aws:iam::${RECIPIENT}:role/central-logging-blog-firehose`,
    });
    // A stream-fed Firehose takes no server-side encryption of its own: the stream encrypts.
    expect(input(firehose, "serverSideEncryption")).toBeUndefined();
    const s3 = input<Record<string, unknown>>(firehose, "extendedS3Configuration");
    expect(s3).toMatchObject({
      bucketArn: `arn:aws:s3:::${BUCKET}`,
      // Partitioned for Athena: area (data or control), account, log group, day.
      prefix:
        "!{partitionKeyFromQuery:area}/account=!{partitionKeyFromQuery:account}/logGroup=!{partitionKeyFromQuery:logGroup}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/",
      errorOutputPrefix:
        "errors/cloudwatch-logs/!{firehose:error-output-type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/",
      // Dynamic partitioning's minimum buffer.
      bufferingSize: 64,
      bufferingInterval: 300,
      compressionFormat: "GZIP",
      fileExtension: ".json.gz",
      customTimeZone: "UTC",
      dynamicPartitioningConfiguration: { enabled: true, retryDuration: 300 },
    });
    const processing = s3.processingConfiguration as {
      enabled: boolean;
      processors: { type: string; parameters: { parameterName: string; parameterValue: string }[] }[];
    };
    expect(processing.enabled).toBe(true);
    // The Lambda un-gzips; then jq reads the partition keys from the envelope.
    expect(processing.processors.map((x) => x.type)).toEqual(["Lambda", "MetadataExtraction"]);
    expect(processing.processors[1]?.parameters).toEqual([
      { parameterName: "MetadataExtractionQuery", parameterValue: LOGS_PARTITION_QUERY },
      { parameterName: "JsonParsingEngine", parameterValue: "JQ-1.6" },
    ]);
    const lambdaArn = processing.processors[0]?.parameters.find((x) => x.parameterName === "LambdaArn");
    expect(lambdaArn?.parameterValue).toBe(
      `arn:aws:lambda:${REGION}:${RECIPIENT}:function:central-logging-blog-cwl-gunzip:$LATEST`,
    );
  });

  it("runs the gunzip Lambda in the home region with its own least-privilege role", () => {
    const fn = p.one(T.lambda);
    expect(p.where(fn)).toBe(`${RECIPIENT}/${REGION}`);
    expect(input(fn, "runtime")).toBe("nodejs22.x");
    expect(input(fn, "handler")).toBe("index.handler");
    const role = p.one(T.role, "recipient-delivery-gunzip-role");
    expect(policyOf(role, "assumeRolePolicy").Statement[0]).toMatchObject({
      Principal: { Service: "lambda.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": RECIPIENT } },
    });
    const doc = policyOf(p.one(T.rolePolicy, "recipient-delivery-gunzip-role-policy"));
    expect(doc.Statement.flatMap((s) => list(s.Action)).sort()).toEqual([
      "kinesis:PutRecords",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]);
    expect(doc.Statement.find((s) => list(s.Action).includes("kinesis:PutRecords"))?.Resource).toBe(
      STREAM_ARN,
    );
  });

  it("lets only Firehose of the recipient account assume the delivery role", () => {
    const trust = policyOf(p.one(T.role, "recipient-delivery-role"), "assumeRolePolicy");
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "firehose.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": RECIPIENT } },
      },
    ]);
  });

  it("puts the bucket in the home region by default", () => {
    const bucket = p.one(T.bucket, "recipient-archive");
    expect(p.where(bucket)).toBe(`${RECIPIENT}/${REGION}`);
    expect(input(bucket, "bucket")).toBe(BUCKET);
  });
});

describe("source account 111111111111", () => {
  it("subscribes the existing log group with the pattern kept exactly", () => {
    const filter = p.one(T.filter);
    expect(p.where(filter)).toBe(`${SOURCE}/${REGION}`);
    expect(filter.name).toBe(`source-${SOURCE}-${REGION}-test-trail:central-logging-blog`);
    expect(input(filter, "logGroup")).toBe("test-trail");
    expect(input(filter, "filterPattern")).toBe("{$.userIdentity.type = tada}");
    expect(input(filter, "destinationArn")).toBe(DESTINATION_ARN);
    // Cross-account destinations take no role on the sender side.
    expect(input(filter, "roleArn")).toBeUndefined();
  });

  it("never creates or adopts the existing log group", () => {
    expect(p.ofType(T.logGroup).filter((g) => g.provider?.accountId === SOURCE)).toEqual([]);
  });

  it("creates nothing else in the source account", () => {
    expect(p.resources.filter((r) => r.provider?.accountId === SOURCE).map((r) => r.type)).toEqual([
      T.filter,
    ]);
  });
});
