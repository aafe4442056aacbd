/**
 * A bucket key only applies to SSE-KMS: S3 API Reference, ServerSideEncryptionRule, BucketKeyEnabled
 * "Specifies whether Amazon S3 should use an S3 Bucket Key with server-side encryption using KMS
 * (SSE-KMS)". With AES256 the setting does nothing.
 */
import { about, type Finding, type PlannedResource } from "../types";

export const RULE = "s3-bucket-key-needs-kms";
const TYPE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";

export function bucketKeyFindings(resources: readonly PlannedResource[]): Finding[] {
  const findings: Finding[] = [];
  for (const resource of resources) {
    if (resource.type !== TYPE || !Array.isArray(resource.inputs.rules)) continue;
    resource.inputs.rules.forEach(
      (
        rule: { bucketKeyEnabled?: unknown; applyServerSideEncryptionByDefault?: { sseAlgorithm?: unknown } },
        i,
      ) => {
        const algorithm = rule?.applyServerSideEncryptionByDefault?.sseAlgorithm;
        if (
          rule?.bucketKeyEnabled === true &&
          typeof algorithm === "string" &&
          !algorithm.startsWith("aws:kms")
        )
          findings.push({
            rule: RULE,
            source: "S3 API Reference: ServerSideEncryptionRule BucketKeyEnabled",
            ...about(resource),
            path: `rules[${i}].bucketKeyEnabled`,
            value: true,
            message: `applies only to SSE-KMS; the rule encrypts with ${algorithm}`,
          });
      },
    );
  }
  return findings;
}
