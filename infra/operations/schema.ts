/**
 * Operations' part of the config: the top-level key `central-logging:operations` (the canaries
 * `npm run verify` follows, the pipeline's health alarms and their subscribers, the dashboard).
 */
import { z } from "zod";
import { int, notificationsSchema, type RuleContext } from "../kernel/schema";

const thresholds = z
  .strictObject({
    iteratorAgeSeconds: int(60, 86_400).default(600).meta({
      description:
        "How far behind the stream's readers (Firehose, the search forwarder) may fall before `{p}-stream-iterator-age` and `{p}-search-forwarder-iterator-age` alarm: the age of the oldest record read, in seconds.",
    }),
    firehoseFreshnessSeconds: int(60, 86_400).default(1800).meta({
      description:
        "The age, in seconds, of the oldest record a Firehose has not yet delivered to S3 before `{p}-archive-freshness` / `{p}-events-freshness` alarm. Must be above both Firehoses' `bufferIntervalSeconds` (AWS recommends alarming past the buffering interval), or the alarm fires while Firehose merely buffers.",
    }),
    searchFreeStoragePercent: int(5, 90).default(25).meta({
      description:
        "`{p}-search-free-storage` alarms when a node's free storage falls to this share of its volume (`volumeSizeGiB`); AWS's recommended alarm is 25%.",
    }),
    searchJvmPressurePercent: int(50, 100).default(95).meta({
      description:
        "`{p}-search-jvm-pressure` alarms at this JVM memory pressure, three minutes running (AWS's recommended alarm: 95%).",
    }),
  })
  .prefault({})
  .meta({ description: "The thresholds of the health alarms; see [Operations](operations.md#alarms)." });

const NOTIFICATIONS =
  "Who the operations topics notify; every topic gets the same subscribers. Without any, the alarms still change state on the dashboard and in the console, and nobody is told.";

export const OperationsSchema = z
  .strictObject({
    canary: z.boolean().default(true).meta({
      description:
        "A canary log group `/central-logging/{p}/canary` (1 day's retention) with a subscription filter `{p}-canary` in every source account and region that forwards logs, and an EventBridge rule `{p}-canary` for events of source `central-logging.canary` wherever a source has event rules: what `npm run verify` writes into and follows to the archive (and search).",
    }),
    alarms: z.boolean().default(true).meta({
      description:
        "The pipeline's health alarms, each in the account and region of what it watches ([Operations](operations.md#alarms)), notifying `{p}-operations` (recipient, home region) and `{p}-operations-source` (each source account and region with alarms).",
    }),
    dashboard: z.boolean().default(true).meta({
      description:
        "One CloudWatch dashboard `{p}` in the recipient's home region: each stage's throughput and health, and the state of the recipient's alarms.",
    }),
    notifications: notificationsSchema({
      sqsQueueArns:
        "`arn:aws:sqs:<region>:<account>:<name>` of queues. Their policy must let the operations topics send (`aws:SourceArn` `arn:aws:sns:*:*:{p}-operations*`); SNS asks a queue in another account than the topic's to confirm the subscription.",
      // The section's text and the key's line in the reference say the same.
      topic: NOTIFICATIONS,
    })
      .prefault({})
      .meta({ description: NOTIFICATIONS, defaultText: "no subscribers" }),
    thresholds,
  })
  .prefault({})
  .meta({
    description:
      "Operating the pipeline: canaries for `npm run verify`, health alarms with their subscribers and thresholds, a dashboard. See [Operations](operations.md).",
  });

export type OperationsSettings = z.output<typeof OperationsSchema>;

/**
 * The freshness alarm must sit above the Firehoses' buffering interval, and with the canary on no
 * source may name an event rule `canary` (its physical name is the canary rule's), nor configure
 * the canary's log group (the program creates it, with its filter, wherever the source sends).
 */
export function checkOperations(
  operations: OperationsSettings,
  ctx: Pick<RuleContext, "fail">,
  context: {
    bufferIntervals: { key: string; seconds: number }[];
    eventRuleNames: { path: (string | number)[]; name: string }[];
    canaryLogGroup: string;
    /** Every log group a source configures: subscriptions, flow logs, its trail. */
    logGroups: { path: (string | number)[]; name: string }[];
  },
): void {
  const freshness = operations.thresholds.firehoseFreshnessSeconds;
  for (const b of context.bufferIntervals)
    if (freshness <= b.seconds)
      ctx.fail(
        ["operations", "thresholds", "firehoseFreshnessSeconds"],
        `must be above ${b.key} (${b.seconds} s): a Firehose is allowed to hold records that long`,
      );
  if (operations.canary)
    for (const e of context.eventRuleNames)
      if (e.name === "canary")
        ctx.fail(e.path, "is the canary rule's name (operations.canary); choose another name");
  if (operations.canary)
    for (const g of context.logGroups)
      if (g.name === context.canaryLogGroup)
        ctx.fail(
          g.path,
          "is the canary's log group (operations.canary), which the program creates; choose another",
        );
}
