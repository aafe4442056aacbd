/**
 * CloudTrail's part of the stack-config schema: a source's trail, its alarms (own and CIS) and who
 * they notify; the recipient's trail key.
 */
import { z } from "zod";
import { isRecord } from "../kernel/messages";
import { nameProblem } from "../kernel/nameLimits";
import {
  type ConfigPath,
  FILTER_PATTERN_RULE,
  filterName,
  filterPattern,
  int,
  kebabName,
  logGroupName,
  notificationsSchema,
  type Resolved,
  type RuleContext,
  region,
  retentionDays,
} from "../kernel/schema";

const CloudTrailSchema = z
  .strictObject({
    region: region.optional().meta({
      description:
        "Where the multi-region trail, its log group, its topic and the alarms live. Required when the account lists several regions; must be one of the account's `regions`.",
      defaultText: "the account's only region",
    }),
    name: z
      .string()
      .superRefine((name, ctx) => {
        // CloudTrail's own rule: also no adjacent . _ -, a letter or digit at the end, no IP address.
        const problem = nameProblem("cloudTrail", name);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional()
      .meta({
        description:
          "The trail's name, by CloudTrail's rule: 3–128 of `A-Z a-z 0-9 . _ -`, starting and ending with a letter or digit, no two of `. _ -` side by side, not an IP address. A `namePrefix` with `--` makes the default invalid: the error asks for this key.",
        defaultText: "`{p}`",
      }),
    logGroup: logGroupName.default("CloudTrail/DefaultLogGroup").meta({
      description:
        "A **new** log group the trail writes to (through the role `{p}-cloudtrail-logs`); it must not already exist, nor be a flow-log group of the account in that region.",
    }),
    retentionDays: retentionDays.default(7).meta({
      description:
        "Days the trail's log group keeps events; CloudWatch Logs accepts only its fixed retention periods.",
    }),
    snsTopic: z.boolean().default(false).meta({
      description:
        "`true` creates the topic `{p}-cloudtrail`, which CloudTrail notifies of every log file it delivers (its policy lets only this trail publish). Nobody is subscribed to it.",
    }),
    organization: z.boolean().default(false).meta({
      description:
        "An **organization trail** logging every account of the organization under `AWSLogs/<organizationId>/`: this account must be the organization's management account, `recipient.organizationId` must be set, and only one source may set it. Member accounts show `NO_DATA` for the CIS alarms: put `cisAlarms` on the management account.",
    }),
    forward: z
      .strictObject({
        filterPattern: filterPattern.default("").meta({ description: FILTER_PATTERN_RULE }),
        filterName: filterName.optional().meta({
          description: "The subscription filter's name, as for subscriptions.",
          defaultText: "`{p}`",
        }),
      })
      .optional()
      .meta({
        description:
          "Present, even as `{}`: forward the trail's log group to the recipient like any other (it counts towards the group's two subscription filters).",
        defaultText: "none (not forwarded)",
      }),
  })
  .meta({
    description:
      "One **multi-region** trail with log-file validation (global service events, all management events), writing into the archive bucket under `AWSLogs/<accountId>/` and into a new log group in its region.",
  });

const ComparisonOperator = z.enum(
  [
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
  ],
  {
    error:
      "must be GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold or LessThanOrEqualToThreshold",
  },
);

/**
 * PutMetricAlarm (CloudWatch API reference): `Period` is 10, 20, 30 or any multiple of 60, and
 * `Period x EvaluationPeriods` may not exceed 86,400 s (one day) when the period is under 3,600 s,
 * nor 604,800 s (seven days) otherwise.
 */
export const ALARM_SHORT_PERIODS: readonly number[] = [10, 20, 30];
export const ALARM_MAX_WINDOW_SECONDS = 604_800;
export const ALARM_SHORT_PERIOD_MAX_WINDOW_SECONDS = 86_400;
export function alarmWindowLimit(periodSeconds: number): number {
  return periodSeconds < 3_600 ? ALARM_SHORT_PERIOD_MAX_WINDOW_SECONDS : ALARM_MAX_WINDOW_SECONDS;
}

const AlarmSchema = z
  .strictObject({
    name: kebabName.meta({
      description:
        "1–63 lowercase letters, digits and hyphens, starting with a letter or digit; unique within the account, and not starting with `cis-` (reserved for `cisAlarms`).",
    }),
    filterPattern: filterPattern
      .refine((p) => p.trim() !== "", {
        error: "must not be empty: an alarm on every event is noise",
      })
      .meta({
        description:
          "What counts as an event; not empty or blank (an alarm on every event is noise). Syntax-checked (see [Filter patterns](validation.md#filter-patterns)).",
      }),
    threshold: z
      .number()
      .min(0, { error: "must be at least 0" })
      .default(1)
      .meta({ description: "The alarm compares the sum of matching events per period with this." }),
    periodSeconds: int(10, 86400)
      .refine((p) => ALARM_SHORT_PERIODS.includes(p) || p % 60 === 0, {
        error: "must be 10, 20, 30 or a multiple of 60",
      })
      .default(300)
      .meta({
        description:
          "10, 20, 30 or a multiple of 60 (PutMetricAlarm); under 60 makes a high-resolution alarm.",
      }),
    evaluationPeriods: int(1, ALARM_MAX_WINDOW_SECONDS / 10)
      .default(1)
      .meta({
        description:
          "How many periods the alarm looks back. CloudWatch bounds `periodSeconds × evaluationPeriods`: at most 86,400 s with a period under an hour, else 604,800 s.",
      }),
    comparisonOperator: ComparisonOperator.default("GreaterThanOrEqualToThreshold").meta({
      description: "How the sum is compared with `threshold`.",
    }),
    description: z.string().max(1024).optional().meta({ description: "The alarm's description." }),
  })
  .superRefine((alarm, ctx) => {
    const limit = alarmWindowLimit(alarm.periodSeconds);
    const window = alarm.periodSeconds * alarm.evaluationPeriods;
    if (window > limit)
      ctx.addIssue({
        code: "custom",
        path: ["evaluationPeriods"],
        message: `times periodSeconds (${alarm.periodSeconds}) is ${window} s; CloudWatch allows at most ${limit} s (${limit === ALARM_MAX_WINDOW_SECONDS ? "7 days" : "1 day with a period under an hour"})`,
      });
  })
  .meta({
    description:
      "A metric filter `name` on the trail's log group, counting 1 per matching event into metric `name` (namespace `CentralLogging`), and an alarm `{p}-<name>` on it that sums the metric, treats missing data as not breaching and notifies the topic `{p}-alarms`.",
  });

const NotificationsSchema = notificationsSchema({
  sqsQueueArns:
    "`arn:aws:sqs:<region>:<account>:<name>` of queues in this source account (the subscription is made with its provider). The queue's own policy must let the topic send to it; this program does not manage it.",
  topic:
    "The subscribers of the alarm topic `{p}-alarms`. With `alarms` or `cisAlarms` at least one is required: an alarm nobody receives is worth nothing, and Security Hub fails the CIS controls without one.",
});

/** A source's CloudTrail keys. */
export const cloudTrailSourceKeys = {
  cloudTrail: CloudTrailSchema.optional().meta({
    description: "The account's trail.",
    defaultText: "none (no trail)",
  }),
  alarms: z
    .array(AlarmSchema)
    .default([])
    .meta({ description: "Metric filters with alarms on the trail's log group. Needs `cloudTrail`." }),
  cisAlarms: z.boolean().default(false).meta({
    description:
      "`true` adds the CIS AWS Foundations Benchmark monitoring set, 4.1–4.15 (Security Hub controls CloudWatch.1–14; 4.15 has none), on the trail's log group: per control a metric filter `cis-<control>` with the benchmark's exact pattern (namespace `CISBenchmark`) and an alarm `{p}-cis-<control>` (threshold 1, 300 s, 1 period, `GreaterThanOrEqualToThreshold`) on the topic `{p}-alarms`; `{p}-cis-root-usage` watches CIS 4.3, for example. Needs `cloudTrail`.",
  }),
  alarmNotifications: NotificationsSchema.prefault({}).meta({
    description: "Who the alarm topic notifies; alarms need at least one subscriber.",
    defaultText: "no subscribers",
  }),
};

/** The recipient's CloudTrail key. */
export const cloudTrailRecipientKeys = {
  trailKms: z.boolean().default(false).meta({
    description:
      "Encrypt every trail's log files with one KMS key `alias/{p}-cloudtrail` of the recipient account in `bucketRegion` (CloudTrail needs the key in the bucket's region), rotation on. Its policy lets CloudTrail `kms:GenerateDataKey` only for the configured trails (`aws:SourceArn` and `kms:EncryptionContext:aws:cloudtrail:arn`), the recipient account administer it with explicit actions and decrypt trail files. Needs at least one source with `cloudTrail`.",
  }),
};

type TrailOutput = z.output<typeof CloudTrailSchema>;

export type CloudTrailSettings = Resolved<Omit<TrailOutput, "forward">, "region" | "name"> & {
  forward?: Resolved<NonNullable<TrailOutput["forward"]>, "filterName">;
};
export type AlarmComparison = z.output<typeof ComparisonOperator>;
export type AlarmSettings = z.output<typeof AlarmSchema>;
export type AlarmNotifications = z.output<typeof NotificationsSchema>;

/**
 * Alarms watch the trail's log group; an alarm nobody receives is worth nothing (and Security
 * Hub fails the CIS controls unless the topic has a subscriber).
 */
export function checkAlarms(
  source: {
    accountId: string;
    cloudTrail?: TrailOutput;
    alarms: AlarmSettings[];
    cisAlarms: boolean;
    alarmNotifications: AlarmNotifications;
  },
  ctx: RuleContext,
): void {
  const { at, fail } = ctx;
  const alarmed = source.alarms.length > 0 || source.cisAlarms;
  if (alarmed && !source.cloudTrail)
    fail(
      at(source.cisAlarms ? "cisAlarms" : "alarms"),
      "needs cloudTrail: alarms watch the trail's log group",
    );
  const n = source.alarmNotifications;
  // The subscription is made with this account's provider; a queue elsewhere needs its own.
  n.sqsQueueArns.forEach((q, i) => {
    if (q.split(":")[4] !== source.accountId)
      fail(at("alarmNotifications", "sqsQueueArns", i), `is not a queue of account ${source.accountId}`);
  });
  if (alarmed && n.emails.length + n.httpsEndpoints.length + n.sqsQueueArns.length === 0)
    fail(
      at("alarmNotifications"),
      "needs at least one subscriber (emails, httpsEndpoints or sqsQueueArns) for the alarm topic",
    );
  const alarmNames = new Map<string, number>();
  source.alarms.forEach((a, i) => {
    // `cis-*` names belong to the CIS set (cisAlarms): the same name would make two alarms collide.
    if (a.name.startsWith("cis-"))
      fail(at("alarms", i, "name"), "starts with 'cis-', which is reserved for cisAlarms");
    const first = alarmNames.get(a.name);
    if (first !== undefined) fail(at("alarms", i, "name"), `is used twice (also alarms[${first}])`);
    else alarmNames.set(a.name, i);
  });
}

/**
 * The recipient's side of the trails: the KMS key needs a trail, and an organization trail writes
 * under the organization's prefix, so it needs the organization id; an organization has one
 * management account, so one such trail.
 */
export function checkTrailsAtRecipient(
  recipient: { trailKms: boolean; organizationId?: string },
  sources: { accountId: string; cloudTrail?: { organization: boolean } }[],
  raw: { sources?: unknown },
  fail: (path: ConfigPath, message: string) => void,
): void {
  if (recipient.trailKms && !sources.some((s) => s.cloudTrail))
    fail(["recipient", "trailKms"], "needs at least one source with cloudTrail: the key encrypts trails");
  const rawSources = Array.isArray(raw.sources) ? raw.sources : [];
  const orgTrails = sources.filter((s) => s.cloudTrail?.organization);
  orgTrails.forEach((s, n) => {
    const index = rawSources.findIndex((r) => isRecord(r) && String(r.accountId) === s.accountId);
    const path = ["sources", index, "cloudTrail", "organization"];
    if (!recipient.organizationId)
      fail(path, "needs recipient.organizationId (the trail writes AWSLogs/<organizationId>/)");
    else if (n > 0)
      fail(
        path,
        `is set for a second account (also ${orgTrails[0]?.accountId}); an organization has one trail of this kind`,
      );
  });
}
