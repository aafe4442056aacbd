/** The pure parts of the generator: trust, splitting, per-account selection. */
import { describe, expect, it } from "vitest";
import { IAM_MANAGED_POLICY_MAX } from "../awsData/limits";
import { recordedPlans } from "./fixtures";
import {
  accountPrincipal,
  deployerRoles,
  fromRecordedPlan,
  permissionStatements,
  policySize,
  type Settings,
  type Statement,
  splitPolicies,
  trustPolicy,
} from "./generate";

describe("trustPolicy", () => {
  it("requires the provider's session name and nothing else by default", () => {
    const t = trustPolicy({ principal: "arn:aws:iam::123456789012:role/ci" });
    expect(t.Statement).toEqual([
      {
        Sid: "CentralLoggingPulumi",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:role/ci" },
        Action: "sts:AssumeRole",
        Condition: { StringLike: { "sts:RoleSessionName": "central-logging-*" } },
      },
    ]);
  });

  it("adds the external id and the organization when given", () => {
    const t = trustPolicy({
      principal: accountPrincipal("123456789012"),
      externalId: "e",
      organizationId: "o-abcdefghij",
    });
    expect(t.Statement[0]!.Principal).toEqual({ AWS: "arn:aws:iam::123456789012:root" });
    expect(t.Statement[0]!.Condition?.StringEquals).toEqual({
      "sts:ExternalId": "e",
      "aws:PrincipalOrgID": "o-abcdefghij",
    });
  });
});

describe("splitPolicies", () => {
  const big = (n: number): Statement[] =>
    Array.from({ length: n }, (_, i) => ({
      Sid: `S${i}`,
      Effect: "Allow" as const,
      Action: Array.from({ length: 40 }, (_, j) => `service${i}:Action${j}WithALongName`),
      Resource: `arn:aws:s3:::bucket-${i}-*`,
    }));

  it("keeps every action, in documents that fit", () => {
    const statements = big(12);
    const docs = splitPolicies(statements);
    expect(docs.length).toBeGreaterThan(1);
    for (const d of docs) expect(policySize(d)).toBeLessThanOrEqual(IAM_MANAGED_POLICY_MAX);
    const actions = (ss: Statement[]) => ss.flatMap((s) => s.Action).sort();
    expect(actions(docs.flatMap((d) => d.Statement))).toEqual(actions(statements));
  });

  it("splits one statement too big on its own by its actions", () => {
    const [one] = big(1);
    const docs = splitPolicies([one!], undefined, 800);
    expect(docs.length).toBeGreaterThan(1);
    for (const d of docs) expect(policySize(d)).toBeLessThanOrEqual(800);
  });
});

describe("permissionStatements", () => {
  it("refuses a type the table does not know, naming it", () => {
    expect(() =>
      permissionStatements([{ type: "aws:new/thing:Thing", inputs: {} }], {
        account: "1",
        recipient: "2",
        prefix: "p",
        database: "p",
      }),
    ).toThrow(/aws:new\/thing:Thing/);
  });
});

describe("deployerRoles", () => {
  const plan = recordedPlans().find((p) => p.name === "dev")!.plan;
  // The dev stack's settings as far as the generator reads them.
  const settings = {
    namePrefix: "central-logging-dev",
    part: "all",
    recipient: {
      accountId: "999999999999",
      roleArn: "arn:aws:iam::999999999999:role/CentralLoggingDeployer",
      athena: { database: "central_logging_dev" },
    },
    sources: [
      { accountId: "111111111111", roleArn: "arn:aws:iam::111111111111:role/CentralLoggingDeployer" },
      { accountId: "222222222222" },
    ],
  } as unknown as Settings;
  const roles = deployerRoles(settings, fromRecordedPlan(plan), {
    principal: "arn:aws:iam::123456789012:role/ci",
  });

  it("gives each account only the permissions of what it plans", () => {
    expect(roles.map((r) => [r.accountId, r.parts])).toEqual([
      ["999999999999", ["recipient"]],
      ["111111111111", ["source"]],
      ["222222222222", ["source"]],
    ]);
    const text = (id: string) => JSON.stringify(roles.find((r) => r.accountId === id)!.policies);
    expect(text("999999999999")).toContain("kinesis:CreateStream");
    expect(text("111111111111")).not.toContain("kinesis:CreateStream");
    expect(text("111111111111")).toContain("cloudtrail:CreateTrail");
    // Its subscriptions, and what operations adds in every forwarding region: the canary group,
    // the health alarms and their topic with its subscriber.
    expect(roles.find((r) => r.accountId === "222222222222")!.types).toEqual([
      "aws:cloudwatch/logGroup:LogGroup",
      "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "aws:sns/topic:Topic",
      "aws:sns/topicSubscription:TopicSubscription",
    ]);
    // Scoped to the account itself; the recipient appears only as the destination to subscribe to.
    expect(text("222222222222")).toContain("arn:aws:logs:*:999999999999:destination:central-logging-dev*");
    expect(text("222222222222")).not.toMatch(/"Action":"?\*/);
  });

  it("names the role after the config's roleArn, the default otherwise", () => {
    expect(roles.map((r) => r.roleName)).toEqual([
      "CentralLoggingDeployer",
      "CentralLoggingDeployer",
      "CentralLoggingDeployer",
    ]);
    expect(roles[2]!.roleArn).toBeUndefined();
  });
});
