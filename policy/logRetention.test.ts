import { describe, expect, it } from "vitest";
import { LOG_GROUP_TYPE, logGroupRetention } from "./logRetention";
import { resourceArgs, runResourcePolicy } from "./validation";

const check = (props: Record<string, unknown>, type = LOG_GROUP_TYPE) =>
  runResourcePolicy(logGroupRetention, resourceArgs({ type, name: "lg", props }));

const FOREVER = "log group keeps its events forever: set retentionInDays";

describe("log-group-retention", () => {
  it.each([1, 7, 30, 3653])("passes %i days", async (days) => {
    expect(await check({ name: "vpc-flow-logs", retentionInDays: days })).toEqual([]);
  });

  it("fails a log group without retention", async () => {
    expect(await check({ name: "vpc-flow-logs" })).toEqual([FOREVER]);
  });

  it("fails retention 0 (never expire)", async () => {
    expect(await check({ retentionInDays: 0 })).toEqual([FOREVER]);
  });

  it.each([
    [-1, "retentionInDays -1 is not a positive number of days"],
    [1.5, "retentionInDays 1.5 is not a positive number of days"],
    ["30", 'retentionInDays "30" is not a positive number of days'],
  ])("fails retention %j", async (days, message) => {
    expect(await check({ retentionInDays: days })).toEqual([message]);
  });

  it("ignores other resource types", async () => {
    expect(await check({}, "aws:cloudwatch/logStream:LogStream")).toEqual([]);
  });
});
