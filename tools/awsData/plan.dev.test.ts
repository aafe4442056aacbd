/**
 * Pulumi.dev.yaml checked against AWS's published data, and planted defects in a copy of its
 * recorded resources: each is caught.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readStackFile } from "../offline/stackFile";
import { checkPlan } from "./check";
import { type CheckedPlan, checkStack } from "./planTest";
import type { Finding, PlannedResource } from "./types";

let plan: CheckedPlan;

beforeAll(async () => {
  const { stack, config } = readStackFile("Pulumi.dev.yaml");
  plan = await checkStack(stack, config);
});

/** A deep copy of the recorded resources, with one changed. */
function planted(change: (resources: PlannedResource[]) => void): PlannedResource[] {
  const copy = plan.resources.map(
    (r): PlannedResource => ({
      type: r.type,
      name: r.name,
      ...(r.custom === undefined ? {} : { custom: r.custom }),
      inputs: JSON.parse(JSON.stringify(r.inputs)),
      ...(r.provider ? { provider: { accountId: r.provider.accountId, region: r.provider.region } } : {}),
      ...(r.region ? { region: r.region } : {}),
    }),
  );
  change(copy);
  return copy;
}

const one = (rs: PlannedResource[], type: string, name?: string) =>
  rs.find((r) => r.type === type && (name === undefined || r.name === name))!;

const rules = (fs: Finding[]) => fs.map((f) => `${f.rule} ${f.resource.name} ${f.path}`);

describe("Pulumi.dev.yaml", () => {
  it("has no finding against AWS's data", () => {
    expect(plan.lines).toEqual([]);
  });

  it("checks policies of every kind the stack has", async () => {
    const { policyDocuments } = await import("./documents");
    const kinds = new Set(policyDocuments(plan.resources).map((d) => d.kind));
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining([
        "events-bus",
        "inline",
        "logs-destination",
        "opensearch-domain",
        "s3-bucket",
        "sqs-queue",
        "trust",
      ]),
    );
  });
});

describe("planted defects are caught", () => {
  it("a wrong action", async () => {
    const rs = planted((r) => {
      const p = one(r, "aws:iam/rolePolicy:RolePolicy", "recipient-destination-role-policy");
      p.inputs.policy = String(p.inputs.policy).replace("kinesis:PutRecord", "kinesis:PutRecrod");
    });
    expect(rules(await checkPlan(rs))).toEqual([
      "iam-action-exists recipient-destination-role-policy policy.Statement[0].Action",
    ]);
  });

  it("a wrong enum value", async () => {
    const rs = planted((r) => {
      one(r, "aws:cloudwatch/metricAlarm:MetricAlarm").inputs.comparisonOperator = "GreaterThanOrEqual";
    });
    const found = await checkPlan(rs);
    expect(found.map((f) => [f.rule, f.path, f.value])).toEqual([
      ["enum-value", "comparisonOperator", "GreaterThanOrEqual"],
    ]);
    expect(found[0]!.source).toContain("client-cloudwatch ComparisonOperator");
  });

  it("an oversize policy", async () => {
    const rs = planted((r) => {
      const bus = one(r, "aws:cloudwatch/eventBusPolicy:EventBusPolicy");
      const doc = JSON.parse(String(bus.inputs.policy));
      const sources = Array.from(
        { length: 300 },
        (_, i) => `arn:aws:events:us-east-1:${String(i).padStart(12, "1")}:rule/x`,
      );
      doc.Statement[0].Condition.ArnEquals["aws:SourceArn"] = sources;
      bus.inputs.policy = JSON.stringify(doc);
    });
    const found = await checkPlan(rs);
    expect(found.map((f) => [f.rule, f.resource.name, f.account, f.region])).toEqual([
      ["policy-size", "recipient-events-bus-policy", "999999999999", "ap-northeast-1"],
    ]);
    expect(found[0]!.message).toMatch(/AWS allows 10240$/);
  });

  it("an overlong name (infra/kernel/nameLimits.ts's table, built in)", async () => {
    const rs = planted((r) => {
      one(r, "aws:iam/role:Role", "recipient-destination-role").inputs.name = "x".repeat(65);
    });
    const found = await checkPlan(rs);
    expect(rules(found)).toEqual(["physical-name recipient-destination-role name"]);
    expect(found[0]).toMatchObject({ account: "999999999999", value: "x".repeat(65) });
  });

  it("a rule of its own, through the plug-in point", async () => {
    const rs = planted(() => undefined);
    const everyRole = (resources: readonly PlannedResource[]): Finding[] =>
      resources
        .filter((r) => r.type === "aws:iam/role:Role" && r.name === "recipient-destination-role")
        .map((r) => ({
          rule: "planted",
          source: "this test",
          resource: { type: r.type, name: r.name },
          path: "name",
          value: r.inputs.name,
          message: "is planted",
        }));
    expect(rules(await checkPlan(rs, { extraRules: [everyRole] }))).toEqual([
      "planted recipient-destination-role name",
    ]);
  });

  it("issue 10's defects 4 and 5 as they were: a two-day alarm window, a bucket key with AES256", async () => {
    const rs = planted((r) => {
      Object.assign(one(r, "aws:cloudwatch/metricAlarm:MetricAlarm").inputs, {
        period: 300,
        evaluationPeriods: 1440,
      });
      const enc = one(
        r,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      );
      enc.inputs.rules = [
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true },
      ];
    });
    expect((await checkPlan(rs)).map((f) => f.rule).sort()).toEqual([
      "alarm-window",
      "s3-bucket-key-needs-kms",
    ]);
  });
});
