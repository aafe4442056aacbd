/**
 * Saved (named) Athena queries for the questions people ask first. Each one reads only the
 * partitions it needs: the date predicates are on partition columns, so projection prunes them.
 */
import type { TableDefinition } from "./tables";

export interface NamedQueryDefinition {
  name: string;
  description: string;
  table: string;
  sql: string;
}

/** Today and yesterday, as the Firehose date partitions (arrival time, UTC) spell them. */
const LAST_TWO_DAYS = `((year = year(current_date) AND month = month(current_date) AND day = day(current_date))
    OR (year = year(current_date - INTERVAL '1' DAY) AND month = month(current_date - INTERVAL '1' DAY) AND day = day(current_date - INTERVAL '1' DAY)))`;

/**
 * Injected partitions (a log group; the account in organization mode) take their value from the
 * query: these use execution parameters (`?`), which the Athena console asks for when run.
 */
export function namedQueries(database: string, tables: readonly TableDefinition[]): NamedQueryDefinition[] {
  const table = (kind: TableDefinition["kind"]) => tables.find((t) => t.kind === kind);
  const ref = (t: TableDefinition) => `"${database}"."${t.name}"`;
  const accountParameter = (t: TableDefinition) =>
    t.parameters["projection.account.type"] === "injected" ? "\n  AND account = ?" : "";
  const queries: NamedQueryDefinition[] = [];

  const events = table("events");
  if (events)
    queries.push({
      name: "iam-changes-last-day",
      description: "Who changed IAM in the last 24 hours (write API calls, any account), newest first.",
      table: events.name,
      sql: `SELECT "time", account, detail.eventname, detail.useridentity.arn AS actor,
  detail.sourceipaddress, detail.errorcode
FROM ${ref(events)}
WHERE source = 'aws.iam'${accountParameter(events)}
  AND coalesce(detail.readonly, false) = false
  AND from_iso8601_timestamp("time") > current_timestamp - INTERVAL '1' DAY
  AND ${LAST_TWO_DAYS}
ORDER BY "time" DESC`,
    });

  const trail = table("cloudtrail") ?? table("cloudtrailOrg");
  if (trail)
    queries.push({
      name: "errors-by-account",
      description: "API errors (AccessDenied and the like) per account and error code over the last 7 days.",
      table: trail.name,
      sql: `SELECT account, errorcode, count(*) AS errors
FROM ${ref(trail)}
WHERE dt >= date_format(current_date - INTERVAL '7' DAY, '%Y/%m/%d')${accountParameter(trail)}
  AND errorcode IS NOT NULL
GROUP BY account, errorcode
ORDER BY errors DESC`,
    });
  else if (events)
    queries.push({
      name: "errors-by-account",
      description: "API errors per account and error code among the archived events of the last 2 days.",
      table: events.name,
      sql: `SELECT account, detail.errorcode, count(*) AS errors
FROM ${ref(events)}
WHERE detail.errorcode IS NOT NULL${accountParameter(events)}
  AND ${LAST_TWO_DAYS}
GROUP BY account, detail.errorcode
ORDER BY errors DESC`,
    });

  const logs = table("logs");
  if (logs)
    queries.push({
      name: "log-events-last-day",
      description:
        "Log events of one log group in the last 2 days. Parameter: the log group's partition (/aws/lambda/orders -> aws.lambda.orders).",
      table: logs.name,
      sql: `SELECT account, loggroup, logstream, from_unixtime(e.timestamp / 1000) AS at, e.message
FROM ${ref(logs)}
CROSS JOIN UNNEST(logevents) AS t(e)
WHERE log_group = ?${accountParameter(logs)}
  AND ${LAST_TWO_DAYS}
ORDER BY at DESC
LIMIT 500`,
    });
  return queries;
}
