/** Athena's part of the stack-config schema: the recipient's `athena` block. */
import { z } from "zod";
import { isRecord } from "../kernel/messages";
import { isBucketName } from "../kernel/nameLimits";
import { type ConfigPath, int, type Resolved } from "../kernel/schema";

/** The recipient's Athena key. */
export const athenaRecipientKeys = {
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
};

export type AthenaSettings = Resolved<
  z.output<typeof athenaRecipientKeys.athena>,
  "database" | "resultsBucketName"
>;

/** The results bucket: a valid name, and not the archive bucket. */
export function checkAthena(
  recipient: { bucketName: string; athena: AthenaSettings },
  raw: { recipient?: unknown },
  /** A default made invalid by the prefix is reported once, on namePrefix or the archive's name. */
  prefixOk: boolean,
  fail: (path: ConfigPath, message: string) => void,
  report: (line: string) => void,
): void {
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
      report(
        `recipient.athena.resultsBucketName: the default '${athena.resultsBucketName}' is not a valid S3 bucket name; set recipient.athena.resultsBucketName or a shorter namePrefix`,
      );
  }
  if (athena.enabled && athena.resultsBucketName === recipient.bucketName)
    fail(
      ["recipient", "athena", "resultsBucketName"],
      "is the archive bucket; query results need a bucket of their own (they expire, the archive must not)",
    );
}
