/**
 * The routing plan (`infra/plan.ts`): properties over generated valid stack configs, and the two
 * write-ups' setups as concrete cases.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RawConfig, Settings } from "../infra/config";
import type { RoutePlan } from "../infra/forwarding/plan";
import { planRouting, type RoutingPlan } from "../infra/plan";
import { resolveStack as parseSettings } from "../infra/stack";

const NUM_RUNS = 150;

function settingsOf(raw: RawConfig, stack: string): Settings {
  const result = parseSettings(raw, stack);
  if (!result.ok) throw new Error(`generated config was rejected:\n${result.errors.join("\n")}`);
  return result.settings;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries: raw stack configs that are valid by construction (parseSettings must accept them).

const REGION_POOL = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "ap-northeast-1"] as const;
const LOG_GROUP_POOL = [
  "app",
  "test-trail",
  "/aws/lambda/orders-api",
  "/ecs/payments",
  "flows",
  "CloudTrail/audit",
];
const FILTER_NAME_POOL = ["audit", "siem", "central-logging-dev", "to-archive"];
const PATTERN_POOL = ["", "{$.userIdentity.type = tada}", "?ERROR ?WARN", '"ERROR"', "[ip, user, ...]"];
const VPC_POOL = ["vpc-12345678", "vpc-0a1b2c3d", "vpc-0123456789abcdef0", "vpc-deadbeef"];

const accountIdArb = fc.integer({ min: 0, max: 999_999_999_999 }).map((n) => n.toString().padStart(12, "0"));

interface SubscriptionDraft {
  logGroup: string;
  pick: number;
  omitRegion: boolean;
  filterPattern: string | undefined;
  filterName: string | undefined;
}

interface EventDraft {
  name: string;
  /** The default (IAM, us-east-1) rule, or a custom pattern in one of the account's regions. */
  custom: boolean;
  pick: number;
}

interface FlowLogDraft {
  vpcId: string;
  pick: number;
  omitRegion: boolean;
  logGroup: string | undefined;
  forward: boolean | undefined;
  filterName: string | undefined;
  trafficType: "ALL" | "ACCEPT" | "REJECT" | undefined;
}

const subscriptionDraftArb: fc.Arbitrary<SubscriptionDraft> = fc.record({
  logGroup: fc.constantFrom(...LOG_GROUP_POOL),
  pick: fc.nat(),
  omitRegion: fc.boolean(),
  filterPattern: fc.option(fc.constantFrom(...PATTERN_POOL), { nil: undefined }),
  filterName: fc.option(fc.constantFrom(...FILTER_NAME_POOL), { nil: undefined }),
});

const flowLogDraftArb: fc.Arbitrary<FlowLogDraft> = fc.record({
  vpcId: fc.constantFrom(...VPC_POOL),
  pick: fc.nat(),
  omitRegion: fc.boolean(),
  logGroup: fc.option(fc.constantFrom("flows", "vpc-flow-logs", "app"), { nil: undefined }),
  forward: fc.option(fc.boolean(), { nil: undefined }),
  filterName: fc.option(fc.constantFrom(...FILTER_NAME_POOL), { nil: undefined }),
  trafficType: fc.option(fc.constantFrom("ALL" as const, "ACCEPT" as const, "REJECT" as const), {
    nil: undefined,
  }),
});

const eventDraftArb: fc.Arbitrary<EventDraft> = fc.record({
  name: fc.constantFrom("iam", "ec2", "guardduty"),
  custom: fc.boolean(),
  pick: fc.nat(),
});

/**
 * One source entry from drafts, dropping the drafts that would break a rule (a third filter or a
 * repeated filter name on a log group, a second flow log for a VPC or log group).
 */
function buildSource(
  accountId: string,
  regions: string[],
  subs: SubscriptionDraft[],
  flows: FlowLogDraft[],
  prefix: string,
  eventDrafts: EventDraft[] = [],
): Record<string, unknown> {
  const filters = new Map<string, Set<string>>();
  const admit = (region: string, group: string, name: string): boolean => {
    const names = filters.get(`${region}/${group}`) ?? new Set<string>();
    if (names.size >= 2 || names.has(name)) return false;
    names.add(name);
    filters.set(`${region}/${group}`, names);
    return true;
  };
  const regionOf = (pick: number, omit: boolean) => {
    const region = regions[pick % regions.length]!;
    return { region, given: regions.length === 1 && omit ? {} : { region } };
  };

  const subscriptions: Record<string, unknown>[] = [];
  for (const s of subs) {
    const { region, given } = regionOf(s.pick, s.omitRegion);
    if (!admit(region, s.logGroup, s.filterName ?? prefix)) continue;
    subscriptions.push({
      logGroup: s.logGroup,
      ...given,
      ...(s.filterPattern !== undefined ? { filterPattern: s.filterPattern } : {}),
      ...(s.filterName !== undefined ? { filterName: s.filterName } : {}),
    });
  }

  const flowLogs: Record<string, unknown>[] = [];
  const vpcs = new Set<string>();
  const groups = new Set<string>();
  for (const f of flows) {
    const { region, given } = regionOf(f.pick, f.omitRegion);
    const group = f.logGroup ?? `vpc-flow-logs/${f.vpcId}`;
    if (vpcs.has(`${region}/${f.vpcId}`) || groups.has(`${region}/${group}`)) continue;
    if (f.forward !== false && !admit(region, group, f.filterName ?? prefix)) continue;
    vpcs.add(`${region}/${f.vpcId}`);
    groups.add(`${region}/${group}`);
    flowLogs.push({
      vpcId: f.vpcId,
      ...given,
      ...(f.logGroup !== undefined ? { logGroup: f.logGroup } : {}),
      ...(f.forward !== undefined ? { forward: f.forward } : {}),
      ...(f.filterName !== undefined ? { filterName: f.filterName } : {}),
      ...(f.trafficType !== undefined ? { trafficType: f.trafficType } : {}),
    });
  }

  const events: Record<string, unknown>[] = [];
  const rules = new Set<string>();
  for (const e of eventDrafts) {
    const region = e.custom ? regions[e.pick % regions.length]! : "us-east-1";
    if (rules.has(`${region}/${e.name}`)) continue;
    rules.add(`${region}/${e.name}`);
    events.push(
      e.custom ? { name: e.name, region, pattern: { source: [`aws.${e.name}`] } } : { name: e.name },
    );
  }

  return {
    accountId,
    regions,
    ...(subscriptions.length > 0 ? { subscriptions } : {}),
    ...(flowLogs.length > 0 ? { flowLogs } : {}),
    ...(events.length > 0 ? { events } : {}),
  };
}

interface Generated {
  stack: string;
  raw: RawConfig;
}

const sourceShapeArb = fc.record({
  regions: fc.uniqueArray(fc.constantFrom(...REGION_POOL), { minLength: 1, maxLength: 3 }),
  subs: fc.array(subscriptionDraftArb, { maxLength: 6 }),
  flows: fc.array(flowLogDraftArb, { maxLength: 3 }),
  events: fc.array(eventDraftArb, { maxLength: 2 }),
});

/** Valid raw configs with `minSources`-6 source accounts. */
function configArb(minSources = 1): fc.Arbitrary<Generated> {
  return fc
    .record({
      stack: fc.constantFrom("dev", "prod", "Stage"),
      namePrefix: fc.option(fc.constantFrom("audit", "cl-x", "org-logs"), { nil: undefined }),
      ids: fc.uniqueArray(accountIdArb, { minLength: minSources, maxLength: 6 }),
      shapes: fc.array(sourceShapeArb, { minLength: 6, maxLength: 6 }),
      recipientIsSource: fc.boolean(),
      recipientId: accountIdArb,
      region: fc.constantFrom(...REGION_POOL),
      bucketRegion: fc.option(fc.constantFrom(...REGION_POOL), { nil: undefined }),
      transport: fc.option(fc.constantFrom("kinesis" as const, "firehose" as const), { nil: undefined }),
      // operations.canary is on by default; off in some configs, so both are planned.
      canary: fc.boolean(),
    })
    .map((g) => {
      const prefix = g.namePrefix ?? `central-logging-${g.stack}`.toLowerCase();
      const sources = g.ids.map((id, i) => {
        const shape = g.shapes[i]!;
        return buildSource(id, shape.regions, shape.subs, shape.flows, prefix, shape.events);
      });
      const recipientId = g.recipientIsSource ? g.ids[0]! : g.recipientId;
      const raw: RawConfig = {
        ...(g.namePrefix !== undefined ? { namePrefix: g.namePrefix } : {}),
        recipient: {
          accountId: recipientId,
          region: g.region,
          ...(g.bucketRegion !== undefined ? { bucketRegion: g.bucketRegion } : {}),
          ...(g.transport !== undefined ? { transport: g.transport } : {}),
        },
        sources,
        ...(g.canary ? {} : { operations: { canary: false } }),
      };
      return { stack: g.stack, raw };
    });
}

// ---------------------------------------------------------------------------------------------
// Helpers.

const allRoutes = (plan: RoutingPlan): RoutePlan[] => plan.sources.flatMap((s) => s.routes);
const byKey = <T extends { key: string }>(items: T[]): T[] =>
  [...items].sort((a, b) => a.key.localeCompare(b.key));

/** The plan with every list that follows config order put in a canonical order. */
function canonical(plan: RoutingPlan): RoutingPlan {
  return {
    ...plan,
    sources: [...plan.sources]
      .sort((a, b) => a.accountId.localeCompare(b.accountId))
      .map((s) => ({
        ...s,
        regions: [...s.regions].sort(),
        routes: byKey(s.routes),
        flowLogs: byKey(s.flowLogs),
      })),
  };
}

/** A deterministic shuffle (mulberry32), so a counterexample replays from fast-check's seed. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function sourcesOf(raw: RawConfig): Record<string, unknown>[] {
  return raw.sources as Record<string, unknown>[];
}

function recipientIdOf(raw: RawConfig): string {
  return (raw.recipient as { accountId: string }).accountId;
}

// ---------------------------------------------------------------------------------------------
// Properties.

describe("routing plan properties", () => {
  it("the generator produces valid, non-trivial configs", () => {
    let withRoutes = 0;
    let multiRegionDestinations = 0;
    let flowLogRoutes = 0;
    let unforwardedFlowLogs = 0;
    let withoutCanary = 0;
    fc.assert(
      fc.property(configArb(), ({ raw, stack }) => {
        const plan = planRouting(settingsOf(raw, stack));
        if (!plan.operations.canary) withoutCanary++;
        if (allRoutes(plan).length > 0) withRoutes++;
        if (plan.destinations.length > 1) multiRegionDestinations++;
        if (allRoutes(plan).some((r) => r.origin === "flowLog")) flowLogRoutes++;
        if (plan.sources.some((s) => s.flowLogs.some((f) => !f.forward))) unforwardedFlowLogs++;
      }),
      { numRuns: NUM_RUNS },
    );
    expect(withRoutes).toBeGreaterThan(NUM_RUNS / 2);
    expect(multiRegionDestinations).toBeGreaterThan(NUM_RUNS / 4);
    expect(flowLogRoutes).toBeGreaterThan(NUM_RUNS / 4);
    expect(unforwardedFlowLogs).toBeGreaterThan(0);
    expect(withoutCanary).toBeGreaterThan(NUM_RUNS / 4);
    expect(withoutCanary).toBeLessThan((NUM_RUNS * 3) / 4);
  });

  it("1. every route's destination is its own region's destination in the recipient account", () => {
    fc.assert(
      fc.property(configArb(), ({ raw, stack }) => {
        const settings = settingsOf(raw, stack);
        const plan = planRouting(settings);
        const recipient = recipientIdOf(raw);
        for (const route of allRoutes(plan)) {
          expect(route.destinationArn).toBe(
            `arn:aws:logs:${route.region}:${recipient}:destination:${plan.namePrefix}`,
          );
          expect(plan.destinations.find((d) => d.region === route.region)?.arn).toBe(route.destinationArn);
        }
        for (const d of plan.destinations) {
          expect(d.name).toBe(settings.namePrefix);
          expect(d.arn).toBe(`arn:aws:logs:${d.region}:${recipient}:destination:${settings.namePrefix}`);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("routes are exactly the subscriptions, the forwarded flow logs and the canaries, field for field", () => {
    fc.assert(
      fc.property(configArb(), ({ raw, stack }) => {
        const settings = settingsOf(raw, stack);
        const plan = planRouting(settings);
        expect(plan.sources.map((s) => s.accountId)).toEqual(settings.sources.map((s) => s.accountId));
        settings.sources.forEach((source, i) => {
          const planned = plan.sources[i]!;
          expect(planned.regions).toEqual(source.regions);
          const expected = [
            ...source.subscriptions.map((s) => ({
              key: `${source.accountId}/${s.region}/${s.logGroup}:${s.filterName}`,
              origin: "subscription",
              accountId: source.accountId,
              region: s.region,
              logGroup: s.logGroup,
              filterName: s.filterName,
              filterPattern: s.filterPattern,
            })),
            ...source.flowLogs
              .filter((f) => f.forward)
              .map((f) => ({
                key: `${source.accountId}/${f.region}/${f.logGroup}:${f.filterName}`,
                origin: "flowLog",
                accountId: source.accountId,
                region: f.region,
                logGroup: f.logGroup,
                filterName: f.filterName,
                filterPattern: "",
              })),
          ];
          // operations.canary: one canary group and filter in each region the account sends from.
          const canary = {
            logGroup: `/central-logging/${settings.namePrefix}/canary`,
            filterName: `${settings.namePrefix}-canary`,
          };
          const canaries = settings.operations.canary
            ? [...new Set(expected.map((r) => r.region))].map((region) => ({
                key: `${source.accountId}/${region}/${canary.logGroup}:${canary.filterName}`,
                origin: "canary",
                accountId: source.accountId,
                region,
                ...canary,
                filterPattern: "",
              }))
            : [];
          expect(byKey(planned.routes.map(({ destinationArn: _, ...rest }) => rest))).toEqual(
            byKey([...expected, ...canaries]),
          );
          expect(planned.flowLogs).toEqual(
            source.flowLogs.map((f) => ({
              ...f,
              key: `${source.accountId}/${f.region}/${f.vpcId}`,
              accountId: source.accountId,
              roleName: `${settings.namePrefix}-flow-logs-${f.region}`,
              logGroupArn: `arn:aws:logs:${f.region}:${source.accountId}:log-group:${f.logGroup}`,
            })),
          );
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("2. destinations are exactly the regions with a route, sorted, each admitting exactly its senders", () => {
    fc.assert(
      fc.property(configArb(), ({ raw, stack }) => {
        const plan = planRouting(settingsOf(raw, stack));
        const routes = allRoutes(plan);
        const regions = [...new Set(routes.map((r) => r.region))].sort();
        expect(plan.destinations.map((d) => d.region)).toEqual(regions);
        for (const d of plan.destinations) {
          const senders = [
            ...new Set(routes.filter((r) => r.region === d.region).map((r) => r.accountId)),
          ].sort();
          expect(d.senderAccountIds).toEqual(senders);
          expect(d.senderAccountIds.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("3. reordering sources, their subscriptions and flow logs changes nothing but order", () => {
    fc.assert(
      fc.property(configArb(), fc.nat(), ({ raw, stack }, seed) => {
        const shuffled: RawConfig = {
          ...raw,
          sources: shuffle(sourcesOf(raw), seed).map((s, i) => ({
            ...s,
            ...(Array.isArray(s.subscriptions)
              ? { subscriptions: shuffle(s.subscriptions, seed + i + 1) }
              : {}),
            ...(Array.isArray(s.flowLogs) ? { flowLogs: shuffle(s.flowLogs, seed + i + 101) } : {}),
          })),
        };
        const before = planRouting(settingsOf(raw, stack));
        const after = planRouting(settingsOf(shuffled, stack));
        expect(canonical(after)).toEqual(canonical(before));
        // Order-sensitive parts of the plan are already canonical.
        expect(after.destinations).toEqual(before.destinations);
        expect(after.placements).toEqual(before.placements);
        expect(after.recipient).toEqual(before.recipient);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("4. adding a source account anywhere only adds: no existing key, arn or name changes", () => {
    fc.assert(
      fc.property(configArb(2), fc.nat(), ({ raw, stack }, pick) => {
        const all = sourcesOf(raw);
        const added = pick % all.length;
        const base: RawConfig = { ...raw, sources: all.filter((_, i) => i !== added) };
        const before = planRouting(settingsOf(base, stack));
        const after = planRouting(settingsOf(raw, stack));
        const newAccount = all[added]!.accountId as string;

        expect(after.namePrefix).toBe(before.namePrefix);
        // The recipient changes only by admitting the new account's event rules to its bus.
        const { events: eventsAfter, ...recipientAfter } = after.recipient;
        const { events: eventsBefore, ...recipientBefore } = before.recipient;
        expect(recipientAfter).toEqual(recipientBefore);
        if (eventsBefore) {
          const newRules = (eventsAfter?.senderRuleArns ?? []).filter(
            (a) => !eventsBefore.senderRuleArns.includes(a),
          );
          for (const a of newRules) expect(a.split(":")[4]).toBe(newAccount);
          expect(eventsAfter?.senderRuleArns).toEqual(expect.arrayContaining(eventsBefore.senderRuleArns));
          expect({ ...eventsAfter, senderAccountIds: [], senderRuleArns: [] }).toEqual({
            ...eventsBefore,
            senderAccountIds: [],
            senderRuleArns: [],
          });
        }

        const afterRoutes = new Map(allRoutes(after).map((r) => [r.key, r]));
        for (const route of allRoutes(before)) expect(afterRoutes.get(route.key)).toEqual(route);
        // Every new route belongs to the new account.
        for (const route of allRoutes(after)) {
          if (!allRoutes(before).some((r) => r.key === route.key)) expect(route.accountId).toBe(newAccount);
        }

        for (const s of before.sources) {
          expect(after.sources.find((a) => a.accountId === s.accountId)).toEqual(s);
        }

        for (const d of before.destinations) {
          const same = after.destinations.find((a) => a.region === d.region);
          expect(same?.arn).toBe(d.arn);
          expect(same?.name).toBe(d.name);
          // A destination may gain the new account as a sender, nothing else.
          expect(same?.senderAccountIds.filter((id) => id !== newAccount)).toEqual(
            d.senderAccountIds.filter((id) => id !== newAccount),
          );
          for (const id of d.senderAccountIds) expect(same?.senderAccountIds).toContain(id);
        }
        for (const d of after.destinations) {
          if (!before.destinations.some((b) => b.region === d.region))
            expect(d.senderAccountIds).toEqual([newAccount]);
        }

        const afterPlacements = new Set(after.placements.map((p) => `${p.accountId}/${p.region}`));
        for (const p of before.placements) expect(afterPlacements).toContain(`${p.accountId}/${p.region}`);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("5. route keys are unique; placements cover every account/region in use, sorted and unique", () => {
    fc.assert(
      fc.property(configArb(), ({ raw, stack }) => {
        const settings = settingsOf(raw, stack);
        const plan = planRouting(settings);
        const keys = allRoutes(plan).map((r) => r.key);
        expect(new Set(keys).size).toBe(keys.length);
        const flowLogKeys = plan.sources.flatMap((s) => s.flowLogs.map((f) => f.key));
        expect(new Set(flowLogKeys).size).toBe(flowLogKeys.length);

        const placed = plan.placements.map((p) => `${p.accountId}/${p.region}`);
        expect(new Set(placed).size).toBe(placed.length);
        expect(placed).toEqual([...placed].sort());
        const needed = new Set<string>([
          `${plan.recipient.accountId}/${settings.recipient.region}`,
          `${plan.recipient.accountId}/${settings.recipient.bucketRegion}`,
          ...plan.destinations.map((d) => `${plan.recipient.accountId}/${d.region}`),
          ...allRoutes(plan).map((r) => `${r.accountId}/${r.region}`),
          ...plan.sources.flatMap((s) => s.flowLogs.map((f) => `${f.accountId}/${f.region}`)),
          ...settings.sources.flatMap((s) => s.regions.map((r) => `${s.accountId}/${r}`)),
          // Event rules live where their events surface (IAM: us-east-1), not only in log regions.
          ...settings.sources.flatMap((s) => s.events.map((e) => `${s.accountId}/${e.region}`)),
        ]);
        expect(new Set(placed)).toEqual(needed);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("event rules reach the recipient's bus, except its own home-region rules, which reach the Firehose", () => {
    let withEvents = 0;
    fc.assert(
      fc.property(configArb(), ({ raw, stack }) => {
        const settings = settingsOf(raw, stack);
        const plan = planRouting(settings);
        const { recipient } = plan;
        const configured = settings.sources.flatMap((s) => [
          ...s.events.map((e) => ({ account: s.accountId, region: e.region, name: e.name })),
          // operations.canary: a rule `canary` in each region where the account has rules.
          ...(settings.operations.canary
            ? [...new Set(s.events.map((e) => e.region))].map((region) => ({
                account: s.accountId,
                region,
                name: "canary",
              }))
            : []),
        ]);
        if (configured.length === 0) {
          expect(recipient.events).toBeUndefined();
          return;
        }
        withEvents++;
        const events = recipient.events!;
        expect(events.bus.arn).toBe(
          `arn:aws:events:${recipient.homeRegion}:${recipient.accountId}:event-bus/${plan.namePrefix}-events`,
        );
        const rules = plan.sources.flatMap((s) =>
          s.eventSenders.flatMap((e) => e.rules.map((r) => ({ sender: e, rule: r }))),
        );
        expect(rules.map((r) => `${r.rule.accountId}/${r.rule.region}/${r.rule.configName}`).sort()).toEqual(
          configured.map((e) => `${e.account}/${e.region}/${e.name}`).sort(),
        );
        for (const { sender, rule } of rules) {
          const own = rule.accountId === recipient.accountId && rule.region === recipient.homeRegion;
          expect(sender.target).toEqual(
            own ? { kind: "firehose", arn: events.firehose.arn } : { kind: "bus", arn: events.bus.arn },
          );
          expect(rule.arn).toBe(
            `arn:aws:events:${rule.region}:${rule.accountId}:rule/${plan.namePrefix}-${rule.configName}`,
          );
          expect(sender.roleArn).toBe(
            `arn:aws:iam::${rule.accountId}:role/${plan.namePrefix}-events-${rule.region}`,
          );
        }
        // The bus admits exactly the other accounts' rules.
        const others = rules.filter((r) => r.rule.accountId !== recipient.accountId);
        expect(events.senderRuleArns).toEqual(others.map((r) => r.rule.arn).sort());
        expect(events.senderAccountIds).toEqual([...new Set(others.map((r) => r.rule.accountId))].sort());
      }),
      { numRuns: NUM_RUNS },
    );
    expect(withEvents).toBeGreaterThan(NUM_RUNS / 4);
  });

  it("Athena projects exactly the accounts that send each kind of data", () => {
    fc.assert(
      fc.property(configArb(), ({ raw, stack }) => {
        const plan = planRouting(settingsOf(raw, stack));
        const athena = plan.athena!;
        const values = (name: string) =>
          athena.tables.find((t) => t.name === name)?.parameters["projection.account.values"]?.split(",");
        const senders = [...new Set(plan.destinations.flatMap((d) => d.senderAccountIds))].sort();
        expect(values("cloudwatch_logs")).toEqual(senders.length > 0 ? senders : undefined);
        const eventAccounts = plan.sources
          .filter((s) => s.eventSenders.length > 0)
          .map((s) => s.accountId)
          .sort();
        expect(values("events")).toEqual(eventAccounts.length > 0 ? eventAccounts : undefined);
        expect(athena.region).toBe(plan.recipient.bucketRegion);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("6. the recipient plan follows the transport", () => {
    fc.assert(
      fc.property(configArb(), ({ raw, stack }) => {
        const settings = settingsOf(raw, stack);
        const { recipient } = planRouting(settings);
        const p = settings.namePrefix;
        const acct = settings.recipient.accountId;
        const home = settings.recipient.region;
        expect(recipient.accountId).toBe(acct);
        expect(recipient.homeRegion).toBe(home);
        expect(recipient.bucketRegion).toBe(settings.recipient.bucketRegion);
        expect(recipient.transport).toBe(settings.recipient.transport);
        expect(recipient.bucketName).toBe(settings.recipient.bucketName);
        expect(recipient.bucketArn).toBe(`arn:aws:s3:::${settings.recipient.bucketName}`);
        expect(recipient.firehose).toEqual({
          name: `${p}-archive`,
          arn: `arn:aws:firehose:${home}:${acct}:deliverystream/${p}-archive`,
          roleName: `${p}-firehose`,
          roleArn: `arn:aws:iam::${acct}:role/${p}-firehose`,
          // The plan carries what the components realize: the configured buffering, the error log.
          buffering: settings.recipient.firehose,
          errorLogGroup: {
            name: `/aws/kinesisfirehose/${p}-archive`,
            arn: `arn:aws:logs:${home}:${acct}:log-group:/aws/kinesisfirehose/${p}-archive`,
          },
        });
        expect(recipient.lifecycle).toEqual(settings.recipient.lifecycle);
        expect(recipient.destinationRole).toEqual({
          name: `${p}-cwl-destination`,
          arn: `arn:aws:iam::${acct}:role/${p}-cwl-destination`,
        });
        if (settings.recipient.transport === "kinesis") {
          const { shardCount, retentionHours } = settings.recipient.stream;
          expect(recipient.stream).toEqual({
            name: `${p}-logs`,
            arn: `arn:aws:kinesis:${home}:${acct}:stream/${p}-logs`,
            ...(shardCount === undefined ? {} : { shardCount }),
            retentionHours,
          });
          expect(recipient.targetArn).toBe(`arn:aws:kinesis:${home}:${acct}:stream/${p}-logs`);
          expect(recipient.processor).toEqual({
            name: `${p}-cwl-gunzip`,
            arn: `arn:aws:lambda:${home}:${acct}:function:${p}-cwl-gunzip`,
            roleName: `${p}-cwl-gunzip`,
            logGroup: `/aws/lambda/${p}-cwl-gunzip`,
          });
        } else {
          expect(recipient.targetArn).toBe(`arn:aws:firehose:${home}:${acct}:deliverystream/${p}-archive`);
          expect(recipient.stream).toBeUndefined();
          expect(recipient.processor).toBeUndefined();
          expect("stream" in recipient).toBe(false);
          expect("processor" in recipient).toBe(false);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("is pure: planning twice gives equal plans and leaves the settings untouched", () => {
    fc.assert(
      fc.property(configArb(), ({ raw, stack }) => {
        const settings = settingsOf(raw, stack);
        const snapshot = structuredClone(settings);
        const first = planRouting(settings);
        first.sources[0]?.regions.push("mutated");
        expect(settings).toEqual(snapshot);
        expect(planRouting(settings)).toEqual(planRouting(snapshot));
      }),
      { numRuns: 50 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The write-ups' setups.

describe("knowledge-center setup (firehose, flow logs in us-east-2)", () => {
  const settings = settingsOf(
    {
      recipient: {
        accountId: "111111111111",
        region: "us-east-1",
        bucketRegion: "us-west-2",
        transport: "firehose",
      },
      sources: [
        {
          accountId: "222222222222",
          regions: ["us-east-2"],
          flowLogs: [{ vpcId: "vpc-12345678", logGroup: "vpc-flow-logs" }],
        },
      ],
    },
    "kc",
  );
  const plan = planRouting(settings);

  it("creates one destination, in the log group's region us-east-2, not us-east-1", () => {
    expect(plan.destinations).toEqual([
      {
        region: "us-east-2",
        name: "central-logging-kc",
        arn: "arn:aws:logs:us-east-2:111111111111:destination:central-logging-kc",
        senderAccountIds: ["222222222222"],
        accountPolicies: false,
      },
    ]);
  });

  it("subscribes the flow-log group with the us-east-2 destination ARN", () => {
    expect(plan.sources).toEqual([
      {
        accountId: "222222222222",
        regions: ["us-east-2"],
        accountPolicies: [],
        senderRoles: [],
        eventSenders: [],
        routes: [
          {
            key: "222222222222/us-east-2/vpc-flow-logs:central-logging-kc",
            origin: "flowLog",
            accountId: "222222222222",
            region: "us-east-2",
            logGroup: "vpc-flow-logs",
            filterName: "central-logging-kc",
            filterPattern: "",
            destinationArn: "arn:aws:logs:us-east-2:111111111111:destination:central-logging-kc",
          },
          // operations.canary: the canary group of the region it sends from, to the same destination.
          {
            key: "222222222222/us-east-2//central-logging/central-logging-kc/canary:central-logging-kc-canary",
            origin: "canary",
            accountId: "222222222222",
            region: "us-east-2",
            logGroup: "/central-logging/central-logging-kc/canary",
            filterName: "central-logging-kc-canary",
            filterPattern: "",
            destinationArn: "arn:aws:logs:us-east-2:111111111111:destination:central-logging-kc",
          },
        ],
        flowLogs: [
          {
            key: "222222222222/us-east-2/vpc-12345678",
            accountId: "222222222222",
            vpcId: "vpc-12345678",
            region: "us-east-2",
            trafficType: "ALL",
            logGroup: "vpc-flow-logs",
            retentionDays: 30,
            forward: true,
            filterName: "central-logging-kc",
            roleName: "central-logging-kc-flow-logs-us-east-2",
            logGroupArn: "arn:aws:logs:us-east-2:222222222222:log-group:vpc-flow-logs",
          },
        ],
      },
    ]);
    expect(allRoutes(plan).map((r) => r.destinationArn)).not.toContain(
      "arn:aws:logs:us-east-1:111111111111:destination:central-logging-kc",
    );
  });

  it("targets the Firehose in the home region us-east-1, with no stream and no processor", () => {
    expect(plan.recipient).toEqual({
      accountId: "111111111111",
      homeRegion: "us-east-1",
      bucketRegion: "us-west-2",
      transport: "firehose",
      bucketName: "central-logging-kc-archive-111111111111-us-west-2",
      bucketArn: "arn:aws:s3:::central-logging-kc-archive-111111111111-us-west-2",
      lifecycle: {
        infrequentAccessDays: 30,
        glacierDays: 365,
        expireDays: 1095,
        noncurrentVersionExpireDays: 30,
      },
      firehose: {
        name: "central-logging-kc-archive",
        arn: "arn:aws:firehose:us-east-1:111111111111:deliverystream/central-logging-kc-archive",
        roleName: "central-logging-kc-firehose",
        roleArn: "arn:aws:iam::111111111111:role/central-logging-kc-firehose",
        buffering: { bufferSizeMiB: 64, bufferIntervalSeconds: 300 },
        errorLogGroup: {
          name: "/aws/kinesisfirehose/central-logging-kc-archive",
          arn: "arn:aws:logs:us-east-1:111111111111:log-group:/aws/kinesisfirehose/central-logging-kc-archive",
        },
      },
      targetArn: "arn:aws:firehose:us-east-1:111111111111:deliverystream/central-logging-kc-archive",
      destinationRole: {
        name: "central-logging-kc-cwl-destination",
        arn: "arn:aws:iam::111111111111:role/central-logging-kc-cwl-destination",
      },
    });
  });

  it("places providers in the home, bucket and destination regions and the source's region", () => {
    expect(plan.placements).toEqual([
      { accountId: "111111111111", region: "us-east-1" },
      { accountId: "111111111111", region: "us-east-2" },
      { accountId: "111111111111", region: "us-west-2" },
      { accountId: "222222222222", region: "us-east-2" },
    ]);
  });
});

describe("blog setup (kinesis, CloudTrail log group in ap-northeast-1)", () => {
  const settings = settingsOf(
    {
      recipient: { accountId: "999999999999", region: "ap-northeast-1", transport: "kinesis" },
      sources: [
        {
          accountId: "111111111111",
          regions: ["ap-northeast-1"],
          subscriptions: [{ logGroup: "test-trail", filterPattern: "{$.userIdentity.type = tada}" }],
        },
      ],
    },
    "blog",
  );
  const plan = planRouting(settings);

  it("routes test-trail with its filter pattern to the ap-northeast-1 destination", () => {
    expect(allRoutes(plan)).toEqual([
      {
        key: "111111111111/ap-northeast-1/test-trail:central-logging-blog",
        origin: "subscription",
        accountId: "111111111111",
        region: "ap-northeast-1",
        logGroup: "test-trail",
        filterName: "central-logging-blog",
        filterPattern: "{$.userIdentity.type = tada}",
        destinationArn: "arn:aws:logs:ap-northeast-1:999999999999:destination:central-logging-blog",
      },
      // operations.canary: the canary group of the region it sends from, to the same destination.
      {
        key: "111111111111/ap-northeast-1//central-logging/central-logging-blog/canary:central-logging-blog-canary",
        origin: "canary",
        accountId: "111111111111",
        region: "ap-northeast-1",
        logGroup: "/central-logging/central-logging-blog/canary",
        filterName: "central-logging-blog-canary",
        filterPattern: "",
        destinationArn: "arn:aws:logs:ap-northeast-1:999999999999:destination:central-logging-blog",
      },
    ]);
    expect(plan.destinations).toEqual([
      {
        region: "ap-northeast-1",
        name: "central-logging-blog",
        arn: "arn:aws:logs:ap-northeast-1:999999999999:destination:central-logging-blog",
        senderAccountIds: ["111111111111"],
        accountPolicies: false,
      },
    ]);
    expect(plan.sources[0]!.flowLogs).toEqual([]);
  });

  it("targets the Kinesis stream, with the gunzip processor", () => {
    expect(plan.recipient.targetArn).toBe(
      "arn:aws:kinesis:ap-northeast-1:999999999999:stream/central-logging-blog-logs",
    );
    expect(plan.recipient.stream).toEqual({
      name: "central-logging-blog-logs",
      arn: "arn:aws:kinesis:ap-northeast-1:999999999999:stream/central-logging-blog-logs",
      retentionHours: 24,
    });
    expect(plan.recipient.processor).toEqual({
      name: "central-logging-blog-cwl-gunzip",
      arn: "arn:aws:lambda:ap-northeast-1:999999999999:function:central-logging-blog-cwl-gunzip",
      roleName: "central-logging-blog-cwl-gunzip",
      logGroup: "/aws/lambda/central-logging-blog-cwl-gunzip",
    });
    expect(plan.recipient.firehose.arn).toBe(
      "arn:aws:firehose:ap-northeast-1:999999999999:deliverystream/central-logging-blog-archive",
    );
    expect(plan.recipient.bucketArn).toBe(
      "arn:aws:s3:::central-logging-blog-archive-999999999999-ap-northeast-1",
    );
  });

  it("needs one provider per account, both in ap-northeast-1", () => {
    expect(plan.placements).toEqual([
      { accountId: "111111111111", region: "ap-northeast-1" },
      { accountId: "999999999999", region: "ap-northeast-1" },
    ]);
  });
});

describe("concrete edge cases", () => {
  it("a recipient that is also a source sends to its own destinations", () => {
    const plan = planRouting(
      settingsOf(
        {
          recipient: { accountId: "999999999999", region: "us-east-1" },
          sources: [
            { accountId: "999999999999", regions: ["eu-west-1"], subscriptions: [{ logGroup: "a" }] },
            { accountId: "111111111111", regions: ["eu-west-1"], subscriptions: [{ logGroup: "b" }] },
          ],
        },
        "dev",
      ),
    );
    expect(plan.destinations).toEqual([
      {
        region: "eu-west-1",
        name: "central-logging-dev",
        arn: "arn:aws:logs:eu-west-1:999999999999:destination:central-logging-dev",
        senderAccountIds: ["111111111111", "999999999999"],
        accountPolicies: false,
      },
    ]);
    expect(plan.placements).toEqual([
      { accountId: "111111111111", region: "eu-west-1" },
      { accountId: "999999999999", region: "eu-west-1" },
      { accountId: "999999999999", region: "us-east-1" },
    ]);
  });

  it("a source region without routes gets a placement but no destination", () => {
    const plan = planRouting(
      settingsOf(
        {
          recipient: { accountId: "999999999999", region: "us-east-1" },
          sources: [
            {
              accountId: "111111111111",
              regions: ["us-west-2", "eu-west-1"],
              subscriptions: [{ logGroup: "a", region: "eu-west-1" }],
              flowLogs: [{ vpcId: "vpc-12345678", region: "us-west-2", forward: false }],
            },
          ],
        },
        "dev",
      ),
    );
    expect(plan.destinations.map((d) => d.region)).toEqual(["eu-west-1"]);
    expect(plan.placements).toContainEqual({ accountId: "111111111111", region: "us-west-2" });
    expect(plan.sources[0]!.flowLogs.map((f) => f.key)).toEqual(["111111111111/us-west-2/vpc-12345678"]);
    // A canary (operations.canary) only where the account sends: eu-west-1, not us-west-2.
    expect(allRoutes(plan).map((r) => r.key)).toEqual([
      "111111111111/eu-west-1/a:central-logging-dev",
      "111111111111/eu-west-1//central-logging/central-logging-dev/canary:central-logging-dev-canary",
    ]);
  });

  it("no sources: no destinations, only the recipient's placements", () => {
    const plan = planRouting(
      settingsOf(
        { recipient: { accountId: "999999999999", region: "us-east-1", bucketRegion: "us-west-2" } },
        "dev",
      ),
    );
    expect(plan.destinations).toEqual([]);
    expect(plan.sources).toEqual([]);
    expect(plan.placements).toEqual([
      { accountId: "999999999999", region: "us-east-1" },
      { accountId: "999999999999", region: "us-west-2" },
    ]);
  });
});

describe("account-wide forwarding in organization mode", () => {
  const settings = settingsOf(
    {
      recipient: { accountId: "999999999999", region: "ap-northeast-1", organizationId: "o-a1b2c3d4e5" },
      sources: [{ accountId: "111111111111", regions: ["us-east-2"], forwardAll: {} }],
    },
    "org",
  );
  const source = planRouting(settings).sources[0]!;

  it("passes the sender's own role in the account policy document", () => {
    expect(source.accountPolicies.map((a) => a.document)).toEqual([
      {
        DestinationArn: "arn:aws:logs:us-east-2:999999999999:destination:central-logging-org",
        FilterPattern: "",
        Distribution: "Random",
        RoleArn: "arn:aws:iam::111111111111:role/central-logging-org-sender-us-east-2",
      },
    ]);
  });

  it("lets that role put events from any log group of the account in that region only", () => {
    expect(source.senderRoles).toEqual([
      {
        region: "us-east-2",
        name: "central-logging-org-sender-us-east-2",
        arn: "arn:aws:iam::111111111111:role/central-logging-org-sender-us-east-2",
        logGroupArns: ["arn:aws:logs:us-east-2:111111111111:log-group:*"],
      },
    ]);
  });
});

describe("account-wide forwarding of the recipient's own home region", () => {
  const settings = settingsOf(
    {
      recipient: { accountId: "999999999999", region: "ap-northeast-1", search: {} },
      sources: [{ accountId: "999999999999", regions: ["ap-northeast-1", "us-east-2"], forwardAll: {} }],
    },
    "own",
  );
  const policies = planRouting(settings).sources[0]!.accountPolicies;

  it("leaves out every Lambda of the pipeline (gunzip, search forwarder and provisioner), which would feed itself", () => {
    expect(policies.find((a) => a.region === "ap-northeast-1")?.excluded).toEqual([
      "/aws/lambda/central-logging-own-cwl-gunzip",
      "/aws/lambda/central-logging-own-search-forwarder",
      "/aws/lambda/central-logging-own-search-provisioner",
      // The canary group (operations.canary) has a filter of its own in every sending region.
      "/central-logging/central-logging-own/canary",
    ]);
    // In another region there is nothing of the pipeline to leave out: only the canary group.
    expect(policies.find((a) => a.region === "us-east-2")?.excluded).toEqual([
      "/central-logging/central-logging-own/canary",
    ]);
  });
});
