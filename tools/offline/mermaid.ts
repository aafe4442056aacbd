/**
 * The routing plan as a Mermaid `flowchart LR`: one subgraph per (account, region) that holds
 * anything; sources -> the recipient's destination in their region -> the stream or Firehose in the
 * home region -> the archive bucket; trails -> the bucket. Pure.
 *
 * Each kind of route draws itself in one small `Section`; a new kind (EventBridge routes, the
 * search domain) is one more section in `SECTIONS`. Nodes carry their identity (kind, account,
 * region, name): ids derive from it, so they stay put when the config grows, and the output is
 * sorted, so it does not depend on the order of the config.
 */
import type { RoutingPlan } from "../../infra/plan";

export type NodeShape = "box" | "cylinder";

export interface FlowNode {
  /** Short and alphanumeric (`lg`, `dest`): it starts the Mermaid id. */
  readonly kind: string;
  readonly accountId: string;
  readonly region: string;
  readonly name: string;
  /** Label lines as plain text; escaped when rendered. */
  readonly label: readonly string[];
  readonly shape?: NodeShape;
}

export interface FlowEdge {
  readonly from: FlowNode;
  readonly to: FlowNode;
  readonly label?: string;
}

/** What one kind of route adds: its edges, and the nodes they join. */
export type Section = (plan: RoutingPlan) => readonly FlowEdge[];

// ---------------------------------------------------------------------------------------------
// Nodes shared by several sections (same identity, same label, drawn once).

function destination(plan: RoutingPlan, arn: string): FlowNode {
  const d = plan.destinations.find((x) => x.arn === arn);
  if (!d) throw new Error(`the plan routes to ${arn}, which is not one of its destinations`);
  return {
    kind: "dest",
    accountId: plan.recipient.accountId,
    region: d.region,
    name: d.name,
    label: ["CloudWatch Logs destination", d.name],
  };
}

function logGroup(accountId: string, region: string, name: string): FlowNode {
  return { kind: "lg", accountId, region, name, label: ["log group", name] };
}

function bucket(plan: RoutingPlan): FlowNode {
  const r = plan.recipient;
  return {
    kind: "bucket",
    accountId: r.accountId,
    region: r.bucketRegion,
    name: r.bucketName,
    label: ["S3 archive", r.bucketName],
    shape: "cylinder",
  };
}

function firehose(plan: RoutingPlan): FlowNode {
  const r = plan.recipient;
  return {
    kind: "firehose",
    accountId: r.accountId,
    region: r.homeRegion,
    name: r.firehose.name,
    label: ["Firehose", r.firehose.name],
  };
}

/** What destinations write into: the stream (kinesis transport) or the Firehose. */
function target(plan: RoutingPlan): FlowNode {
  const r = plan.recipient;
  return r.stream
    ? {
        kind: "stream",
        accountId: r.accountId,
        region: r.homeRegion,
        name: r.stream.name,
        label: ["Kinesis stream", r.stream.name],
      }
    : firehose(plan);
}

function filterLabel(filterName: string, filterPattern: string): string {
  return `filter ${filterName}: ${filterPattern === "" ? "everything" : filterPattern}`;
}

// ---------------------------------------------------------------------------------------------
// Sections

/** Destinations -> stream -> Firehose -> bucket. */
export const recipientSection: Section = (plan) => {
  const r = plan.recipient;
  const gunzip = r.processor ? `un-gzipped by Lambda ${r.processor.name}` : "un-gzipped by Firehose";
  return [
    ...plan.destinations.map((d) => ({ from: destination(plan, d.arn), to: target(plan) })),
    ...(r.stream ? [{ from: target(plan), to: firehose(plan) }] : []),
    { from: firehose(plan), to: bucket(plan), label: `${gunzip}, one envelope per line` },
  ];
};

/** Every forwarded log group (configured, flow-log or trail) -> its region's destination. */
export const routesSection: Section = (plan) =>
  plan.sources.flatMap((s) =>
    s.routes.map((route) => ({
      from: logGroup(route.accountId, route.region, route.logGroup),
      to: destination(plan, route.destinationArn),
      label: filterLabel(route.filterName, route.filterPattern),
    })),
  );

/** VPC -> the flow log's log group (forwarded, if it is, by `routesSection`). */
export const flowLogsSection: Section = (plan) =>
  plan.sources.flatMap((s) =>
    s.flowLogs.map((f) => ({
      from: { kind: "vpc", accountId: s.accountId, region: f.region, name: f.vpcId, label: ["VPC", f.vpcId] },
      to: logGroup(s.accountId, f.region, f.logGroup),
      label: `flow log (${f.trafficType})`,
    })),
  );

/** Account-level subscription policies (`forwardAll`) -> their region's destination. */
export const accountPoliciesSection: Section = (plan) =>
  plan.sources.flatMap((s) =>
    s.accountPolicies.map((a) => ({
      from: {
        kind: "acctpolicy",
        accountId: a.accountId,
        region: a.region,
        name: a.name,
        label: [
          a.excluded.length === 0 ? "every log group" : `every log group but ${a.excluded.length}`,
          `account policy ${a.name}`,
        ],
      },
      to: destination(plan, a.destinationArn),
      label: `pattern: ${a.filterPattern === "" ? "everything" : a.filterPattern}`,
    })),
  );

/** Trails -> their log group, and straight into the bucket under their account's prefix. */
export const trailsSection: Section = (plan) =>
  plan.trails.flatMap((t) => {
    const trail: FlowNode = {
      kind: "trail",
      accountId: t.accountId,
      region: t.region,
      name: t.name,
      label: ["CloudTrail trail (multi-region)", t.name],
    };
    const prefixes = [t.bucketPrefix, ...(t.organizationId ? [`AWSLogs/${t.organizationId}/`] : [])];
    return [
      { from: trail, to: logGroup(t.accountId, t.region, t.logGroup) },
      { from: trail, to: bucket(plan), label: prefixes.join(" and ") },
    ];
  });

/**
 * EventBridge rules -> the recipient's bus (or, for its own home-region rules, the events
 * Firehose) -> the events Firehose -> the bucket, under `events/`.
 */
export const eventsSection: Section = (plan) => {
  const r = plan.recipient;
  const events = r.events;
  if (!events) return [];
  const bus: FlowNode = {
    kind: "bus",
    accountId: r.accountId,
    region: r.homeRegion,
    name: events.bus.name,
    label: ["EventBridge bus", events.bus.name],
  };
  const eventsFirehose: FlowNode = {
    kind: "evfirehose",
    accountId: r.accountId,
    region: r.homeRegion,
    name: events.firehose.name,
    label: ["Firehose", events.firehose.name],
  };
  const rules = plan.sources.flatMap((s) =>
    s.eventSenders.flatMap((sender) =>
      sender.rules.map((rule) => ({
        from: {
          kind: "rule",
          accountId: rule.accountId,
          region: rule.region,
          name: rule.name,
          label: ["EventBridge rule", rule.name],
        },
        to: sender.target.kind === "bus" ? bus : eventsFirehose,
        label: `pattern: ${rule.pattern}`,
      })),
    ),
  );
  const viaBus = rules.some((x) => x.to === bus);
  return [
    ...rules,
    ...(viaBus ? [{ from: bus, to: eventsFirehose, label: `rule ${events.busRule.name}` }] : []),
    { from: eventsFirehose, to: bucket(plan), label: "JSON Lines under events/" },
  ];
};

/** The stream -> the search forwarder -> the OpenSearch domain (`recipient.search`). */
export const searchSection: Section = (plan) => {
  const r = plan.recipient;
  if (!r.search || !r.stream) return [];
  const forwarder: FlowNode = {
    kind: "forwarder",
    accountId: r.accountId,
    region: r.homeRegion,
    name: r.search.forwarder.name,
    label: ["Lambda", r.search.forwarder.name],
  };
  const domain: FlowNode = {
    kind: "search",
    accountId: r.accountId,
    region: r.homeRegion,
    name: r.search.domainName,
    label: ["OpenSearch domain", r.search.domainName],
    shape: "cylinder",
  };
  return [
    { from: target(plan), to: forwarder, label: "event source mapping" },
    { from: forwarder, to: domain, label: "bulk index, daily indices" },
  ];
};

export const SECTIONS: readonly Section[] = [
  recipientSection,
  routesSection,
  flowLogsSection,
  accountPoliciesSection,
  trailsSection,
  eventsSection,
  searchSection,
];

// ---------------------------------------------------------------------------------------------
// Rendering

// Mermaid's entity codes (`#<decimal>;`) inside quoted labels: `"` would end the label, `<` `>` `&`
// would be read as HTML, `#` could start an entity, `|` ends an edge label, a backtick a markdown string.
const ENTITY: Record<string, string> = {
  "#": "#35;",
  '"': "#34;",
  "&": "#38;",
  "<": "#60;",
  ">": "#62;",
  "`": "#96;",
  "|": "#124;",
};

export function escapeLabel(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ").replace(/[#"&<>`|]/g, (c) => ENTITY[c] ?? c);
}

function label(lines: readonly string[]): string {
  return `"${lines.map(escapeLabel).join("<br/>")}"`;
}

/** Accounts are digits and regions `[a-z0-9-]`, so this is one-to-one on them. */
function idPart(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, "_");
}

function nodeKey(n: FlowNode): string {
  return JSON.stringify([n.kind, n.accountId, n.region, n.name]);
}

function groupKey(accountId: string, region: string): string {
  return `${accountId}/${region}`;
}

/**
 * `<kind>_<account>_<region>_<name>` with every run of other characters as `_`. Names that differ
 * only there (`a-b`, `a_b`) get `_2`, `_3`, ... in the order of their identities.
 */
function assignIds(nodes: readonly FlowNode[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const node of [...nodes].sort((a, b) => compare(nodeKey(a), nodeKey(b)))) {
    const base = [node.kind, node.accountId, idPart(node.region), idPart(node.name)].join("_");
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    ids.set(nodeKey(node), id);
  }
  return ids;
}

// Code-unit order, independent of the machine's locale.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function nodeLine(id: string, node: FlowNode): string {
  return node.shape === "cylinder" ? `${id}[(${label(node.label)})]` : `${id}[${label(node.label)}]`;
}

export function renderMermaid(plan: RoutingPlan, sections: readonly Section[] = SECTIONS): string {
  const edges = sections.flatMap((section) => section(plan));
  const nodes = new Map<string, FlowNode>();
  for (const node of edges.flatMap((e) => [e.from, e.to])) {
    const key = nodeKey(node);
    const seen = nodes.get(key);
    if (seen && JSON.stringify([seen.label, seen.shape]) !== JSON.stringify([node.label, node.shape])) {
      throw new Error(`node ${key} is drawn with two different labels`);
    }
    nodes.set(key, node);
  }
  const ids = assignIds([...nodes.values()]);
  const idOf = (node: FlowNode) => ids.get(nodeKey(node)) ?? "";

  const recipient = plan.recipient.accountId;
  const groups = new Map<string, FlowNode[]>();
  for (const node of nodes.values()) {
    const key = groupKey(node.accountId, node.region);
    groups.set(key, [...(groups.get(key) ?? []), node]);
  }
  const lines = ["flowchart LR"];
  for (const key of [...groups.keys()].sort(compare)) {
    const members = (groups.get(key) ?? []).sort((a, b) => compare(idOf(a), idOf(b)));
    const [first] = members;
    if (!first) continue;
    const role = first.accountId === recipient ? " (recipient)" : "";
    const title = `Account ${first.accountId}${role}, ${first.region}`;
    lines.push(`  subgraph acct_${first.accountId}_${idPart(first.region)}[${label([title])}]`);
    for (const node of members) lines.push(`    ${nodeLine(idOf(node), node)}`);
    lines.push("  end");
  }

  const edgeLines = new Set(
    edges.map((e) => {
      const arrow = e.label === undefined ? "-->" : `-->|${label([e.label])}|`;
      return `  ${idOf(e.from)} ${arrow} ${idOf(e.to)}`;
    }),
  );
  lines.push(...[...edgeLines].sort(compare));
  return lines.join("\n");
}
