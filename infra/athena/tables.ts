/**
 * Glue tables over the archive, as plain data: columns, SerDe and partition projection. Projection
 * lets Athena compute partitions from the table's parameters, so there is no crawler to run and
 * no `MSCK REPAIR TABLE` to forget; the templates come from `infra/archive/layout.ts`, the same source as
 * the Firehose prefixes.
 */
import {
  AREAS,
  cloudTrailLayout,
  EVENTS_LAYOUT,
  type Layout,
  LOGS_LAYOUT,
  locationTemplate,
  type Projection,
  projectedPartitions,
  tableLocation,
} from "../archive/layout";
import { AWS_REGIONS } from "../kernel/regions";

export interface Column {
  name: string;
  type: string;
  comment?: string;
}

export type TableKind = "logs" | "events" | "cloudtrail" | "cloudtrailOrg";

export interface TableDefinition {
  kind: TableKind;
  name: string;
  description: string;
  location: string;
  columns: Column[];
  partitionKeys: Column[];
  inputFormat: string;
  outputFormat: string;
  serde: { library: string; parameters: Record<string, string> };
  /** Table parameters: classification, partition projection and its location template. */
  parameters: Record<string, string>;
}

/** Years the projection spans: none before this project, and a far end that costs nothing. */
export const PROJECTED_YEARS: [number, number] = [2025, 2099];

const TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat";
const TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
const OPENX_JSON = "org.openx.data.jsonserde.JsonSerDe";

/** `userIdentity`, as CloudTrail records it (the fields the usual questions need). */
const USER_IDENTITY =
  "struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,accesskeyid:string,username:string," +
  "sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>," +
  "sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>>>";

/**
 * A CloudTrail record's fields. Request and response bodies differ per API, so they stay JSON
 * text (`json_extract` reads them); everything that is filtered or grouped on is a column.
 */
const CLOUDTRAIL_FIELDS: Column[] = [
  { name: "eventversion", type: "string" },
  { name: "useridentity", type: USER_IDENTITY },
  { name: "eventtime", type: "string" },
  { name: "eventsource", type: "string" },
  { name: "eventname", type: "string" },
  { name: "awsregion", type: "string" },
  { name: "sourceipaddress", type: "string" },
  { name: "useragent", type: "string" },
  { name: "errorcode", type: "string" },
  { name: "errormessage", type: "string" },
  { name: "requestparameters", type: "string" },
  { name: "responseelements", type: "string" },
  { name: "additionaleventdata", type: "string" },
  { name: "requestid", type: "string" },
  { name: "eventid", type: "string" },
  { name: "resources", type: "array<struct<arn:string,accountid:string,type:string>>" },
  { name: "eventtype", type: "string" },
  { name: "apiversion", type: "string" },
  { name: "readonly", type: "string" },
  { name: "recipientaccountid", type: "string" },
  { name: "serviceeventdetails", type: "string" },
  { name: "sharedeventid", type: "string" },
  { name: "vpcendpointid", type: "string" },
  { name: "eventcategory", type: "string" },
  {
    name: "tlsdetails",
    type: "struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>",
  },
];

/** What an EventBridge "AWS API Call via CloudTrail" event carries in `detail`. */
const EVENT_DETAIL = `struct<${CLOUDTRAIL_FIELDS.filter((c) => !["apiversion", "readonly"].includes(c.name))
  .map((c) => `${c.name}:${c.type}`)
  .join(",")},readonly:boolean,managementevent:boolean>`;

export interface TableContext {
  bucket: string;
  /**
   * Organization mode: the account partition is injected (named in each query) instead of an
   * enum, so adding an account changes no table, and hundreds of accounts stay cheap to plan.
   */
  organizationMode: boolean;
  /** Accounts whose CloudWatch Logs reach the archive. */
  logAccounts: string[];
  /** Accounts with EventBridge rules. */
  eventAccounts: string[];
  /** Accounts with an account trail. */
  trailAccounts: string[];
  /** An organization trail's organization, and the accounts it is known to cover. */
  organizationTrail?: { organizationId: string; accounts: string[] };
}

/** The tables the archive needs: one per kind of data that reaches it. */
export function athenaTables(ctx: TableContext): TableDefinition[] {
  const accounts = (ids: string[]): Projection =>
    ctx.organizationMode ? { type: "injected" } : { type: "enum", values: ids };
  const tables: TableDefinition[] = [];
  if (ctx.logAccounts.length > 0) tables.push(logsTable(ctx.bucket, accounts(ctx.logAccounts)));
  if (ctx.eventAccounts.length > 0) tables.push(eventsTable(ctx.bucket, accounts(ctx.eventAccounts)));
  if (ctx.trailAccounts.length > 0)
    tables.push(cloudTrailTable("cloudtrail", ctx.bucket, accounts(ctx.trailAccounts)));
  if (ctx.organizationTrail)
    tables.push(
      cloudTrailTable(
        "cloudtrail_org",
        ctx.bucket,
        accounts(ctx.organizationTrail.accounts),
        ctx.organizationTrail.organizationId,
      ),
    );
  return tables;
}

function logsTable(bucket: string, accounts: Projection): TableDefinition {
  const fixed = { area: AREAS.logs };
  return {
    kind: "logs",
    name: "cloudwatch_logs",
    description:
      "CloudWatch Logs subscription envelopes, one per line. log_group is the group's path segment (/aws/lambda/x -> aws.lambda.x) and must be named in every query.",
    location: tableLocation(bucket, LOGS_LAYOUT, fixed),
    columns: [
      { name: "messagetype", type: "string" },
      { name: "owner", type: "string", comment: "the source account" },
      { name: "loggroup", type: "string", comment: "the log group's real name" },
      { name: "logstream", type: "string" },
      { name: "subscriptionfilters", type: "array<string>" },
      { name: "logevents", type: "array<struct<id:string,timestamp:bigint,message:string>>" },
    ],
    ...projected(bucket, LOGS_LAYOUT, fixed, { account: accounts }),
    inputFormat: TEXT_INPUT,
    outputFormat: TEXT_OUTPUT,
    serde: { library: OPENX_JSON, parameters: { "case.insensitive": "true" } },
  };
}

function eventsTable(bucket: string, accounts: Projection): TableDefinition {
  return {
    kind: "events",
    name: "events",
    description: "EventBridge events from the configured rules, one JSON document per line.",
    location: tableLocation(bucket, EVENTS_LAYOUT),
    // `account` is the partition (the same value as the event's own field).
    columns: [
      { name: "version", type: "string" },
      { name: "id", type: "string" },
      { name: "detail_type", type: "string", comment: "detail-type" },
      { name: "source", type: "string" },
      { name: "time", type: "string" },
      { name: "region", type: "string" },
      { name: "resources", type: "array<string>" },
      { name: "detail", type: EVENT_DETAIL, comment: "the CloudTrail record for API calls" },
    ],
    ...projected(bucket, EVENTS_LAYOUT, {}, { account: accounts }),
    inputFormat: TEXT_INPUT,
    outputFormat: TEXT_OUTPUT,
    serde: {
      library: OPENX_JSON,
      parameters: { "case.insensitive": "true", "mapping.detail_type": "detail-type" },
    },
  };
}

function cloudTrailTable(
  name: "cloudtrail" | "cloudtrail_org",
  bucket: string,
  accounts: Projection,
  organizationId?: string,
): TableDefinition {
  const layout = cloudTrailLayout(organizationId);
  return {
    kind: organizationId ? "cloudtrailOrg" : "cloudtrail",
    name,
    description: organizationId
      ? `CloudTrail log files of the organization trail (${organizationId}).`
      : "CloudTrail log files of the account trails.",
    location: tableLocation(bucket, layout),
    columns: CLOUDTRAIL_FIELDS,
    ...projected(
      bucket,
      layout,
      {},
      {
        account: accounts,
        region: { type: "enum", values: [...AWS_REGIONS] },
        dt: { type: "date", format: "yyyy/MM/dd", range: "2020/01/01,NOW", interval: 1, unit: "DAYS" },
      },
    ),
    // CloudTrail writes gzip'd JSON documents with a `Records` array: its input format unrolls them.
    inputFormat: "com.amazon.emr.cloudtrail.CloudTrailInputFormat",
    outputFormat: TEXT_OUTPUT,
    serde: { library: "org.apache.hive.hcatalog.data.JsonSerDe", parameters: {} },
  };
}

/** Partition keys and projection parameters for a layout; dates default to the Firehose ones. */
function projected(
  bucket: string,
  layout: Layout,
  fixed: Record<string, string>,
  projections: Record<string, Projection>,
): Pick<TableDefinition, "partitionKeys" | "parameters"> {
  const parts = projectedPartitions(layout, fixed);
  const parameters: Record<string, string> = {
    classification: "json",
    EXTERNAL: "TRUE",
    "projection.enabled": "true",
    "storage.location.template": locationTemplate(bucket, layout, fixed),
  };
  for (const p of parts) {
    const projection = projections[p.column] ?? defaultProjection(p.column);
    Object.assign(parameters, projectionParameters(p.column, projection));
  }
  return { partitionKeys: parts.map((p) => ({ name: p.column, type: p.columnType })), parameters };
}

function defaultProjection(column: string): Projection {
  switch (column) {
    case "year":
      return { type: "integer", range: PROJECTED_YEARS };
    case "month":
      return { type: "integer", range: [1, 12], digits: 2 };
    case "day":
      return { type: "integer", range: [1, 31], digits: 2 };
    default:
      // A value only the query can supply (a log group name): Athena requires it in the WHERE clause.
      return { type: "injected" };
  }
}

export function projectionParameters(column: string, projection: Projection): Record<string, string> {
  const key = (name: string) => `projection.${column}.${name}`;
  switch (projection.type) {
    case "enum":
      if (projection.values.length === 0)
        throw new Error(`central-logging: no values to project for ${column}`);
      return { [key("type")]: "enum", [key("values")]: projection.values.join(",") };
    case "integer":
      return {
        [key("type")]: "integer",
        [key("range")]: projection.range.join(","),
        ...(projection.digits ? { [key("digits")]: String(projection.digits) } : {}),
      };
    case "date":
      return {
        [key("type")]: "date",
        [key("format")]: projection.format,
        [key("range")]: projection.range,
        [key("interval")]: String(projection.interval),
        [key("interval.unit")]: projection.unit,
      };
    case "injected":
      return { [key("type")]: "injected" };
  }
}
