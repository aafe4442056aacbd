/**
 * The operations plan as data: where each alarm lives, what it watches, and that turning each
 * part off removes it. The registered resources are checked under mocks in tests/operations.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rawConfigFrom } from "../config";
import type { RoutingPlan } from "../plan";
import { resolveStack } from "../stack";
import { ALARM_KINDS } from "./alarmKinds";

const RECIPIENT = "999999999999";

function config(
  extra: { operations?: unknown; sources?: unknown[]; recipient?: Record<string, unknown> } = {},
) {
  return {
    "central-logging:recipient": {
      accountId: RECIPIENT,
      region: "ap-northeast-1",
      search: {},
      ...extra.recipient,
    },
    "central-logging:sources": extra.sources ?? [
      {
        accountId: "111111111111",
        regions: ["ap-northeast-1", "us-east-2"],
        subscriptions: [{ logGroup: "/app/a", region: "us-east-2" }],
        forwardAll: { regions: ["ap-northeast-1"] },
        events: [{ name: "iam", region: "us-east-1" }],
      },
      // The recipient is a source too, with a rule in its home region.
      {
        accountId: RECIPIENT,
        regions: ["ap-northeast-1"],
        subscriptions: [{ logGroup: "/app/own" }],
        events: [{ name: "events-bus-rule", region: "ap-northeast-1" }],
      },
    ],
    ...(extra.operations !== undefined ? { "central-logging:operations": extra.operations } : {}),
  };
}

function plan(raw: Record<string, unknown>): RoutingPlan {
  const resolved = resolveStack(rawConfigFrom(raw), "t");
  if (!resolved.ok) throw new Error(resolved.errors.join("\n"));
  return resolved.plan;
}

function errors(raw: Record<string, unknown>): string[] {
  const resolved = resolveStack(rawConfigFrom(raw), "t");
  return resolved.ok ? [] : resolved.errors;
}

const alarmsOf = (p: RoutingPlan) => p.operations.topics.flatMap((t) => t.alarms);

describe("canaries", () => {
  it("one canary route per source account and region that forwards, filters and forwardAll alike", () => {
    const p = plan(config());
    const canaries = p.sources.flatMap((s) => s.routes.filter((r) => r.origin === "canary"));
    expect(canaries.map((r) => `${r.accountId}/${r.region} ${r.logGroup} ${r.filterName}`)).toEqual([
      "111111111111/ap-northeast-1 /central-logging/central-logging-t/canary central-logging-t-canary",
      "111111111111/us-east-2 /central-logging/central-logging-t/canary central-logging-t-canary",
      "999999999999/ap-northeast-1 /central-logging/central-logging-t/canary central-logging-t-canary",
    ]);
    // The account-wide policy leaves the canary group to its own filter.
    const policy = p.sources[0]?.accountPolicies[0];
    expect(policy?.excluded).toContain("/central-logging/central-logging-t/canary");
    // And each canary goes to its own region's destination.
    for (const r of canaries)
      expect(r.destinationArn).toContain(`:logs:${r.region}:${RECIPIENT}:destination:`);
  });

  it("a canary event rule in every source region with rules, admitted by the recipient's bus", () => {
    const p = plan(config());
    const rules = p.sources.flatMap((s) => s.eventSenders.flatMap((e) => e.rules));
    const canaryRules = rules.filter((r) => r.configName === "canary");
    expect(canaryRules.map((r) => r.key)).toEqual([
      "111111111111/us-east-1/canary",
      "999999999999/ap-northeast-1/canary",
    ]);
    expect(JSON.parse(canaryRules[0]?.pattern ?? "{}")).toEqual({ source: ["central-logging.canary"] });
    // The bus admits the other account's canary rule (the recipient's own rules need no grant).
    expect(p.recipient.events?.senderRuleArns).toContain(canaryRules[0]?.arn);
    expect(p.recipient.events?.senderRuleArns).not.toContain(canaryRules[1]?.arn);
  });

  it("canary off: no canary route, no canary rule", () => {
    const p = plan(config({ operations: { canary: false } }));
    expect(p.sources.flatMap((s) => s.routes).filter((r) => r.origin === "canary")).toEqual([]);
    expect(
      p.sources.flatMap((s) => s.eventSenders.flatMap((e) => e.rules)).map((r) => r.configName),
    ).not.toContain("canary");
  });

  it("refuses an event rule named canary while the canary is on", () => {
    const sources = [{ accountId: "111111111111", regions: ["us-east-1"], events: [{ name: "canary" }] }];
    expect(errors(config({ sources }))).toEqual([
      "sources[0].events[0].name: 'canary' is the canary rule's name (operations.canary); choose another name",
    ]);
    expect(errors(config({ sources, operations: { canary: false } }))).toEqual([]);
    // An account id given as a bare 12-digit number still names its own entry.
    const numeric = [{ ...sources[0], accountId: 111111111111 }];
    expect(errors(config({ sources: numeric }))).toEqual([
      "sources[0].events[0].name: 'canary' is the canary rule's name (operations.canary); choose another name",
    ]);
  });
});

describe("alarms", () => {
  it("puts each alarm in the account and region of what it watches, on that place's topic", () => {
    const p = plan(config());
    for (const t of p.operations.topics)
      for (const a of t.alarms) {
        expect([a.accountId, a.region]).toEqual([t.accountId, t.region]);
        expect(a.key).toBe(`${a.accountId}/${a.region}/${a.name}`);
      }
    expect(p.operations.topics.map((t) => t.key)).toEqual([
      "111111111111/ap-northeast-1/central-logging-t-operations-source",
      "111111111111/us-east-1/central-logging-t-operations-source",
      "111111111111/us-east-2/central-logging-t-operations-source",
      "999999999999/ap-northeast-1/central-logging-t-operations",
      "999999999999/ap-northeast-1/central-logging-t-operations-source",
    ]);
  });

  it("gives every dead-letter queue and every Firehose of the plan an alarm where it lives", () => {
    const p = plan(config());
    const alarms = alarmsOf(p);
    const queues = [
      { accountId: RECIPIENT, region: "ap-northeast-1", name: p.recipient.search?.deadLetterQueue.name },
      { accountId: RECIPIENT, region: "ap-northeast-1", name: p.recipient.events?.deadLetterQueue.name },
      ...p.sources.flatMap((s) =>
        s.eventSenders.map((e) => ({
          accountId: s.accountId,
          region: e.region,
          name: e.deadLetterQueue.name,
        })),
      ),
    ];
    expect(queues).toHaveLength(4);
    for (const q of queues)
      expect(
        alarms.filter(
          (a) =>
            a.metric?.dimensions.QueueName === q.name && a.accountId === q.accountId && a.region === q.region,
        ),
        `${q.accountId}/${q.region}/${q.name}`,
      ).toHaveLength(1);
    for (const firehose of [p.recipient.firehose.name, p.recipient.events?.firehose.name])
      expect(
        alarms
          .filter((a) => a.metric?.dimensions.DeliveryStreamName === firehose)
          .map((a) => a.metric?.metricName)
          .sort(),
      ).toEqual(
        firehose === p.recipient.firehose.name
          ? ["DeliveryToS3.DataFreshness", "DeliveryToS3.Success", "ThrottledGetRecords"]
          : ["DeliveryToS3.DataFreshness", "DeliveryToS3.Success", "ThrottledRecords"],
      );
  });

  it("keeps alarm names unique per account and region, whatever the event rules are called", () => {
    // `events-bus-rule` in the recipient's home region is the name the bus rule's alarm once had.
    const fixed = alarmsOf(plan(config())).map((a) => a.key);
    expect(new Set(fixed).size).toBe(fixed.length);
    const eventName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).filter((n) => n !== "canary");
    fc.assert(
      fc.property(fc.uniqueArray(eventName, { minLength: 1, maxLength: 4 }), (names) => {
        const sources = [
          {
            accountId: RECIPIENT,
            regions: ["ap-northeast-1"],
            subscriptions: [{ logGroup: "/app/own" }],
            events: names.map((name) => ({ name, region: "ap-northeast-1" })),
          },
        ];
        const keys = alarmsOf(plan(config({ sources }))).map((a) => a.key);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 40 },
    );
  });

  it("watches every Lambda, the stream, search and the rules with AWS's metric names", () => {
    const byKind = new Map<string, Set<string>>();
    for (const a of alarmsOf(plan(config())))
      byKind.set(
        a.kind,
        (byKind.get(a.kind) ?? new Set()).add(
          a.metric ? `${a.metric.namespace} ${a.metric.metricName}` : (a.query ?? ""),
        ),
      );
    expect(Object.fromEntries([...byKind].map(([k, v]) => [k, [...v].sort()]))).toEqual({
      "dead-letter-queue": ["AWS/SQS ApproximateNumberOfMessagesVisible"],
      "event-rule-failed": ["AWS/Events FailedInvocations"],
      "firehose-delivery": ["AWS/Firehose DeliveryToS3.Success"],
      "firehose-freshness": ["AWS/Firehose DeliveryToS3.DataFreshness"],
      "firehose-throttled": ["AWS/Firehose ThrottledGetRecords", "AWS/Firehose ThrottledRecords"],
      "forwarder-iterator-age": ["AWS/Lambda IteratorAge"],
      "lambda-errors": ["AWS/Lambda Errors"],
      "lambda-throttles": ["AWS/Lambda Throttles"],
      "search-free-storage": ["AWS/ES FreeStorageSpace"],
      "search-jvm-pressure": ["AWS/ES JVMMemoryPressure"],
      "search-red": ["AWS/ES ClusterStatus.red"],
      "search-writes-blocked": ["AWS/ES ClusterIndexWritesBlocked"],
      "search-yellow": ["AWS/ES ClusterStatus.yellow"],
      "stream-iterator-age": ["AWS/Kinesis GetRecords.IteratorAgeMilliseconds"],
      "stream-write-throttled": ["AWS/Kinesis WriteProvisionedThroughputExceeded"],
      "subscription-delivery-errors": [
        'SELECT SUM(DeliveryErrors) FROM SCHEMA("AWS/Logs", DestinationType, FilterName, LogGroupName)',
      ],
      "subscription-throttling": [
        'SELECT SUM(DeliveryThrottling) FROM SCHEMA("AWS/Logs", DestinationType, FilterName, LogGroupName)',
      ],
    });
    // Every kind the docs describe is planned by this config.
    expect([...byKind.keys()].sort()).toEqual(Object.keys(ALARM_KINDS).sort());
  });

  it("takes its thresholds from the config, free storage as a share of the node's volume in MB", () => {
    const p = plan(
      config({
        recipient: { search: { volumeSizeGiB: 100 } },
        operations: { thresholds: { iteratorAgeSeconds: 120, searchFreeStoragePercent: 10 } },
      }),
    );
    const threshold = (name: string) =>
      alarmsOf(p).find((a) => a.name === `central-logging-t-${name}`)?.threshold;
    expect(threshold("stream-iterator-age")).toBe(120_000);
    expect(threshold("search-forwarder-iterator-age")).toBe(120_000);
    expect(threshold("search-free-storage")).toBe(10_240);
    expect(threshold("archive-freshness")).toBe(1800);
  });

  it("refuses a freshness threshold a Firehose may reach by merely buffering", () => {
    expect(
      errors(
        config({
          recipient: { firehose: { bufferIntervalSeconds: 900 } },
          operations: { thresholds: { firehoseFreshnessSeconds: 900 } },
        }),
      ),
    ).toEqual([
      "operations.thresholds.firehoseFreshnessSeconds: 900 must be above recipient.firehose.bufferIntervalSeconds (900 s): a Firehose is allowed to hold records that long",
    ]);
  });

  it("alarms off: no topic and no alarm; the dashboard then shows no alarm widget", () => {
    const p = plan(config({ operations: { alarms: false } }));
    expect(p.operations.topics).toEqual([]);
    expect(p.operations.dashboard?.body.widgets.filter((w) => w.type === "alarm")).toEqual([]);
  });
});

describe("the dashboard", () => {
  it("lives in the recipient's home region and fits CloudWatch's 24-column grid", () => {
    const d = plan(config()).operations.dashboard;
    expect([d?.accountId, d?.region, d?.name]).toEqual([RECIPIENT, "ap-northeast-1", "central-logging-t"]);
    for (const w of d?.body.widgets ?? []) expect(w.x + w.width).toBeLessThanOrEqual(24);
    const alarmWidget = d?.body.widgets.find((w) => w.type === "alarm");
    const shown = (alarmWidget?.properties.alarms ?? []) as string[];
    expect(shown.length).toBeGreaterThan(10);
    for (const a of shown)
      expect(a).toMatch(new RegExp(`^arn:aws:cloudwatch:ap-northeast-1:${RECIPIENT}:alarm:`));
  });

  it("dashboard off: none", () => {
    expect(plan(config({ operations: { dashboard: false } })).operations.dashboard).toBeUndefined();
  });
});
