/**
 * Cross-cutting rules every policy builder obeys (design.md, "Least privilege with confused-deputy
 * protection"), checked on the JSON that actually reaches AWS.
 */
import { describe, expect, it } from "vitest";
import * as bucketPolicies from "../infra/archive/bucketPolicies";
import * as firehosePolicies from "../infra/archive/firehosePolicies";
import * as keyPolicy from "../infra/cloudtrail/keyPolicy";
import * as cloudTrailPolicies from "../infra/cloudtrail/policies";
import * as eventPolicies from "../infra/events/policies";
import * as destinationPolicies from "../infra/forwarding/destinationPolicies";
import * as flowLogPolicies from "../infra/forwarding/flowLogPolicies";
import * as senderPolicies from "../infra/forwarding/senderPolicies";
import * as lambdaPolicies from "../infra/kernel/lambdaPolicies";
import { arn } from "../infra/kernel/names";
import type { PolicyDocument } from "../infra/kernel/policyDocument";
import * as searchPolicies from "../infra/search/policies";
import { list, principalOf, wire } from "./support/policy";

/** Every capability's policy builders: a new policy module is added here, and the test below fails until each builder has a case. */
const policies = {
  ...bucketPolicies,
  ...firehosePolicies,
  ...keyPolicy,
  ...cloudTrailPolicies,
  ...eventPolicies,
  ...destinationPolicies,
  ...flowLogPolicies,
  ...senderPolicies,
  ...lambdaPolicies,
  ...searchPolicies,
};

const RECIPIENT = "999999999999";
const A = "111111111111";
const B = "222222222222";
const HOME = "ap-northeast-1";
const BUCKET = arn.bucket(`central-logging-prod-archive-${RECIPIENT}-${HOME}`);
const STREAM = arn.stream(HOME, RECIPIENT, "central-logging-prod-logs");
const FIREHOSE = arn.firehose(HOME, RECIPIENT, "central-logging-prod-archive");
const PROCESSOR = arn.lambda(HOME, RECIPIENT, "central-logging-prod-cwl-gunzip");
const DESTINATION = arn.destination(HOME, RECIPIENT, "central-logging-prod");
const BUS = arn.eventBus(HOME, RECIPIENT, "central-logging-prod-events");
const RULE_A = arn.eventRule("us-east-1", A, "central-logging-prod-iam");
const EVENTS_FIREHOSE = arn.firehose(HOME, RECIPIENT, "central-logging-prod-events");
const SEARCH = arn.searchDomain(HOME, RECIPIENT, "central-logging-prod");

/** Every builder with representative inputs; keyed by the exported name it exercises. */
const cases: [builder: keyof typeof policies, label: string, doc: () => PolicyDocument][] = [
  ["archiveBucketPolicy", "archive bucket", () => policies.archiveBucketPolicy(BUCKET)],
  [
    "archiveBucketPolicy",
    "archive bucket with trails",
    () =>
      policies.archiveBucketPolicy(BUCKET, [
        { accountId: A, trailArn: arn.trail(HOME, A, "central-logging-prod") },
        { accountId: B, trailArn: arn.trail("us-east-2", B, "central-logging-prod") },
      ]),
  ],
  [
    "cloudTrailLogsTrustPolicy",
    "cloudtrail logs trust",
    () => policies.cloudTrailLogsTrustPolicy(A, arn.trail(HOME, A, "central-logging-prod")),
  ],
  [
    "cloudTrailLogsPermissions",
    "cloudtrail logs permissions",
    () => policies.cloudTrailLogsPermissions(arn.logGroup(HOME, A, "CloudTrail/DefaultLogGroup")),
  ],
  [
    "cloudTrailTopicPolicy",
    "cloudtrail topic",
    () =>
      policies.cloudTrailTopicPolicy(
        arn.topic(HOME, A, "central-logging-prod-cloudtrail"),
        arn.trail(HOME, A, "central-logging-prod"),
      ),
  ],
  ["firehoseTrustPolicy", "firehose trust", () => policies.firehoseTrustPolicy(RECIPIENT)],
  [
    "firehoseDeliveryPolicy",
    "firehose delivery, direct put",
    () => policies.firehoseDeliveryPolicy({ bucketArn: BUCKET }),
  ],
  [
    "firehoseDeliveryPolicy",
    "firehose delivery, from stream",
    () => policies.firehoseDeliveryPolicy({ bucketArn: BUCKET, streamArn: STREAM, processorArn: PROCESSOR }),
  ],
  [
    "destinationTrustPolicy",
    "destination trust",
    () =>
      policies.destinationTrustPolicy({
        recipientAccountId: RECIPIENT,
        destinations: [
          { region: HOME, senderAccountIds: [A] },
          { region: "us-east-2", senderAccountIds: [B] },
        ],
      }),
  ],
  [
    "destinationPermissions",
    "destination permissions, kinesis",
    () => policies.destinationPermissions("kinesis", STREAM),
  ],
  [
    "destinationPermissions",
    "destination permissions, firehose",
    () => policies.destinationPermissions("firehose", FIREHOSE),
  ],
  [
    "destinationOrgAccessPolicy",
    "destination access, organization",
    () => policies.destinationOrgAccessPolicy(DESTINATION, "o-a1b2c3d4e5"),
  ],
  [
    "destinationTrustPolicy",
    "destination trust, organization",
    () =>
      policies.destinationTrustPolicy({
        recipientAccountId: RECIPIENT,
        organizationId: "o-a1b2c3d4e5",
        destinations: [{ region: HOME, senderAccountIds: [A] }],
      }),
  ],
  ["senderRoleTrustPolicy", "sender role trust", () => policies.senderRoleTrustPolicy(A, HOME)],
  [
    "senderRolePermissions",
    "sender role permissions",
    () =>
      policies.senderRolePermissions([arn.logGroup(HOME, A, "app"), arn.logGroup(HOME, A, "CloudTrail/x")]),
  ],
  [
    "destinationAccessPolicy",
    "destination access",
    () => policies.destinationAccessPolicy(DESTINATION, [B, A]),
  ],
  ["flowLogsTrustPolicy", "flow logs trust", () => policies.flowLogsTrustPolicy(A, "us-east-2")],
  [
    "flowLogsPermissions",
    "flow logs permissions",
    () => policies.flowLogsPermissions([arn.logGroup("us-east-2", A, "vpc-flow-logs")]),
  ],
  ["lambdaTrustPolicy", "lambda trust", () => policies.lambdaTrustPolicy(RECIPIENT)],
  [
    "trailKeyPolicy",
    "trail key",
    () =>
      policies.trailKeyPolicy({
        recipientAccountId: RECIPIENT,
        trails: [{ accountId: A, trailArn: arn.trail(HOME, A, "central-logging-prod") }],
      }),
  ],
  [
    "destinationAccessPolicy",
    "destination access, account-wide senders",
    () => policies.destinationAccessPolicy(DESTINATION, [A], true),
  ],
  [
    "firehoseDeliveryPolicy",
    "firehose delivery, own prefixes only",
    () =>
      policies.firehoseDeliveryPolicy({ bucketArn: BUCKET, objectPrefixes: ["events/", "errors/events/"] }),
  ],
  ["privateBucketPolicy", "athena results bucket", () => policies.privateBucketPolicy(BUCKET)],
  [
    "eventBusPolicy",
    "event bus, accounts",
    () =>
      policies.eventBusPolicy({
        busArn: BUS,
        senderAccountIds: [A],
        senderRuleArns: [RULE_A],
        namePrefix: "central-logging-prod",
      }),
  ],
  [
    "eventBusPolicy",
    "event bus, organization",
    () =>
      policies.eventBusPolicy({
        busArn: BUS,
        senderAccountIds: [],
        senderRuleArns: [],
        organizationId: "o-a1b2c3d4e5",
        namePrefix: "central-logging-prod",
      }),
  ],
  ["eventsTrustPolicy", "events trust", () => policies.eventsTrustPolicy(A, [RULE_A])],
  ["putEventsPermissions", "put events", () => policies.putEventsPermissions(BUS)],
  [
    "firehosePutPermissions",
    "put into events firehose",
    () => policies.firehosePutPermissions(EVENTS_FIREHOSE),
  ],
  [
    "eventsDeadLetterQueuePolicy",
    "events dead-letter queue",
    () =>
      policies.eventsDeadLetterQueuePolicy(arn.queue("us-east-1", A, "central-logging-prod-events-dlq"), [
        RULE_A,
      ]),
  ],
  [
    "searchDomainAccessPolicy",
    "search domain access",
    () => policies.searchDomainAccessPolicy({ domainArn: SEARCH }),
  ],
  [
    "searchForwarderPermissions",
    "search forwarder",
    () =>
      policies.searchForwarderPermissions({
        streamArn: STREAM,
        domainArn: SEARCH,
        deadLetterQueueArn: arn.queue(HOME, RECIPIENT, "central-logging-prod-search-dlq"),
        logGroupArn: arn.logGroup(HOME, RECIPIENT, "/aws/lambda/central-logging-prod-search-forwarder"),
      }),
  ],
  [
    "searchProvisionerPermissions",
    "search provisioner",
    () =>
      policies.searchProvisionerPermissions({
        adminSecretArn: `arn:aws:secretsmanager:${HOME}:${RECIPIENT}:secret:central-logging-prod/search-admin-AbCdEf`,
        logGroupArn: arn.logGroup(HOME, RECIPIENT, "/aws/lambda/central-logging-prod-search-provisioner"),
      }),
  ],
  [
    "processorPermissions",
    "processor permissions",
    () =>
      policies.processorPermissions({
        logGroupArn: arn.logGroup(HOME, RECIPIENT, "/aws/lambda/central-logging-prod-cwl-gunzip"),
        streamArn: STREAM,
      }),
  ],
];

const CONFUSED_DEPUTY_KEYS = ["aws:SourceArn", "aws:SourceAccount", "sts:ExternalId"];

describe("every policy builder", () => {
  it("is covered by this file", () => {
    // `tlsOnlyStatements` builds statements that bucket policies include, not a document.
    const builders = Object.entries(policies)
      .filter(([k, v]) => typeof v === "function" && k !== "tlsOnlyStatements")
      .map(([k]) => k)
      .sort();
    expect([...new Set(cases.map(([b]) => b))].sort()).toEqual(builders);
  });

  describe.each(cases)("%s (%s)", (_builder, _label, build) => {
    const doc = wire(build());

    it('has Version "2012-10-17" and at least one statement', () => {
      expect(doc.Version).toBe("2012-10-17");
      expect(doc.Statement.length).toBeGreaterThan(0);
    });

    it("uses no NotAction / NotResource / NotPrincipal (they invert least privilege)", () => {
      for (const s of doc.Statement) {
        expect(Object.keys(s).filter((k) => k.startsWith("Not"))).toEqual([]);
      }
    });

    it("allows no action containing `*` and no Resource `*`", () => {
      for (const s of doc.Statement.filter((st) => st.Effect === "Allow")) {
        expect(list(s.Action).length).toBeGreaterThan(0);
        expect(list(s.Action).filter((a) => a.includes("*"))).toEqual([]);
        // In a key policy "*" means "this key" (the only form KMS takes); anywhere else it is refused.
        const keyPolicy = list(s.Action).every((a) => a.startsWith("kms:"));
        if (!keyPolicy) expect(list(s.Resource)).not.toContain("*");
        // Everyone, only when narrowed to the organization (or, for people, to their networks), or
        // on an OpenSearch domain's HTTP API, where fine-grained access control authenticates every
        // request (anonymous auth off: tests/search.test.ts).
        const everyone = s.Principal === "*" || principalOf(s, "AWS").includes("*");
        const behindFgac =
          list(s.Action).every((a) => a.startsWith("es:ESHttp")) &&
          list(s.Resource).every((r) => r.startsWith("arn:aws:es:"));
        if (everyone && !behindFgac && s.Condition?.IpAddress === undefined)
          expect(s.Condition?.StringEquals?.["aws:PrincipalOrgID"]).toMatch(/^o-/);
        if (everyone && s.Condition?.IpAddress !== undefined)
          expect(list(s.Condition.IpAddress["aws:SourceIp"]).length).toBeGreaterThan(0);
      }
    });

    it("guards every service trust with aws:SourceArn, aws:SourceAccount or sts:ExternalId", () => {
      const trusts = doc.Statement.filter(
        (s) =>
          s.Effect === "Allow" &&
          list(s.Action).includes("sts:AssumeRole") &&
          s.Principal !== undefined &&
          s.Principal !== "*" &&
          s.Principal.Service !== undefined,
      );
      for (const s of trusts) {
        const keys = Object.values(s.Condition ?? {}).flatMap((byKey) => Object.keys(byKey));
        expect(keys.filter((k) => CONFUSED_DEPUTY_KEYS.includes(k)).length).toBeGreaterThan(0);
        // A trust policy grants the assume and nothing more.
        expect(list(s.Action)).toEqual(["sts:AssumeRole"]);
        expect(s.Resource).toBeUndefined();
      }
    });
  });

  it("trust policies are recognised as such (the check above is not vacuous)", () => {
    const trustBuilders = cases
      .filter(([, , build]) => wire(build()).Statement.some((s) => list(s.Action).includes("sts:AssumeRole")))
      .map(([b]) => b);
    expect(trustBuilders.sort()).toEqual([
      "cloudTrailLogsTrustPolicy",
      "destinationTrustPolicy",
      "destinationTrustPolicy",
      "eventsTrustPolicy",
      "firehoseTrustPolicy",
      "flowLogsTrustPolicy",
      "lambdaTrustPolicy",
      "senderRoleTrustPolicy",
    ]);
  });
});

describe("destination access policy size vs the 5,120-byte CloudWatch Logs limit", () => {
  const LIMIT = 5120;
  const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(100_000_000_000 + i * 7919));
  /** Bytes of the access policy as the program sends it (`JSON.stringify`, no whitespace). */
  const size = (n: number) =>
    Buffer.byteLength(JSON.stringify(policies.destinationAccessPolicy(DESTINATION, accounts(n))));

  it("grows by 15 bytes per account (12 digits, two quotes, a comma)", () => {
    expect(size(1)).toBe(258);
    expect(size(2) - size(1)).toBe(15);
    expect(size(101) - size(100)).toBe(15);
  });

  it("100 accounts fit, 400 do not; organization mode is needed beyond ~325", async ({ annotate }) => {
    expect(size(100)).toBe(1743);
    expect(size(100)).toBeLessThan(LIMIT);
    expect(size(300)).toBe(4743);
    expect(size(300)).toBeLessThan(LIMIT);
    expect(size(400)).toBe(6243);
    expect(size(400)).toBeGreaterThan(LIMIT);

    let max = 0;
    while (size(max + 1) <= LIMIT) max++;
    // With this destination ARN (`central-logging-prod` in ap-northeast-1); a longer name costs a few.
    expect(max).toBe(325);
    await annotate(
      `destination access policy: 100 accounts = ${size(100)} B, 300 = ${size(300)} B, 400 = ${size(400)} B; ` +
        `limit ${LIMIT} B reached after ${max} accounts — beyond that use aws:PrincipalOrgID`,
    );
  });
});
