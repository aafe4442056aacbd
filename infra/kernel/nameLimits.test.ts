/**
 * Physical-name limits: each rule of the table on names it must accept and refuse, every name
 * the plan derives fitting for configs at the schema's limits (or the config refused on the key
 * that makes the name), and the same check on registered resources.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ResourceRecord } from "../../tools/offline/mocks";
import { runProgram } from "../../tools/offline/run";
import { nameFindings, plannedNames as plannedNamesOf } from "../checks/names";
import type { RawConfig, Settings } from "../config";
import { planRouting } from "../plan";
import { resolveStack } from "../stack";
import {
  NAME_PROPERTIES,
  NAME_RULES,
  type NameKind,
  nameProblem,
  resourceNameFindings,
  UNCONFIRMED_NAME_RULES,
} from "./nameLimits";
import { AWS_REGIONS } from "./regions";

/** The names the plan of these settings derives. */
const plannedNames = (settings: Settings) => plannedNamesOf(settings, planRouting(settings));

const RECIPIENT = "999999999999";
const ORG = "o-a1b2c3d4e5";
const LONGEST_PREFIX = `a${"b".repeat(37)}c`;
const LONGEST = Math.max(...AWS_REGIONS.map((r) => r.length));
const LONGEST_REGIONS = AWS_REGIONS.filter((r) => r.length === LONGEST);

function settingsOf(raw: RawConfig): Settings {
  const result = resolveStack(raw, "dev");
  if (!result.ok) throw new Error(`config refused:\n${result.errors.join("\n")}`);
  return result.settings;
}

describe("the name table", () => {
  // One name each rule accepts and one (or more) it refuses.
  const cases: Record<NameKind, { ok: string[]; bad: string[] }> = {
    iamRole: { ok: ["a".repeat(64), "role_+=,.@-1"], bad: ["a".repeat(65), "has space", "a/b", ""] },
    iamRolePolicy: { ok: ["a".repeat(128)], bad: ["a".repeat(129), "a:b"] },
    lambdaFunction: { ok: ["a".repeat(64), "fn-1_x"], bad: ["a".repeat(65), "fn.1"] },
    firehose: { ok: ["a".repeat(64), "f.1_-"], bad: ["a".repeat(65), "f/1"] },
    kinesisStream: { ok: ["a".repeat(128), "s.1_-"], bad: ["a".repeat(129), "s:1"] },
    sqsQueue: { ok: ["a".repeat(80), "q-1_x", "q.fifo"], bad: ["a".repeat(81), "q.1"] },
    snsTopic: { ok: ["a".repeat(256), "t-1_x"], bad: ["a".repeat(257), "t.1"] },
    s3Bucket: {
      ok: ["abc", "a".repeat(63), "a.b-c"],
      bad: ["ab", "a".repeat(64), "Abc", "a..b", "192.168.5.4", "xn--abc", "abc-s3alias", "abc-"],
    },
    openSearchDomain: { ok: ["abc", `a${"b".repeat(27)}`], bad: ["ab", `a${"b".repeat(28)}`, "1abc", "a_b"] },
    glueDatabase: { ok: ["a".repeat(255), "db_1"], bad: ["a".repeat(256), "Db", "d-b"] },
    glueTable: { ok: ["cloudwatch_logs"], bad: ["a".repeat(256), "Table"] },
    athenaWorkgroup: { ok: ["a".repeat(128), "w.1_-"], bad: ["a".repeat(129), "w/1"] },
    athenaNamedQuery: { ok: ["a".repeat(128), "any text"], bad: ["a".repeat(129), ""] },
    eventBus: { ok: ["a".repeat(256), "b.1_-"], bad: ["a".repeat(257), "b/1", "default"] },
    eventRule: { ok: ["a".repeat(64), "r.1_-"], bad: ["a".repeat(65), "r:1"] },
    cloudTrail: {
      ok: ["abc", "a".repeat(128), "my.trail_1-x"],
      bad: ["ab", "a".repeat(129), "trail-", "-trail", "my--trail", "my-_trail", "192.168.5.4", "a/b"],
    },
    logGroup: { ok: ["a".repeat(512), "/aws/lambda/x#1.y_z-"], bad: ["a".repeat(513), "a:b", "a b"] },
    logDestination: { ok: ["a".repeat(512), "any name"], bad: ["a".repeat(513), "a:b", "a*b"] },
    subscriptionFilter: { ok: ["a".repeat(512)], bad: ["a".repeat(513), "a:b", "a*b"] },
    accountPolicy: { ok: ["a".repeat(256)], bad: ["a".repeat(257), ""] },
    metricFilter: { ok: ["a".repeat(512)], bad: ["a".repeat(513), "a*b"] },
    alarm: { ok: ["a".repeat(255)], bad: ["a".repeat(256)] },
    metricName: { ok: ["a".repeat(255)], bad: ["a".repeat(256)] },
    metricNamespace: { ok: ["CISBenchmark"], bad: ["a".repeat(256), ":ns"] },
    secret: { ok: ["a".repeat(512), "p/search-admin"], bad: ["a".repeat(513), "a b", "p/admin-abcdef"] },
    kmsAlias: {
      ok: ["alias/p-cloudtrail", `alias/${"a".repeat(250)}`],
      bad: ["p-key", "alias/aws/x", "alias/a.b"],
    },
    dashboard: {
      ok: ["central-logging-dev", "a_B-9", "d".repeat(255)],
      bad: ["", "has space", "dots.not.allowed", "d".repeat(256)],
    },
  };

  for (const kind of Object.keys(NAME_RULES) as NameKind[]) {
    it(`${kind}: accepts ${cases[kind].ok.length} and refuses ${cases[kind].bad.length} names`, () => {
      for (const name of cases[kind].ok) expect(nameProblem(kind, name), name).toBeUndefined();
      for (const name of cases[kind].bad) expect(nameProblem(kind, name), name).toMatch(/^is /);
    });
  }

  it("says which rule is broken, with the limit", () => {
    expect(nameProblem("iamRole", "a".repeat(65))).toBe("is 65 characters; IAM role names allow at most 64");
  });

  it("lists only kinds of the table as unconfirmed, each with a reason", () => {
    for (const u of UNCONFIRMED_NAME_RULES) {
      expect(NAME_RULES[u.kind]).toBeDefined();
      expect(u.reason.length).toBeGreaterThan(10);
    }
  });
});

/** Every optional feature on: organization mode, search, Athena, events, trail with KMS, alarms. */
function fullConfig(o: {
  prefix: string;
  homeRegion: string;
  sourceRegions: string[];
  eventName?: string;
  alarmName?: string;
  trailName?: string;
  explicitNames?: boolean;
}): RawConfig {
  const [first] = o.sourceRegions;
  return {
    namePrefix: o.prefix,
    recipient: {
      accountId: RECIPIENT,
      region: o.homeRegion,
      organizationId: ORG,
      trailKms: true,
      ...(o.explicitNames
        ? {
            bucketName: `x${"y".repeat(61)}z`,
            athena: { resultsBucketName: `r${"y".repeat(61)}z`, database: "d".repeat(255) },
            search: { domainName: `s${"e".repeat(27)}` },
          }
        : { search: {} }),
    },
    sources: [
      {
        accountId: "111111111111",
        regions: o.sourceRegions,
        subscriptions: [{ logGroup: `/${"g".repeat(511)}`, region: first, filterName: "f".repeat(512) }],
        flowLogs: [{ vpcId: "vpc-0123456789abcdef0", region: first }],
        cloudTrail: {
          region: first,
          organization: true,
          snsTopic: true,
          forward: {},
          ...(o.trailName ? { name: o.trailName } : {}),
        },
        forwardAll: {},
        alarms: [{ name: o.alarmName ?? "root-login", filterPattern: '{ $.eventName = "ConsoleLogin" }' }],
        cisAlarms: true,
        alarmNotifications: { emails: ["security@example.com"] },
        events: [
          { name: o.eventName ?? "iam" },
          { name: "custom", region: first, pattern: { source: ["aws.ec2"] } },
        ],
      },
    ],
  };
}

describe("names the plan derives", () => {
  it("fits the organization-mode sender role into IAM's 64 with the longest prefix and region", () => {
    // Was `<prefix>-cwl-sender-<region>`: 39 + 12 + 14 = 65 characters, which CreateRole refuses.
    const settings = settingsOf(
      fullConfig({
        prefix: LONGEST_PREFIX,
        homeRegion: "ap-southeast-2",
        sourceRegions: ["ap-southeast-2"],
        explicitNames: true,
      }),
    );
    const senders = planRouting(settings).sources.flatMap((s) => s.senderRoles.map((r) => r.name));
    expect(senders).toEqual([`${LONGEST_PREFIX}-sender-ap-southeast-2`]);
    for (const name of senders) expect(nameProblem("iamRole", name)).toBeUndefined();
    expect(nameFindings(plannedNames(settings))).toEqual([]);
  });

  it("lists every kind of name a full config makes", () => {
    const settings = settingsOf(
      fullConfig({ prefix: "central-logging-dev", homeRegion: "us-east-1", sourceRegions: ["us-east-1"] }),
    );
    const kinds = new Set(plannedNames(settings).map((n) => n.kind));
    expect([...kinds].sort()).toEqual(
      (Object.keys(NAME_RULES) as NameKind[]).filter((k) => k !== "iamRolePolicy").sort(),
    );
  });

  const prefixArb = fc.oneof(
    fc.constant(LONGEST_PREFIX),
    fc.stringMatching(/^[a-z][a-z0-9-]{1,37}[a-z0-9]$/),
  );
  const regionArb = fc.oneof(fc.constantFrom(...LONGEST_REGIONS), fc.constantFrom(...AWS_REGIONS));
  const kebabArb = (max: number) =>
    fc.stringMatching(new RegExp(`^[a-z0-9][a-z0-9-]{0,${max - 1}}$`)).filter((n) => !n.startsWith("cis-"));
  const trailNameArb = fc.oneof(
    fc.constant(undefined),
    fc.constant(`T${"r".repeat(126)}1`),
    fc.stringMatching(/^[A-Za-z0-9][\w.-]{1,126}[A-Za-z0-9]$/),
  );

  it("fits every derived name, or refuses the config on the key that makes it", () => {
    fc.assert(
      fc.property(
        prefixArb,
        regionArb,
        fc.uniqueArray(regionArb, { minLength: 1, maxLength: 3 }),
        fc.oneof(fc.constant("iam"), kebabArb(63)),
        kebabArb(63),
        trailNameArb,
        fc.boolean(),
        (prefix, homeRegion, sourceRegions, eventName, alarm, trailName, explicitNames) => {
          const raw = fullConfig({
            prefix,
            homeRegion,
            sourceRegions,
            eventName: eventName === "custom" ? "iam" : eventName,
            alarmName: alarm,
            ...(trailName ? { trailName } : {}),
            explicitNames,
          });
          const result = resolveStack(raw, "dev");
          if (result.ok) {
            expect(nameFindings(plannedNames(result.settings))).toEqual([]);
            return;
          }
          // Every line names its key; the prefix itself (any the schema allows) is never the cause.
          for (const line of result.errors) {
            expect(line).toMatch(/^(recipient|sources\[\d+\])[\w.[\]]*: /);
            expect(line.startsWith("namePrefix")).toBe(false);
          }
          const ruleTooLong = prefix.length + 1 + (eventName === "custom" ? 3 : eventName.length) > 64;
          // The default trail name is the prefix, which may hold `--` (CloudTrail refuses that).
          const trailBad = nameProblem("cloudTrail", trailName ?? prefix) !== undefined;
          const defaultsTooLong =
            !explicitNames &&
            (nameProblem("s3Bucket", `${prefix}-archive-${RECIPIENT}-${homeRegion}`) !== undefined ||
              nameProblem("openSearchDomain", prefix) !== undefined);
          expect(ruleTooLong || trailBad || defaultsTooLong, result.errors.join("\n")).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses an overlong event rule name on its key, with the value", () => {
    const raw = fullConfig({
      prefix: LONGEST_PREFIX,
      homeRegion: "ap-southeast-2",
      sourceRegions: ["ap-southeast-2"],
      eventName: "a".repeat(25),
      explicitNames: true,
    });
    const result = resolveStack(raw, "dev");
    // (A refused source also leaves trailKms without a trail: that line follows.)
    expect(result.ok ? [] : result.errors).toContain(
      `sources[0].events[0].name: '${"a".repeat(25)}' makes the rule name '${LONGEST_PREFIX}-${"a".repeat(25)}' longer than 64 characters`,
    );
  });

  it("refuses a trail name CloudTrail refuses (adjacent punctuation, last character)", () => {
    for (const name of ["my--trail", "trail-"]) {
      const raw = fullConfig({
        prefix: "p-dev",
        homeRegion: "us-east-1",
        sourceRegions: ["us-east-1"],
        trailName: name,
      });
      const result = resolveStack(raw, "dev");
      expect(result.ok ? [] : result.errors).toContain(
        `sources[0].cloudTrail.name: '${name}' ${nameProblem("cloudTrail", name)}`,
      );
    }
  });
});

describe("names of registered resources", () => {
  const record = (type: string, name: string, inputs: Record<string, unknown>): ResourceRecord => ({
    type,
    name,
    custom: true,
    inputs,
    providerRef: "",
    dependsOn: [],
  });

  it("finds an overlong name, a bad character, an overlong auto-name and a nested name", () => {
    const findings = resourceNameFindings([
      record("aws:iam/role:Role", "r", { name: "r".repeat(65) }),
      record("aws:iam/role:Role", "ok", { name: "fine" }),
      record("aws:sqs/queue:Queue", "q", { name: "q.1" }),
      record("aws:iam/rolePolicy:RolePolicy", "p".repeat(125), { role: "fine" }),
      record("aws:cloudwatch/logMetricFilter:LogMetricFilter", "m", {
        name: "fine",
        metricTransformation: JSON.stringify({ name: "n".repeat(256), namespace: "ns", value: "1" }),
      }),
      record("aws:ec2/flowLog:FlowLog", "x".repeat(999), {}),
    ]);
    expect(findings.map((f) => [f.resource.slice(0, 5), f.type, f.property, f.value.length])).toEqual([
      ["r", "aws:iam/role:Role", "name", 65],
      ["q", "aws:sqs/queue:Queue", "name", 3],
      ["ppppp", "aws:iam/rolePolicy:RolePolicy", "name (auto)", 133],
      ["m", "aws:cloudwatch/logMetricFilter:LogMetricFilter", "metricTransformation.name", 256],
    ]);
    expect(findings[0]?.rule).toBe("is 65 characters; IAM role names allow at most 64");
  });
});

describe("the program under mocks, every feature on, longest prefix and region", () => {
  it("registers only names that fit, each one listed by plannedNames", async () => {
    const raw = fullConfig({
      prefix: LONGEST_PREFIX,
      homeRegion: "ap-southeast-2",
      sourceRegions: ["ap-southeast-2", "ap-northeast-1"],
      explicitNames: true,
    });
    const run = await runProgram("dev", {
      "central-logging:namePrefix": raw.namePrefix,
      "central-logging:recipient": raw.recipient,
      "central-logging:sources": raw.sources,
    });
    if (!run.ok) throw new Error(run.errors.join("\n"));
    const resources = run.mocks.resources.filter((r) => r.custom);
    expect(resourceNameFindings(resources)).toEqual([]);
    const planned = new Set(plannedNames(settingsOf(raw)).map((n) => `${n.kind}:${n.name}`));
    const unlisted = resources.flatMap((r) =>
      (NAME_PROPERTIES[r.type] ?? []).flatMap(({ property, kind }) => {
        const value = property.includes(".") ? undefined : r.inputs[property];
        return typeof value === "string" && !planned.has(`${kind}:${value}`) ? [`${r.type} ${value}`] : [];
      }),
    );
    expect(unlisted).toEqual([]);
  });
});
