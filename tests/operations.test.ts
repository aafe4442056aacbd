import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { RawConfig } from "../infra/config";
import { ALARM_KINDS } from "../infra/operations/alarmKinds";
import type { RoutingPlan } from "../infra/plan";
import { resolveStack } from "../infra/stack";
import type { ResourceRecord } from "../tools/offline/mocks";
import { type PlacedResource, placeResources } from "../tools/offline/report";
import { runProgram } from "../tools/offline/run";
import { readStackFile } from "../tools/offline/stackFile";
import { input, type Registered, runStack, T } from "./support/program";

const RECIPIENT = "999999999999";
const HOME = "ap-northeast-1";
const P = "central-logging-dev";
const CANARY_GROUP = `/central-logging/${P}/canary`;
const OPS = {
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  topic: "aws:sns/topic:Topic",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  component: "central-logging:operations:OperationsAlarms",
  queue: "aws:sqs/queue:Queue",
  domain: "aws:opensearch/domain:Domain",
  bus: "aws:cloudwatch/eventBus:EventBus",
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  accountPolicy: "aws:cloudwatch/logAccountPolicy:LogAccountPolicy",
} as const;

let p: Registered;
let plan: RoutingPlan;

beforeAll(async () => {
  const dev = readStackFile("Pulumi.dev.yaml");
  p = await runStack(dev.stack, dev.config);
  plan = p.run.plan;
});

const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;
const placeOf = (r: ResourceRecord) => `${r.provider?.accountId}/${r.region}`;
/** The health alarms: the metric alarms of the operations components (not CloudTrail's CIS alarms). */
const healthAlarms = () => p.ofType(OPS.alarm).filter((a) => a.parent?.startsWith(`${OPS.component}::`));
const dimensions = (a: ResourceRecord) => input<Record<string, string> | undefined>(a, "dimensions") ?? {};

describe("canaries (operations.canary)", () => {
  it("puts a canary group, kept one day, in each source account and region that forwards, and only there", () => {
    // Where sources forward, read off the other registrations: their filters and account policies.
    const forwarding = new Set(
      [
        ...p.ofType(T.filter).filter((f) => input(f, "logGroup") !== CANARY_GROUP),
        ...p.ofType(OPS.accountPolicy),
      ].map(placeOf),
    );
    expect([...forwarding].sort()).toEqual([
      "111111111111/ap-northeast-1",
      "111111111111/us-east-2",
      "222222222222/us-east-2",
    ]);
    const groups = p.ofType(T.logGroup).filter((g) => input(g, "name") === CANARY_GROUP);
    expect(groups.map(placeOf).sort()).toEqual([...forwarding].sort());
    for (const g of groups) {
      expect(g.inputs).toMatchObject({ retentionInDays: 1 });
      expect(g.parent).toBe(`central-logging:source:SourceAccount::source-${g.provider?.accountId}`);
    }
    // Not in the recipient, which does not forward in dev, nor in 111111111111's event region.
    expect(groups.filter((g) => g.provider?.accountId === RECIPIENT)).toEqual([]);
    expect(groups.filter((g) => g.region === "us-east-1")).toEqual([]);
  });

  it("subscribes each canary group, after it exists, to the destination of its own region, whole", () => {
    const groups = p.ofType(T.logGroup).filter((g) => input(g, "name") === CANARY_GROUP);
    const filters = p.ofType(T.filter).filter((f) => input(f, "logGroup") === CANARY_GROUP);
    expect(filters.map(placeOf).sort()).toEqual(groups.map(placeOf).sort());
    for (const f of filters) {
      const region = f.region!;
      const group = groups.find((g) => placeOf(g) === placeOf(f))!;
      expect(f.inputs).toMatchObject({
        name: `${P}-canary`,
        filterPattern: "",
        destinationArn: `arn:aws:logs:${region}:${RECIPIENT}:destination:${P}`,
      });
      expect(f.dependsOn).toContain(key(group));
      // That destination is registered in the recipient, in the same region.
      expect(
        p
          .ofType(T.destination)
          .filter((d) => d.region === region)
          .map(placeOf),
      ).toEqual([`${RECIPIENT}/${region}`]);
    }
  });

  it("puts a canary event rule beside the configured rules, on the same target", () => {
    const rules = p.ofType(OPS.rule).filter((r) => input(r, "name") === `${P}-canary`);
    expect(rules.map(placeOf)).toEqual(["111111111111/us-east-1"]);
    expect(JSON.parse(input<string>(rules[0]!, "eventPattern"))).toEqual({
      source: ["central-logging.canary"],
    });
    const targets = p.ofType(OPS.target).filter((t) => t.provider?.accountId === "111111111111");
    expect(targets.map((t) => [input(t, "rule"), input(t, "arn")]).sort()).toEqual([
      [`${P}-canary`, `arn:aws:events:${HOME}:${RECIPIENT}:event-bus/${P}-events`],
      [`${P}-iam`, `arn:aws:events:${HOME}:${RECIPIENT}:event-bus/${P}-events`],
    ]);
  });
});

describe("health alarms (operations.alarms)", () => {
  it("watches every dead-letter queue from the queue's own account and region", () => {
    const queues = p.ofType(OPS.queue);
    expect(queues.map((q) => `${placeOf(q)} ${input(q, "name")}`).sort()).toEqual([
      `111111111111/us-east-1 ${P}-events-dlq`,
      `${RECIPIENT}/${HOME} ${P}-events-bus-dlq`,
      `${RECIPIENT}/${HOME} ${P}-search-dlq`,
    ]);
    for (const q of queues) {
      const alarms = healthAlarms().filter((a) => dimensions(a).QueueName === input(q, "name"));
      expect(alarms.map(placeOf), key(q)).toEqual([placeOf(q)]);
    }
  });

  it("watches every Firehose from its account and region: freshness, delivery and throttling", () => {
    const firehoses = p.ofType(T.firehose);
    expect(firehoses).toHaveLength(2);
    for (const f of firehoses) {
      const alarms = healthAlarms().filter((a) => dimensions(a).DeliveryStreamName === input(f, "name"));
      expect(alarms.map(placeOf), key(f)).toEqual([placeOf(f), placeOf(f), placeOf(f)]);
      // The one reading the stream is throttled reading it; the direct-put one, taking records.
      const readsStream = input(f, "kinesisSourceConfiguration") !== undefined;
      expect(alarms.map((a) => input(a, "metricName")).sort()).toEqual([
        "DeliveryToS3.DataFreshness",
        "DeliveryToS3.Success",
        readsStream ? "ThrottledGetRecords" : "ThrottledRecords",
      ]);
    }
  });

  it("watches every Lambda's errors and throttles from its account and region", () => {
    const lambdas = p.ofType(T.lambda);
    expect(lambdas.map((l) => input(l, "name")).sort()).toEqual([
      `${P}-cwl-gunzip`,
      `${P}-search-forwarder`,
      `${P}-search-provisioner`,
    ]);
    for (const l of lambdas) {
      const alarms = healthAlarms().filter((a) => dimensions(a).FunctionName === input(l, "name"));
      const byMetric = (metric: string) =>
        alarms.filter((a) => input(a, "namespace") === "AWS/Lambda" && input(a, "metricName") === metric);
      for (const metric of ["Errors", "Throttles"]) {
        expect(byMetric(metric).map(placeOf), `${key(l)} ${metric}`).toEqual([placeOf(l)]);
        expect(byMetric(metric)[0]?.inputs).toMatchObject({
          statistic: "Sum",
          threshold: 0,
          comparisonOperator: "GreaterThanThreshold",
        });
      }
    }
  });

  it("watches the stream, the domain, the bus rule and every source rule where they live", () => {
    const stream = p.one(T.stream);
    expect(
      healthAlarms()
        .filter((a) => dimensions(a).StreamName === input(stream, "name"))
        .map(placeOf),
    ).toEqual([placeOf(stream), placeOf(stream)]);
    const domain = p.one(OPS.domain);
    const onDomain = healthAlarms().filter((a) => dimensions(a).DomainName === input(domain, "domainName"));
    expect(onDomain).toHaveLength(5);
    for (const a of onDomain) {
      expect(placeOf(a)).toBe(placeOf(domain));
      // AWS/ES publishes per domain and owning account.
      expect(dimensions(a).ClientId).toBe(RECIPIENT);
    }
    for (const rule of p.ofType(OPS.rule)) {
      const alarms = healthAlarms().filter((a) => dimensions(a).RuleName === input(rule, "name"));
      expect(alarms.map(placeOf), key(rule)).toEqual([placeOf(rule)]);
      // A rule on a custom bus publishes with its bus's name too.
      expect(dimensions(alarms[0]!).EventBusName).toBe(input(rule, "eventBusName"));
    }
  });

  it("sums every subscription's delivery errors and throttling once per forwarding account and region", () => {
    const queries = healthAlarms().filter((a) => input(a, "metricQueries") !== undefined);
    const where = (metric: string) =>
      queries
        .filter((a) =>
          input<{ expression: string }[]>(a, "metricQueries").some((q) =>
            q.expression.includes(`SUM(${metric})`),
          ),
        )
        .map(placeOf)
        .sort();
    const canaries = p
      .ofType(T.logGroup)
      .filter((g) => input(g, "name") === CANARY_GROUP)
      .map(placeOf)
      .sort();
    expect(where("DeliveryErrors")).toEqual(canaries);
    expect(where("DeliveryThrottling")).toEqual(canaries);
    for (const a of queries) {
      expect(input(a, "metricQueries")).toEqual([
        expect.objectContaining({ id: "q", period: 300, returnData: true }),
      ]);
      expect(input<{ expression: string }[]>(a, "metricQueries")[0]?.expression).toMatch(
        /^SELECT SUM\((DeliveryErrors|DeliveryThrottling)\) FROM SCHEMA\("AWS\/Logs", DestinationType, FilterName, LogGroupName\)$/,
      );
      // A query alarm has no metric of its own.
      expect(input(a, "metricName")).toBeUndefined();
      expect(input(a, "period")).toBeUndefined();
    }
  });

  it("uses AWS's namespace, metric, statistic and dimensions for each kind of alarm", () => {
    // From AWS's metric references (Kinesis, Firehose, Lambda, SQS, OpenSearch, EventBridge,
    // CloudWatch Logs): `<namespace> <metric> <statistic> [<dimensions>]`.
    const expected: Record<string, string[]> = {
      "stream-iterator-age": ["AWS/Kinesis GetRecords.IteratorAgeMilliseconds Maximum [StreamName]"],
      "stream-write-throttled": ["AWS/Kinesis WriteProvisionedThroughputExceeded Sum [StreamName]"],
      "firehose-freshness": ["AWS/Firehose DeliveryToS3.DataFreshness Maximum [DeliveryStreamName]"],
      "firehose-delivery": ["AWS/Firehose DeliveryToS3.Success Minimum [DeliveryStreamName]"],
      // Reading the stream (the archive's) / taking direct puts (the events').
      "firehose-throttled": [
        "AWS/Firehose ThrottledGetRecords Sum [DeliveryStreamName]",
        "AWS/Firehose ThrottledRecords Sum [DeliveryStreamName]",
      ],
      "lambda-errors": ["AWS/Lambda Errors Sum [FunctionName]"],
      "lambda-throttles": ["AWS/Lambda Throttles Sum [FunctionName]"],
      "forwarder-iterator-age": ["AWS/Lambda IteratorAge Maximum [FunctionName]"],
      "dead-letter-queue": ["AWS/SQS ApproximateNumberOfMessagesVisible Maximum [QueueName]"],
      "search-red": ["AWS/ES ClusterStatus.red Maximum [ClientId,DomainName]"],
      "search-yellow": ["AWS/ES ClusterStatus.yellow Maximum [ClientId,DomainName]"],
      "search-free-storage": ["AWS/ES FreeStorageSpace Minimum [ClientId,DomainName]"],
      "search-jvm-pressure": ["AWS/ES JVMMemoryPressure Maximum [ClientId,DomainName]"],
      "search-writes-blocked": ["AWS/ES ClusterIndexWritesBlocked Maximum [ClientId,DomainName]"],
      // A rule on a custom bus (the recipient's) publishes with its bus; on the default bus, alone.
      "event-rule-failed": [
        "AWS/Events FailedInvocations Sum [EventBusName,RuleName]",
        "AWS/Events FailedInvocations Sum [RuleName]",
      ],
      "subscription-delivery-errors": ["AWS/Logs query SUM(DeliveryErrors)"],
      "subscription-throttling": ["AWS/Logs query SUM(DeliveryThrottling)"],
    };
    // The kind of each registered alarm: the plan's alarm of the same place and name.
    const kinds = new Map(
      plan.operations.topics.flatMap((t) =>
        t.alarms.map((a): [string, string] => [`${a.accountId}/${a.region}/${a.name}`, a.kind]),
      ),
    );
    const seen: Record<string, Set<string>> = {};
    for (const a of healthAlarms()) {
      const kind = kinds.get(`${placeOf(a)}/${input(a, "name")}`);
      expect(kind, key(a)).toBeDefined();
      const queries = input<{ expression: string }[] | undefined>(a, "metricQueries");
      const described = queries
        ? `AWS/Logs query ${/SUM\(\w+\)/.exec(queries[0]?.expression ?? "")?.[0]}`
        : `${input(a, "namespace")} ${input(a, "metricName")} ${input(a, "statistic")} [${Object.keys(dimensions(a)).sort().join(",")}]`;
      seen[kind!] = (seen[kind!] ?? new Set()).add(described);
    }
    expect(Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, [...v].sort()]))).toEqual(expected);
    // dev plans every kind the docs describe.
    expect(Object.keys(seen).sort()).toEqual(Object.keys(ALARM_KINDS).sort());
  });

  it("notifies the operations topic of its own account and region, on alarm and back to OK", () => {
    const topics = p.ofType(OPS.topic).filter((t) => t.parent?.startsWith(`${OPS.component}::`));
    const topicArn = (r: ResourceRecord) =>
      `arn:aws:sns:${r.region}:${r.provider?.accountId}:${input<string>(r, "name")}`;
    // One per account and region with alarms; the recipient's and a source's named apart.
    expect(topics.map((t) => `${placeOf(t)} ${input(t, "name")}`).sort()).toEqual([
      `111111111111/ap-northeast-1 ${P}-operations-source`,
      `111111111111/us-east-1 ${P}-operations-source`,
      `111111111111/us-east-2 ${P}-operations-source`,
      `222222222222/us-east-2 ${P}-operations-source`,
      `${RECIPIENT}/${HOME} ${P}-operations`,
    ]);
    const alarms = healthAlarms();
    expect(alarms.length).toBeGreaterThan(30);
    for (const a of alarms) {
      const own = topics.filter((t) => placeOf(t) === placeOf(a) && t.parent === a.parent);
      expect(own, key(a)).toHaveLength(1);
      expect(input(a, "alarmActions"), key(a)).toEqual([topicArn(own[0]!)]);
      expect(input(a, "okActions"), key(a)).toEqual([topicArn(own[0]!)]);
      expect(input(a, "treatMissingData")).toBe("notBreaching");
    }
    // Alarm names are unique in each account and region.
    const names = alarms.map((a) => `${placeOf(a)}/${input(a, "name")}`);
    expect(new Set(names).size).toBe(names.length);
    // Each topic has dev's one subscriber.
    for (const t of topics)
      expect(
        p
          .ofType(OPS.subscription)
          .filter((s) => s.parent === t.parent)
          .map((s) => [placeOf(s), input(s, "protocol"), input(s, "endpoint"), input(s, "topic")]),
      ).toEqual([[placeOf(t), "email", "platform-oncall@example.com", topicArn(t)]]);
  });
});

describe("the dashboard (operations.dashboard)", () => {
  const body = () =>
    JSON.parse(input<string>(p.one(OPS.dashboard), "dashboardBody")) as {
      widgets: { type: string; x: number; width: number; properties: Record<string, unknown> }[];
    };

  it("is the recipient's, in its home region, named by the prefix", () => {
    const d = p.one(OPS.dashboard);
    expect(placeOf(d)).toBe(`${RECIPIENT}/${HOME}`);
    expect(input(d, "dashboardName")).toBe(P);
    for (const w of body().widgets) expect(w.x + w.width).toBeLessThanOrEqual(24);
  });

  it("graphs only metrics of resources the program registers, in the home region", () => {
    const named = (type: string, prop = "name") =>
      p
        .ofType(type)
        .filter((r) => placeOf(r) === `${RECIPIENT}/${HOME}`)
        .map((r) => input<string>(r, prop));
    // What each dimension may name: the recipient's resources in its home region.
    const exists: Record<string, string[]> = {
      StreamName: named(T.stream),
      DeliveryStreamName: named(T.firehose),
      FunctionName: named(T.lambda),
      QueueName: named(OPS.queue),
      DomainName: named(OPS.domain, "domainName"),
      ClientId: [RECIPIENT],
      EventBusName: named(OPS.bus),
      RuleName: named(OPS.rule),
    };
    const metricWidgets = body().widgets.filter((w) => w.type === "metric");
    expect(metricWidgets.length).toBeGreaterThan(10);
    const referenced = new Set<string>();
    for (const w of metricWidgets) {
      expect(w.properties.region).toBe(HOME);
      for (const metric of w.properties.metrics as unknown[][]) {
        const parts = metric.filter((x) => typeof x === "string") as string[];
        const [namespace, , ...dims] = parts;
        expect(namespace).toMatch(/^AWS\/(Kinesis|Lambda|Firehose|Events|ES|SQS)$/);
        expect(dims.length % 2, JSON.stringify(metric)).toBe(0);
        expect(dims.length).toBeGreaterThan(0);
        for (let i = 0; i < dims.length; i += 2) {
          const [name, value] = [dims[i]!, dims[i + 1]!];
          expect(exists[name], `${name} in ${JSON.stringify(metric)}`).toContain(value);
          referenced.add(`${name}=${value}`);
        }
      }
    }
    // Each stage is on it: the stream, the gunzip Lambda, both Firehoses, the bus rule, the domain
    // and its forwarder, the dead-letter queues (the provisioner, run at deploy, only by its alarms).
    expect([...referenced].sort()).toEqual(
      [
        `ClientId=${RECIPIENT}`,
        `DeliveryStreamName=${P}-archive`,
        `DeliveryStreamName=${P}-events`,
        `DomainName=${P}`,
        `EventBusName=${P}-events`,
        `FunctionName=${P}-cwl-gunzip`,
        `FunctionName=${P}-search-forwarder`,
        `QueueName=${P}-events-bus-dlq`,
        `QueueName=${P}-search-dlq`,
        `RuleName=${P}-archive`,
        `StreamName=${P}-logs`,
      ].sort(),
    );
  });

  it("shows the state of exactly the recipient's alarms", () => {
    const shown = body()
      .widgets.filter((w) => w.type === "alarm")
      .flatMap((w) => w.properties.alarms as string[]);
    const recipientAlarms = healthAlarms()
      .filter((a) => placeOf(a) === `${RECIPIENT}/${HOME}`)
      .map((a) => `arn:aws:cloudwatch:${HOME}:${RECIPIENT}:alarm:${input(a, "name")}`);
    expect(recipientAlarms.length).toBeGreaterThan(10);
    expect([...shown].sort()).toEqual([...recipientAlarms].sort());
  });
});

describe("operations off (canary, alarms and dashboard: false)", () => {
  let off: { resources: PlacedResource[]; plan: RoutingPlan };

  beforeAll(async () => {
    // The dev stack file with operations off, planned as `npm run plan -- --json` prints it.
    const dev = readStackFile("Pulumi.dev.yaml");
    const run = await runProgram(dev.stack, {
      ...dev.config,
      "central-logging:operations": { canary: false, alarms: false, dashboard: false },
    });
    if (!run.ok) throw new Error(run.errors.join("\n"));
    off = JSON.parse(
      JSON.stringify({ resources: placeResources(run.mocks.resources), plan: run.plan }),
    ) as typeof off;
  }, 120_000);

  it("registers none of operations' resources, and everything else still", () => {
    const isOperations = (r: ResourceRecord) =>
      r.type === OPS.dashboard ||
      (r.parent?.startsWith(`${OPS.component}::`) ?? false) ||
      (r.type === T.logGroup && input(r, "name") === CANARY_GROUP) ||
      (r.type === T.filter && input(r, "logGroup") === CANARY_GROUP) ||
      (r.type === OPS.rule && input(r, "name") === `${P}-canary`) ||
      (r.type === OPS.target && input(r, "rule") === `${P}-canary`);
    const operations = p.resources.filter(isOperations);
    // Each part, as the tests above found it.
    expect(new Set(operations.map((r) => r.type))).toEqual(
      new Set([
        OPS.dashboard,
        OPS.alarm,
        OPS.topic,
        OPS.subscription,
        T.logGroup,
        T.filter,
        OPS.rule,
        OPS.target,
      ]),
    );
    const rest = p.resources.filter((r) => !isOperations(r)).map(key);
    expect(off.resources.map(key).sort()).toEqual(rest.sort());
    // The metric alarms left are CloudTrail's (their own topic), no health alarm.
    expect(
      off.resources
        .filter((r) => r.type === OPS.alarm)
        .every((r) => r.name.startsWith("source-111111111111-alarms-")),
    ).toBe(true);
    expect(off.resources.filter((r) => r.type === OPS.topic).map((r) => r.name)).toEqual([
      "source-111111111111-alarms-topic",
    ]);
  });

  it("plans no canary route or rule, no topic and no dashboard", () => {
    expect(off.plan.operations).toMatchObject({ canary: false, topics: [] });
    expect(off.plan.operations.dashboard).toBeUndefined();
    expect(off.plan.sources.flatMap((s) => s.routes).filter((r) => r.origin === "canary")).toEqual([]);
    expect(
      off.plan.sources.flatMap((s) => s.eventSenders.flatMap((e) => e.rules)).map((r) => r.configName),
    ).toEqual(["iam"]);
    // And the configured routes are those of the run with operations on.
    expect(off.plan.sources.flatMap((s) => s.routes).map((r) => r.key)).toEqual(
      plan.sources.flatMap((s) => s.routes.filter((r) => r.origin !== "canary")).map((r) => r.key),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The operations plan over generated configs (pure).

const REGIONS = ["us-east-1", "us-east-2", "eu-west-1", "ap-northeast-1"] as const;
/** Event rule names, some of them what an alarm of the same place is called without `-failed`. */
const RULE_NAMES = ["iam", "ec2", "events-bus-rule", "subscription-throttling", "events-dlq"] as const;

const sourceArb = fc.record({
  regions: fc.uniqueArray(fc.constantFrom(...REGIONS), { minLength: 1, maxLength: 3 }),
  groups: fc.uniqueArray(fc.constantFrom("app", "/ecs/payments", "/aws/lambda/orders"), { maxLength: 2 }),
  forwardAll: fc.boolean(),
  rules: fc.uniqueArray(fc.record({ name: fc.constantFrom(...RULE_NAMES), pick: fc.nat() }), {
    maxLength: 3,
    selector: (r) => r.name,
  }),
});

const configArb: fc.Arbitrary<RawConfig> = fc
  .record({
    ids: fc.uniqueArray(fc.constantFrom("111111111111", "222222222222", "333333333333", RECIPIENT), {
      minLength: 1,
      maxLength: 3,
    }),
    shapes: fc.array(sourceArb, { minLength: 3, maxLength: 3 }),
    home: fc.constantFrom(...REGIONS),
    transport: fc.constantFrom("kinesis", "firehose"),
    search: fc.boolean(),
    organization: fc.boolean(),
    operations: fc.record({ canary: fc.boolean(), alarms: fc.boolean(), dashboard: fc.boolean() }),
  })
  .map((g) => ({
    recipient: {
      accountId: RECIPIENT,
      region: g.home,
      transport: g.transport,
      ...(g.search && g.transport === "kinesis" ? { search: {} } : {}),
      ...(g.organization ? { organizationId: "o-a1b2c3d4e5" } : {}),
    },
    sources: g.ids.map((accountId, i) => {
      const s = g.shapes[i]!;
      return {
        accountId,
        regions: s.regions,
        ...(s.groups.length > 0
          ? {
              subscriptions: s.groups.map((logGroup, j) => ({
                logGroup,
                region: s.regions[j % s.regions.length],
              })),
            }
          : {}),
        ...(s.forwardAll ? { forwardAll: {} } : {}),
        ...(s.rules.length > 0
          ? { events: s.rules.map((r) => ({ name: r.name, region: s.regions[r.pick % s.regions.length] })) }
          : {}),
      };
    }),
    operations: g.operations,
  }));

function planOf(raw: RawConfig): RoutingPlan {
  const resolved = resolveStack(raw, "t");
  if (!resolved.ok) throw new Error(`refused:\n${resolved.errors.join("\n")}\n${JSON.stringify(raw)}`);
  return resolved.plan;
}

describe("the canary's log group, reserved", () => {
  const GROUP = "/central-logging/central-logging-t/canary";
  const errorsOf = (source: Record<string, unknown>, operations?: unknown) => {
    const resolved = resolveStack(
      {
        recipient: { accountId: RECIPIENT, region: "us-east-1" },
        sources: [{ accountId: "111111111111", regions: ["us-east-1"], ...source }],
        ...(operations ? { operations } : {}),
      },
      "t",
    );
    return resolved.ok ? [] : resolved.errors;
  };
  const message = `'${GROUP}' is the canary's log group (operations.canary), which the program creates; choose another`;

  // The program would create the group twice (flow log, trail) or the same filter twice.
  it.each([
    [
      "subscriptions[0].logGroup",
      { subscriptions: [{ logGroup: GROUP, filterName: "central-logging-t-canary" }] },
    ],
    ["subscriptions[0].logGroup", { subscriptions: [{ logGroup: GROUP }] }],
    ["flowLogs[0].logGroup", { flowLogs: [{ vpcId: "vpc-12345678", logGroup: GROUP }] }],
    ["cloudTrail.logGroup", { cloudTrail: { logGroup: GROUP, forward: {} } }],
  ])("is refused as %s while the canary is on", (path, source) => {
    expect(errorsOf(source)).toEqual([`sources[0].${path}: ${message}`]);
    expect(errorsOf(source, { canary: false })).toEqual([]);
  });
});

describe("the operations plan, for any config", () => {
  it("keeps alarm names unique per account and region, each alarm on its place's one topic", () => {
    fc.assert(
      fc.property(configArb, (raw) => {
        const plan = planOf(raw);
        const alarms = plan.operations.topics.flatMap((t) => t.alarms);
        const keys = alarms.map((a) => `${a.accountId}/${a.region}/${a.name}`);
        expect(new Set(keys).size).toBe(keys.length);
        const topicKeys = plan.operations.topics.map((t) => t.key);
        expect(new Set(topicKeys).size).toBe(topicKeys.length);
        for (const t of plan.operations.topics) {
          expect(t.arn).toBe(`arn:aws:sns:${t.region}:${t.accountId}:${t.name}`);
          for (const a of t.alarms) {
            expect([a.accountId, a.region]).toEqual([t.accountId, t.region]);
            expect(a.arn).toBe(`arn:aws:cloudwatch:${a.region}:${a.accountId}:alarm:${a.name}`);
          }
        }
        // Each alarm is where the plan places resources of its account.
        const placed = new Set(plan.placements.map((x) => `${x.accountId}/${x.region}`));
        for (const a of alarms) expect(placed).toContain(`${a.accountId}/${a.region}`);
      }),
      { numRuns: 60 },
    );
  });

  it("alarms every dead-letter queue where it lives, and every forwarding account and region", () => {
    fc.assert(
      fc.property(configArb, (raw) => {
        const plan = planOf(raw);
        if (!plan.operations.topics.length) return;
        const alarms = plan.operations.topics.flatMap((t) => t.alarms);
        const r = plan.recipient;
        const queues = [
          ...(r.search ? [`${r.accountId}/${r.homeRegion}/${r.search.deadLetterQueue.name}`] : []),
          ...(r.events ? [`${r.accountId}/${r.homeRegion}/${r.events.deadLetterQueue.name}`] : []),
          ...plan.sources.flatMap((s) =>
            s.eventSenders.map((e) => `${s.accountId}/${e.region}/${e.deadLetterQueue.name}`),
          ),
        ];
        expect(
          alarms
            .filter((a) => a.kind === "dead-letter-queue")
            .map((a) => `${a.accountId}/${a.region}/${a.metric?.dimensions.QueueName}`)
            .sort(),
        ).toEqual(queues.sort());
        const sending = plan.sources.flatMap((s) =>
          [...new Set([...s.routes, ...s.accountPolicies].map((x) => x.region))].map(
            (region) => `${s.accountId}/${region}`,
          ),
        );
        for (const kind of ["subscription-delivery-errors", "subscription-throttling"] as const)
          expect(
            alarms
              .filter((a) => a.kind === kind)
              .map((a) => `${a.accountId}/${a.region}`)
              .sort(),
          ).toEqual([...sending].sort());
        const rules = plan.sources.flatMap((s) => s.eventSenders.flatMap((e) => e.rules));
        expect(
          alarms
            .filter((a) => a.kind === "event-rule-failed" && a.metric?.dimensions.EventBusName === undefined)
            .map((a) => `${a.accountId}/${a.region}/${a.metric?.dimensions.RuleName}`)
            .sort(),
        ).toEqual(rules.map((x) => `${x.accountId}/${x.region}/${x.name}`).sort());
      }),
      { numRuns: 60 },
    );
  });

  it("follows the three switches, and the dashboard shows exactly the recipient's alarms", () => {
    fc.assert(
      fc.property(configArb, (raw) => {
        const plan = planOf(raw);
        const o = raw.operations as { canary: boolean; alarms: boolean; dashboard: boolean };
        const canaryRoutes = plan.sources.flatMap((s) => s.routes.filter((x) => x.origin === "canary"));
        const canaryRules = plan.sources.flatMap((s) =>
          s.eventSenders.flatMap((e) => e.rules.filter((x) => x.configName === "canary")),
        );
        if (!o.canary) {
          expect(canaryRoutes).toEqual([]);
          expect(canaryRules).toEqual([]);
        } else {
          // One canary per sending account and region; one canary rule per region with rules.
          for (const s of plan.sources) {
            const configured = s.routes.filter((x) => x.origin !== "canary");
            const sending = new Set([...configured, ...s.accountPolicies].map((x) => x.region));
            expect(
              s.routes
                .filter((x) => x.origin === "canary")
                .map((x) => x.region)
                .sort(),
            ).toEqual([...sending].sort());
            expect(
              s.eventSenders.map((e) => e.rules.filter((x) => x.configName === "canary").length),
            ).toEqual(s.eventSenders.map(() => 1));
          }
        }
        if (!o.alarms) expect(plan.operations.topics).toEqual([]);
        else expect(plan.operations.topics.filter((t) => t.side === "recipient")).toHaveLength(1);
        const d = plan.operations.dashboard;
        if (!o.dashboard) {
          expect(d).toBeUndefined();
          return;
        }
        expect([d?.accountId, d?.region]).toEqual([plan.recipient.accountId, plan.recipient.homeRegion]);
        const widgets = d?.body.widgets.filter((w) => w.type === "alarm") ?? [];
        for (const w of widgets) expect((w.properties.alarms as string[]).length).toBeLessThanOrEqual(100);
        const recipientTopic = plan.operations.topics.find((t) => t.side === "recipient");
        expect(widgets.flatMap((w) => w.properties.alarms as string[])).toEqual(
          (recipientTopic?.alarms ?? []).map((a) => a.arn),
        );
      }),
      { numRuns: 60 },
    );
  });
});
