/**
 * Policies that grow with every account must still fit AWS's size limits: measured on the very
 * documents the program puts, built from the plan, before anything is registered.
 */

import { archiveBucketPolicy, BUCKET_POLICY_MAX_BYTES } from "../archive/bucketPolicies";
import type { Settings } from "../config";
import { destinationAccessPolicy, destinationTrustPolicy } from "../forwarding/destinationPolicies";
import { arn } from "../kernel/names";
import { iamPolicyLength, TRUST_POLICY_RAISED_MAX_CHARS } from "../kernel/policyDocument";
import type { RoutingPlan } from "../plan";

/** An account-level subscription policy's selection criteria may hold at most this many bytes. */
export const SELECTION_CRITERIA_MAX_BYTES = 25_600;

/** A destination access policy may hold at most this many bytes (CloudWatch Logs). */
export const DESTINATION_POLICY_MAX_BYTES = 5_120;

/**
 * Policies that grow with every account must still fit AWS's size limits; measured on the very
 * documents the program would put, computed from the routing plan.
 */
export function checkPolicySizes(settings: Settings, plan: RoutingPlan): string[] {
  const errors: string[] = [];
  const bytes = (doc: unknown) => JSON.stringify(doc).length;
  // In organization mode the access policy names the organization: its size does not grow.
  for (const d of settings.recipient.organizationId ? [] : plan.destinations) {
    const size = bytes(destinationAccessPolicy(d.arn, d.senderAccountIds, d.accountPolicies));
    if (size > DESTINATION_POLICY_MAX_BYTES)
      errors.push(
        `sources: ${d.senderAccountIds.length} accounts forward in ${d.region}, so its destination access policy would be ${size} bytes; CloudWatch Logs allows ${DESTINATION_POLICY_MAX_BYTES}: set recipient.organizationId to admit the organization instead`,
      );
  }
  // The destination role's trust: one source ARN per sending account and region without an
  // organization (organization mode's does not grow).
  if (!settings.recipient.organizationId && plan.destinations.length > 0) {
    const trust = destinationTrustPolicy({
      recipientAccountId: plan.recipient.accountId,
      destinations: plan.destinations,
    });
    const length = iamPolicyLength(trust);
    const max = settings.recipient.trustPolicyMaxChars;
    if (length > max) {
      const pairs = plan.destinations.reduce((n, d) => n + d.senderAccountIds.length, 0);
      errors.push(
        `sources: ${pairs} sending account-regions make the destination role's trust policy ${length} characters; IAM allows ${max} (recipient.trustPolicyMaxChars; a quota increase gives at most ${TRUST_POLICY_RAISED_MAX_CHARS}): set recipient.organizationId, whose trust does not grow with the accounts`,
      );
    }
  }
  for (const a of plan.sources.flatMap((s) => s.accountPolicies)) {
    const size = Buffer.byteLength(a.selectionCriteria ?? "", "utf8");
    if (size > SELECTION_CRITERIA_MAX_BYTES)
      errors.push(
        `sources: the forwardAll exclusions of ${a.key} make a selection criteria of ${size} bytes; CloudWatch Logs allows ${SELECTION_CRITERIA_MAX_BYTES}`,
      );
  }
  const trails = plan.trails.map((t) => ({
    accountId: t.accountId,
    trailArn: t.arn,
    ...(t.organizationId ? { organizationId: t.organizationId } : {}),
  }));
  const bucketPolicy = bytes(archiveBucketPolicy(arn.bucket(plan.recipient.bucketName), trails));
  if (bucketPolicy > BUCKET_POLICY_MAX_BYTES)
    errors.push(
      `sources: ${trails.length} trails would make the archive bucket policy ${bucketPolicy} bytes; S3 allows ${BUCKET_POLICY_MAX_BYTES}: deliver them through one organization trail instead (cloudTrail.organization)`,
    );
  return errors;
}
