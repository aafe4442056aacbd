/**
 * The knowledge-center setup (seeds/001): VPC flow logs of 222222222222 in us-east-2, a
 * destination in recipient 111111111111, a Firehose in us-east-1 and the bucket in us-west-2.
 * The write-up subscribes with a us-east-1 destination ARN: wrong — the destination must be in
 * the log group's region (us-east-2). Its `firehose:*` / `iam:PassRole` grants are not needed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { LOGS_PARTITION_QUERY } from "../infra/archive/layout";
import { input, list, policyOf, type Registered, runStack, stackConfig, T } from "./support/program";

const RECIPIENT = "111111111111";
const SOURCE = "222222222222";
const FIREHOSE_ARN = "arn:aws:firehose:us-east-1:111111111111:deliverystream/central-logging-kc-archive";
const DESTINATION_ARN = "arn:aws:logs:us-east-2:111111111111:destination:central-logging-kc";
const BUCKET = "central-logging-kc-archive-111111111111-us-west-2";
const LOG_GROUP_ARN = "arn:aws:logs:us-east-2:222222222222:log-group:vpc-flow-logs";

let p: Registered;

beforeAll(async () => {
  p = await runStack(
    "kc",
    stackConfig(
      { accountId: RECIPIENT, region: "us-east-1", bucketRegion: "us-west-2", transport: "firehose" },
      [
        {
          accountId: SOURCE,
          regions: ["us-east-2"],
          flowLogs: [{ vpcId: "vpc-12345678", trafficType: "ALL", logGroup: "vpc-flow-logs" }],
        },
      ],
    ),
  );
});

describe("recipient 111111111111: bucket in us-west-2", () => {
  it("creates the bucket and all its settings in us-west-2", () => {
    const bucket = p.one(T.bucket, "recipient-archive");
    expect(p.where(bucket)).toBe(`${RECIPIENT}/us-west-2`);
    expect(input(bucket, "bucket")).toBe(BUCKET);
    expect(input(bucket, "forceDestroy")).toBe(false);
    for (const type of [
      T.bucketPolicy,
      T.lifecycle,
      T.versioning,
      T.encryption,
      T.publicAccess,
      T.ownership,
    ]) {
      // The archive's and the Athena results bucket's: both beside the data.
      expect(p.ofType(type).map((r) => p.where(r))).toEqual([
        `${RECIPIENT}/us-west-2`,
        `${RECIPIENT}/us-west-2`,
      ]);
    }
  });

  it("versions, encrypts, blocks public access and enforces bucket-owner objects", () => {
    expect(input(p.one(T.versioning, "recipient-archive-versioning"), "versioningConfiguration")).toEqual({
      status: "Enabled",
    });
    expect(input(p.one(T.encryption, "recipient-archive-encryption"), "rules")).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
    expect(p.one(T.publicAccess, "recipient-archive-public-access").inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(input(p.one(T.ownership, "recipient-archive-ownership"), "rule")).toEqual({
      objectOwnership: "BucketOwnerEnforced",
    });
  });

  it("tiers to STANDARD_IA at 30 days, GLACIER at 365 and expires at 1095", () => {
    const [rule] = input<Record<string, unknown>[]>(
      p.one(T.lifecycle, "recipient-archive-lifecycle"),
      "rules",
    );
    expect(rule).toMatchObject({
      status: "Enabled",
      transitions: [
        { days: 30, storageClass: "STANDARD_IA" },
        { days: 365, storageClass: "GLACIER" },
      ],
      expiration: { days: 1095 },
      noncurrentVersionExpiration: { noncurrentDays: 30 },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
    });
  });

  it("refuses plain HTTP and old TLS in the bucket policy", () => {
    const doc = policyOf(p.one(T.bucketPolicy, "recipient-archive-policy"));
    expect(doc.Statement.every((s) => s.Effect === "Deny" && s.Principal === "*")).toBe(true);
    const insecure = doc.Statement.find((s) => s.Condition?.Bool);
    expect(insecure?.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
    expect(list(insecure?.Resource)).toEqual([`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`]);
    expect(doc.Statement.find((s) => s.Condition?.NumericLessThan)?.Condition).toEqual({
      NumericLessThan: { "s3:TlsVersion": "1.2" },
    });
  });
});

describe("recipient 111111111111: Firehose in us-east-1", () => {
  it("creates a direct-put Firehose in us-east-1 writing the us-west-2 bucket", () => {
    const firehose = p.one(T.firehose);
    expect(p.where(firehose)).toBe(`${RECIPIENT}/us-east-1`);
    expect(input(firehose, "name")).toBe("central-logging-kc-archive");
    expect(input(firehose, "kinesisSourceConfiguration")).toBeUndefined();
    expect(input(firehose, "serverSideEncryption")).toEqual({ enabled: true, keyType: "AWS_OWNED_CMK" });
    expect(input(firehose, "extendedS3Configuration")).toMatchObject({
      bucketArn: `arn:aws:s3:::${BUCKET}`,
      roleArn: `arn:aws:iam::${RECIPIENT}:role/central-logging-kc-firehose`,
      processingConfiguration: {
        enabled: true,
        processors: [
          {
            type: "Decompression",
            parameters: [{ parameterName: "CompressionFormat", parameterValue: "GZIP" }],
          },
          // Firehose un-gzips, then jq reads the partition keys from the envelope.
          {
            type: "MetadataExtraction",
            parameters: [
              { parameterName: "MetadataExtractionQuery", parameterValue: LOGS_PARTITION_QUERY },
              { parameterName: "JsonParsingEngine", parameterValue: "JQ-1.6" },
            ],
          },
          { type: "AppendDelimiterToRecord" },
        ],
      },
    });
  });

  it("has no stream and no processor Lambda with the firehose transport", () => {
    expect(p.ofType(T.stream)).toEqual([]);
    expect(p.ofType(T.lambda)).toEqual([]);
  });

  it("gives the Firehose role the bucket (its ARN and its own prefixes) and nothing else", () => {
    const doc = policyOf(p.one(T.rolePolicy, "recipient-delivery-role-policy"));
    // The bucket, and its own error log (tests/events.test.ts, "the Firehoses' error logs").
    expect(doc.Statement).toHaveLength(2);
    expect(doc.Statement[1]?.Sid).toBe("WriteErrorLog");
    expect(list(doc.Statement[0]?.Resource)).toEqual([
      `arn:aws:s3:::${BUCKET}`,
      `arn:aws:s3:::${BUCKET}/cloudwatch-logs-control/*`,
      `arn:aws:s3:::${BUCKET}/cloudwatch-logs/*`,
      `arn:aws:s3:::${BUCKET}/errors/cloudwatch-logs/*`,
    ]);
    expect(list(doc.Statement[0]?.Action).every((a) => a.startsWith("s3:") && !a.includes("*"))).toBe(true);
  });
});

describe("recipient 111111111111: destination in us-east-2", () => {
  it("creates the destination in us-east-2 pointing at the us-east-1 Firehose", () => {
    const destination = p.one(T.destination);
    expect(p.where(destination)).toBe(`${RECIPIENT}/us-east-2`);
    expect(input(destination, "targetArn")).toBe(FIREHOSE_ARN);
    expect(p.where(p.one(T.destinationPolicy))).toBe(`${RECIPIENT}/us-east-2`);
    // CloudWatch Logs sends a test message on creation: the Firehose and the role must be ready.
    expect(destination.dependsOn).toEqual(
      expect.arrayContaining([
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream::recipient-delivery",
        "aws:iam/rolePolicy:RolePolicy::recipient-destination-role-policy",
      ]),
    );
  });

  it("admits 222222222222 to the us-east-2 destination", () => {
    const doc = policyOf(p.one(T.destinationPolicy), "accessPolicy");
    expect(doc.Statement).toEqual([
      {
        Sid: "AllowSourceAccountsToSubscribe",
        Effect: "Allow",
        Principal: { AWS: [SOURCE] },
        Action: "logs:PutSubscriptionFilter",
        Resource: DESTINATION_ARN,
      },
    ]);
  });

  it("trusts logs.us-east-2 only, scoped to the source and the recipient; only puts into the Firehose", () => {
    const trust = policyOf(p.one(T.role, "recipient-destination-role"), "assumeRolePolicy");
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0]?.Principal).toEqual({ Service: "logs.us-east-2.amazonaws.com" });
    expect(trust.Statement[0]?.Condition).toEqual({
      StringLike: {
        "aws:SourceArn": ["arn:aws:logs:us-east-2:111111111111:*", "arn:aws:logs:us-east-2:222222222222:*"],
      },
    });
    const doc = policyOf(p.one(T.rolePolicy, "recipient-destination-role-policy"));
    expect(doc.Statement).toEqual([
      {
        Sid: "PutIntoFirehose",
        Effect: "Allow",
        Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
        Resource: FIREHOSE_ARN,
      },
    ]);
  });
});

describe("source 222222222222: VPC flow logs in us-east-2", () => {
  it("creates the flow-log group with retention in the source's us-east-2", () => {
    const group = p.one(T.logGroup, /vpc-12345678/);
    expect(p.where(group)).toBe(`${SOURCE}/us-east-2`);
    expect(input(group, "name")).toBe("vpc-flow-logs");
    expect(input(group, "retentionInDays")).toBe(30);
  });

  it("trusts vpc-flow-logs.amazonaws.com for this account only and writes only that group", () => {
    const role = p.one(T.role, /flow-logs-role$/);
    // IAM is global: the role is in the account (its trust names the region).
    expect(p.where(role)).toBe(SOURCE);
    expect(policyOf(role, "assumeRolePolicy").Statement[0]).toEqual({
      Effect: "Allow",
      Principal: { Service: "vpc-flow-logs.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: {
        StringEquals: { "aws:SourceAccount": SOURCE },
        ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-east-2:222222222222:vpc-flow-log/*" },
      },
    });
    const doc = policyOf(p.one(T.rolePolicy, /flow-logs-role-policy$/));
    expect(doc.Statement).toHaveLength(1);
    expect(list(doc.Statement[0]?.Action).sort()).toEqual([
      "logs:CreateLogStream",
      "logs:DescribeLogStreams",
      "logs:PutLogEvents",
    ]);
    expect(list(doc.Statement[0]?.Resource)).toEqual([LOG_GROUP_ARN, `${LOG_GROUP_ARN}:log-stream:*`]);
  });

  it("enables the flow log into that group with that role", () => {
    const flowLog = p.one(T.flowLog);
    expect(p.where(flowLog)).toBe(`${SOURCE}/us-east-2`);
    expect(flowLog.inputs).toMatchObject({
      vpcId: "vpc-12345678",
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: LOG_GROUP_ARN,
      iamRoleArn: `arn:aws:iam::${SOURCE}:role/central-logging-kc-flow-logs-us-east-2`,
    });
  });

  it("forwards the whole group to the us-east-2 destination (not the write-up's us-east-1 ARN)", () => {
    const filter = p.one(T.filter, /-vpc-flow-logs:/);
    expect(p.where(filter)).toBe(`${SOURCE}/us-east-2`);
    expect(input(filter, "logGroup")).toBe("vpc-flow-logs");
    expect(input(filter, "filterPattern")).toBe("");
    expect(input(filter, "destinationArn")).toBe(DESTINATION_ARN);
    expect(input<string>(filter, "destinationArn")).not.toContain("us-east-1");
    // The only other filter: the canary's (operations.canary), to the same destination.
    const others = p.ofType(T.filter).filter((f) => f !== filter);
    expect(others.map((f) => [p.where(f), input(f, "logGroup"), input(f, "destinationArn")])).toEqual([
      [`${SOURCE}/us-east-2`, "/central-logging/central-logging-kc/canary", DESTINATION_ARN],
    ]);
  });
});
