/**
 * Every S3 bucket is encrypted, versioned, closed to the public and TLS-only. In @pulumi/aws 7
 * each of these is a resource of its own that names the bucket in its `bucket` input, so this is a
 * stack policy: it matches them to the bucket by name.
 *
 * Unknown during preview (see preview.ts): a bucket whose name is unknown is not judged; a setting
 * whose `bucket` is unknown may belong to any bucket, so no bucket is reported as lacking that
 * kind of setting; a setting whose own values are unknown is not judged. Everything is known at
 * the end of `pulumi up`, when the engine runs stack policies again on the real outputs.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import {
  conditionEntries,
  isEveryone,
  type PolicyDocument,
  parsePolicyDocument,
  type Statement,
} from "./document";
import { isRecord, type PlainResource, type StackViolation, toPlain, UNKNOWN } from "./preview";

export const S3_TYPES = {
  bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  encryption: [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  ],
  versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
  publicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
  policy: ["aws:s3/bucketPolicy:BucketPolicy"],
} as const satisfies Record<string, readonly string[]>;

const SSE_ALGORITHMS = new Set(["AES256", "aws:kms", "aws:kms:dsse"]);
const PUBLIC_ACCESS_FLAGS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
];

type Verdict = "ok" | "unknown" | { problem: string };

interface Requirement {
  types: readonly string[];
  missing: (bucket: string) => string;
  judge: (props: Record<string, unknown>, bucket: string) => Verdict;
}

/** `get(x, "a", "b")` is `x.a.b`; UNKNOWN as soon as a step is unknown, undefined if absent. */
function get(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === UNKNOWN) return UNKNOWN;
    current = isRecord(current) ? current[key] : undefined;
  }
  return current;
}

const describe = (value: unknown) => (value === undefined ? "unset" : String(value));

function judgeEncryption(props: Record<string, unknown>, bucket: string): Verdict {
  const rules = props.rules;
  if (rules === UNKNOWN) return "unknown";
  if (!Array.isArray(rules) || rules.length === 0)
    return { problem: `bucket ${bucket} has no default encryption rule` };
  const algorithms = rules.map((rule: unknown) =>
    get(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm"),
  );
  if (algorithms.includes(UNKNOWN)) return "unknown";
  const weak = algorithms.findIndex((a) => typeof a !== "string" || !SSE_ALGORITHMS.has(a));
  if (weak >= 0)
    return {
      problem: `default encryption of bucket ${bucket} is ${describe(algorithms[weak])}, not AES256 or aws:kms`,
    };
  // S3 applies a bucket key only to SSE-KMS (PutBucketEncryption, BucketKeyEnabled); elsewhere
  // the setting is ignored, and a setting that does nothing misleads whoever reads the plan.
  const keyed = rules.findIndex(
    (rule: unknown, i) =>
      get(rule, "bucketKeyEnabled") === true && !String(algorithms[i]).startsWith("aws:kms"),
  );
  return keyed < 0
    ? "ok"
    : {
        problem: `bucket ${bucket} sets bucketKeyEnabled with ${describe(algorithms[keyed])}: a bucket key applies only to SSE-KMS`,
      };
}

function judgeVersioning(props: Record<string, unknown>, bucket: string): Verdict {
  const status = get(props, "versioningConfiguration", "status");
  if (status === UNKNOWN) return "unknown";
  return status === "Enabled"
    ? "ok"
    : { problem: `versioning of bucket ${bucket} is ${describe(status)}, not Enabled` };
}

function judgePublicAccess(props: Record<string, unknown>, bucket: string): Verdict {
  if (PUBLIC_ACCESS_FLAGS.some((flag) => props[flag] === UNKNOWN)) return "unknown";
  const off = PUBLIC_ACCESS_FLAGS.filter((flag) => props[flag] !== true);
  return off.length === 0
    ? "ok"
    : { problem: `public access block of bucket ${bucket} leaves ${off.join(", ")} off` };
}

const s3Path = (resource: string) => /^arn:[\w-]+:s3:::(.+)$/.exec(resource)?.[1];

/** Deny, for everyone, every S3 action when `aws:SecureTransport` is false. */
function isInsecureTransportDeny(s: Statement): boolean {
  return (
    s.Effect === "Deny" &&
    isEveryone(s.Principal) &&
    (s.Action ?? []).some((a) => a === "*" || a.toLowerCase() === "s3:*") &&
    conditionEntries(s).some(
      (c) =>
        c.operator.toLowerCase() === "bool" &&
        c.key.toLowerCase() === "aws:securetransport" &&
        c.values.length > 0 &&
        c.values.every((v) => v.toLowerCase() === "false"),
    )
  );
}

/** The insecure-transport Deny statements cover the bucket and its objects. */
export function deniesInsecureTransport(document: PolicyDocument, bucket: string): boolean {
  const covered = new Set(
    document.Statement.filter(isInsecureTransportDeny).flatMap((s) => (s.Resource ?? []).map(s3Path)),
  );
  return covered.has(bucket) && covered.has(`${bucket}/*`);
}

function judgeTlsOnly(props: Record<string, unknown>, bucket: string): Verdict {
  if (props.policy === UNKNOWN) return "unknown";
  const parsed = parsePolicyDocument(props.policy);
  if (!parsed.ok) return { problem: `bucket policy of ${bucket} is not a policy document (${parsed.error})` };
  return deniesInsecureTransport(parsed.document, bucket)
    ? "ok"
    : {
        problem:
          `bucket policy of ${bucket} does not refuse plain HTTP: deny s3:* to everyone on ` +
          `arn:aws:s3:::${bucket} and arn:aws:s3:::${bucket}/* when aws:SecureTransport is false`,
      };
}

const REQUIREMENTS: readonly Requirement[] = [
  {
    types: S3_TYPES.encryption,
    missing: (b) =>
      `bucket ${b} is not encrypted: no aws.s3.BucketServerSideEncryptionConfiguration names it`,
    judge: judgeEncryption,
  },
  {
    types: S3_TYPES.versioning,
    missing: (b) => `bucket ${b} is not versioned: no aws.s3.BucketVersioning names it`,
    judge: judgeVersioning,
  },
  {
    types: S3_TYPES.publicAccessBlock,
    missing: (b) => `bucket ${b} does not block public access: no aws.s3.BucketPublicAccessBlock names it`,
    judge: judgePublicAccess,
  },
  {
    types: S3_TYPES.policy,
    missing: (b) => `bucket ${b} accepts plain HTTP: no aws.s3.BucketPolicy names it`,
    judge: judgeTlsOnly,
  },
];

export function archiveBucketViolations(resources: readonly PlainResource[]): StackViolation[] {
  const buckets = resources.filter((r) => (S3_TYPES.bucket as readonly string[]).includes(r.type));
  return buckets.flatMap((bucket) => {
    const name = bucket.props.bucket;
    if (typeof name !== "string") return [];
    return REQUIREMENTS.flatMap((requirement) => {
      const settings = resources.filter((r) => requirement.types.includes(r.type));
      const own = settings.filter((r) => r.props.bucket === name);
      if (own.length === 0) {
        return settings.some((r) => r.props.bucket === UNKNOWN)
          ? []
          : [{ urn: bucket.urn, message: requirement.missing(name) }];
      }
      return own.flatMap((setting) => {
        const verdict = requirement.judge(setting.props, name);
        return typeof verdict === "object" ? [{ urn: setting.urn, message: verdict.problem }] : [];
      });
    });
  });
}

const ALL_S3_TYPES: readonly string[] = Object.values(S3_TYPES).flat();

export const archiveBucketSecure: StackValidationPolicy = {
  name: "archive-bucket-secure",
  description:
    "Every S3 bucket has default encryption, versioning Enabled, a full public access block and a bucket policy that denies plain HTTP.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const s3 = args.resources.filter((r) => ALL_S3_TYPES.includes(r.type)).map(toPlain);
    for (const v of archiveBucketViolations(s3)) reportViolation(v.message, v.urn);
  },
};
