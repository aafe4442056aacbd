/**
 * Athena over the archive, checked on what the program registers: every Firehose prefix and the
 * Glue table reading it describe the same S3 paths (rendered independently from each side for
 * many sample records, so a change to either one alone fails here), the CloudTrail table follows
 * what CloudTrail writes, and the workgroup keeps its results encrypted in a private bucket.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { logGroupPartition } from "../infra/archive/layout";
import type { ResourceRecord } from "../tools/offline/mocks";
import { input, policyOf, type Registered, runStack, stackConfig, T } from "./support/program";

const RECIPIENT = "999999999999";
const A = "111111111111";
const B = "222222222222";
const HOME = "ap-northeast-1";
const P = "central-logging-ath";
const BUCKET = `${P}-archive-${RECIPIENT}-us-west-2`;
const RESULTS = `${P}-athena-${RECIPIENT}-us-west-2`;

const G = {
  database: "aws:glue/catalogDatabase:CatalogDatabase",
  table: "aws:glue/catalogTable:CatalogTable",
  workgroup: "aws:athena/workgroup:Workgroup",
  query: "aws:athena/namedQuery:NamedQuery",
} as const;

let p: Registered;

beforeAll(async () => {
  p = await runStack(
    "ath",
    stackConfig(
      {
        accountId: RECIPIENT,
        region: HOME,
        bucketRegion: "us-west-2",
        athena: { bytesScannedCutoffGiB: 10 },
      },
      [
        {
          accountId: A,
          regions: [HOME],
          subscriptions: [{ logGroup: "/aws/lambda/orders-api" }],
          cloudTrail: {},
          events: [{}],
        },
        { accountId: B, regions: ["us-east-2"], flowLogs: [{ vpcId: "vpc-12345678" }] },
      ],
    ),
  );
});

const table = (name: string) => p.one(G.table, `recipient-athena-${name}`);
const parameters = (t: ResourceRecord) => input<Record<string, string>>(t, "parameters");
const storage = (t: ResourceRecord) =>
  input<{ location: string; columns: { name: string; type: string }[] }>(t, "storageDescriptor");
const partitionKeys = (t: ResourceRecord) => input<{ name: string; type: string }[]>(t, "partitionKeys");
const firehosePrefix = (name: string) =>
  input<{ prefix: string }>(p.one(T.firehose, name), "extendedS3Configuration").prefix;

/** A record's path as Firehose writes it: its partition keys and its arrival time (UTC). */
function renderFirehose(prefix: string, keys: Record<string, string>, at: Date): string {
  const parts: Record<string, string> = {
    yyyy: String(at.getUTCFullYear()),
    MM: String(at.getUTCMonth() + 1).padStart(2, "0"),
    dd: String(at.getUTCDate()).padStart(2, "0"),
  };
  const path = prefix
    .replace(/!\{partitionKeyFromQuery:(\w+)\}/g, (_, k: string) => keys[k] ?? `<no key ${k}>`)
    .replace(/!\{timestamp:(\w+)\}/g, (_, f: string) => parts[f] ?? `<no format ${f}>`);
  return `s3://${BUCKET}/${path}`;
}

/** The path Athena computes for a partition, from the table's projection parameters only. */
function renderProjection(t: ResourceRecord, values: Record<string, string | number>): string {
  const params = parameters(t);
  return params["storage.location.template"]!.replace(/\$\{(\w+)\}/g, (_, column: string) => {
    const value = values[column];
    if (value === undefined) return `<no value for ${column}>`;
    const type = params[`projection.${column}.type`];
    if (type === "integer") {
      const [lo, hi] = params[`projection.${column}.range`]!.split(",").map(Number) as [number, number];
      expect(Number(value)).toBeGreaterThanOrEqual(lo);
      expect(Number(value)).toBeLessThanOrEqual(hi);
      return String(value).padStart(Number(params[`projection.${column}.digits`] ?? 1), "0");
    }
    if (type === "enum") expect(params[`projection.${column}.values`]?.split(",")).toContain(String(value));
    else if (type === "date") {
      expect(params[`projection.${column}.format`]).toBe("yyyy/MM/dd");
      expect(String(value)).toMatch(/^\d{4}\/\d{2}\/\d{2}$/);
    } else expect(type).toBe("injected");
    return String(value);
  });
}

const date = fc.date({
  min: new Date("2025-01-01T00:00:00Z"),
  max: new Date("2099-12-31T23:59:59Z"),
  noInvalidDate: true,
});
const logGroup = fc.stringMatching(/^[\w\-./#]{1,40}$/);

describe("the CloudWatch Logs archive and its table", () => {
  it("describe the same path for every data record (owner, log group, arrival day)", () => {
    const t = table("cloudwatch_logs");
    const prefix = firehosePrefix("recipient-delivery");
    fc.assert(
      fc.property(fc.constantFrom(A, B), logGroup, date, (owner, group, at) => {
        // The partition keys as LOGS_PARTITION_QUERY extracts them (infra/layout.test.ts checks the
        // query against jq itself).
        const written = renderFirehose(
          prefix,
          { area: "cloudwatch-logs", account: owner, logGroup: logGroupPartition(group) },
          at,
        );
        const projected = renderProjection(t, {
          account: owner,
          log_group: logGroupPartition(group),
          year: at.getUTCFullYear(),
          month: at.getUTCMonth() + 1,
          day: at.getUTCDate(),
        });
        expect(written).toBe(projected);
        expect(written.startsWith(storage(t).location)).toBe(true);
      }),
    );
  });

  it("keeps control messages outside the table's location", () => {
    const at = new Date("2026-11-23T12:00:00Z");
    const control = renderFirehose(
      firehosePrefix("recipient-delivery"),
      { area: "cloudwatch-logs-control", account: "CloudwatchLogs", logGroup: "none" },
      at,
    );
    expect(control).toBe(
      `s3://${BUCKET}/cloudwatch-logs-control/account=CloudwatchLogs/logGroup=none/year=2026/month=11/day=23/`,
    );
    expect(control.startsWith(storage(table("cloudwatch_logs")).location)).toBe(false);
  });

  it("projects the accounts that send logs, the log group as injected, and the Firehose's dates", () => {
    const params = parameters(table("cloudwatch_logs"));
    expect(storage(table("cloudwatch_logs")).location).toBe(`s3://${BUCKET}/cloudwatch-logs/`);
    expect(params).toMatchObject({
      "projection.enabled": "true",
      "projection.account.type": "enum",
      "projection.account.values": `${A},${B}`,
      "projection.log_group.type": "injected",
      "projection.year.type": "integer",
      "projection.month.digits": "2",
      "projection.day.digits": "2",
    });
    expect(partitionKeys(table("cloudwatch_logs")).map((k) => k.name)).toEqual([
      "account",
      "log_group",
      "year",
      "month",
      "day",
    ]);
  });
});

describe("the events archive and its table", () => {
  it("describe the same path for every event (account, arrival day)", () => {
    const t = table("events");
    const prefix = firehosePrefix("recipient-events-firehose");
    fc.assert(
      fc.property(date, (at) => {
        const written = renderFirehose(prefix, { account: A }, at);
        expect(written).toBe(
          renderProjection(t, {
            account: A,
            year: at.getUTCFullYear(),
            month: at.getUTCMonth() + 1,
            day: at.getUTCDate(),
          }),
        );
        expect(written.startsWith(storage(t).location)).toBe(true);
      }),
    );
  });

  it("reads EventBridge's JSON, detail-type included, with the account as its partition", () => {
    const t = table("events");
    expect(input(t, "storageDescriptor")).toMatchObject({
      location: `s3://${BUCKET}/events/`,
      serDeInfo: {
        serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
        parameters: { "mapping.detail_type": "detail-type", "case.insensitive": "true" },
      },
    });
    const columns = storage(t).columns.map((c) => c.name);
    expect(columns).toEqual([
      "version",
      "id",
      "detail_type",
      "source",
      "time",
      "region",
      "resources",
      "detail",
    ]);
    // A partition may not repeat a column: the event's own `account` is the partition.
    expect(columns).not.toContain("account");
    expect(storage(t).columns.find((c) => c.name === "detail")?.type).toMatch(
      /^struct<eventversion:string,useridentity:struct</,
    );
    expect(parameters(t)["projection.account.values"]).toBe(A);
  });
});

describe("the CloudTrail table", () => {
  it("follows the paths CloudTrail writes for the trail's account", () => {
    const t = table("cloudtrail");
    // CloudTrail's own layout: AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<MM>/<dd>/
    expect(renderProjection(t, { account: A, region: "eu-west-1", dt: "2026/11/23" })).toBe(
      `s3://${BUCKET}/AWSLogs/${A}/CloudTrail/eu-west-1/2026/11/23/`,
    );
    expect(parameters(t)).toMatchObject({
      "projection.account.values": A,
      "projection.dt.type": "date",
      "projection.dt.format": "yyyy/MM/dd",
      "projection.dt.range": "2020/01/01,NOW",
      "projection.dt.interval.unit": "DAYS",
    });
    expect(parameters(t)["projection.region.values"]?.split(",")).toEqual(
      expect.arrayContaining([HOME, "us-east-1"]),
    );
    expect(input(t, "storageDescriptor")).toMatchObject({
      inputFormat: "com.amazon.emr.cloudtrail.CloudTrailInputFormat",
      serDeInfo: { serializationLibrary: "org.apache.hive.hcatalog.data.JsonSerDe" },
    });
  });

  it("matches the prefix the bucket policy lets the trail write", () => {
    const write = policyOf(p.one(T.bucketPolicy, "recipient-archive-policy")).Statement.find(
      (s) => s.Sid === `CloudTrailWrite${A}`,
    );
    const path = renderProjection(table("cloudtrail"), { account: A, region: HOME, dt: "2026/01/02" });
    expect(
      `arn:aws:s3:::${path.slice("s3://".length)}`.startsWith(String(write?.Resource).replace(/\*$/, "")),
    ).toBe(true);
  });
});

describe("every table", () => {
  it("lives in the bucket's region, in the stack's database, and projects every partition it has", () => {
    const tables = p.ofType(G.table);
    expect(tables.map((t) => input(t, "name")).sort()).toEqual(["cloudtrail", "cloudwatch_logs", "events"]);
    for (const t of tables) {
      expect(p.where(t)).toBe(`${RECIPIENT}/us-west-2`);
      expect(input(t, "databaseName")).toBe("central_logging_ath");
      expect(input(t, "tableType")).toBe("EXTERNAL_TABLE");
      const template = parameters(t)["storage.location.template"]!;
      const inTemplate = [...template.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
      expect(inTemplate).toEqual(partitionKeys(t).map((k) => k.name));
      for (const k of partitionKeys(t)) expect(parameters(t)[`projection.${k.name}.type`]).toBeDefined();
      const columns = new Set(storage(t).columns.map((c) => c.name));
      for (const k of partitionKeys(t)) expect(columns.has(k.name)).toBe(false);
      expect(template.startsWith(storage(t).location)).toBe(true);
    }
  });
});

describe("the workgroup", () => {
  it("enforces encrypted results in a private bucket of their own, with a scan limit", () => {
    const wg = p.one(G.workgroup);
    expect(p.where(wg)).toBe(`${RECIPIENT}/us-west-2`);
    expect(input(wg, "name")).toBe(P);
    expect(input(wg, "configuration")).toEqual({
      enforceWorkgroupConfiguration: true,
      publishCloudwatchMetricsEnabled: true,
      engineVersion: { selectedEngineVersion: "AUTO" },
      bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
      resultConfiguration: {
        outputLocation: `s3://${RESULTS}/`,
        encryptionConfiguration: { encryptionOption: "SSE_S3" },
      },
    });
    const bucket = p.one(T.bucket, "recipient-athena-results");
    expect(input(bucket, "bucket")).toBe(RESULTS);
    expect(p.one(T.publicAccess, "recipient-athena-results-public-access").inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(input(p.one(T.encryption, "recipient-athena-results-encryption"), "rules")).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
    const [rule] = input<Record<string, unknown>[]>(
      p.one(T.lifecycle, "recipient-athena-results-lifecycle"),
      "rules",
    );
    expect(rule).toMatchObject({ status: "Enabled", expiration: { days: 30 } });
    const deny = policyOf(p.one(T.bucketPolicy, "recipient-athena-results-policy")).Statement;
    expect(deny.map((s) => [s.Sid, s.Effect])).toEqual([
      ["DenyInsecureTransport", "Deny"],
      ["DenyOutdatedTls", "Deny"],
    ]);
  });

  it("saves the common questions as queries on tables that exist", () => {
    const queries = p.ofType(G.query);
    expect(queries.map((q) => input(q, "name")).sort()).toEqual([
      "errors-by-account",
      "iam-changes-last-day",
      "log-events-last-day",
    ]);
    for (const q of queries) {
      expect(input(q, "database")).toBe("central_logging_ath");
      expect(input(q, "workgroup")).toBe(P);
      const sql = input<string>(q, "query");
      const [, table] = /FROM "central_logging_ath"\."(\w+)"/.exec(sql) ?? [];
      expect(["cloudtrail", "cloudwatch_logs", "events"]).toContain(table);
    }
    const errors = queries.find((q) => input(q, "name") === "errors-by-account")!;
    expect(input<string>(errors, "query")).toContain(`FROM "central_logging_ath"."cloudtrail"`);
    // The log group is injected: the query asks for it.
    const logs = queries.find((q) => input(q, "name") === "log-events-last-day")!;
    expect(input<string>(logs, "query")).toContain("WHERE log_group = ?");
  });

  it("exports the database and the workgroup", () => {
    expect(p.run.outputs.athenaDatabase).toBe("central_logging_ath");
    expect(p.run.outputs.athenaWorkgroup).toBe(P);
  });
});
