import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isFullWildcardAction,
  isPartialWildcardAction,
  noPartialWildcardActions,
  noWildcardActions,
  POLICY_DOCUMENT_PROPERTIES,
  policyDocumentsOf,
} from "./noWildcardActions";
import { isUnknownValueError } from "./preview";
import { asInPreview, resourceArgs, runResourcePolicy, UNKNOWN_INPUT } from "./validation";

const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const allow = (Action: unknown, extra: object = {}) => ({
  Effect: "Allow",
  Action,
  Resource: "arn:aws:s3:::b",
  ...extra,
});

const mandatory = (type: string, props: Record<string, unknown>) =>
  runResourcePolicy(noWildcardActions, resourceArgs({ type, name: "r", props }));
const advisory = (type: string, props: Record<string, unknown>) =>
  runResourcePolicy(noPartialWildcardActions, resourceArgs({ type, name: "r", props }));

const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

/** Props with `document` at a path of POLICY_DOCUMENT_PROPERTIES (`a` or `a[].b`). */
function propsWith(path: string, document: string): Record<string, unknown> {
  const [list, key] = path.split("[].");
  return key && list ? { [list]: [{ name: "inline", [key]: document }] } : { [path]: document };
}

describe("no-wildcard-actions", () => {
  const cases = Object.entries(POLICY_DOCUMENT_PROPERTIES).flatMap(([type, paths]) =>
    paths.map((path) => [type, path] as const),
  );

  it.each(cases)("finds `*` in %s %s", async (type, path) => {
    const where = path.replace("[]", "[0]");
    expect(await mandatory(type, propsWith(path, doc(allow("*"))))).toEqual([
      `${where} statement #1 allows *: name the actions it needs`,
    ]);
  });

  it("covers the documents the program writes and the ones the lead is adding", () => {
    expect(Object.keys(POLICY_DOCUMENT_PROPERTIES)).toEqual(
      expect.arrayContaining([
        "aws:iam/role:Role",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/policy:Policy",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy",
        "aws:kms/key:Key",
        "aws:sns/topicPolicy:TopicPolicy",
        "aws:sqs/queuePolicy:QueuePolicy",
        "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
        "aws:opensearch/domain:Domain",
      ]),
    );
  });

  it("passes named actions", async () => {
    const policy = doc(allow(["kinesis:PutRecord", "kinesis:PutRecords"]), allow("s3:GetObject"));
    expect(await mandatory(ROLE_POLICY, { policy })).toEqual([]);
  });

  it("fails <service>:* in any case, by Sid, once per statement", async () => {
    const policy = doc(allow(["s3:*", "S3:GetObject", "KMS:*"], { Sid: "Everything" }));
    expect(await mandatory(ROLE_POLICY, { policy })).toEqual([
      "policy statement Everything allows s3:*, KMS:*: name the actions it needs",
    ]);
  });

  it("fails NotAction in an Allow", async () => {
    const policy = doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" });
    expect(await mandatory(ROLE_POLICY, { policy })).toEqual([
      "policy statement #1 uses NotAction in an Allow: it grants every action it does not list",
    ]);
  });

  it("lets Deny statements use wildcards and NotAction (the TLS-only bucket rule)", async () => {
    const policy = doc(
      { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::b/*" },
      { Effect: "Deny", Principal: "*", NotAction: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
    );
    expect(await mandatory("aws:s3/bucketPolicy:BucketPolicy", { policy })).toEqual([]);
  });

  it("fails a document that does not parse", async () => {
    expect(await mandatory(ROLE_POLICY, { policy: "{" })).toEqual([
      "policy is not a policy document (not valid JSON)",
    ]);
  });

  it("skips absent and empty documents", async () => {
    expect(await mandatory("aws:s3/bucket:Bucket", { bucket: "b" })).toEqual([]);
    expect(await mandatory("aws:sqs/queue:Queue", { policy: "" })).toEqual([]);
    expect(
      await mandatory("aws:iam/role:Role", {
        assumeRolePolicy: doc(allow("sts:AssumeRole")),
        inlinePolicies: [],
      }),
    ).toEqual([]);
  });

  it("finds documents on types it does not list by their property names", async () => {
    const props = {
      somePolicy: doc(allow("*")),
      policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
      name: "x",
    };
    expect(await mandatory("aws:newservice/thing:Thing", props)).toEqual([
      "somePolicy statement #1 allows *: name the actions it needs",
    ]);
    expect(await mandatory("central-logging:recipient:Recipient", props)).toEqual([]);
  });

  it("skips unlisted properties unknown in preview, defers listed ones to `pulumi up`", async () => {
    const unlisted = asInPreview({ policyArn: UNKNOWN_INPUT, otherPolicy: doc(allow("s3:*")) });
    expect(await mandatory("aws:newservice/thing:Thing", unlisted)).toEqual([
      "otherPolicy statement #1 allows s3:*: name the actions it needs",
    ]);
    await expect(mandatory(ROLE_POLICY, asInPreview({ policy: UNKNOWN_INPUT }))).rejects.toSatisfy(
      isUnknownValueError,
    );
  });

  it("reads every inline policy of a role", () => {
    const props = {
      assumeRolePolicy: "a",
      inlinePolicies: [{ name: "x", policy: "b" }, { name: "empty" }, { name: "y", policy: "c" }],
    };
    expect(policyDocumentsOf("aws:iam/role:Role", props)).toEqual([
      { path: "assumeRolePolicy", value: "a" },
      { path: "inlinePolicies[0].policy", value: "b" },
      { path: "inlinePolicies[2].policy", value: "c" },
    ]);
  });
});

describe("no-partial-wildcard-actions (advisory)", () => {
  it("is advisory", () => {
    expect(noPartialWildcardActions.enforcementLevel).toBe("advisory");
    expect(noWildcardActions.enforcementLevel).toBe("mandatory");
  });

  it("flags prefixes and ? wildcards, not full wildcards (no-wildcard-actions has those)", async () => {
    const policy = doc(allow(["s3:Get*", "es:ESHttp?et", "s3:*", "s3:PutObject"]));
    expect(await advisory(ROLE_POLICY, { policy })).toEqual([
      "policy statement #1 allows s3:Get*, es:ESHttp?et: spell the actions out",
    ]);
    expect(await mandatory(ROLE_POLICY, { policy })).toEqual([
      "policy statement #1 allows s3:*: name the actions it needs",
    ]);
  });

  it("leaves unparseable documents to the mandatory policy", async () => {
    expect(await advisory(ROLE_POLICY, { policy: "{" })).toEqual([]);
  });
});

describe("wildcard actions", () => {
  const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,20}$/);
  const service = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);

  it("every <service>:* and * is a full wildcard", () => {
    fc.assert(
      fc.property(service, (s) => isFullWildcardAction(`${s}:*`) && !isPartialWildcardAction(`${s}:*`)),
    );
    expect(isFullWildcardAction("*")).toBe(true);
  });

  it("a named action is no wildcard at all", () => {
    fc.assert(
      fc.property(
        service,
        name,
        (s, a) => !isFullWildcardAction(`${s}:${a}`) && !isPartialWildcardAction(`${s}:${a}`),
      ),
    );
  });

  it("a named prefix is a partial wildcard", () => {
    fc.assert(
      fc.property(
        service,
        name,
        (s, a) => isPartialWildcardAction(`${s}:${a}*`) && !isFullWildcardAction(`${s}:${a}*`),
      ),
    );
  });
});
