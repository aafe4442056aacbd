/**
 * The archive's part of the stack-config schema: the bucket, its lifecycle, the stream and the
 * Firehose buffering (the events Firehose buffers the same way).
 */
import { z } from "zod";
import { formatMessage, formatPath, isRecord, valueAt } from "../kernel/messages";
import { isBucketName } from "../kernel/nameLimits";
import { type ConfigPath, int } from "../kernel/schema";

export const LifecycleSchema = z.strictObject({
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

/** Firehose buffering; dynamic partitioning refuses buffers under 64 MiB and zero buffering. */
export const buffering = z.strictObject({
  bufferSizeMiB: int(64, 128).default(64).meta({
    description:
      "MiB Firehose gathers before it writes: dynamic partitioning refuses buffers under 64 MiB. **Changed:** the default was 5 and the range 1–128; a stack file that sets less than 64 is now refused (`must be at least 64`).",
  }),
  bufferIntervalSeconds: int(60, 900).default(300).meta({
    description:
      "Seconds Firehose waits before it writes (was 0–900): dynamic partitioning refuses zero buffering.",
  }),
});

/** The recipient's archive keys. */
export const archiveRecipientKeys = {
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
};

export type Buffering = z.output<typeof buffering>;
export type Lifecycle = z.output<typeof LifecycleSchema>;

type Fail = (path: ConfigPath, message: string) => void;

/** The archive bucket's name; a bad prefix is reported once, on namePrefix, not again here. */
export function checkArchiveBucket(
  recipient: { bucketName: string },
  raw: { recipient?: unknown },
  prefixOk: boolean,
  fail: Fail,
  report: (line: string) => void,
): void {
  const explicitBucket = isRecord(raw.recipient) && raw.recipient.bucketName !== undefined;
  if (!isBucketName(recipient.bucketName) && (explicitBucket || prefixOk)) {
    if (explicitBucket)
      fail(["recipient", "bucketName"], "is not a valid S3 bucket name (3-63 of a-z 0-9 . -)");
    else
      report(
        `recipient.bucketName: the default '${recipient.bucketName}' is not a valid S3 bucket name; set recipient.bucketName or a shorter namePrefix`,
      );
  }
}

/** There is no stream with `transport: firehose`. */
export function checkStream(
  recipient: { transport: string },
  raw: { recipient?: unknown },
  fail: Fail,
): void {
  if (recipient.transport === "firehose" && isRecord(raw.recipient) && raw.recipient.stream !== undefined)
    fail(["recipient", "stream"], "only applies with transport: kinesis (there is no stream with firehose)");
}

export function checkLifecycle(lifecycle: Lifecycle, raw: { recipient?: unknown }): string[] {
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
