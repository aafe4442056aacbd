/**
 * Policy size limits, each with the AWS page it comes from. How a limit counts matters: IAM counts
 * characters without whitespace; the others count the bytes (or characters) of the document sent.
 */
import type { PolicyKind } from "./documents";

export interface SizeLimit {
  max: number;
  /** `chars-no-whitespace` (IAM), `bytes` (UTF-8), or `chars`. */
  unit: "chars-no-whitespace" | "bytes" | "chars";
  source: string;
}

/**
 * IAM and AWS STS quotas (IAM User Guide, reference_iam-quotas), "IAM and STS character limits":
 * role trust policy length 2,048 characters by default (a quota increase raises it), managed
 * policy 6,144, inline policies of one role 10,240 in total; IAM does not count whitespace
 * (GetAccountSummary: AssumeRolePolicySizeQuota / *PolicySizeQuota "in non-whitespace characters").
 */
export const IAM_TRUST_POLICY_MAX = 2_048;
export const IAM_MANAGED_POLICY_MAX = 6_144;
export const IAM_ROLE_INLINE_POLICIES_MAX = 10_240;

/** Amazon S3 User Guide, "Bucket policies and user policies": "Bucket policies are limited to 20 KB in size." */
export const S3_BUCKET_POLICY_MAX = 20 * 1024;

/** CloudWatch Logs API Reference, PutDestinationPolicy, accessPolicy: "This can be up to 5120 bytes." */
export const LOGS_DESTINATION_POLICY_MAX = 5_120;

/** Amazon SQS Developer Guide, "Amazon SQS policy quotas": Bytes 8,192 (and 20 statements, 50 principals, 7 actions per statement). */
export const SQS_POLICY_MAX = 8_192;
export const SQS_POLICY_MAX_STATEMENTS = 20;
export const SQS_POLICY_MAX_PRINCIPALS = 50;
export const SQS_POLICY_MAX_ACTIONS_PER_STATEMENT = 7;

/** Amazon SNS Developer Guide, "Amazon SNS API permissions: Action and resource reference", policy quotas: Bytes 30 KB (100 statements). */
export const SNS_TOPIC_POLICY_MAX = 30 * 1024;
export const SNS_TOPIC_POLICY_MAX_STATEMENTS = 100;

/** KMS API Reference, PutKeyPolicy / CreateKey, Policy: "The policy size limit is 32 KiB (32768 bytes)." */
export const KMS_KEY_POLICY_MAX = 32_768;

/** EventBridge API Reference, PutPermission: "The permission policy on the event bus cannot exceed 10 KB in size." */
export const EVENTS_BUS_POLICY_MAX = 10 * 1024;

/** OpenSearch Service API Reference, AccessPoliciesStatus, Options: "Maximum length of 102400." */
export const OPENSEARCH_ACCESS_POLICY_MAX = 102_400;

export const SIZE_LIMITS: Record<Exclude<PolicyKind, "inline" | "lambda-permission">, SizeLimit> = {
  trust: {
    max: IAM_TRUST_POLICY_MAX,
    unit: "chars-no-whitespace",
    source: "IAM User Guide: IAM and AWS STS quotas",
  },
  managed: {
    max: IAM_MANAGED_POLICY_MAX,
    unit: "chars-no-whitespace",
    source: "IAM User Guide: IAM and AWS STS quotas",
  },
  "s3-bucket": {
    max: S3_BUCKET_POLICY_MAX,
    unit: "bytes",
    source: "S3 User Guide: Bucket policies and user policies",
  },
  "logs-destination": {
    max: LOGS_DESTINATION_POLICY_MAX,
    unit: "bytes",
    source: "CloudWatch Logs API Reference: PutDestinationPolicy accessPolicy",
  },
  "events-bus": {
    max: EVENTS_BUS_POLICY_MAX,
    unit: "bytes",
    source: "EventBridge API Reference: PutPermission",
  },
  "kms-key": { max: KMS_KEY_POLICY_MAX, unit: "bytes", source: "KMS API Reference: PutKeyPolicy Policy" },
  "sns-topic": { max: SNS_TOPIC_POLICY_MAX, unit: "bytes", source: "SNS Developer Guide: policy quotas" },
  "sqs-queue": {
    max: SQS_POLICY_MAX,
    unit: "bytes",
    source: "SQS Developer Guide: Amazon SQS policy quotas",
  },
  "opensearch-domain": {
    max: OPENSEARCH_ACCESS_POLICY_MAX,
    unit: "chars",
    source: "OpenSearch Service API Reference: AccessPoliciesStatus Options",
  },
};

export const INLINE_LIMIT: SizeLimit = {
  max: IAM_ROLE_INLINE_POLICIES_MAX,
  unit: "chars-no-whitespace",
  source: "IAM User Guide: IAM and AWS STS quotas (role policy size, all inline policies of a role)",
};

/** Limits this checker applies whose numbers could not be confirmed from AWS's own pages; the README lists them. */
export const UNCONFIRMED: readonly { limit: string; reason: string }[] = [
  {
    limit: "IAM trust policy 2,048 / role inline policies 10,240 / managed policy 6,144 characters",
    reason:
      "the IAM quotas page came up without its table; the numbers are quoted from it by AWS Knowledge Center (6,144) and secondary sources, and an IAM LimitExceeded message ('Maximum policy size of 10240 bytes exceeded')",
  },
  {
    limit: "Firehose Lambda processor BufferIntervalInSeconds 0-900",
    reason:
      "the ProcessorParameter reference gives only the default (60); the range is the S3 buffering hint's",
  },
  {
    limit: "SQS policy 'Conditions 10' quota",
    reason: "the SQS policy quotas page does not say what counts as one condition, so it is not checked",
  },
];

/** Size as the limit counts it. */
export function measure(text: string, unit: SizeLimit["unit"]): number {
  if (unit === "chars-no-whitespace") return text.replace(/\s/g, "").length;
  if (unit === "bytes") return Buffer.byteLength(text, "utf8");
  return text.length;
}
