import { describe, expect, it } from "vitest";
import { ROLE_TYPE, serviceTrustConfusedDeputy } from "./confusedDeputy";
import { isUnknownValueError } from "./preview";
import { asInPreview, resourceArgs, runResourcePolicy, UNKNOWN_INPUT } from "./validation";

const trust = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const check = (assumeRolePolicy: unknown, type = ROLE_TYPE) =>
  runResourcePolicy(
    serviceTrustConfusedDeputy,
    resourceArgs({ type, name: "role", props: { assumeRolePolicy } }),
  );

const service = (Condition?: object, extra: object = {}) => ({
  Effect: "Allow",
  Principal: { Service: "firehose.amazonaws.com" },
  Action: "sts:AssumeRole",
  ...(Condition ? { Condition } : {}),
  ...extra,
});

const UNGUARDED =
  "trust statement #1 lets firehose.amazonaws.com assume the role without a confused-deputy condition " +
  "(aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or sts:ExternalId)";

describe("service-trust-confused-deputy", () => {
  it.each([
    ["sts:ExternalId", { StringEquals: { "sts:ExternalId": "999999999999" } }],
    ["aws:SourceAccount", { StringEquals: { "aws:SourceAccount": "111111111111" } }],
    [
      "aws:SourceArn (ArnLike)",
      { ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-east-2:111111111111:vpc-flow-log/*" } },
    ],
    [
      "aws:SourceArn (StringLike, list)",
      { StringLike: { "aws:SourceArn": ["arn:aws:logs:a:1:*", "arn:aws:logs:a:2:*"] } },
    ],
    ["aws:SourceOrgID", { StringEquals: { "aws:SourceOrgID": "o-abc123" } }],
    ["keys in any case", { StringEquals: { "AWS:SOURCEACCOUNT": "111111111111" } }],
  ])("passes a service trust guarded by %s", async (_, condition) => {
    expect(await check(trust(service(condition)))).toEqual([]);
  });

  it("passes account principals and Deny statements without conditions", async () => {
    const account = {
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111111111111:root" },
      Action: "sts:AssumeRole",
    };
    const deny = { Effect: "Deny", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" };
    expect(await check(trust(account, deny))).toEqual([]);
  });

  it("fails a service trust without a condition", async () => {
    expect(await check(trust(service()))).toEqual([UNGUARDED]);
  });

  it.each([
    ["an unrelated key", { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } }],
    ["an ...IfExists operator", { StringEqualsIfExists: { "aws:SourceAccount": "111111111111" } }],
    ["a negated operator", { StringNotEquals: { "aws:SourceAccount": "111111111111" } }],
    [
      "ForAllValues (matches when the key is absent)",
      { "ForAllValues:StringEquals": { "aws:SourceArn": "arn:x" } },
    ],
    ["a bare wildcard", { StringLike: { "aws:SourceArn": "*" } }],
    ["no value", { StringEquals: { "aws:SourceAccount": [] } }],
  ])("fails a service trust guarded only by %s", async (_, condition) => {
    expect(await check(trust(service(condition)))).toEqual([UNGUARDED]);
  });

  it("names the statement by Sid and lists every service", async () => {
    const statement = service(undefined, {
      Sid: "Logs",
      Principal: { Service: ["logs.us-east-1.amazonaws.com", "logs.eu-west-1.amazonaws.com"] },
    });
    expect(await check(trust(statement))).toEqual([
      "trust statement Logs lets logs.us-east-1.amazonaws.com, logs.eu-west-1.amazonaws.com assume the role " +
        "without a confused-deputy condition (aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or sts:ExternalId)",
    ]);
  });

  it("reports each unguarded statement and reads an object document", async () => {
    const doc = { Statement: [service({ StringEquals: { "sts:ExternalId": "1" } }), service()] };
    expect(await check(doc)).toEqual([UNGUARDED.replace("#1", "#2")]);
  });

  it("fails a trust policy that does not parse", async () => {
    expect(await check("{")).toEqual(["assumeRolePolicy is not a policy document (not valid JSON)"]);
  });

  it("ignores other resource types", async () => {
    expect(await check(trust(service()), "aws:iam/policy:Policy")).toEqual([]);
  });

  it("defers to `pulumi up` when the trust policy is unknown in preview", async () => {
    const args = resourceArgs({
      type: ROLE_TYPE,
      name: "r",
      props: asInPreview({ assumeRolePolicy: UNKNOWN_INPUT }),
    });
    await expect(runResourcePolicy(serviceTrustConfusedDeputy, args)).rejects.toSatisfy(isUnknownValueError);
  });
});
