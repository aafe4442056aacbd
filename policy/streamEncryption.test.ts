import { describe, expect, it } from "vitest";
import {
  FIREHOSE_TYPE,
  firehoseEncrypted,
  firehoseSourceStreamEncrypted,
  kinesisStreamEncrypted,
  parseStreamArn,
  STREAM_TYPE,
} from "./streamEncryption";
import {
  asInPreview,
  awsProvider,
  type ResourceInput,
  resourceArgs,
  runResourcePolicy,
  runStackPolicy,
  stackArgs,
  UNKNOWN_INPUT,
  urnOf,
} from "./validation";

const ARN = "arn:aws:kinesis:ap-northeast-1:999999999999:stream/central-logging-dev-logs";
const home = awsProvider("aws-999999999999-ap-northeast-1", {
  region: "ap-northeast-1",
  allowedAccountIds: '["999999999999"]',
});

describe("kinesis-stream-encrypted", () => {
  const check = (props: Record<string, unknown>) =>
    runResourcePolicy(kinesisStreamEncrypted, resourceArgs({ type: STREAM_TYPE, name: "s", props }));

  it("passes a KMS-encrypted stream", async () => {
    expect(await check({ encryptionType: "KMS", kmsKeyId: "alias/aws/kinesis" })).toEqual([]);
  });

  it("fails an unencrypted stream", async () => {
    expect(await check({ encryptionType: "NONE" })).toEqual([
      "stream is not encrypted at rest (encryptionType NONE): set encryptionType KMS",
    ]);
    expect(await check({ name: "s" })).toEqual([
      "stream is not encrypted at rest (encryptionType unset): set encryptionType KMS",
    ]);
  });
});

describe("firehose-encrypted", () => {
  const check = (props: Record<string, unknown>) =>
    runResourcePolicy(firehoseEncrypted, resourceArgs({ type: FIREHOSE_TYPE, name: "f", props }));
  const UNENCRYPTED =
    "Firehose does not encrypt at rest: enable serverSideEncryption (direct put) " +
    "or read from a KMS-encrypted Kinesis stream (kinesisSourceConfiguration)";

  it("passes a direct-put Firehose with server-side encryption", async () => {
    expect(await check({ serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" } })).toEqual([]);
  });

  it("passes a Firehose that reads a stream (the stack policy checks the stream)", async () => {
    expect(
      await check({
        kinesisSourceConfiguration: { kinesisStreamArn: ARN, roleArn: "arn:aws:iam::9:role/f" },
      }),
    ).toEqual([]);
  });

  it("fails a direct-put Firehose without encryption", async () => {
    expect(await check({ destination: "extended_s3" })).toEqual([UNENCRYPTED]);
    expect(await check({ serverSideEncryption: { enabled: false } })).toEqual([UNENCRYPTED]);
  });
});

describe("firehose-source-stream-encrypted", () => {
  const firehose = (kinesisStreamArn: unknown): ResourceInput => ({
    type: FIREHOSE_TYPE,
    name: "delivery",
    props: { kinesisSourceConfiguration: { kinesisStreamArn } },
    provider: home,
  });
  const stream = (props: Record<string, unknown>, provider = home): ResourceInput => ({
    type: STREAM_TYPE,
    name: "stream",
    props,
    provider,
  });
  const check = (...resources: ResourceInput[]) =>
    runStackPolicy(firehoseSourceStreamEncrypted, stackArgs(resources));
  const FIREHOSE_URN = urnOf(FIREHOSE_TYPE, "delivery");

  it("passes a Firehose reading this stack's KMS stream, by ARN (after up) or by name (before)", async () => {
    expect(
      await check(
        firehose(ARN),
        stream({ arn: ARN, name: "central-logging-dev-logs", encryptionType: "KMS" }),
      ),
    ).toEqual([]);
    expect(
      await check(firehose(ARN), stream({ name: "central-logging-dev-logs", encryptionType: "KMS" })),
    ).toEqual([]);
  });

  it("passes a direct-put Firehose", async () => {
    expect(
      await check({ type: FIREHOSE_TYPE, name: "f", props: { serverSideEncryption: { enabled: true } } }),
    ).toEqual([]);
  });

  it("fails a Firehose reading an unencrypted stream", async () => {
    expect(
      await check(firehose(ARN), stream({ name: "central-logging-dev-logs", encryptionType: "NONE" })),
    ).toEqual([
      {
        urn: FIREHOSE_URN,
        message: `Firehose reads ${ARN}, which is not KMS-encrypted (encryptionType NONE)`,
      },
    ]);
  });

  it("fails a Firehose reading a stream the stack does not manage", async () => {
    const elsewhere = awsProvider("aws-999999999999-us-east-1", {
      region: "us-east-1",
      allowedAccountIds: '["999999999999"]',
    });
    const message = `Firehose reads ${ARN}, which this stack does not manage: its encryption cannot be checked`;
    expect(await check(firehose(ARN))).toEqual([{ urn: FIREHOSE_URN, message }]);
    // Same name in another region is another stream.
    expect(
      await check(
        firehose(ARN),
        stream({ name: "central-logging-dev-logs", encryptionType: "KMS" }, elsewhere),
      ),
    ).toEqual([{ urn: FIREHOSE_URN, message }]);
  });

  it("does not judge what preview does not know yet", async () => {
    const unknownSource: ResourceInput = {
      ...firehose(undefined),
      props: asInPreview({ kinesisSourceConfiguration: { kinesisStreamArn: UNKNOWN_INPUT } }),
    };
    expect(await check(unknownSource, stream({ name: "x", encryptionType: "NONE" }))).toEqual([]);
    const unnamed = stream(asInPreview({ name: UNKNOWN_INPUT, encryptionType: "KMS" }));
    expect(await check(firehose(ARN), unnamed)).toEqual([]);
    const unknownEncryption = stream(
      asInPreview({ name: "central-logging-dev-logs", encryptionType: UNKNOWN_INPUT }),
    );
    expect(await check(firehose(ARN), unknownEncryption)).toEqual([]);
  });

  it("parses stream ARNs", () => {
    expect(parseStreamArn(ARN)).toEqual({
      region: "ap-northeast-1",
      account: "999999999999",
      name: "central-logging-dev-logs",
    });
    expect(parseStreamArn("arn:aws-cn:kinesis:cn-north-1:123456789012:stream/logs")).toEqual({
      region: "cn-north-1",
      account: "123456789012",
      name: "logs",
    });
    expect(parseStreamArn("arn:aws:firehose:us-east-1:123456789012:deliverystream/x")).toBeUndefined();
  });
});
