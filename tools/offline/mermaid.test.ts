import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RawConfig } from "../../infra/config";
import { planRouting, type RoutingPlan } from "../../infra/plan";
import { resolveStack as parseSettings } from "../../infra/stack";
import { escapeLabel, type FlowNode, renderMermaid, SECTIONS, type Section } from "./mermaid";

function planOf(raw: RawConfig, stack = "t"): RoutingPlan {
  const parsed = parseSettings(raw, stack);
  if (!parsed.ok) throw new Error(`config refused:\n${parsed.errors.join("\n")}`);
  return planRouting(parsed.settings);
}

/** Firehose transport, archive in another region, organization trail, forwardAll, a kept flow log. */
const MIXED: RawConfig = {
  recipient: {
    accountId: "999999999999",
    region: "us-east-1",
    bucketRegion: "us-west-2",
    transport: "firehose",
    organizationId: "o-a1b2c3d4e5",
  },
  sources: [
    {
      accountId: "111111111111",
      regions: ["us-east-1"],
      subscriptions: [
        { logGroup: "app#1", filterPattern: '{ $.level = "ERROR" }', filterName: 'to "archive" | <x>' },
      ],
      flowLogs: [{ vpcId: "vpc-12345678", forward: false }],
      forwardAll: { regions: ["us-east-1"], exclude: ["/aws/lambda/noisy"] },
      cloudTrail: { region: "us-east-1", organization: true, forward: {} },
    },
  ],
};

describe("renderMermaid", () => {
  it("draws every kind of route, escaped, sorted, one subgraph per account and region", () => {
    expect(renderMermaid(planOf(MIXED))).toBe(
      [
        "flowchart LR",
        '  subgraph acct_111111111111_us_east_1["Account 111111111111, us-east-1"]',
        // The 5 left out: the trail's group, app#1, the kept flow log's group, the configured
        // exclusion and the canary's group (operations.canary).
        '    acctpolicy_111111111111_us_east_1_central_logging_t_forward_all["every log group but 5<br/>account policy central-logging-t-forward-all"]',
        '    lg_111111111111_us_east_1_CloudTrail_DefaultLogGroup["log group<br/>CloudTrail/DefaultLogGroup"]',
        '    lg_111111111111_us_east_1__central_logging_central_logging_t_canary["log group<br/>/central-logging/central-logging-t/canary"]',
        '    lg_111111111111_us_east_1_app_1["log group<br/>app#35;1"]',
        '    lg_111111111111_us_east_1_vpc_flow_logs_vpc_12345678["log group<br/>vpc-flow-logs/vpc-12345678"]',
        '    trail_111111111111_us_east_1_central_logging_t["CloudTrail trail (multi-region)<br/>central-logging-t"]',
        '    vpc_111111111111_us_east_1_vpc_12345678["VPC<br/>vpc-12345678"]',
        "  end",
        '  subgraph acct_999999999999_us_east_1["Account 999999999999 (recipient), us-east-1"]',
        '    dest_999999999999_us_east_1_central_logging_t["CloudWatch Logs destination<br/>central-logging-t"]',
        '    firehose_999999999999_us_east_1_central_logging_t_archive["Firehose<br/>central-logging-t-archive"]',
        "  end",
        '  subgraph acct_999999999999_us_west_2["Account 999999999999 (recipient), us-west-2"]',
        '    bucket_999999999999_us_west_2_central_logging_t_archive_999999999999_us_west_2[("S3 archive<br/>central-logging-t-archive-999999999999-us-west-2")]',
        "  end",
        '  acctpolicy_111111111111_us_east_1_central_logging_t_forward_all -->|"pattern: everything"| dest_999999999999_us_east_1_central_logging_t',
        "  dest_999999999999_us_east_1_central_logging_t --> firehose_999999999999_us_east_1_central_logging_t_archive",
        '  firehose_999999999999_us_east_1_central_logging_t_archive -->|"un-gzipped by Firehose, one envelope per line"| bucket_999999999999_us_west_2_central_logging_t_archive_999999999999_us_west_2',
        '  lg_111111111111_us_east_1_CloudTrail_DefaultLogGroup -->|"filter central-logging-t: everything"| dest_999999999999_us_east_1_central_logging_t',
        '  lg_111111111111_us_east_1__central_logging_central_logging_t_canary -->|"filter central-logging-t-canary: everything"| dest_999999999999_us_east_1_central_logging_t',
        '  lg_111111111111_us_east_1_app_1 -->|"filter to #34;archive#34; #124; #60;x#62;: { $.level = #34;ERROR#34; }"| dest_999999999999_us_east_1_central_logging_t',
        "  trail_111111111111_us_east_1_central_logging_t --> lg_111111111111_us_east_1_CloudTrail_DefaultLogGroup",
        '  trail_111111111111_us_east_1_central_logging_t -->|"AWSLogs/111111111111/ and AWSLogs/o-a1b2c3d4e5/"| bucket_999999999999_us_west_2_central_logging_t_archive_999999999999_us_west_2',
        '  vpc_111111111111_us_east_1_vpc_12345678 -->|"flow log (ALL)"| lg_111111111111_us_east_1_vpc_flow_logs_vpc_12345678',
      ].join("\n"),
    );
  });

  it("kinesis transport: destination -> stream -> Firehose, the gunzip Lambda on the way to the bucket", () => {
    const text = renderMermaid(
      planOf({
        recipient: { accountId: "999999999999", region: "ap-northeast-1" },
        sources: [
          { accountId: "111111111111", regions: ["ap-northeast-1"], subscriptions: [{ logGroup: "g" }] },
        ],
      }),
    );
    const edges = text.split("\n").filter((l) => l.includes("-->"));
    expect(edges).toEqual([
      "  dest_999999999999_ap_northeast_1_central_logging_t --> stream_999999999999_ap_northeast_1_central_logging_t_logs",
      '  firehose_999999999999_ap_northeast_1_central_logging_t_archive -->|"un-gzipped by Lambda central-logging-t-cwl-gunzip, one envelope per line"| bucket_999999999999_ap_northeast_1_central_logging_t_archive_999999999999_ap_northeast_1',
      // The canary's (operations.canary), beside the one configured group.
      '  lg_111111111111_ap_northeast_1__central_logging_central_logging_t_canary -->|"filter central-logging-t-canary: everything"| dest_999999999999_ap_northeast_1_central_logging_t',
      '  lg_111111111111_ap_northeast_1_g -->|"filter central-logging-t: everything"| dest_999999999999_ap_northeast_1_central_logging_t',
      "  stream_999999999999_ap_northeast_1_central_logging_t_logs --> firehose_999999999999_ap_northeast_1_central_logging_t_archive",
    ]);
  });

  it("gives names that sanitize alike distinct ids, in the order of their identities", () => {
    const text = renderMermaid(
      planOf({
        recipient: { accountId: "999999999999", region: "us-east-1" },
        sources: [
          {
            accountId: "111111111111",
            regions: ["us-east-1"],
            subscriptions: ["a_b", "a-b", "a.b", "a/b", "a_b_2"].map((logGroup) => ({ logGroup })),
          },
        ],
      }),
    );
    const ids = [...text.matchAll(/^ {4}(lg_\S+)\["log group<br\/>([^"]+)"\]$/gm)].map(
      (m) => `${m[2]} ${m[1]}`,
    );
    // Identity order is code-unit order of the names: "-" < "." < "/" < "_". The canary's group
    // (operations.canary) sanitizes to an id of its own.
    expect(ids.sort()).toEqual([
      "/central-logging/central-logging-t/canary lg_111111111111_us_east_1__central_logging_central_logging_t_canary",
      "a-b lg_111111111111_us_east_1_a_b",
      "a.b lg_111111111111_us_east_1_a_b_2",
      "a/b lg_111111111111_us_east_1_a_b_3",
      "a_b lg_111111111111_us_east_1_a_b_4",
      "a_b_2 lg_111111111111_us_east_1_a_b_2_2",
    ]);
  });

  it("takes more sections: a new kind of route is one function", () => {
    const search: Section = (plan) => {
      const r = plan.recipient;
      const domain: FlowNode = {
        kind: "search",
        accountId: r.accountId,
        region: r.homeRegion,
        name: "logs",
        label: ["OpenSearch", "logs"],
      };
      const stream: FlowNode = {
        kind: "stream",
        accountId: r.accountId,
        region: r.homeRegion,
        name: r.stream?.name ?? "",
        label: ["Kinesis stream", r.stream?.name ?? ""],
      };
      return [{ from: stream, to: domain, label: "forwarder" }];
    };
    const plan = planOf({
      recipient: { accountId: "999999999999", region: "us-east-1" },
      sources: [{ accountId: "111111111111", regions: ["us-east-1"], subscriptions: [{ logGroup: "g" }] }],
    });
    const text = renderMermaid(plan, [...SECTIONS, search]);
    expect(text).toContain('    search_999999999999_us_east_1_logs["OpenSearch<br/>logs"]\n');
    expect(text).toContain(
      '  stream_999999999999_us_east_1_central_logging_t_logs -->|"forwarder"| search_999999999999_us_east_1_logs',
    );
    // The stream node is shared with the recipient section, not drawn twice.
    expect(text.match(/^ {4}stream_/gm)).toHaveLength(1);
  });

  it("refuses one node drawn with two labels", () => {
    const a: FlowNode = { kind: "x", accountId: "1", region: "r", name: "n", label: ["one"] };
    const b: FlowNode = { ...a, label: ["two"] };
    const plan = planOf({ recipient: { accountId: "999999999999", region: "us-east-1" } });
    expect(() => renderMermaid(plan, [() => [{ from: a, to: b }]])).toThrow(
      'node ["x","1","r","n"] is drawn with two different labels',
    );
  });
});

describe("escapeLabel", () => {
  it.each([
    ['say "hi"', "say #34;hi#34;"],
    ["a|b", "a#124;b"],
    ["<b>&</b>", "#60;b#62;#38;#60;/b#62;"],
    ["#quot; stays text", "#35;quot; stays text"],
    ["`md`", "#96;md#96;"],
    ["two\r\n  lines", "two lines"],
    ["{ $.x = 1 } [a] (b) ; %%", "{ $.x = 1 } [a] (b) ; %%"],
  ])("%j -> %j", (input, expected) => {
    expect(escapeLabel(input)).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over generated stack configs.

const ACCOUNTS = ["111111111111", "222222222222", "333333333333", "444444444444"];
const REGIONS = ["us-east-1", "us-east-2", "eu-west-1"];
const GROUPS = ["app", "a-b", "a_b", "a.b", "/aws/lambda/orders-api", "CloudTrail/x", "g#1"];
const PATTERNS = ["", '{ $.level = "ERROR" }', "?ERROR ?WARN", "[ip, user, ...]"];

interface SourceDraft {
  accountId: string;
  regions: string[];
  groups: { logGroup: string; region: number; filterPattern: string }[];
  vpcs: { vpcId: string; region: number; forward: boolean }[];
  forwardAll: boolean;
  trail: boolean;
}

const sourceArb = (accountId: string): fc.Arbitrary<SourceDraft> =>
  fc.record({
    accountId: fc.constant(accountId),
    regions: fc.uniqueArray(fc.constantFrom(...REGIONS), { minLength: 1, maxLength: 3 }),
    groups: fc.uniqueArray(
      fc.record({
        logGroup: fc.constantFrom(...GROUPS),
        region: fc.nat(),
        filterPattern: fc.constantFrom(...PATTERNS),
      }),
      { selector: (g) => g.logGroup, maxLength: 4 },
    ),
    vpcs: fc.uniqueArray(
      fc.record({
        vpcId: fc.constantFrom("vpc-12345678", "vpc-0a1b2c3d", "vpc-deadbeef"),
        region: fc.nat(),
        forward: fc.boolean(),
      }),
      { selector: (v) => v.vpcId, maxLength: 2 },
    ),
    forwardAll: fc.boolean(),
    trail: fc.boolean(),
  });

const configArb: fc.Arbitrary<RawConfig> = fc
  .record({
    transport: fc.constantFrom("kinesis", "firehose"),
    bucketRegion: fc.constantFrom(...REGIONS),
    accounts: fc.uniqueArray(fc.constantFrom(...ACCOUNTS), { minLength: 1, maxLength: 4 }),
  })
  .chain(({ transport, bucketRegion, accounts }) =>
    fc.tuple(...accounts.map(sourceArb)).map((drafts) => ({
      recipient: { accountId: "999999999999", region: "us-east-1", bucketRegion, transport },
      sources: drafts.map((d) => {
        const pick = (n: number) => d.regions[n % d.regions.length] ?? "";
        return {
          accountId: d.accountId,
          regions: d.regions,
          subscriptions: d.groups.map((g) => ({ ...g, region: pick(g.region) })),
          flowLogs: d.vpcs.map((v) => ({ ...v, region: pick(v.region) })),
          ...(d.forwardAll ? { forwardAll: { regions: [pick(0)] } } : {}),
          ...(d.trail ? { cloudTrail: { region: pick(0), forward: {} } } : {}),
        };
      }),
    })),
  );

const NODE_LINE = /^ {4}([a-z]+_[A-Za-z0-9_]+)\[\(?"([^"]*)"\)?\]$/;
const EDGE_LINE = /^ {2}([a-z]+_[A-Za-z0-9_]+) -->(?:\|"([^"]*)"\|)? ([a-z]+_[A-Za-z0-9_]+)$/;
const SUBGRAPH_LINE =
  /^ {2}subgraph acct_\d{12}_[a-z0-9_]+\["Account \d{12}( \(recipient\))?, [a-z0-9-]+"\]$/;

describe("renderMermaid over generated plans", () => {
  it("is well-formed: every line parses, ids are unique, every edge joins declared nodes", () => {
    fc.assert(
      fc.property(configArb, (raw) => {
        const plan = planOf(raw);
        const lines = renderMermaid(plan).split("\n");
        expect(lines[0]).toBe("flowchart LR");
        const declared: string[] = [];
        const joined: string[] = [];
        for (const line of lines.slice(1)) {
          const node = NODE_LINE.exec(line);
          const edge = EDGE_LINE.exec(line);
          if (node) declared.push(node[1]!);
          else if (edge) joined.push(edge[1]!, edge[3]!);
          else if (line !== "  end") expect(line).toMatch(SUBGRAPH_LINE);
        }
        expect(new Set(declared).size).toBe(declared.length);
        expect(new Set(joined)).toEqual(new Set(declared));
        // One log-group -> destination edge per route.
        const routes = plan.sources.flatMap((s) => s.routes);
        expect(lines.filter((l) => /^ {2}lg_\S+ -->\|"filter [^"]*"\| dest_/.test(l))).toHaveLength(
          routes.length,
        );
        expect(lines.filter((l) => /^ {2}dest_/.test(l))).toHaveLength(plan.destinations.length);
      }),
      { numRuns: 150 },
    );
  });

  it("does not depend on the order of the sources", () => {
    fc.assert(
      fc.property(configArb, (raw) => {
        const sources = raw.sources as unknown[];
        const reversed = { ...raw, sources: [...sources].reverse() };
        expect(renderMermaid(planOf(reversed))).toBe(renderMermaid(planOf(raw)));
      }),
      { numRuns: 100 },
    );
  });

  it("adding an account keeps every existing line", () => {
    fc.assert(
      fc.property(configArb, sourceArb("555555555555"), (raw, extra) => {
        const before = renderMermaid(planOf(raw)).split("\n");
        const sources = raw.sources as unknown[];
        const added = {
          ...raw,
          sources: [
            ...sources,
            {
              accountId: extra.accountId,
              regions: extra.regions,
              subscriptions: extra.groups.map((g) => ({ ...g, region: extra.regions[0] })),
            },
          ],
        };
        const after = new Set(renderMermaid(planOf(added)).split("\n"));
        expect(before.filter((l) => !after.has(l))).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});
