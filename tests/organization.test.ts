/**
 * Organization mode: destinations admit the organization (`aws:PrincipalOrgID`) instead of a list
 * of accounts, and each sender's subscription filters pass a role of its own account, trusted by
 * CloudWatch Logs of its region and allowed `logs:PutLogEvents` — so adding an account changes no
 * recipient resource.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type PlacedResource, placeResources } from "../tools/offline/report";
import { input, policyOf, type Registered, runStack, T } from "./support/program";

const RECIPIENT = "999999999999";
const ORG = "o-a1b2c3d4e5";
const A = "111111111111";
const B = "222222222222";
const C = "333333333333";

const recipient = { accountId: RECIPIENT, region: "ap-northeast-1", organizationId: ORG };
const sourceA = {
  accountId: A,
  regions: ["ap-northeast-1"],
  subscriptions: [{ logGroup: "test-trail", filterPattern: "{$.userIdentity.type = tada}" }],
  // The management account's organization trail (seeds/004: every account's CloudTrail, one bucket).
  cloudTrail: { organization: true },
};
const sourceB = {
  accountId: B,
  regions: ["us-east-2"],
  flowLogs: [{ vpcId: "vpc-12345678" }],
  // The EventBridge write-up's rule: the bus admits the organization's rules, not B by name.
  events: [{}],
};
const config = (sources: unknown[]) => ({
  "central-logging:recipient": recipient,
  "central-logging:sources": sources,
});

let p: Registered;

beforeAll(async () => {
  p = await runStack("org", config([sourceA, sourceB]));
});

describe("recipient in organization mode", () => {
  it("admits the organization, not a list of accounts, to every destination", () => {
    const policies = p.ofType(T.destinationPolicy);
    expect(policies.map((x) => p.where(x)).sort()).toEqual([
      `${RECIPIENT}/ap-northeast-1`,
      `${RECIPIENT}/us-east-2`,
    ]);
    for (const policy of policies) {
      const region = policy.region;
      expect(policyOf(policy, "accessPolicy").Statement).toEqual([
        {
          Sid: "AllowOrganizationToSubscribe",
          Effect: "Allow",
          Principal: "*",
          Action: ["logs:PutSubscriptionFilter", "logs:PutAccountPolicy"],
          Resource: `arn:aws:logs:${region}:${RECIPIENT}:destination:central-logging-org`,
          Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } },
        },
      ]);
      // Replacing an account list with the organization needs PutDestinationPolicy's forceUpdate.
      expect(input(policy, "forceUpdate")).toBe(true);
    }
  });

  // aws:SourceOrgID is not documented as present when CloudWatch Logs assumes a destination role:
  // IfExists, so that its absence cannot stop every delivery (infra/forwarding/destinationPolicies.ts).
  it("trusts CloudWatch Logs of each destination region for any account of the organization", () => {
    const trust = policyOf(p.one(T.role, "recipient-destination-role"), "assumeRolePolicy");
    expect(trust.Statement.map((s) => [s.Principal, s.Condition])).toEqual([
      [
        { Service: "logs.ap-northeast-1.amazonaws.com" },
        {
          StringLike: { "aws:SourceArn": "arn:aws:logs:ap-northeast-1:*:*" },
          StringEqualsIfExists: { "aws:SourceOrgID": ORG },
        },
      ],
      [
        { Service: "logs.us-east-2.amazonaws.com" },
        {
          StringLike: { "aws:SourceArn": "arn:aws:logs:us-east-2:*:*" },
          StringEqualsIfExists: { "aws:SourceOrgID": ORG },
        },
      ],
    ]);
  });
});

describe("the organization trail", () => {
  it("is an organization trail of the management account, admitted under AWSLogs/<org-id>/", () => {
    const trail = p.one("aws:cloudtrail/trail:Trail");
    expect(p.where(trail)).toBe(`${A}/ap-northeast-1`);
    expect(trail.inputs).toMatchObject({ isOrganizationTrail: true, isMultiRegionTrail: true });
    const write = policyOf(p.one(T.bucketPolicy, "recipient-archive-policy")).Statement.find(
      (s) => s.Sid === `CloudTrailWrite${A}`,
    );
    expect(write?.Resource).toEqual([
      `arn:aws:s3:::central-logging-org-archive-${RECIPIENT}-ap-northeast-1/AWSLogs/${A}/*`,
      `arn:aws:s3:::central-logging-org-archive-${RECIPIENT}-ap-northeast-1/AWSLogs/${ORG}/*`,
    ]);
    expect(write?.Condition).toEqual({
      StringEquals: {
        "s3:x-amz-acl": "bucket-owner-full-control",
        "aws:SourceArn": `arn:aws:cloudtrail:ap-northeast-1:${A}:trail/central-logging-org`,
      },
    });
  });
});

describe("senders in organization mode", () => {
  it("gives each sender a role of its own, trusted by CloudWatch Logs of its region for it only", () => {
    const role = p.one(T.role, `source-${A}-ap-northeast-1-sender-role`);
    // IAM is global: the role is in the account (its name and trust name the region).
    expect(p.where(role)).toBe(A);
    expect(input(role, "name")).toBe("central-logging-org-sender-ap-northeast-1");
    expect(policyOf(role, "assumeRolePolicy").Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "logs.ap-northeast-1.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringLike: { "aws:SourceArn": `arn:aws:logs:ap-northeast-1:${A}:*` } },
      },
    ]);
    expect(policyOf(p.one(T.rolePolicy, `source-${A}-ap-northeast-1-sender-role-policy`)).Statement).toEqual([
      {
        Sid: "SendForwardedGroups",
        Effect: "Allow",
        Action: "logs:PutLogEvents",
        // test-trail, and the canary group (operations.canary) whose filter sends with this role too.
        Resource: [
          `arn:aws:logs:ap-northeast-1:${A}:log-group:/central-logging/central-logging-org/canary:*`,
          `arn:aws:logs:ap-northeast-1:${A}:log-group:test-trail:*`,
        ],
      },
    ]);
  });

  it("passes the sender's role on every subscription filter, created after its permissions", () => {
    for (const [account, region] of [
      [A, "ap-northeast-1"],
      [B, "us-east-2"],
    ] as const) {
      const filters = p.ofType(T.filter).filter((f) => f.provider?.accountId === account);
      // Its configured ones and the canary's (operations.canary).
      expect(
        filters.filter((f) => input(f, "logGroup") === "/central-logging/central-logging-org/canary"),
      ).toHaveLength(1);
      for (const filter of filters) {
        expect(p.where(filter)).toBe(`${account}/${region}`);
        expect(filter.inputs.roleArn, filter.name).toBe(
          `arn:aws:iam::${account}:role/central-logging-org-sender-${region}`,
        );
        expect(filter.dependsOn, filter.name).toContain(
          `aws:iam/rolePolicy:RolePolicy::source-${account}-${region}-sender-role-policy`,
        );
      }
    }
  });
});

describe("the events bus and Athena in organization mode", () => {
  it("admit the organization's rules of this stack, naming no account", () => {
    expect(policyOf(p.one("aws:cloudwatch/eventBusPolicy:EventBusPolicy")).Statement).toEqual([
      {
        Sid: "AllowOrganizationRules",
        Effect: "Allow",
        Principal: "*",
        Action: "events:PutEvents",
        Resource: `arn:aws:events:ap-northeast-1:${RECIPIENT}:event-bus/central-logging-org-events`,
        Condition: {
          StringEquals: { "aws:PrincipalOrgID": ORG },
          ArnLike: { "aws:SourceArn": "arn:aws:events:*:*:rule/central-logging-org-*" },
        },
      },
    ]);
  });

  it("project the account of every table as injected: no table lists the accounts", () => {
    const tables = p.ofType("aws:glue/catalogTable:CatalogTable");
    expect(tables.map((t) => input(t, "name")).sort()).toEqual([
      "cloudtrail_org",
      "cloudwatch_logs",
      "events",
    ]);
    for (const t of tables) {
      const parameters = input<Record<string, string>>(t, "parameters");
      expect(parameters["projection.account.type"]).toBe("injected");
      expect(JSON.stringify(parameters)).not.toContain(A);
    }
  });
});

describe("adding an account in organization mode", () => {
  // As the plan CLI's --json places them: by the account and region of their provider.
  const inRecipient = (run: Registered): PlacedResource[] =>
    placeResources(run.run.mocks.resources).filter((r) => r.accountId === RECIPIENT);

  it("changes and adds nothing in the recipient account", async () => {
    // Before: the stack the other tests read (A and B). After: C first, the others reordered.
    const before = inRecipient(p);
    // C forwards in a region that already has a destination.
    const added = {
      accountId: C,
      regions: ["us-east-2"],
      subscriptions: [{ logGroup: "/aws/lambda/billing" }],
      events: [{}],
    };
    const after = inRecipient(await runStack("org", config([added, sourceB, sourceA])));
    const text = (rs: PlacedResource[]) => rs.map((r) => JSON.stringify([r.type, r.name, r.inputs])).sort();
    expect(text(after)).toEqual(text(before));
    expect(before.length).toBeGreaterThan(15);
  }, 60_000);
});
