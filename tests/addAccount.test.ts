/**
 * Adding a source account must only add resources: every existing logical name stays, and the
 * only existing resources whose inputs change are the recipient's policies that must list the
 * new account. Two program runs (fresh mocks each), of the stack files as the plan CLI reads them.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { type PlacedResource, placeResources } from "../tools/offline/report";
import { runProgram } from "../tools/offline/run";
import { readStackFile } from "../tools/offline/stackFile";

type Planned = PlacedResource;

/** What `npm run plan -- --file <stackFile> --json` lists: the placed resources, through JSON. */
async function plan(stackFile: string): Promise<Planned[]> {
  const { stack, config } = readStackFile(stackFile);
  const run = await runProgram(stack, config);
  if (!run.ok) throw new Error(`${stackFile}: the program failed:\n${run.errors.join("\n")}`);
  return JSON.parse(JSON.stringify(placeResources(run.mocks.resources))) as Planned[];
}

const key = (r: Planned) => `${r.type}::${r.name}`;

let before: Planned[];
let after: Planned[];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "central-logging-"));
  const doc = parse(readFileSync("Pulumi.dev.yaml", "utf8")) as { config: Record<string, unknown> };
  writeFileSync(join(dir, "Pulumi.dev.yaml"), stringify(doc));
  const sources = doc.config["central-logging:sources"] as unknown[];
  // The new account goes FIRST, so every existing entry moves one list position down.
  doc.config["central-logging:sources"] = [
    {
      accountId: "333333333333",
      regions: ["us-east-2", "eu-west-1"],
      subscriptions: [{ logGroup: "/aws/lambda/billing", region: "eu-west-1" }],
      flowLogs: [{ vpcId: "vpc-0badc0de", region: "us-east-2" }],
      cloudTrail: { region: "eu-west-1" },
    },
    ...[...sources].reverse(),
  ];
  const grown = join(dir, "grown");
  mkdirSync(grown, { recursive: true });
  writeFileSync(join(grown, "Pulumi.dev.yaml"), stringify(doc));
  before = await plan(join(dir, "Pulumi.dev.yaml"));
  after = await plan(join(grown, "Pulumi.dev.yaml"));
}, 120_000);

describe("adding a source account (inserted first, others reordered)", () => {
  it("keeps every existing resource's logical name, type, account and region", () => {
    const afterByKey = new Map(after.map((r) => [key(r), r]));
    for (const r of before) {
      const same = afterByKey.get(key(r));
      expect(same, key(r)).toBeDefined();
      expect(`${same?.accountId}/${same?.region}`, key(r)).toBe(`${r.accountId}/${r.region}`);
    }
  });

  it("only adds: the new account's resources and a destination in its new region", () => {
    const existing = new Set(before.map(key));
    const added = after.filter((r) => !existing.has(key(r)));
    expect(added.filter((r) => r.accountId !== "333333333333" && r.accountId !== "999999999999")).toEqual([]);
    expect(
      added
        .filter((r) => r.accountId === "999999999999")
        .map((r) => `${r.region} ${r.name}`)
        .sort(),
    ).toEqual([
      "eu-west-1 recipient-destination-eu-west-1",
      "eu-west-1 recipient-destination-eu-west-1-policy",
    ]);
    const own = added.filter((r) => r.accountId === "333333333333");
    // Operations (on by default): the canary group and its filter, and the operations topic with
    // its one subscriber (dev's e-mail) and the two subscription alarms, in each sending region.
    const operations = own.filter((r) => /-canary$|-operations-/.test(r.name));
    const perRegion = (region: string) => [
      `${region} aws:cloudwatch/logGroup:LogGroup`,
      `${region} aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter`,
      `${region} aws:cloudwatch/metricAlarm:MetricAlarm`,
      `${region} aws:cloudwatch/metricAlarm:MetricAlarm`,
      `${region} aws:sns/topic:Topic`,
      `${region} aws:sns/topicSubscription:TopicSubscription`,
    ];
    expect(operations.map((r) => `${r.region} ${r.type}`).sort()).toEqual(
      [...perRegion("eu-west-1"), ...perRegion("us-east-2")].sort(),
    );
    // Flow log (group, role, policy, flow log), two filters, the trail (trail, group, role, policy).
    expect(own.length - operations.length).toBe(10);
  });

  it("adds exactly the new trail's prefix to the bucket policy, and nothing else", () => {
    const policyOf = (rs: Planned[]) =>
      JSON.parse(String(rs.find((r) => r.name === "recipient-archive-policy")?.inputs?.policy)) as {
        Statement: { Sid: string }[];
      };
    const beforeSids = policyOf(before).Statement.map((s) => s.Sid);
    const afterSids = policyOf(after).Statement.map((s) => s.Sid);
    expect(afterSids.filter((sid) => !beforeSids.includes(sid))).toEqual(["CloudTrailWrite333333333333"]);
    expect(beforeSids.every((sid) => afterSids.includes(sid))).toBe(true);
  });

  it("changes the inputs of no existing resource except the policies that must list the account", () => {
    const afterByKey = new Map(after.map((r) => [key(r), r]));
    const changed = before
      .filter((r) => JSON.stringify(r.inputs) !== JSON.stringify(afterByKey.get(key(r))?.inputs))
      .map((r) => r.name)
      .sort();
    // The trust of the destination role (a new region), the us-east-2 access policy (a new sender),
    // the bucket policy (the new trail's AWSLogs/333333333333/ prefix) and the account partitions
    // Athena projects for the logs and the trails (updated in place; organization mode has none).
    expect(changed).toEqual([
      "recipient-archive-policy",
      "recipient-athena-cloudtrail",
      "recipient-athena-cloudwatch_logs",
      "recipient-destination-role",
      "recipient-destination-us-east-2-policy",
    ]);
    const projected = (rs: Planned[], name: string) => {
      const parameters = rs.find((r) => r.name === name)?.inputs?.parameters as
        | Record<string, string>
        | undefined;
      return parameters?.["projection.account.values"];
    };
    expect(projected(after, "recipient-athena-cloudwatch_logs")?.split(",")).toContain("333333333333");
    expect(projected(after, "recipient-athena-cloudtrail")?.split(",")).toContain("333333333333");
  });
});
