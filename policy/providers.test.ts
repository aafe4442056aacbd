import { describe, expect, it } from "vitest";
import { isUnknownValueError } from "./preview";
import {
  AWS_PROVIDER_TYPE,
  allowedAccountIds,
  awsExplicitProvider,
  awsProviderPinsOneAccount,
  isDefaultProviderUrn,
} from "./providers";
import {
  asInPreview,
  awsProvider,
  type ResourceInput,
  resourceArgs,
  runResourcePolicy,
  UNKNOWN_INPUT,
  urnOf,
} from "./validation";

const explicit = (r: ResourceInput) => runResourcePolicy(awsExplicitProvider, resourceArgs(r));
const pinned = (props: Record<string, unknown>) =>
  runResourcePolicy(
    awsProviderPinsOneAccount,
    resourceArgs({ type: AWS_PROVIDER_TYPE, name: "aws-9-x", props }),
  );

const DEFAULT = {
  type: AWS_PROVIDER_TYPE,
  name: "default_7_48_0",
  urn: urnOf(AWS_PROVIDER_TYPE, "default_7_48_0"),
  props: {},
};
const logGroup = { type: "aws:cloudwatch/logGroup:LogGroup", name: "lg", props: { retentionInDays: 7 } };

describe("aws-explicit-provider", () => {
  it("passes an AWS resource that names its provider", async () => {
    expect(await explicit({ ...logGroup, provider: awsProvider("aws-999999999999-ap-northeast-1") })).toEqual(
      [],
    );
  });

  it("fails one on the default provider", async () => {
    expect(await explicit({ ...logGroup, provider: DEFAULT })).toEqual([
      "uses the default AWS provider (urn:pulumi:test::central-logging::pulumi:providers:aws::default_7_48_0): pass an explicit aws.Provider",
    ]);
  });

  it("fails one without provider information", async () => {
    expect(await explicit(logGroup)).toEqual([
      "the engine reported no provider: pass an explicit aws.Provider",
    ]);
  });

  it("leaves other packages alone", async () => {
    expect(await explicit({ type: "random:index/randomId:RandomId", name: "r", props: {} })).toEqual([]);
  });

  it.each([
    ["urn:pulumi:dev::p::pulumi:providers:aws::default", true],
    ["urn:pulumi:dev::p::pulumi:providers:aws::default_7_48_0", true],
    ["urn:pulumi:dev::p::pulumi:providers:aws::aws-111111111111-us-east-1", false],
    ["urn:pulumi:dev::p::pulumi:providers:aws::defaults-are-bad", false],
    ["urn:pulumi:dev::p::aws:s3/bucket:Bucket::default", false],
  ])("%s is a default provider: %s", (urn, expected) => {
    expect(isDefaultProviderUrn(urn)).toBe(expected);
  });
});

describe("aws-provider-pins-one-account", () => {
  it("passes one account, as JSON text (Node SDK) or as a list", async () => {
    expect(await pinned({ allowedAccountIds: '["999999999999"]', region: "ap-northeast-1" })).toEqual([]);
    expect(await pinned({ allowedAccountIds: ["999999999999"] })).toEqual([]);
  });

  it("fails a provider that pins nothing", async () => {
    const message =
      "provider aws-9-x does not set allowedAccountIds: pin it to the one account it deploys into";
    expect(await pinned({ region: "us-east-1" })).toEqual([message]);
    expect(await pinned({ allowedAccountIds: "[]" })).toEqual([message]);
    expect(await pinned({ allowedAccountIds: "999999999999" })).toEqual([message]);
  });

  it("fails a provider that allows several accounts", async () => {
    expect(await pinned({ allowedAccountIds: '["111111111111","222222222222"]' })).toEqual([
      "provider aws-9-x allows 2 accounts (111111111111, 222222222222): pin exactly one",
    ]);
  });

  it("fails a provider that pins something other than an account id", async () => {
    expect(await pinned({ allowedAccountIds: ["prod"] })).toEqual([
      "provider aws-9-x pins 'prod', which is not a 12-digit account id",
    ]);
  });

  it("ignores everything that is not an AWS provider", async () => {
    expect(await runResourcePolicy(awsProviderPinsOneAccount, resourceArgs(logGroup))).toEqual([]);
  });

  it("defers to `pulumi up` when the account is unknown in preview", async () => {
    const args = resourceArgs({
      type: AWS_PROVIDER_TYPE,
      name: "p",
      props: asInPreview({ allowedAccountIds: UNKNOWN_INPUT }),
    });
    await expect(runResourcePolicy(awsProviderPinsOneAccount, args)).rejects.toSatisfy(isUnknownValueError);
  });

  it("reads allowedAccountIds in both encodings and nothing else", () => {
    expect(allowedAccountIds('["1","2"]')).toEqual(["1", "2"]);
    expect(allowedAccountIds(["1"])).toEqual(["1"]);
    expect(allowedAccountIds("[1]")).toBeUndefined();
    expect(allowedAccountIds(undefined)).toBeUndefined();
  });
});
