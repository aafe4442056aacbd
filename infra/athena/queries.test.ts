import { describe, expect, it } from "vitest";
import { namedQueries } from "./queries";
import { athenaTables, type TableContext } from "./tables";

const CTX: TableContext = {
  bucket: "b",
  organizationMode: false,
  logAccounts: ["111111111111"],
  eventAccounts: ["111111111111"],
  trailAccounts: ["111111111111"],
};

const queries = (ctx: TableContext) => namedQueries("db", athenaTables(ctx));

describe("namedQueries", () => {
  it("asks the common questions of the tables that exist", () => {
    expect(queries(CTX).map((q) => [q.name, q.table])).toEqual([
      ["iam-changes-last-day", "events"],
      ["errors-by-account", "cloudtrail"],
      ["log-events-last-day", "cloudwatch_logs"],
    ]);
    // Without trails, errors are counted from the archived events.
    expect(queries({ ...CTX, trailAccounts: [] }).find((q) => q.name === "errors-by-account")?.table).toBe(
      "events",
    );
    expect(queries({ ...CTX, eventAccounts: [], trailAccounts: [] }).map((q) => q.name)).toEqual([
      "log-events-last-day",
    ]);
  });

  it("reads only the partitions it needs: IAM writes of the last day, by the day partitions", () => {
    const sql = queries(CTX)[0]!.sql;
    expect(sql).toContain(`FROM "db"."events"`);
    expect(sql).toContain("source = 'aws.iam'");
    expect(sql).toContain("coalesce(detail.readonly, false) = false");
    expect(sql).toContain(
      "year = year(current_date) AND month = month(current_date) AND day = day(current_date)",
    );
    expect(sql).toContain("day = day(current_date - INTERVAL '1' DAY)");
  });

  it("names the injected partitions as parameters: the log group always, the account in organization mode", () => {
    const listed = queries(CTX);
    expect(listed.find((q) => q.name === "log-events-last-day")?.sql).toContain("WHERE log_group = ?\n");
    expect(listed.map((q) => q.sql).join("\n")).not.toContain("account = ?");
    for (const q of queries({ ...CTX, organizationMode: true })) expect(q.sql).toContain("AND account = ?");
  });

  it("bounds the errors query to a week of trail days", () => {
    const sql = queries(CTX).find((q) => q.name === "errors-by-account")!.sql;
    expect(sql).toContain("dt >= date_format(current_date - INTERVAL '7' DAY, '%Y/%m/%d')");
    expect(sql).toContain("GROUP BY account, errorcode");
  });
});
