import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CIS_CONTROLS } from "../../infra/cloudtrail/cis";
import { rawConfigFrom } from "../../infra/config";
import { isAwsRegion } from "../../infra/kernel/regions";
import { planRouting, type RoutingPlan } from "../../infra/plan";
import { resolveStack as parseSettings } from "../../infra/stack";
import {
  BENCH_REGIONS,
  BENCH_STACK,
  countMismatches,
  expectedRegistrations,
  forwardsAll,
  ORGANIZATION_ID,
  type OrgCounts,
  type OrgShape,
  orgCounts,
  orgStackConfig,
  RECIPIENT_ACCOUNT,
  SUBSCRIPTION_POOL,
  sourceAccountId,
  total,
} from "./orgConfig";

function planOf(shape: OrgShape): RoutingPlan {
  const parsed = parseSettings(rawConfigFrom(orgStackConfig(shape)), BENCH_STACK);
  if (!parsed.ok) throw new Error(`refused:\n${parsed.errors.join("\n")}`);
  return planRouting(parsed.settings);
}

/** The same counts, read off the routing plan the program realizes. */
function countsOf(plan: RoutingPlan): OrgCounts {
  const sources = plan.sources;
  return {
    sourceAccounts: sources.length,
    destinations: plan.destinations.length,
    routes: sources.flatMap((s) => s.routes).length,
    canaries: sources.flatMap((s) => s.routes.filter((r) => r.origin === "canary")).length,
    flowLogs: sources.flatMap((s) => s.flowLogs).length,
    flowLogRoles: sources
      .map((s) => new Set(s.flowLogs.map((f) => f.region)).size)
      .reduce((a, b) => a + b, 0),
    accountPolicies: sources.flatMap((s) => s.accountPolicies).length,
    senderRoles: sources.flatMap((s) => s.senderRoles).length,
    trails: plan.trails.length,
    metricFilters: sources
      .flatMap((s) => (s.alarms ? [s.alarms] : []))
      .reduce((n, a) => n + a.custom.length + (a.cis ? CIS_CONTROLS.length : 0), 0),
    alarmSubscribers: sources
      .flatMap((s) => (s.alarms ? [s.alarms.notifications] : []))
      .reduce((n, x) => n + x.emails.length + x.httpsEndpoints.length + x.sqsQueueArns.length, 0),
    placements: plan.placements.length,
    // One provider per account: the recipient and every source.
    providers: new Set([plan.recipient.accountId, ...sources.map((s) => s.accountId)]).size,
    healthAlarms: plan.operations.topics.flatMap((t) => t.alarms).length,
    operationsTopics: plan.operations.topics.length,
    operationsSubscribers: ((n) => n.emails.length + n.httpsEndpoints.length + n.sqsQueueArns.length)(
      plan.operations.notifications,
    ),
    dashboards: plan.operations.dashboard ? 1 : 0,
  };
}

describe("orgStackConfig", () => {
  it.each([
    [50, 4],
    [200, 4],
    [800, 4],
  ])(
    "is accepted by parseSettings for %i accounts x %i regions, and the plan has the counted parts",
    (accounts, regions) => {
      const plan = planOf({ accounts, regions });
      expect(countsOf(plan)).toEqual(orgCounts({ accounts, regions }));
      expect(plan.recipient.organizationId).toBe(ORGANIZATION_ID);
      expect(plan.destinations.map((d) => d.region)).toEqual([...BENCH_REGIONS.slice(0, regions)].sort());
      expect(plan.sources.map((s) => s.accountId)).toEqual(
        Array.from({ length: accounts }, (_, i) => sourceAccountId(i)),
      );
    },
  );

  it("makes the first account the management account with the one organization trail and the CIS alarms", () => {
    const plan = planOf({ accounts: 3, regions: 2 });
    expect(plan.trails).toEqual([
      expect.objectContaining({
        accountId: "100000000000",
        region: "us-east-1",
        organizationId: ORGANIZATION_ID,
        logGroup: "CloudTrail/DefaultLogGroup",
      }),
    ]);
    expect(plan.sources.map((s) => s.alarms?.cis ?? false)).toEqual([true, false, false]);
    expect(plan.sources[0]?.routes.filter((r) => r.origin === "cloudTrail")).toEqual([
      expect.objectContaining({ logGroup: "CloudTrail/DefaultLogGroup", filterPattern: "" }),
    ]);
  });

  it("gives every account its subscriptions in every region, a flow log in a rotating region, a sender role per region", () => {
    const plan = planOf({ accounts: 3, regions: 2 });
    const second = plan.sources[1];
    expect(
      second?.routes
        .filter((r) => r.origin === "subscription")
        .map((r) => `${r.region} ${r.logGroup} ${r.filterPattern}`),
    ).toEqual([
      "us-east-1 /aws/lambda/orders-api ",
      "us-east-1 /ecs/payments ?ERROR ?WARN",
      "us-east-1 app/audit {$.userIdentity.type = tada}",
      "us-east-2 /aws/lambda/orders-api ",
      "us-east-2 /ecs/payments ?ERROR ?WARN",
      "us-east-2 app/audit {$.userIdentity.type = tada}",
    ]);
    expect(plan.sources.map((s) => s.flowLogs.map((f) => `${f.region} ${f.vpcId}`))).toEqual([
      ["us-east-1 vpc-00000000"],
      ["us-east-2 vpc-00000001"],
      ["us-east-1 vpc-00000002"],
    ]);
    expect(second?.senderRoles.map((r) => r.name)).toEqual([
      "central-logging-bench-sender-us-east-1",
      "central-logging-bench-sender-us-east-2",
    ]);
    // The second account forwards account-wide, leaving out what it forwards on its own (the
    // canary group included).
    const canary = "/central-logging/central-logging-bench/canary";
    expect(second?.accountPolicies.map((a) => [a.region, a.excluded])).toEqual([
      ["us-east-1", ["/aws/lambda/orders-api", canary, "/ecs/payments", "app/audit"]],
      [
        "us-east-2",
        ["/aws/lambda/orders-api", canary, "/ecs/payments", "app/audit", "vpc-flow-logs/vpc-00000001"],
      ],
    ]);
    // A canary in each of its sending regions.
    expect(
      second?.routes.filter((r) => r.origin === "canary").map((r) => `${r.region} ${r.logGroup}`),
    ).toEqual([`us-east-1 ${canary}`, `us-east-2 ${canary}`]);
  });

  it("names the recipient and pins it to the organization, with no default providers", () => {
    const config = orgStackConfig({ accounts: 1, regions: 1 });
    expect(config["pulumi:disable-default-providers"]).toEqual(["*"]);
    expect(config["central-logging:recipient"]).toEqual({
      accountId: RECIPIENT_ACCOUNT,
      roleArn: `arn:aws:iam::${RECIPIENT_ACCOUNT}:role/CentralLoggingDeployer`,
      region: "us-east-1",
      organizationId: ORGANIZATION_ID,
    });
  });

  it("is deterministic", () => {
    expect(orgStackConfig({ accounts: 7, regions: 3 })).toEqual(orgStackConfig({ accounts: 7, regions: 3 }));
  });

  it("uses only AWS regions", () => {
    expect(BENCH_REGIONS.filter((r) => !isAwsRegion(r))).toEqual([]);
  });

  it("refuses shapes it cannot generate", () => {
    expect(() => orgStackConfig({ accounts: 0, regions: 4 })).toThrow(
      "accounts must be a whole number from 1 to 1000000, got 0",
    );
    expect(() => orgStackConfig({ accounts: 2.5, regions: 4 })).toThrow("accounts must be a whole number");
    expect(() => orgStackConfig({ accounts: 5, regions: 9 })).toThrow(
      "regions must be a whole number from 1 to 8, got 9",
    );
    expect(() => orgStackConfig({ accounts: 5, regions: 2, subscriptionsPerRegion: 0 })).toThrow(
      "subscriptionsPerRegion must be a whole number from 1 to 4, got 0",
    );
    expect(() => orgStackConfig({ accounts: 5, regions: 2, forwardAllEvery: 0 })).toThrow(
      "forwardAllEvery must be a whole number of at least 1, got 0",
    );
  });

  it("is accepted, and counted right, for any shape", () => {
    const shape = fc.record({
      accounts: fc.integer({ min: 1, max: 40 }),
      regions: fc.integer({ min: 1, max: BENCH_REGIONS.length }),
      subscriptionsPerRegion: fc.integer({ min: 1, max: SUBSCRIPTION_POOL.length }),
      forwardAllEvery: fc.integer({ min: 1, max: 6 }),
    });
    fc.assert(
      fc.property(shape, (s) => {
        expect(countsOf(planOf(s))).toEqual(orgCounts(s));
      }),
      { numRuns: 60 },
    );
  });
});

describe("forwardsAll", () => {
  it("picks the 2nd account and every n-th after it, never the management account unless n = 1", () => {
    const picked = (every: number) =>
      Array.from({ length: 10 }, (_, i) => i).filter((i) => forwardsAll(i, every));
    expect(picked(4)).toEqual([1, 5, 9]);
    expect(picked(3)).toEqual([1, 4, 7]);
    expect(picked(1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(picked(20)).toEqual([1]);
  });
});

describe("expectedRegistrations", () => {
  it("adds up what the components create for 50 accounts x 4 regions", () => {
    const byType = expectedRegistrations(orgCounts({ accounts: 50, regions: 4 }));
    // One provider per account (the recipient and 50 sources), whatever their regions.
    expect(byType["pulumi:providers:aws"]).toBe(1 + 50);
    // Per account: 3 subscriptions and a canary per region, its flow log; and the trail's group.
    expect(byType["aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"]).toBe(
      50 * (4 * 3 + 4 + 1) + 1,
    );
    expect(byType["aws:iam/role:Role"]).toBe(3 + 50 + 50 * 4 + 1);
    expect(byType["aws:cloudwatch/logAccountPolicy:LogAccountPolicy"]).toBe(13 * 4);
    // The 15 CIS alarms; the recipient's 7 health alarms; 2 per source account and region.
    expect(byType["aws:cloudwatch/metricAlarm:MetricAlarm"]).toBe(15 + 7 + 2 * 50 * 4);
    expect(byType["aws:sns/topic:Topic"]).toBe(1 + 1 + 50 * 4);
    expect(byType["central-logging:source:SourceAccount"]).toBe(50);
    // The figure the benchmark checked against a real run of the program under mocks.
    // 1628 before Athena, which adds its results bucket (7), database, 2 tables, workgroup, 2 queries and component;
    // 1642 with a provider per (account, region), 204 of them; 1489 with one per account, 51;
    // and the log Firehose's error log group and stream; operations adds 200 canary groups and their
    // 200 filters, 407 health alarms, 201 topics with their 201 components, and the dashboard.
    expect(total(byType)).toBe(1642 - 204 + 51 + 2 + 200 + 200 + 407 + 201 + 201 + 1);
  });
});

describe("countMismatches", () => {
  it("names each type whose count differs, missing types as 0", () => {
    expect(countMismatches({ a: 1, b: 2, c: 0 }, { a: 1, b: 3, d: 4 })).toEqual([
      "b: expected 2, registered 3",
      "d: expected 0, registered 4",
    ]);
    expect(countMismatches({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
