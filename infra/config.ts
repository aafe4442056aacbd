/**
 * The stack-config contract: one zod schema for `central-logging:*`, parsed once. The rest of the
 * program sees only the typed, validated, defaulted `Settings`.
 *
 * A bad config must stop the program before any resource is registered, with every problem in
 * one message, each line naming the key and the value (`sources[1].regions[0]: 'us-east-9' is not
 * an AWS region`). `parseSettings` is pure (tests call it directly) and checks the config's shape
 * and its cross-field rules; limits that depend on the plan are checked on the plan (infra/checks),
 * and infra/stack.ts puts the three together, once.
 */
import { z } from "zod";
import { checkEventPattern, DEFAULT_EVENT_PATTERN, eventPatternJson } from "./events/eventPattern";
import { checkFilterPattern } from "./forwarding/filterPattern";
import { DEFAULT_PROVIDER_BUDGET_MIB, PROVIDER_PROCESS_MIB } from "./kernel/deployCost";
import { formatMessage, formatPath, isRecord, valueAt } from "./kernel/messages";
import { isBucketName, NAME_RULES, nameProblem } from "./kernel/nameLimits";
import { TRUST_POLICY_DEFAULT_MAX_CHARS, TRUST_POLICY_RAISED_MAX_CHARS } from "./kernel/policyDocument";
import { isAwsRegion } from "./kernel/regions";

export const PROJECT = "central-logging";

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** IAM, STS and sign-in events reach EventBridge only in us-east-1 (they are global services). */
export const IAM_EVENTS_REGION = "us-east-1";

/** CloudWatch Logs allows at most two subscription filters per log group (a fixed quota). */
export const MAX_FILTERS_PER_LOG_GROUP = 2;

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

/**
 * `pulumi config set --path 'sources[3].accountId' 444444444444` stores a number: accepted while it
 * still has 12 digits. One that lost its leading zeros is refused with a hint to quote it.
 */
const accountId = z
  .preprocess(
    (v) => (isTwelveDigitNumber(v) ? String(v) : v),
    z.string().regex(/^\d{12}$/, { error: "is not a 12-digit AWS account id" }),
  )
  // Zod describes only the string the preprocess produces; a stack file may hold either form.
  .meta({
    jsonSchema: {
      anyOf: [
        { type: "string", pattern: "^\\d{12}$" },
        { type: "integer", minimum: 100_000_000_000, maximum: 999_999_999_999 },
      ],
    },
  });

function isTwelveDigitNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 100_000_000_000 && v <= 999_999_999_999;
}

const ACCOUNT_ID_RULE =
  "12 digits; quote it in YAML. A bare 12-digit number (what `pulumi config set --path` stores) is accepted; a number that lost its leading zeros (`012345678901` read as `12345678901`) is refused with `must be a string (quote it in YAML)`.";

/** Physical names are `<namePrefix>-...`: IAM role names (64) and S3 names (lowercase) bound it. */
// 3 at least: the prefix is also the default trail name, and CloudTrail wants 3 characters.
const NAME_PREFIX = /^[a-z][a-z0-9-]{1,37}[a-z0-9]$/;
const NAME_PREFIX_RULE = "3-39 lowercase letters, digits and hyphens, starting with a letter";

const region = z.string().refine((v: string): boolean => isAwsRegion(v), { error: "is not an AWS region" });

const roleArn = z
  .string()
  .regex(ROLE_ARN, { error: "is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)" });

const logGroupName = z
  .string()
  .regex(/^[\w\-./#]{1,512}$/, { error: "is not a valid log group name (1-512 of a-z A-Z 0-9 _ - / . #)" });

const filterName = z.string().regex(/^[^:*]{1,512}$/, {
  error: "is not a valid subscription filter name (1-512 characters, no ':' or '*')",
});

/** CloudWatch Logs refuses a malformed pattern only at deploy time; here it fails before anything exists. */
const filterPattern = z
  .string()
  .max(1024, { error: "is longer than 1024 characters" })
  .superRefine((pattern, ctx) => {
    const check = checkFilterPattern(pattern);
    if (!check.ok)
      ctx.addIssue({ code: "custom", message: `is not a valid filter pattern: ${check.message}` });
  });

const FILTER_PATTERN_RULE =
  'Syntax-checked before anything is deployed (see [Filter patterns](validation.md#filter-patterns)); `""` forwards everything.';

const retentionDays = z
  .number()
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
    error: `is not a CloudWatch Logs retention period (${LOG_RETENTION_DAYS.join(", ")})`,
  })
  .meta({ enum: [...LOG_RETENTION_DAYS] });

const int = (min: number, max: number) =>
  z
    .number()
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

const SubscriptionSchema = z
  .strictObject({
    logGroup: logGroupName.meta({
      description:
        "An existing log group of the account: 1–512 characters of `a-z A-Z 0-9 _ - / . #`. It must exist at deploy time (the offline plan cannot check that).",
    }),
    region: region.optional().meta({
      description: "Required when the account lists several regions; must be one of the account's `regions`.",
      defaultText: "the account's only region",
    }),
    filterPattern: filterPattern.default("").meta({
      description: `Passed to CloudWatch Logs exactly as written. ${FILTER_PATTERN_RULE}`,
    }),
    filterName: filterName.optional().meta({
      description:
        "1–512 characters, no `:` or `*`. Two filters on one log group need distinct names (CloudWatch Logs allows two per group).",
      defaultText: "`{p}`",
    }),
  })
  .meta({
    description:
      "Forward a log group that **already exists** in the source account; the program never creates or adopts it.",
  });

const FlowLogSchema = z
  .strictObject({
    vpcId: z
      .string()
      .regex(/^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/, { error: "is not a VPC id (vpc-xxxxxxxx)" })
      .meta({ description: "`vpc-` and 8 or 17 hex digits. One flow log per VPC and region." }),
    region: region.optional().meta({
      description: "Required when the account lists several regions; must be one of the account's `regions`.",
      defaultText: "the account's only region",
    }),
    trafficType: z
      .enum(["ALL", "ACCEPT", "REJECT"], { error: "must be ALL, ACCEPT or REJECT" })
      .default("ALL")
      .meta({ description: "Which traffic the flow log records; upper case." }),
    logGroup: logGroupName.optional().meta({
      description:
        "A **new** log group that `pulumi up` creates (it must not already exist: delete a hand-made one or `pulumi import` it first). Same characters as a subscription's `logGroup`; unique per account and region among the flow logs.",
      defaultText: "`vpc-flow-logs/<vpcId>`",
    }),
    retentionDays: retentionDays.default(30).meta({
      description:
        "Days the flow-log group keeps events; CloudWatch Logs accepts only its fixed retention periods.",
    }),
    forward: z.boolean().default(true).meta({
      description:
        "Forward the flow-log group to the recipient (empty filter pattern). `false` keeps the flow logs in the source account only.",
    }),
    filterName: filterName.optional().meta({
      description: "The subscription filter's name, as for subscriptions.",
      defaultText: "`{p}`",
    }),
  })
  .meta({
    description:
      "A VPC flow log into a **new** log group that this program creates; the group is forwarded whole (empty filter pattern) unless `forward: false`.",
  });

/** Alarm and resource names: they end up in metric, alarm and logical resource names. */
const kebabName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: "must be 1-63 lowercase letters, digits and hyphens" });

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

const ForwardAllSchema = z
  .strictObject({
    regions: z.array(region).min(1, { error: "must list at least one region" }).optional().meta({
      description:
        "Regions of the account to forward every log group of; each one of the account's `regions`, none twice. A region where the account forwards nothing else still gets a destination.",
      defaultText: "all of the account's `regions`",
    }),
    filterPattern: filterPattern.default("").meta({
      description: `Applies to every log group the policy covers. ${FILTER_PATTERN_RULE}`,
    }),
    exclude: z.array(logGroupName).default([]).meta({
      description:
        "Log groups to leave out, besides the pipeline's own and those with an entry of their own. Exact names only: CloudWatch Logs accepts only `LogGroupName NOT IN [...]` as selection criteria.",
    }),
  })
  .meta({
    description:
      "One **account-level subscription filter policy** `{p}-forward-all` per region: every log group of the account in that region, including groups created later, goes to that region's destination. Present, even as `{}`, it covers all of the account's regions. What it leaves out, and why: [Account-wide forwarding](organization.md#account-wide-forwarding-forwardall).",
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

const NotificationsSchema = z
  .strictObject({
    emails: z
      .array(z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: "is not an e-mail address" }))
      .default([])
      .meta({
        description:
          "E-mail addresses. SNS mails each a confirmation link; nothing arrives until it is confirmed.",
      }),
    httpsEndpoints: z
      .array(z.string().regex(/^https:\/\/\S+$/, { error: "is not an https:// URL" }))
      .default([])
      .meta({ description: "`https://` URLs; the endpoint must confirm the subscription, as with e-mail." }),
    sqsQueueArns: z
      .array(
        z.string().regex(/^arn:aws:sqs:[a-z0-9-]+:\d{12}:[\w-]{1,80}$/, { error: "is not an SQS queue ARN" }),
      )
      .default([])
      .meta({
        description:
          "`arn:aws:sqs:<region>:<account>:<name>` of queues in this source account (the subscription is made with its provider). The queue's own policy must let the topic send to it; this program does not manage it.",
      }),
  })
  .meta({
    description:
      "The subscribers of the alarm topic `{p}-alarms`. With `alarms` or `cisAlarms` at least one is required: an alarm nobody receives is worth nothing, and Security Hub fails the CIS controls without one.",
  });

/**
 * An EventBridge rule in the source account (the EventBridge write-up). The pattern defaults to the
 * write-up's: IAM API calls recorded by CloudTrail, which surface only in us-east-1.
 */
const EventRuleSchema = z
  .strictObject({
    name: kebabName.default("iam").meta({
      description:
        "1–63 lowercase letters, digits and hyphens. The rule is `{p}-<name>`, at most 64 characters; unique per region within the account.",
    }),
    region: region.optional().meta({
      description:
        "Any region (not only the account's `regions`). IAM, STS and sign-in events reach EventBridge only in us-east-1. With a `pattern`, required when the account lists several regions.",
      defaultText: "`us-east-1` without `pattern`; with one, the account's only region",
    }),
    pattern: z
      .unknown()
      .superRefine((pattern, ctx) => {
        if (pattern === undefined) return;
        const check = checkEventPattern(pattern);
        if (!check.ok)
          ctx.addIssue({ code: "custom", message: `is not a valid event pattern: ${check.message}` });
      })
      .optional()
      .meta({
        description:
          "An EventBridge event pattern, checked before anything is deployed: a non-empty object; every leaf a non-empty list of values or of one-filter objects (`prefix`, `suffix`, `anything-but`, `numeric`, `exists`, `cidr`, `equals-ignore-case`, `wildcard`); `$or` a list of at least two patterns; at most 4,096 characters as JSON. Passed to EventBridge as compact JSON.",
        defaultText: '`{"source":["aws.iam"],"detail-type":["AWS API Call via CloudTrail"]}`',
        jsonSchema: { type: ["object", "string"] },
      }),
    readOnlyEvents: z.boolean().default(false).meta({
      description:
        "`true` sets the rule state `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`, so read-only management events delivered by CloudTrail match too; `false` is `ENABLED`.",
    }),
    description: z.string().max(512).optional().meta({
      description: "The rule's description.",
      defaultText: "`central-logging: events matching the '<name>' pattern into the archive`",
    }),
  })
  .meta({
    description:
      "One EventBridge rule `{p}-<name>` on the account's default event bus in `region`, delivering to the recipient's event bus ([Events archive](events.md)). `- name: iam`, or even `- {}`, is the EventBridge write-up's rule.",
  });

const SourceSchema = z.strictObject({
  accountId: accountId.meta({
    description: `${ACCOUNT_ID_RULE} **Each account appears once**: put all of its regions in one entry.`,
  }),
  roleArn: roleArn.optional().meta({
    description:
      "`arn:aws:iam::<account>:role/<name>`, a role in this `accountId` that the program deploys with; unset means the ambient credentials already belong to it.",
  }),
  regions: z
    .array(region)
    .min(1, { error: "must list at least one region" })
    .superRefine((regions, ctx) => {
      regions.forEach((r, i) => {
        const first = regions.indexOf(r);
        if (first !== i)
          ctx.addIssue({ code: "custom", path: [i], message: `is listed twice (also regions[${first}])` });
      });
    })
    .meta({
      description:
        "The account's regions, no duplicates, each an AWS region the program knows (a typo such as `us-east-9` is refused). Every listed region gets a provider.",
    }),
  subscriptions: z
    .array(SubscriptionSchema)
    .default([])
    .meta({ description: "Existing log groups to forward." }),
  flowLogs: z.array(FlowLogSchema).default([]).meta({ description: "VPC flow logs to create." }),
  cloudTrail: CloudTrailSchema.optional().meta({
    description: "The account's trail.",
    defaultText: "none (no trail)",
  }),
  forwardAll: ForwardAllSchema.optional().meta({
    description: "Account-wide forwarding: one account-level subscription filter policy per region.",
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
  events: z
    .array(EventRuleSchema)
    .default([])
    .meta({ description: "EventBridge rules whose events reach the recipient's events archive." }),
});

const LifecycleSchema = z.strictObject({
  infrequentAccessDays: int(30, 36500).default(30).meta({
    description: "Days before objects move to STANDARD_IA (S3 needs 30 days in STANDARD first).",
  }),
  glacierDays: int(1, 36500).default(365).meta({
    description:
      "Days before objects move to GLACIER: at least `infrequentAccessDays` + 30 (S3 keeps objects in STANDARD_IA 30 days before that transition).",
  }),
  expireDays: int(1, 36500)
    .default(1095)
    .meta({ description: "Days before current versions expire; later than `glacierDays`." }),
  noncurrentVersionExpireDays: int(1, 36500)
    .default(30)
    .meta({ description: "Days before non-current versions expire." }),
});

/**
 * The OpenSearch domain (`recipient.search`), fed by one forwarder Lambda from the stream. Small
 * defaults: one t3.small node, 10 GiB; people log in to Dashboards as the `admin` user (the FGAC
 * master) or sign their requests as one of `allowedPrincipals`.
 */
const SEARCH_DOMAIN_NAME = /^[a-z][a-z0-9-]{2,27}$/;
const OPENSEARCH_VERSION = /^OpenSearch_(\d+)\.(\d+)$/;

const SearchSchema = z
  .strictObject({
    domainName: z
      .string()
      .regex(SEARCH_DOMAIN_NAME, {
        error: "is not an OpenSearch domain name (3-28 of a-z 0-9 -, starting with a letter)",
      })
      .optional()
      .meta({
        description:
          "3–28 of `a-z 0-9 -`, starting with a letter. A name prefix longer than 28 characters makes the default invalid: the error asks for this key.",
        defaultText: "`namePrefix`",
      }),
    engineVersion: z
      .string()
      .regex(OPENSEARCH_VERSION, { error: "is not an OpenSearch engine version (OpenSearch_2.19)" })
      .refine((v) => atLeast(v, 2, 7), {
        error: "is older than OpenSearch_2.7 (the index template needs flat_object)",
      })
      .default("OpenSearch_2.19")
      .meta({
        description:
          "`OpenSearch_<major>.<minor>`, at least `OpenSearch_2.7` (the index template needs `flat_object`).",
      }),
    instanceType: z
      .string()
      .regex(/^[a-z0-9]+\.[a-z0-9]+\.search$/, {
        error: "is not an OpenSearch instance type (t3.small.search)",
      })
      .refine((t) => !t.startsWith("t2."), { error: "cannot encrypt data at rest (T2 instances)" })
      .default("t3.small.search")
      .meta({ description: "`<family>.<size>.search`; not T2 (T2 instances cannot encrypt data at rest)." }),
    instanceCount: int(1, 80)
      .refine((n) => n === 1 || n % 2 === 0 || n % 3 === 0, {
        error: "must be 1, or spread evenly over 2 or 3 availability zones (a multiple of 2 or 3)",
      })
      .default(1)
      .meta({
        description:
          "1, or a multiple of 2 or 3 (spread evenly over availability zones). More than one node turns on zone awareness: 3 zones when the count is a multiple of 3, else 2.",
      }),
    volumeSizeGiB: int(10, 16384).default(10).meta({ description: "A gp3 EBS volume per node." }),
    indexPrefix: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,99}$/, {
        error: "is not an index prefix (lowercase letters, digits, _ and -)",
      })
      .default("cwl")
      .meta({
        description:
          "1–100 of `a-z 0-9 _ -`, starting with a letter or digit. Daily indices are `<indexPrefix>-YYYY.MM.DD`.",
      }),
    retentionDays: int(1, 36500)
      .default(90)
      .meta({ description: "Days an index is kept before the ISM policy deletes it." }),
    replicas: int(0, 5).optional().meta({
      description:
        "Replicas of each index (set in the index template); fewer than `instanceCount`, since a replica never shares a node with its primary.",
      defaultText: "`0` on one node, `1` otherwise",
    }),
    allowedCidrs: z
      .unknown()
      .refine(() => false, {
        error:
          "is no longer accepted: the provisioner (a Lambda with no fixed address) logs in as the domain's master with a password, so the domain policy cannot narrow by network; fine-grained access control authenticates every request and refuses anonymous ones. Remove the key",
      })
      .optional()
      .meta({
        description:
          "**Refused**: the domain policy cannot narrow by network any more (see `searchDomainAccessPolicy` and [Access](search.md#access)); fine-grained access control authenticates every request.",
        jsonSchema: { not: {} },
      }),
    allowedPrincipals: z
      .array(
        z.string().regex(/^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, {
          error: "is not an IAM role or user ARN (arn:aws:iam::<account>:role/<name> or user/<name>)",
        }),
      )
      .default([])
      .meta({
        description:
          "IAM role or user ARNs (`arn:aws:iam::<account>:role/<name>`, `...:user/<name>`) whose signed requests the domain admits; the provisioner maps them to `readall`.",
      }),
    forwarder: z
      .strictObject({
        batchSize: int(1, 10000)
          .default(500)
          .meta({ description: "Records per invocation (event source mapping)." }),
        batchWindowSeconds: int(0, 300)
          .default(5)
          .meta({ description: "How long the mapping gathers records before it invokes." }),
        maximumRetryAttempts: int(0, 100).default(5).meta({
          description:
            "Lambda retries a failing batch (bisecting it) this often, then sends the batch's shard and sequence range to the queue `{p}-search-dlq`.",
        }),
        parallelizationFactor: int(1, 10).default(1).meta({ description: "Concurrent batches per shard." }),
        memoryMiB: int(256, 10240).default(1024).meta({ description: "The forwarder Lambda's memory." }),
        timeoutSeconds: int(60, 900).default(120).meta({ description: "The forwarder Lambda's timeout." }),
      })
      .prefault({})
      .meta({ description: "The Lambda `{p}-search-forwarder` that reads the stream into the domain." }),
    logRetentionDays: retentionDays.default(30).meta({
      description:
        "Days the forwarder's and the provisioner's log groups keep events; CloudWatch Logs accepts only its fixed retention periods.",
    }),
  })
  .meta({
    description:
      "An OpenSearch domain in the home region, fed from the stream by one forwarder Lambda ([Search](search.md)). Present, even as `{}`, it turns search on; people log in to Dashboards as `admin` (the password is a stack output) or sign their requests as one of `allowedPrincipals`.",
  });

/** Firehose buffering; dynamic partitioning refuses buffers under 64 MiB and zero buffering. */
const buffering = z.strictObject({
  bufferSizeMiB: int(64, 128).default(64).meta({
    description:
      "MiB Firehose gathers before it writes: dynamic partitioning refuses buffers under 64 MiB. **Changed:** the default was 5 and the range 1–128; a stack file that sets less than 64 is now refused (`must be at least 64`).",
  }),
  bufferIntervalSeconds: int(60, 900).default(300).meta({
    description:
      "Seconds Firehose waits before it writes (was 0–900): dynamic partitioning refuses zero buffering.",
  }),
});

const RecipientSchema = z.strictObject({
  accountId: accountId.meta({ description: ACCOUNT_ID_RULE }),
  roleArn: roleArn.optional().meta({
    description:
      "`arn:aws:iam::<account>:role/<name>`, a role in `accountId` that the program deploys with; unset means the ambient credentials already belong to that account. If the recipient account is also a source, both entries need the same `roleArn` (or none).",
  }),
  region: region.meta({
    description:
      "The home region: stream, Firehoses, Lambdas, event bus and search domain. An AWS region the program knows: a typo such as `us-east-9` is refused.",
  }),
  bucketRegion: region.optional().meta({
    description:
      "The region of the archive bucket, and of the Athena database, tables, workgroup and results bucket.",
    defaultText: "`region`",
  }),
  transport: z
    .enum(["kinesis", "firehose"], { error: "must be 'kinesis' or 'firehose'" })
    .default("kinesis")
    .meta({
      description:
        "How logs travel to the archive: a Kinesis stream read by Firehose, or Firehose directly. See [Which transport?](architecture.md#which-transport)",
    }),
  trailKms: z.boolean().default(false).meta({
    description:
      "Encrypt every trail's log files with one KMS key `alias/{p}-cloudtrail` of the recipient account in `bucketRegion` (CloudTrail needs the key in the bucket's region), rotation on. Its policy lets CloudTrail `kms:GenerateDataKey` only for the configured trails (`aws:SourceArn` and `kms:EncryptionContext:aws:cloudtrail:arn`), the recipient account administer it with explicit actions and decrypt trail files. Needs at least one source with `cloudTrail`.",
  }),
  organizationId: z
    .string()
    .regex(/^o-[a-z0-9]{10,32}$/, { error: "is not an AWS Organizations id (o- and 10-32 of a-z 0-9)" })
    .optional()
    .meta({
      description:
        "`o-` and 10–32 of `a-z 0-9`. Set, it switches on [organization mode](organization.md#organization-mode): destinations admit the whole organization (`aws:PrincipalOrgID`) instead of listing accounts, so adding an account changes nothing on the recipient side, and each source account gets sender roles. The recipient and every source must be in this organization.",
    }),
  trustPolicyMaxChars: int(TRUST_POLICY_DEFAULT_MAX_CHARS, TRUST_POLICY_RAISED_MAX_CHARS)
    .default(TRUST_POLICY_DEFAULT_MAX_CHARS)
    .meta({
      description:
        "The recipient account's IAM quota \"Role trust policy length\" (raise it in Service Quotas, then set it here). Without `organizationId` the destination role's trust lists every sending account per region, and a config that outgrows this is refused (see [Policy size limits](validation.md#policy-size-limits)).",
    }),
  bucketName: z.string().optional().meta({
    description:
      "The archive bucket; globally unique. A valid S3 bucket name: 3–63 of `a-z 0-9 . -`, starting and ending with a letter or digit, no `..`, not an IP address, none of S3's reserved prefixes (`xn--`, `sthree-`, `amzn-s3-demo-`) or suffixes (`-s3alias`, `--ol-s3`, `.mrap`, `--x-s3`, `--table-s3`). If the default is invalid, the error asks for this key or a shorter `namePrefix`.",
    defaultText: "`{p}-archive-<accountId>-<bucketRegion>`",
  }),
  lifecycle: LifecycleSchema.prefault({}).meta({ description: "The archive bucket's lifecycle rules." }),
  stream: z
    .strictObject({
      shardCount: int(1, 10000).optional().meta({
        description: "Unset means `ON_DEMAND` capacity; a number means `PROVISIONED` with that many shards.",
        defaultText: "unset (on-demand)",
      }),
      retentionHours: int(24, 8760).default(24).meta({
        description:
          "Hours the stream keeps records; the search forwarder gives up on records older than this (at most 7 days).",
      }),
    })
    .prefault({})
    .meta({
      description:
        "The Kinesis stream `{p}-logs`. Only with `transport: kinesis`: a `stream` map under `transport: firehose` is refused.",
    }),
  firehose: buffering.prefault({}).meta({
    description:
      "Buffering of the log archive's Firehose `{p}-archive`, which partitions dynamically ([What lands in S3](archive.md#what-lands-in-s3)).",
  }),
  events: buffering.prefault({}).meta({
    description:
      "Buffering of the events Firehose `{p}-events` ([Events archive](events.md)), partitioned too; used only when a source has `events`.",
  }),
  athena: z
    .strictObject({
      enabled: z.boolean().default(true).meta({
        description: "`false`: no database, tables, workgroup, queries or results bucket.",
      }),
      database: z
        .string()
        .regex(/^[a-z][a-z0-9_]{0,254}$/, {
          error: "is not a Glue database name (a-z 0-9 _, starting with a letter)",
        })
        .optional()
        .meta({
          description: "The Glue database: 1–255 of `a-z 0-9 _`, starting with a letter.",
          defaultText: "`namePrefix` with `_` for `-`",
        }),
      resultsBucketName: z.string().optional().meta({
        description:
          "Where query results go: the same rules as `bucketName`, and not the archive bucket (results expire, the archive must not). If the default is invalid, the error asks for this key or a shorter `namePrefix`. Checked only when enabled.",
        defaultText: "`{p}-athena-<accountId>-<bucketRegion>`",
      }),
      resultsExpireDays: int(1, 3650).default(30).meta({
        description:
          "Days before query results (current versions) expire; non-current versions expire after 1 day.",
      }),
      bytesScannedCutoffGiB: int(1, 1_000_000).optional().meta({
        description: "The workgroup cancels a query that would scan more than this many GiB.",
        defaultText: "unset (no limit)",
      }),
    })
    .meta({
      description:
        "Glue tables with partition projection and an Athena workgroup over the archive, in `bucketRegion` ([Querying with Athena](archive.md#querying-with-athena)).",
    })
    .prefault({})
    .meta({ description: "Querying the archive with Athena.", defaultText: "Athena on, the defaults below" }),
  search: SearchSchema.optional().meta({
    description:
      "An OpenSearch domain fed from the stream. Needs `transport: kinesis` (the forwarder reads the stream).",
    defaultText: "none (no search)",
  }),
});

type SourceInput = z.output<typeof SourceSchema>;

/** The parts one program can deploy as: see `part` in the README ("Splitting a large organization"). */
export const PARTS = ["all", "recipient", "sources"] as const;
export type Part = (typeof PARTS)[number];

const namePrefix = z
  .string()
  .regex(NAME_PREFIX, { error: `must be ${NAME_PREFIX_RULE}` })
  .optional()
  .meta({
    description:
      "The prefix `{p}` of every physical name: 3–39 lowercase letters, digits and hyphens, starting with a letter. IAM role names stop at 64 characters and S3 names are lowercase; it is also the default trail name, and CloudTrail wants at least 3 characters. A stack name that makes the default unusable (e.g. `team_a.prod`) is refused with a hint to set this key. Changing it renames, and so replaces, everything: set it once.",
    defaultText: "`central-logging-<stack>`, lower-cased",
  });

const part = z.enum(PARTS, { error: "must be all, recipient or sources" }).default("all").meta({
  description:
    "What this stack deploys: everything, only the recipient account, or only the source accounts listed in `sources`, which then read the recipient stack's outputs. See [Splitting a large organization](organization.md#splitting-a-large-organization).",
});

const recipientStack = z
  .string()
  .regex(/^[\w.-]+\/[\w.-]+\/[\w.-]+$/, {
    error: "is not a stack reference (<organization>/<project>/<stack>)",
  })
  .optional()
  .meta({
    description:
      "The recipient stack whose outputs a `part: sources` stack uses, as `<organization>/<project>/<stack>`. Required with `part: sources`; refused with any other part.",
  });

/** A real deploy's provider processes must fit the machine that runs it (infra/checks/deployCost.ts). */
// `pulumi config set central-logging:providerBudgetMiB 8192` stores the text "8192".
const providerBudgetMiB = z
  .preprocess(
    (v) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v),
    int(PROVIDER_PROCESS_MIB, 1_048_576),
  )
  .default(DEFAULT_PROVIDER_BUDGET_MIB)
  .meta({
    jsonSchema: {
      anyOf: [
        { type: "integer", minimum: PROVIDER_PROCESS_MIB, maximum: 1_048_576 },
        { type: "string", pattern: "^\\d+$" },
      ],
      default: DEFAULT_PROVIDER_BUDGET_MIB,
    },
    description: `The memory, in MiB, that this stack's provider plugin processes may take on the machine that runs \`pulumi up\`: one AWS provider per account (and \`random\` with search), estimated at ${PROVIDER_PROCESS_MIB} MiB each. The default suits a 7 GB CI runner. A stack over it is refused with the numbers and how to shard it ([Splitting a large organization](organization.md#splitting-a-large-organization)).`,
  });

const RootSchema = z
  .strictObject({
    namePrefix,
    providerBudgetMiB,
    // The recipient and each source are parsed on their own (below), so that one broken entry
    // does not hide another's problems; here only their presence and shape matter.
    recipient: z.unknown(),
    sources: z.array(z.unknown()).default([]),
    part,
    recipientStack,
  })
  .superRefine(checkAcrossEntries, { when: () => true })
  .superRefine((root, ctx) => {
    if (root.part === "sources" && root.recipientStack === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["recipientStack"],
        message: "is required with part: sources (the recipient stack whose outputs the sources use)",
      });
    if (root.part !== "sources" && root.recipientStack !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["recipientStack"],
        message: `only applies with part: sources (this stack's part is ${root.part})`,
      });
  });

/**
 * The `central-logging:` namespace as a user writes it, each key described (`.meta`): the source
 * of the generated reference and JSON Schema (tools/docs, `npm run docs`). Never parsed with:
 * `parseSettings` takes the recipient and each source on their own, and the cross-field rules
 * live there, not here. Meta keys besides `description`: `defaultText` names a default the config
 * step computes; `jsonSchema` replaces what zod infers where the input is wider than the schema.
 */
export const StackConfigSchema = z.strictObject({
  namePrefix,
  providerBudgetMiB,
  part,
  recipientStack,
  recipient: RecipientSchema.meta({
    description:
      "The log-archive account: it receives, archives, and optionally queries and indexes the logs.",
  }),
  sources: z
    .array(SourceSchema)
    .default([])
    .meta({ description: "The accounts that send logs: each account once, with all of its regions." }),
});

/** Raw config as read from the stack: each key of the `central-logging` namespace, unprefixed. */
export interface RawConfig {
  namePrefix?: unknown;
  recipient?: unknown;
  sources?: unknown;
  part?: unknown;
  recipientStack?: unknown;
  providerBudgetMiB?: unknown;
  /** Any other key is refused as unknown (a typo such as `central-logging:source`). */
  [key: string]: unknown;
}

/**
 * The `central-logging:*` entries of a stack's config (as `pulumi.runtime.allConfig()` or a
 * stack file gives them), unprefixed; JSON text is parsed, plain strings are kept as they are.
 */
export function rawConfigFrom(entries: Record<string, unknown>): RawConfig {
  const prefix = `${PROJECT}:`;
  const raw: RawConfig = {};
  for (const [key, value] of Object.entries(entries)) {
    if (!key.startsWith(prefix)) continue;
    raw[key.slice(prefix.length)] = typeof value === "string" ? parseJsonOrText(value) : value;
  }
  return raw;
}

/** Pulumi stores maps and lists as JSON text and strings as they are ("true" stays a string). */
function parseJsonOrText(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Settings types are the schema's own output. The config step resolves a few keys whose defaults
 * depend on other keys (a region picked from the account's one region, names defaulting to the
 * prefix): `Resolved` makes exactly those required.
 */
type Resolved<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: Exclude<T[P], undefined> };

type RecipientOutput = z.output<typeof RecipientSchema>;
type SourceOutput = z.output<typeof SourceSchema>;
type TrailOutput = z.output<typeof CloudTrailSchema>;

export type Transport = RecipientOutput["transport"];
export type TrafficType = z.output<typeof FlowLogSchema>["trafficType"];
export type Subscription = Resolved<z.output<typeof SubscriptionSchema>, "region" | "filterName">;
export type FlowLog = Resolved<z.output<typeof FlowLogSchema>, "region" | "logGroup" | "filterName">;
export type CloudTrailSettings = Resolved<Omit<TrailOutput, "forward">, "region" | "name"> & {
  forward?: Resolved<NonNullable<TrailOutput["forward"]>, "filterName">;
};
export type AlarmComparison = z.output<typeof ComparisonOperator>;
export type AlarmSettings = z.output<typeof AlarmSchema>;
export type AlarmNotifications = z.output<typeof NotificationsSchema>;
export type ForwardAllSettings = Resolved<z.output<typeof ForwardAllSchema>, "regions">;
/** `pattern` is the JSON text EventBridge takes. */
export type EventRuleSettings = Resolved<Omit<z.output<typeof EventRuleSchema>, "pattern">, "region"> & {
  pattern: string;
};
export type SourceSettings = Omit<
  SourceOutput,
  "subscriptions" | "flowLogs" | "cloudTrail" | "forwardAll" | "events"
> & {
  subscriptions: Subscription[];
  flowLogs: FlowLog[];
  cloudTrail?: CloudTrailSettings;
  forwardAll?: ForwardAllSettings;
  events: EventRuleSettings[];
};
export type Buffering = z.output<typeof buffering>;
export type AthenaSettings = Resolved<RecipientOutput["athena"], "database" | "resultsBucketName">;
export type SearchSettings = Resolved<z.output<typeof SearchSchema>, "domainName" | "replicas">;
export type RecipientSettings = Resolved<
  Omit<RecipientOutput, "athena" | "search">,
  "bucketRegion" | "bucketName"
> & {
  athena: AthenaSettings;
  search?: SearchSettings;
};
export type Settings = Resolved<Omit<z.output<typeof RootSchema>, "recipient" | "sources">, "namePrefix"> & {
  stack: string;
  recipient: RecipientSettings;
  sources: SourceSettings[];
};

export type ParseResult = { ok: true; settings: Settings } | { ok: false; errors: string[] };

/** Validates the raw stack config; pure, so every rule is unit-tested without Pulumi. */
export function parseSettings(raw: RawConfig, stack: string): ParseResult {
  const input = { ...raw, sources: raw.sources ?? [] };
  const errors: string[] = [];
  const report = (issues: z.core.$ZodIssue[], at: (string | number)[] = []) => {
    for (const issue of issues)
      errors.push(...formatIssue({ ...issue, path: [...at, ...issue.path] }, input));
  };

  // Reported in the order of the file: the recipient, then top-level keys and duplicate accounts.
  const parsedRecipient = RecipientSchema.safeParse(input.recipient, { error: genericMessage });
  if (!parsedRecipient.success) report(parsedRecipient.error.issues, ["recipient"]);
  const root = RootSchema.safeParse(stripUndefined(input), { error: genericMessage });
  if (!root.success) report(root.error.issues);

  const namePrefix = stackPrefix(raw, stack);
  if (raw.namePrefix === undefined && !NAME_PREFIX.test(namePrefix)) {
    errors.push(
      `namePrefix: the default '${namePrefix}' (from the stack name) must be ${NAME_PREFIX_RULE}; set central-logging:namePrefix`,
    );
  }

  const sources: SourceSettings[] = [];
  const rawSources = Array.isArray(input.sources) ? input.sources : [];
  rawSources.forEach((rawSource, index) => {
    const parsed = SourceSchema.safeParse(rawSource, { error: genericMessage });
    if (!parsed.success) {
      report(parsed.error.issues, ["sources", index]);
      return;
    }
    const resolved = resolveSource(parsed.data, index, input, errors, namePrefix);
    if (resolved) sources.push(resolved);
  });

  // The recipient's cross-field rules run whenever the recipient itself is well-formed, so their
  // problems are reported together with those of other keys (not only once everything else is fixed).
  let recipient: RecipientSettings | undefined;
  if (parsedRecipient.success) {
    const { search, ...r } = parsedRecipient.data;
    const bucketRegion = r.bucketRegion ?? r.region;
    recipient = {
      ...r,
      bucketRegion,
      bucketName: r.bucketName ?? `${namePrefix}-archive-${r.accountId}-${bucketRegion}`,
      athena: {
        ...r.athena,
        database: r.athena.database ?? namePrefix.replaceAll("-", "_"),
        resultsBucketName:
          r.athena.resultsBucketName ?? `${namePrefix}-athena-${r.accountId}-${bucketRegion}`,
      },
      ...(search
        ? {
            search: {
              ...search,
              domainName: search.domainName ?? namePrefix,
              replicas: search.replicas ?? (search.instanceCount > 1 ? 1 : 0),
            },
          }
        : {}),
    };
    errors.push(...checkRecipient(recipient, raw, sources, NAME_PREFIX.test(namePrefix)));
  } else if (isRecord(input.recipient)) {
    // Another recipient key is broken: the lifecycle order is still checked on its own.
    const lifecycle = LifecycleSchema.safeParse(input.recipient.lifecycle ?? {});
    if (lifecycle.success) errors.push(...checkLifecycle(lifecycle.data, raw));
  }

  if (!root.success || recipient === undefined || errors.length > 0)
    return { ok: false, errors: dedupe(errors) };
  const settings: Settings = {
    stack,
    namePrefix,
    part: root.data.part,
    providerBudgetMiB: root.data.providerBudgetMiB,
    ...(root.data.recipientStack !== undefined ? { recipientStack: root.data.recipientStack } : {}),
    recipient,
    sources,
  };
  return { ok: true, settings };
}

// ---------------------------------------------------------------------------------------------
// Cross-entry rules (the ones a per-field schema cannot express).

function checkAcrossEntries(value: unknown, ctx: z.RefinementCtx): void {
  const sources = isRecord(value) && Array.isArray(value.sources) ? value.sources : [];
  const firstSeen = new Map<string, number>();
  sources.forEach((s, index) => {
    const raw = isRecord(s) ? s.accountId : undefined;
    const id = isTwelveDigitNumber(raw) ? String(raw) : raw;
    if (typeof id !== "string") return;
    const first = firstSeen.get(id);
    if (first === undefined) firstSeen.set(id, index);
    else
      ctx.addIssue({
        code: "custom",
        path: ["sources", index, "accountId"],
        message: `is listed twice (also sources[${first}]); list each account once with all its regions`,
      });
  });
}

function resolveSource(
  source: SourceInput,
  index: number,
  input: RawConfig,
  errors: string[],
  prefix: string,
): SourceSettings | undefined {
  const at = (...path: (string | number)[]) => ["sources", index, ...path];
  const before = errors.length;
  const fail = (path: (string | number)[], message: string) =>
    errors.push(formatMessage(path, valueAt(input, path), message));

  if (source.roleArn) {
    const owner = ROLE_ARN.exec(source.roleArn)?.[1];
    if (owner !== source.accountId) fail(at("roleArn"), `is not a role in account ${source.accountId}`);
  }

  const pickRegion = (given: string | undefined, path: (string | number)[]): string | undefined => {
    if (given !== undefined) {
      if (source.regions.includes(given)) return given;
      fail([...path, "region"], `is not one of this account's regions (${source.regions.join(", ")})`);
      return undefined;
    }
    if (source.regions.length === 1) return source.regions[0];
    fail(
      [...path, "region"],
      `is required: account ${source.accountId} has several regions (${source.regions.join(", ")})`,
    );
    return undefined;
  };

  // Subscription filters per log group: a fixed quota of two, and names unique per group.
  // Flow logs that are forwarded count too: their group gets a filter as well.
  const filters = new Map<string, Set<string>>();
  const countFilter = (path: (string | number)[], r: string, group: string, name: string) => {
    const names = filters.get(`${r}/${group}`) ?? new Set<string>();
    filters.set(`${r}/${group}`, names);
    if (names.size >= MAX_FILTERS_PER_LOG_GROUP) {
      fail(
        path,
        `would get a third subscription filter on log group '${group}' in ${source.accountId}/${r}; CloudWatch Logs allows ${MAX_FILTERS_PER_LOG_GROUP}`,
      );
    } else if (names.has(name)) {
      fail(path, `gives log group '${group}' a second filter named '${name}'; set a distinct filterName`);
    }
    names.add(name);
  };

  const subscriptions: Subscription[] = [];
  source.subscriptions.forEach((s, i) => {
    const r = pickRegion(s.region, at("subscriptions", i));
    if (!r) return;
    const subscription = { ...s, region: r, filterName: s.filterName ?? prefix };
    countFilter(at("subscriptions", i, "logGroup"), r, s.logGroup, subscription.filterName);
    subscriptions.push(subscription);
  });

  const flowLogs: FlowLog[] = [];
  const vpcs = new Map<string, number>();
  const groups = new Map<string, number>();
  source.flowLogs.forEach((f, i) => {
    const r = pickRegion(f.region, at("flowLogs", i));
    if (!r) return;
    const flowLog: FlowLog = {
      ...f,
      region: r,
      logGroup: f.logGroup ?? `vpc-flow-logs/${f.vpcId}`,
      filterName: f.filterName ?? prefix,
    };
    const sameVpc = vpcs.get(`${r}/${f.vpcId}`);
    const sameGroup = groups.get(`${r}/${flowLog.logGroup}`);
    if (sameVpc !== undefined)
      fail(at("flowLogs", i, "vpcId"), `already has a flow log (flowLogs[${sameVpc}])`);
    else if (sameGroup !== undefined)
      fail(at("flowLogs", i, "logGroup"), `is already created by flowLogs[${sameGroup}] in ${r}`);
    vpcs.set(`${r}/${f.vpcId}`, i);
    groups.set(`${r}/${flowLog.logGroup}`, i);
    // A duplicate flow log is reported once, as such: its filter would only repeat the first one's.
    const duplicate = sameVpc !== undefined || sameGroup !== undefined;
    if (f.forward && !duplicate)
      countFilter(at("flowLogs", i, "logGroup"), r, flowLog.logGroup, flowLog.filterName);
    flowLogs.push(flowLog);
  });

  // The trail: its region, its log group (which may be forwarded, counting towards two filters).
  let cloudTrail: CloudTrailSettings | undefined;
  if (source.cloudTrail) {
    const t = source.cloudTrail;
    const r = pickRegion(t.region, at("cloudTrail"));
    if (r) {
      const sameGroup = groups.get(`${r}/${t.logGroup}`);
      if (sameGroup !== undefined)
        fail(at("cloudTrail", "logGroup"), `is already created by flowLogs[${sameGroup}] in ${r}`);
      const forward = t.forward ? { ...t.forward, filterName: t.forward.filterName ?? prefix } : undefined;
      if (forward) countFilter(at("cloudTrail", "forward"), r, t.logGroup, forward.filterName);
      cloudTrail = {
        region: r,
        name: t.name ?? prefix,
        logGroup: t.logGroup,
        retentionDays: t.retentionDays,
        snsTopic: t.snsTopic,
        organization: t.organization,
        ...(forward ? { forward } : {}),
      };
    }
  }

  let forwardAll: ForwardAllSettings | undefined;
  if (source.forwardAll) {
    const f = source.forwardAll;
    const regions = f.regions ?? source.regions;
    f.regions?.forEach((r, i) => {
      if (!source.regions.includes(r))
        fail(
          at("forwardAll", "regions", i),
          `is not one of this account's regions (${source.regions.join(", ")})`,
        );
    });
    regions.forEach((r, i) => {
      if (regions.indexOf(r) !== i) fail(at("forwardAll", "regions", i), "is listed twice");
    });
    forwardAll = { regions, filterPattern: f.filterPattern, exclude: f.exclude };
  }

  // Alarms watch the trail's log group; an alarm nobody receives is worth nothing (and Security
  // Hub fails the CIS controls unless the topic has a subscriber).
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

  // EventBridge rules: IAM events (the default pattern) surface only in us-east-1.
  const events: EventRuleSettings[] = [];
  const ruleNames = new Map<string, number>();
  source.events.forEach((e, i) => {
    let r = e.region;
    if (r === undefined && e.pattern === undefined) r = IAM_EVENTS_REGION;
    else if (r === undefined && source.regions.length === 1) r = source.regions[0];
    else if (r === undefined)
      fail(
        at("events", i, "region"),
        `is required for a custom pattern: account ${source.accountId} has several regions (${source.regions.join(", ")})`,
      );
    const ruleMax = NAME_RULES.eventRule.max;
    if (prefix.length + 1 + e.name.length > ruleMax)
      fail(
        at("events", i, "name"),
        `makes the rule name '${prefix}-${e.name}' longer than ${ruleMax} characters`,
      );
    const key = `${r}/${e.name}`;
    const first = ruleNames.get(key);
    if (first !== undefined) {
      const path = at("events", i, "name");
      const shown = valueAt(input, path) === undefined ? `'${e.name}' (default) ` : "";
      errors.push(
        `${formatPath(path)}: ${shown || `'${e.name}' `}is used twice in ${r} (also events[${first}]); set a distinct name`,
      );
    }
    ruleNames.set(key, i);
    if (r === undefined) return;
    events.push({
      name: e.name,
      region: r,
      pattern: eventPatternJson(e.pattern ?? DEFAULT_EVENT_PATTERN),
      readOnlyEvents: e.readOnlyEvents,
      ...(e.description !== undefined ? { description: e.description } : {}),
    });
  });

  if (errors.length > before) return undefined;
  return {
    accountId: source.accountId,
    ...(source.roleArn ? { roleArn: source.roleArn } : {}),
    regions: source.regions,
    subscriptions,
    flowLogs,
    ...(cloudTrail ? { cloudTrail } : {}),
    ...(forwardAll ? { forwardAll } : {}),
    alarms: source.alarms,
    cisAlarms: source.cisAlarms,
    alarmNotifications: source.alarmNotifications,
    events,
  };
}

function checkRecipient(
  recipient: RecipientSettings,
  raw: RawConfig,
  sources: SourceSettings[],
  /** A bad prefix is reported once, on namePrefix, not again through the default bucket name. */
  prefixOk: boolean,
): string[] {
  const errors: string[] = [];
  const fail = (path: (string | number)[], message: string) =>
    errors.push(formatMessage(path, valueAt(raw, path), message));
  const explicitBucket = isRecord(raw.recipient) && raw.recipient.bucketName !== undefined;
  if (!isBucketName(recipient.bucketName) && (explicitBucket || prefixOk)) {
    if (explicitBucket)
      fail(["recipient", "bucketName"], "is not a valid S3 bucket name (3-63 of a-z 0-9 . -)");
    else
      errors.push(
        `recipient.bucketName: the default '${recipient.bucketName}' is not a valid S3 bucket name; set recipient.bucketName or a shorter namePrefix`,
      );
  }
  const athena = recipient.athena;
  const explicitResults =
    isRecord(raw.recipient) &&
    isRecord(raw.recipient.athena) &&
    raw.recipient.athena.resultsBucketName !== undefined;
  // A default made invalid by the prefix is reported once, on the archive's name.
  const defaultsOk = prefixOk && isBucketName(recipient.bucketName);
  if (athena.enabled && !isBucketName(athena.resultsBucketName) && (explicitResults || defaultsOk)) {
    if (explicitResults)
      fail(
        ["recipient", "athena", "resultsBucketName"],
        "is not a valid S3 bucket name (3-63 of a-z 0-9 . -)",
      );
    else
      errors.push(
        `recipient.athena.resultsBucketName: the default '${athena.resultsBucketName}' is not a valid S3 bucket name; set recipient.athena.resultsBucketName or a shorter namePrefix`,
      );
  }
  if (athena.enabled && athena.resultsBucketName === recipient.bucketName)
    fail(
      ["recipient", "athena", "resultsBucketName"],
      "is the archive bucket; query results need a bucket of their own (they expire, the archive must not)",
    );
  if (recipient.search) {
    const search = recipient.search;
    if (recipient.transport !== "kinesis")
      fail(["recipient", "search"], "needs transport: kinesis (the forwarder reads the stream)");
    const explicitDomain =
      isRecord(raw.recipient) &&
      isRecord(raw.recipient.search) &&
      raw.recipient.search.domainName !== undefined;
    if (!explicitDomain && !SEARCH_DOMAIN_NAME.test(search.domainName))
      errors.push(
        `recipient.search.domainName: the default '${search.domainName}' (the name prefix) is not an OpenSearch domain name (3-28 of a-z 0-9 -); set recipient.search.domainName`,
      );
    if (search.replicas >= search.instanceCount)
      fail(
        ["recipient", "search", "replicas"],
        `needs more nodes than ${search.instanceCount}: a replica never shares a node with its primary`,
      );
  }
  if (recipient.transport === "firehose" && isRecord(raw.recipient) && raw.recipient.stream !== undefined)
    fail(["recipient", "stream"], "only applies with transport: kinesis (there is no stream with firehose)");
  if (recipient.roleArn && ROLE_ARN.exec(recipient.roleArn)?.[1] !== recipient.accountId)
    fail(["recipient", "roleArn"], `is not a role in account ${recipient.accountId}`);
  errors.push(...checkLifecycle(recipient.lifecycle, raw));
  if (recipient.trailKms && !sources.some((s) => s.cloudTrail))
    fail(["recipient", "trailKms"], "needs at least one source with cloudTrail: the key encrypts trails");
  // An organization trail writes under the organization's prefix: it needs the organization id,
  // and an organization has one management account, so one such trail.
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
  // The same account may be recipient and source; it is deployed with one role.
  const asSource = sources.find((s) => s.accountId === recipient.accountId);
  if (asSource && asSource.roleArn !== recipient.roleArn) {
    fail(
      ["recipient", "roleArn"],
      `differs from the roleArn of the same account in sources (${asSource.roleArn ?? "none"}); one account is deployed with one role`,
    );
  }
  return errors;
}

function checkLifecycle(lifecycle: RecipientSettings["lifecycle"], raw: RawConfig): string[] {
  const errors: string[] = [];
  // A key left out is named by its default value, so every line names the value in force.
  const fail = (key: string, message: string, effective: number) => {
    const path = ["recipient", "lifecycle", key];
    const given = valueAt(raw, path);
    errors.push(
      given === undefined
        ? `${formatPath(path)}: ${effective} (default) ${message}`
        : formatMessage(path, given, message),
    );
  };
  const { infrequentAccessDays, glacierDays, expireDays } = lifecycle;
  // S3 keeps objects in STANDARD_IA at least 30 days before a transition to GLACIER is allowed.
  if (glacierDays < infrequentAccessDays + 30)
    fail(
      "glacierDays",
      `must be at least 30 days after infrequentAccessDays (${infrequentAccessDays})`,
      glacierDays,
    );
  if (expireDays <= glacierDays)
    fail("expireDays", `must be later than glacierDays (${glacierDays})`, expireDays);
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Names and messages.

function defaultPrefix(stack: string): string {
  return `${PROJECT}-${stack}`.toLowerCase();
}

function stackPrefix(raw: RawConfig, stack: string): string {
  return typeof raw.namePrefix === "string" ? raw.namePrefix : defaultPrefix(stack);
}

/** `OpenSearch_<major>.<minor>` at least the given version. */
function atLeast(version: string, major: number, minor: number): boolean {
  const [, a, b] = OPENSEARCH_VERSION.exec(version) ?? [];
  return Number(a) > major || (Number(a) === major && Number(b) >= minor);
}

/** Zod's own messages become short predicates that read after the value. */
function genericMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      return `must be ${article(issue.expected)}${issue.expected === "string" && typeof issue.input === "number" ? " (quote it in YAML)" : ""}`;
    case "too_small":
      return issue.origin === "array" ? `must have at least ${issue.minimum} entries` : undefined;
    default:
      return undefined;
  }
}

function article(expected: string): string {
  if (expected === "array") return "a list";
  if (expected === "object") return "a map";
  return `a ${expected}`;
}

function formatIssue(issue: z.core.$ZodIssue, input: unknown): string[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  if (issue.code === "unrecognized_keys") {
    // At the top level the key is a whole stack-config key: name it with its namespace.
    const known =
      path.length === 0
        ? " (known: namePrefix, recipient, sources, part, recipientStack, providerBudgetMiB)"
        : "";
    return issue.keys.map((key) =>
      formatMessage(
        [...path, path.length === 0 ? `${PROJECT}:${key}` : key],
        valueAt(input, [...path, key]),
        `is not a known key${known}`,
      ),
    );
  }
  return [formatMessage(path, valueAt(input, path), issue.message)];
}

function stripUndefined(raw: RawConfig): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
}

function dedupe(errors: string[]): string[] {
  return [...new Set(errors)];
}
