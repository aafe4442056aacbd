import { describe, expect, it } from "vitest";
import { actions, list, type Policy, wire } from "../../tests/support/policy";
import { arn } from "../kernel/names";
import { firehoseDeliveryPolicy, firehoseTrustPolicy } from "./firehosePolicies";

const resources = (doc: Policy) => doc.Statement.flatMap((s) => list(s.Resource));

const ACCOUNT = "999999999999";
const REGION = "ap-northeast-1";
const BUCKET = arn.bucket("central-logging-prod-archive-999999999999-ap-northeast-1");
const STREAM = arn.stream(REGION, ACCOUNT, "central-logging-prod-logs");
const PROCESSOR = arn.lambda(REGION, ACCOUNT, "central-logging-prod-cwl-gunzip");

const S3_ACTIONS = [
  "s3:AbortMultipartUpload",
  "s3:GetBucketLocation",
  "s3:GetObject",
  "s3:ListBucket",
  "s3:ListBucketMultipartUploads",
  "s3:PutObject",
];
const KINESIS_READ = [
  "kinesis:DescribeStream",
  "kinesis:GetShardIterator",
  "kinesis:GetRecords",
  "kinesis:ListShards",
];

describe("firehoseTrustPolicy", () => {
  it("lets only Firehose assume the role, with the account as external id", () => {
    expect(wire(firehoseTrustPolicy(ACCOUNT))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "firehose.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": ACCOUNT } },
        },
      ],
    });
  });

  it("uses the account it is given", () => {
    const s = wire(firehoseTrustPolicy("123456789012")).Statement[0]!;
    expect(s.Condition!.StringEquals!["sts:ExternalId"]).toBe("123456789012");
  });
});

describe("firehoseDeliveryPolicy", () => {
  const s3Statement = {
    Sid: "WriteArchiveBucket",
    Effect: "Allow",
    Action: S3_ACTIONS,
    Resource: [BUCKET, `${BUCKET}/*`],
  };

  it("direct put: only the archive bucket, bucket ARN and bucket/* both present", () => {
    const doc = wire(firehoseDeliveryPolicy({ bucketArn: BUCKET }));
    expect(doc).toEqual({ Version: "2012-10-17", Statement: [s3Statement] });
    expect(new Set(resources(doc))).toEqual(new Set([BUCKET, `${BUCKET}/*`]));
    expect(actions(doc).every((a) => a.startsWith("s3:"))).toBe(true);
    expect(actions(doc).filter((a) => a.startsWith("kinesis:") || a.startsWith("lambda:"))).toEqual([]);
  });

  it("S3 actions land on the bucket ARN (bucket-level calls) and bucket/* (object calls)", () => {
    const doc = wire(firehoseDeliveryPolicy({ bucketArn: BUCKET }));
    for (const s of doc.Statement.filter((st) => list(st.Action).some((a) => a.startsWith("s3:")))) {
      expect(list(s.Resource)).toContain(BUCKET);
      expect(list(s.Resource)).toContain(`${BUCKET}/*`);
      expect(list(s.Resource).every((r) => r === BUCKET || r === `${BUCKET}/*`)).toBe(true);
    }
  });

  it("kinesis transport: reads exactly that stream and invokes exactly that function", () => {
    const doc = wire(
      firehoseDeliveryPolicy({ bucketArn: BUCKET, streamArn: STREAM, processorArn: PROCESSOR }),
    );
    expect(doc).toEqual({
      Version: "2012-10-17",
      Statement: [
        s3Statement,
        { Sid: "ReadSourceStream", Effect: "Allow", Action: KINESIS_READ, Resource: STREAM },
        {
          Sid: "InvokeProcessor",
          Effect: "Allow",
          Action: ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"],
          Resource: [PROCESSOR, `${PROCESSOR}:*`],
        },
      ],
    });
  });

  it("the stream statement holds only kinesis read actions, and only on that stream", () => {
    const doc = wire(firehoseDeliveryPolicy({ bucketArn: BUCKET, streamArn: STREAM }));
    const kinesis = doc.Statement.filter((s) => list(s.Action).some((a) => a.startsWith("kinesis:")));
    expect(kinesis).toHaveLength(1);
    expect(list(kinesis[0]!.Action).sort()).toEqual([...KINESIS_READ].sort());
    expect(list(kinesis[0]!.Resource)).toEqual([STREAM]);
    expect(actions(doc)).not.toContain("kinesis:PutRecord");
    expect(actions(doc)).not.toContain("kinesis:PutRecords");
    expect(actions(doc).filter((a) => a.startsWith("lambda:"))).toEqual([]);
  });

  it("the processor statement invokes only that function (and its qualified versions)", () => {
    const doc = wire(firehoseDeliveryPolicy({ bucketArn: BUCKET, processorArn: PROCESSOR }));
    const lambda = doc.Statement.filter((s) => list(s.Action).some((a) => a.startsWith("lambda:")));
    expect(lambda).toHaveLength(1);
    expect(list(lambda[0]!.Action).sort()).toEqual([
      "lambda:GetFunctionConfiguration",
      "lambda:InvokeFunction",
    ]);
    expect(list(lambda[0]!.Resource).sort()).toEqual([PROCESSOR, `${PROCESSOR}:*`]);
    // Firehose is configured with `<function>:$LATEST`: the qualified pattern must cover it.
    expect(`${PROCESSOR}:$LATEST`.startsWith(`${PROCESSOR}:`)).toBe(true);
    expect(actions(doc).filter((a) => a.startsWith("kinesis:"))).toEqual([]);
  });

  it("never grants a wildcard action or a wildcard resource", () => {
    for (const args of [
      { bucketArn: BUCKET },
      { bucketArn: BUCKET, streamArn: STREAM },
      { bucketArn: BUCKET, processorArn: PROCESSOR },
      { bucketArn: BUCKET, streamArn: STREAM, processorArn: PROCESSOR },
    ]) {
      const doc = wire(firehoseDeliveryPolicy(args));
      expect(doc.Statement.every((s) => s.Effect === "Allow")).toBe(true);
      expect(actions(doc).filter((a) => a.includes("*"))).toEqual([]);
      expect(resources(doc)).not.toContain("*");
      expect(doc.Statement.filter((s) => s.NotAction !== undefined || s.NotResource !== undefined)).toEqual(
        [],
      );
      expect(actions(doc)).not.toContain("iam:PassRole");
    }
  });
});
