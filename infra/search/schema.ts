/** Search's part of the stack-config schema: the recipient's OpenSearch domain. */
import { z } from "zod";
import { isRecord } from "../kernel/messages";
import { type ConfigPath, int, type Resolved, retentionDays } from "../kernel/schema";

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

/** The recipient's search key. */
export const searchRecipientKeys = {
  search: SearchSchema.optional().meta({
    description:
      "An OpenSearch domain fed from the stream. Needs `transport: kinesis` (the forwarder reads the stream).",
    defaultText: "none (no search)",
  }),
};

export type SearchSettings = Resolved<z.output<typeof SearchSchema>, "domainName" | "replicas">;

/** `OpenSearch_<major>.<minor>` at least the given version. */
function atLeast(version: string, major: number, minor: number): boolean {
  const [, a, b] = OPENSEARCH_VERSION.exec(version) ?? [];
  return Number(a) > major || (Number(a) === major && Number(b) >= minor);
}

/** The domain needs the stream, a valid default name and more nodes than replicas. */
export function checkSearch(
  recipient: { transport: string; search?: SearchSettings },
  raw: { recipient?: unknown },
  fail: (path: ConfigPath, message: string) => void,
  report: (line: string) => void,
): void {
  if (!recipient.search) return;
  const search = recipient.search;
  if (recipient.transport !== "kinesis")
    fail(["recipient", "search"], "needs transport: kinesis (the forwarder reads the stream)");
  const explicitDomain =
    isRecord(raw.recipient) &&
    isRecord(raw.recipient.search) &&
    raw.recipient.search.domainName !== undefined;
  if (!explicitDomain && !SEARCH_DOMAIN_NAME.test(search.domainName))
    report(
      `recipient.search.domainName: the default '${search.domainName}' (the name prefix) is not an OpenSearch domain name (3-28 of a-z 0-9 -); set recipient.search.domainName`,
    );
  if (search.replicas >= search.instanceCount)
    fail(
      ["recipient", "search", "replicas"],
      `needs more nodes than ${search.instanceCount}: a replica never shares a node with its primary`,
    );
}
