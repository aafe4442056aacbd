import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cloudTrailLayout,
  EVENTS_LAYOUT,
  EVENTS_PARTITION_QUERY,
  errorPrefix,
  firehosePrefix,
  LOGS_LAYOUT,
  LOGS_PARTITION_QUERY,
  locationTemplate,
  logGroupPartition,
  projectedPartitions,
  tableLocation,
} from "./layout";

const LOGS = { area: "cloudwatch-logs" };

describe("the CloudWatch Logs archive", () => {
  it("partitions by area, account, log group and day", () => {
    expect(firehosePrefix(LOGS_LAYOUT)).toBe(
      "!{partitionKeyFromQuery:area}/account=!{partitionKeyFromQuery:account}/logGroup=!{partitionKeyFromQuery:logGroup}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/",
    );
    expect(errorPrefix("cloudwatch-logs")).toBe(
      "errors/cloudwatch-logs/!{firehose:error-output-type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/",
    );
  });

  it("is read by a table located at the data area, projecting every other partition", () => {
    expect(tableLocation("b", LOGS_LAYOUT, LOGS)).toBe("s3://b/cloudwatch-logs/");
    expect(locationTemplate("b", LOGS_LAYOUT, LOGS)).toBe(
      "s3://b/cloudwatch-logs/account=${account}/logGroup=${log_group}/year=${year}/month=${month}/day=${day}/",
    );
    expect(projectedPartitions(LOGS_LAYOUT, LOGS).map((p) => [p.column, p.columnType])).toEqual([
      ["account", "string"],
      ["log_group", "string"],
      ["year", "int"],
      ["month", "int"],
      ["day", "int"],
    ]);
  });
});

describe("the events archive", () => {
  it("partitions by account and day, under events/", () => {
    expect(firehosePrefix(EVENTS_LAYOUT)).toBe(
      "events/account=!{partitionKeyFromQuery:account}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/",
    );
    expect(tableLocation("b", EVENTS_LAYOUT)).toBe("s3://b/events/");
    expect(locationTemplate("b", EVENTS_LAYOUT)).toBe(
      "s3://b/events/account=${account}/year=${year}/month=${month}/day=${day}/",
    );
    expect(EVENTS_PARTITION_QUERY).toBe("{account: .account}");
  });
});

describe("the CloudTrail prefix", () => {
  it("follows what CloudTrail writes, for an account trail and an organization trail", () => {
    expect(tableLocation("b", cloudTrailLayout())).toBe("s3://b/AWSLogs/");
    expect(locationTemplate("b", cloudTrailLayout())).toBe(
      "s3://b/AWSLogs/${account}/CloudTrail/${region}/${dt}/",
    );
    expect(tableLocation("b", cloudTrailLayout("o-abcdefghij"))).toBe("s3://b/AWSLogs/o-abcdefghij/");
    expect(locationTemplate("b", cloudTrailLayout("o-abcdefghij"))).toBe(
      "s3://b/AWSLogs/o-abcdefghij/${account}/CloudTrail/${region}/${dt}/",
    );
  });

  it("is never written by Firehose", () => {
    expect(() => firehosePrefix(cloudTrailLayout())).toThrow(/written by AWS/);
  });
});

const logGroupName = fc.stringMatching(/^[\w\-./#]{1,60}$/);

describe("logGroupPartition", () => {
  it.each([
    ["/aws/lambda/orders-api", "aws.lambda.orders-api"],
    ["test-trail", "test-trail"],
    ["CloudTrail/DefaultLogGroup", "CloudTrail.DefaultLogGroup"],
    ["vpc-flow-logs/vpc-12345678", "vpc-flow-logs.vpc-12345678"],
    ["/", "none"],
    ["//a", ".a"],
  ])("%s -> %s", (name, key) => {
    expect(logGroupPartition(name)).toBe(key);
  });

  it("is one non-empty path segment for every valid log group name", () => {
    fc.assert(
      fc.property(logGroupName, (name) => {
        const key = logGroupPartition(name);
        expect(key).not.toBe("");
        expect(key).not.toContain("/");
      }),
    );
  });
});

// Firehose runs jq 1.6; where jq is installed (`apt-get install jq`) the query itself is checked
// against the TypeScript mirror above. CI has no jq: the mirror's own tests still run there.
const jq = (() => {
  try {
    return execFileSync("jq", ["--version"], { encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
})();

describe.skipIf(jq === undefined)(`the partitioning queries under ${jq ?? "jq"}`, () => {
  const run = (query: string, input: unknown) =>
    JSON.parse(
      execFileSync("jq", ["-c", query], { input: JSON.stringify(input), encoding: "utf8" }),
    ) as Record<string, string>;

  it("agree with logGroupPartition and route control messages apart", () => {
    const names = fc.sample(logGroupName, 40);
    for (const name of names) {
      const keys = run(LOGS_PARTITION_QUERY, {
        messageType: "DATA_MESSAGE",
        owner: "111111111111",
        logGroup: name,
      });
      expect(keys).toEqual({
        area: "cloudwatch-logs",
        account: "111111111111",
        logGroup: logGroupPartition(name),
      });
    }
    const control = { messageType: "CONTROL_MESSAGE", owner: "CloudwatchLogs", logGroup: "", logStream: "" };
    expect(run(LOGS_PARTITION_QUERY, control)).toEqual({
      area: "cloudwatch-logs-control",
      account: "CloudwatchLogs",
      logGroup: "none",
    });
    expect(run(EVENTS_PARTITION_QUERY, { account: "222222222222", source: "aws.iam" })).toEqual({
      account: "222222222222",
    });
  });
});
