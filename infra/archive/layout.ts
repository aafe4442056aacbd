/**
 * Where everything lands in the archive bucket, and how Athena finds it again. Each layout is one
 * list of path segments; the Firehose prefix, its jq partitioning query, the Glue table location
 * and the partition-projection template are all derived from it, so they cannot disagree (and
 * `tests/athena.test.ts` checks the registered resources against each other all the same).
 */

/** How Athena enumerates a partition column's values without a crawler (partition projection). */
export type Projection =
  | { type: "enum"; values: string[] }
  | { type: "integer"; range: [number, number]; digits?: number }
  | { type: "date"; format: string; range: string; interval: number; unit: "DAYS" }
  | { type: "injected" };

/** Where a partition's value comes from when Firehose writes the object. */
export type PartitionSource =
  | { kind: "query"; key: string }
  | { kind: "timestamp"; format: "yyyy" | "MM" | "dd" }
  | { kind: "written-by-aws" };

export interface Partition {
  /** The Glue partition column. */
  column: string;
  /** Athena (Glue) column type. */
  columnType: "string" | "int";
  source: PartitionSource;
}

/** Literal text, or a partition value. */
export type Segment = string | Partition;

export interface Layout {
  /** The path under the bucket: segments concatenated, ending with `/`. */
  segments: Segment[];
}

const year: Partition = { column: "year", columnType: "int", source: { kind: "timestamp", format: "yyyy" } };
const month: Partition = { column: "month", columnType: "int", source: { kind: "timestamp", format: "MM" } };
const day: Partition = { column: "day", columnType: "int", source: { kind: "timestamp", format: "dd" } };
const dateSegments: Segment[] = ["year=", year, "/month=", month, "/day=", day, "/"];

/** Top-level folders of the archive bucket. */
export const AREAS = {
  logs: "cloudwatch-logs",
  /** CloudWatch Logs' destination health checks: kept, but never among the data. */
  control: "cloudwatch-logs-control",
  events: "events",
  errors: "errors",
  cloudTrail: "AWSLogs",
} as const;

/**
 * CloudWatch Logs envelopes: `cloudwatch-logs/account=<owner>/logGroup=<group>/year=/month=/day=/`.
 * The area itself is a partition key, so control messages (owner `CloudwatchLogs`, no log group)
 * land under `cloudwatch-logs-control/` instead, outside the table's location.
 */
export const LOGS_LAYOUT: Layout = {
  segments: [
    { column: "area", columnType: "string", source: { kind: "query", key: "area" } },
    "/account=",
    { column: "account", columnType: "string", source: { kind: "query", key: "account" } },
    "/logGroup=",
    { column: "log_group", columnType: "string", source: { kind: "query", key: "logGroup" } },
    "/",
    ...dateSegments,
  ],
};

/** EventBridge events, one JSON document per line: `events/account=<account>/year=/month=/day=/`. */
export const EVENTS_LAYOUT: Layout = {
  segments: [
    `${AREAS.events}/account=`,
    { column: "account", columnType: "string", source: { kind: "query", key: "account" } },
    "/",
    ...dateSegments,
  ],
};

/**
 * What CloudTrail itself writes: `AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/yyyy/MM/dd/`.
 * Fixed by AWS; the table follows it.
 */
export function cloudTrailLayout(organizationId?: string): Layout {
  const aws = (column: string): Partition => ({
    column,
    columnType: "string",
    source: { kind: "written-by-aws" },
  });
  return {
    segments: [
      `${AREAS.cloudTrail}/${organizationId ? `${organizationId}/` : ""}`,
      aws("account"),
      "/CloudTrail/",
      aws("region"),
      "/",
      aws("dt"),
      "/",
    ],
  };
}

export function partitions(layout: Layout): Partition[] {
  return layout.segments.filter((s): s is Partition => typeof s !== "string");
}

/** The Firehose S3 prefix: `!{partitionKeyFromQuery:k}` and `!{timestamp:f}` in place of values. */
export function firehosePrefix(layout: Layout): string {
  return layout.segments
    .map((s) => {
      if (typeof s === "string") return s;
      if (s.source.kind === "query") return `!{partitionKeyFromQuery:${s.source.key}}`;
      if (s.source.kind === "timestamp") return `!{timestamp:${s.source.format}}`;
      throw new Error(`central-logging: partition ${s.column} is written by AWS, not by Firehose`);
    })
    .join("");
}

/** Failed records of an area: by error type and day; never partition keys (they may be what failed). */
export function errorPrefix(area: string): string {
  return `${AREAS.errors}/${area}/!{firehose:error-output-type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/`;
}

/**
 * The table's `LOCATION`: the literal start of the path. A leading partition (the logs' `area`)
 * is fixed to the data area, so the table never reads control messages.
 */
export function tableLocation(bucket: string, layout: Layout, fixed: Record<string, string> = {}): string {
  return `s3://${bucket}/${literalPrefix(layout, fixed)}`;
}

/** `storage.location.template`: the path with `${column}` for every projected partition. */
export function locationTemplate(bucket: string, layout: Layout, fixed: Record<string, string> = {}): string {
  const path = layout.segments
    .map((s) => (typeof s === "string" ? s : (fixed[s.column] ?? `\${${s.column}}`)))
    .join("");
  return `s3://${bucket}/${path}`;
}

/** The partitions a table projects: every partition not fixed by the table's location. */
export function projectedPartitions(layout: Layout, fixed: Record<string, string> = {}): Partition[] {
  return partitions(layout).filter((p) => !(p.column in fixed));
}

function literalPrefix(layout: Layout, fixed: Record<string, string>): string {
  let out = "";
  for (const s of layout.segments) {
    if (typeof s === "string") out += s;
    else if (fixed[s.column] !== undefined) out += fixed[s.column];
    else break;
  }
  // Only whole folders: `events/account=` locates the table at `events/`.
  return out.slice(0, out.lastIndexOf("/") + 1);
}

/**
 * The jq (1.6) query Firehose's dynamic partitioning runs on each CloudWatch Logs envelope:
 * data and control messages go to different areas; the log group becomes one path segment
 * (see `logGroupPartition`). Each value must be non-empty, or Firehose fails the record.
 */
export const LOGS_PARTITION_QUERY = [
  "{",
  `area: (if .messageType == "CONTROL_MESSAGE" then "${AREAS.control}" else "${AREAS.logs}" end),`,
  'account: (if .owner == "" then "unknown" else .owner end),',
  'logGroup: (.logGroup | ltrimstr("/") | split("/") | join(".") | if . == "" then "none" else . end)',
  "}",
].join(" ");

/** The jq query for EventBridge events: the account the event happened in. */
export const EVENTS_PARTITION_QUERY = "{account: .account}";

/**
 * The log group's path segment, exactly as `LOGS_PARTITION_QUERY` computes it: a log group name
 * holds `/` (S3's folder separator), so `/aws/lambda/orders` becomes `aws.lambda.orders`.
 * The data keeps the real name (`loggroup` column); this is only the partition.
 */
export function logGroupPartition(logGroup: string): string {
  const key = (logGroup.startsWith("/") ? logGroup.slice(1) : logGroup).split("/").join(".");
  return key === "" ? "none" : key;
}
