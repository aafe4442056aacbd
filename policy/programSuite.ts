/**
 * The pack against the real program, one stack file per test file (the mocks are process-global):
 * every registered resource and provider goes to every policy, and the program must pass. A
 * mutated copy of the same registrations shows the check is live.
 */
import { beforeAll, expect, it } from "vitest";
import { runProgram } from "../tools/offline/run";
import { readStackFile } from "../tools/offline/stackFile";
import { S3_TYPES } from "./archiveBucket";
import { ROLE_TYPE } from "./confusedDeputy";
import { LOG_GROUP_TYPE } from "./logRetention";
import { policyInputs } from "./offline";
import { policies } from "./policies";
import { AWS_PROVIDER_TYPE } from "./providers";
import { FIREHOSE_TYPE, STREAM_TYPE } from "./streamEncryption";
import { checkAll, type ResourceInput, urnOf } from "./validation";

export function programPolicySuite(stackFile: string, expectedCounts: Record<string, number>): void {
  const { stack, config } = readStackFile(stackFile);
  let resources: ResourceInput[] = [];

  beforeAll(async () => {
    const run = await runProgram(stack, config);
    if (!run.ok) throw new Error(`program failed:\n${run.errors.join("\n")}`);
    resources = policyInputs(run.mocks, stack);
  });

  const count = (type: string) => resources.filter((r) => r.type === type).length;
  const only = (type: string) => {
    const [first, ...rest] = resources.filter((r) => r.type === type);
    if (!first || rest.length > 0) throw new Error(`expected one ${type}`);
    return first;
  };

  it("hands the pack every provider and every resource the policies judge", () => {
    expect(Object.fromEntries(Object.keys(expectedCounts).map((type) => [type, count(type)]))).toEqual(
      expectedCounts,
    );
  });

  it("reports each AWS resource with the explicit provider it was registered through", () => {
    const aws = resources.filter((r) => r.type.startsWith("aws:"));
    expect(
      aws.filter((r) => r.provider?.type !== AWS_PROVIDER_TYPE || !/^aws-\d{12}$/.test(r.provider.name)),
    ).toEqual([]);
  });

  it("violates no policy, mandatory or advisory", async () => {
    expect(await checkAll(policies, resources, stack)).toEqual([]);
  });

  it("reports regressions planted in the same registrations", async () => {
    const logGroup = resources.find((r) => r.type === LOG_GROUP_TYPE);
    const role = resources.find((r) => r.type === ROLE_TYPE);
    const stream = only(STREAM_TYPE);
    // The gunzip processor: every stack with the kinesis transport has it.
    const lambda = resources.find(
      (r) => r.type === "aws:lambda/function:Function" && r.name === "recipient-delivery-gunzip",
    );
    if (!lambda) throw new Error("expected the gunzip Lambda");
    // The archive's: the Firehose that reads the stream, the bucket it writes.
    const firehose = resources.find((r) => r.type === FIREHOSE_TYPE && r.props.kinesisSourceConfiguration);
    const bucket = resources.find((r) => r.type === S3_TYPES.bucket[0] && r.name === "recipient-archive");
    if (!firehose || !bucket) throw new Error("expected the archive's Firehose and bucket");
    if (!logGroup || !role) throw new Error("expected a log group and a role");
    const defaultProvider = {
      type: AWS_PROVIDER_TYPE,
      name: "default",
      urn: urnOf(AWS_PROVIDER_TYPE, "default", stack),
    };
    const unguardedTrust = {
      Statement: [
        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    };

    const mutated = resources
      .filter((r) => !(r.type === S3_TYPES.policy[0] && r.name === "recipient-archive-policy"))
      .map((r) => {
        if (r === logGroup) return { ...r, props: { ...r.props, retentionInDays: undefined } };
        if (r === role)
          return { ...r, props: { ...r.props, assumeRolePolicy: JSON.stringify(unguardedTrust) } };
        if (r === stream) return { ...r, props: { ...r.props, encryptionType: "NONE" } };
        if (r === lambda) return { ...r, provider: { ...defaultProvider, props: {} } };
        return r;
      });

    const key = (r: ResourceInput) => `${r.type}::${r.name}`;
    const bucketName = String(bucket.props.bucket);
    const streamArn = (firehose.props.kinesisSourceConfiguration as { kinesisStreamArn: string })
      .kinesisStreamArn;
    expect(await checkAll(policies, mutated, stack)).toEqual([
      {
        policy: "aws-explicit-provider",
        enforcementLevel: "mandatory",
        resource: key(lambda),
        message: `uses the default AWS provider (urn:pulumi:${stack}::central-logging::pulumi:providers:aws::default): pass an explicit aws.Provider`,
      },
      {
        policy: "archive-bucket-secure",
        enforcementLevel: "mandatory",
        resource: key(bucket),
        message: `bucket ${bucketName} accepts plain HTTP: no aws.s3.BucketPolicy names it`,
      },
      {
        policy: "service-trust-confused-deputy",
        enforcementLevel: "mandatory",
        resource: key(role),
        message:
          "trust statement #1 lets lambda.amazonaws.com assume the role without a confused-deputy condition " +
          "(aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or sts:ExternalId)",
      },
      {
        policy: "log-group-retention",
        enforcementLevel: "mandatory",
        resource: key(logGroup),
        message: "log group keeps its events forever: set retentionInDays",
      },
      {
        policy: "kinesis-stream-encrypted",
        enforcementLevel: "mandatory",
        resource: key(stream),
        message: "stream is not encrypted at rest (encryptionType NONE): set encryptionType KMS",
      },
      {
        policy: "firehose-source-stream-encrypted",
        enforcementLevel: "mandatory",
        resource: key(firehose),
        message: `Firehose reads ${streamArn}, which is not KMS-encrypted (encryptionType NONE)`,
      },
    ]);
  });
}
