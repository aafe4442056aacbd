/**
 * Zod pieces the capabilities' schema parts share (infra/<capability>/schema.ts): ids, regions,
 * log groups, filters, retention, bounded whole numbers, the transport. The root schema
 * (infra/config.ts) composes the parts; nothing here imports it.
 */
import { z } from "zod";
import { checkFilterPattern } from "../forwarding/filterPattern";
import { isAwsRegion } from "./regions";

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

/**
 * `pulumi config set --path 'sources[3].accountId' 444444444444` stores a number: accepted while it
 * still has 12 digits. One that lost its leading zeros is refused with a hint to quote it.
 */
export const accountId = z
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

export function isTwelveDigitNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 100_000_000_000 && v <= 999_999_999_999;
}

export const region = z
  .string()
  .refine((v: string): boolean => isAwsRegion(v), { error: "is not an AWS region" });

export const roleArn = z
  .string()
  .regex(ROLE_ARN, { error: "is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)" });

export const logGroupName = z
  .string()
  .regex(/^[\w\-./#]{1,512}$/, { error: "is not a valid log group name (1-512 of a-z A-Z 0-9 _ - / . #)" });

export const filterName = z.string().regex(/^[^:*]{1,512}$/, {
  error: "is not a valid subscription filter name (1-512 characters, no ':' or '*')",
});

/** CloudWatch Logs refuses a malformed pattern only at deploy time; here it fails before anything exists. */
export const filterPattern = z
  .string()
  .max(1024, { error: "is longer than 1024 characters" })
  .superRefine((pattern, ctx) => {
    const check = checkFilterPattern(pattern);
    if (!check.ok)
      ctx.addIssue({ code: "custom", message: `is not a valid filter pattern: ${check.message}` });
  });

export const FILTER_PATTERN_RULE =
  'Syntax-checked before anything is deployed (see [Filter patterns](validation.md#filter-patterns)); `""` forwards everything.';

export const retentionDays = z
  .number()
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
    error: `is not a CloudWatch Logs retention period (${LOG_RETENTION_DAYS.join(", ")})`,
  })
  .meta({ enum: [...LOG_RETENTION_DAYS] });

export const int = (min: number, max: number) =>
  z
    .number()
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

/** Alarm and resource names: they end up in metric, alarm and logical resource names. */
export const kebabName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: "must be 1-63 lowercase letters, digits and hyphens" });

/**
 * Who an SNS topic notifies: e-mail addresses, https endpoints and SQS queues, subscribed by
 * endpoint (never by position). Each capability with a topic describes its own topic and queues.
 */
export function notificationsSchema(describe: { sqsQueueArns: string; topic: string }) {
  return z
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
        .meta({
          description: "`https://` URLs; the endpoint must confirm the subscription, as with e-mail.",
        }),
      sqsQueueArns: z
        .array(
          z
            .string()
            .regex(/^arn:aws:sqs:[a-z0-9-]+:\d{12}:[\w-]{1,80}$/, { error: "is not an SQS queue ARN" }),
        )
        .default([])
        .meta({ description: describe.sqsQueueArns }),
    })
    .meta({ description: describe.topic });
}

export type Notifications = z.output<ReturnType<typeof notificationsSchema>>;

/** How logs travel to the archive; forwarding, the archive and search all depend on it. */
export const transport = z
  .enum(["kinesis", "firehose"], { error: "must be 'kinesis' or 'firehose'" })
  .default("kinesis")
  .meta({
    description:
      "How logs travel to the archive: a Kinesis stream read by Firehose, or Firehose directly. See [Which transport?](architecture.md#which-transport)",
  });

export type Transport = z.output<typeof transport>;

/**
 * Settings types are the schema's own output. The config step resolves a few keys whose defaults
 * depend on other keys (a region picked from the account's one region, names defaulting to the
 * prefix): `Resolved` makes exactly those required.
 */
export type Resolved<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: Exclude<T[P], undefined> };

export type ConfigPath = (string | number)[];

/** What a capability's cross-field rules get from the config step (infra/config.ts). */
export interface RuleContext {
  /** The name prefix `{p}`. */
  prefix: string;
  /** The full path of a key of the entry being checked (`at("events", 0)` -> `sources[1].events[0]`). */
  at: (...path: ConfigPath) => ConfigPath;
  /** Reports a problem as `<path>: <value given> <message>`. */
  fail: (path: ConfigPath, message: string) => void;
  /** Reports a problem line as it is written. */
  report: (line: string) => void;
  /** What the stack file gives at a full path (undefined when the key is left out). */
  given: (path: ConfigPath) => unknown;
}
