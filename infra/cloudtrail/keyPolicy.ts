import type { TrailWriter } from "../archive/bucketPolicies";
import { document, type PolicyDocument } from "../kernel/policyDocument";

export interface TrailKeyArgs {
  recipientAccountId: string;
  /** The trails that encrypt with the key; never empty. */
  trails: readonly TrailWriter[];
}

/** Key administration, spelled out: no `kms:*` and no wildcard action, as everywhere else. */
const KEY_ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateKeyDescription",
];

/**
 * The trails' KMS key (in the recipient account, in the bucket's region): the recipient account
 * administers it and reads the logs; CloudTrail may encrypt only for the configured trails — both
 * the encryption context (`kms:EncryptionContext:aws:cloudtrail:arn`) and `aws:SourceArn` name them.
 */
export function trailKeyPolicy(args: TrailKeyArgs): PolicyDocument {
  const root = `arn:aws:iam::${args.recipientAccountId}:root`;
  const trailArns = [...new Set(args.trails.map((t) => t.trailArn))].sort();
  if (trailArns.length === 0) throw new Error("central-logging: a trail key needs at least one trail");
  return document(
    {
      Sid: "RecipientAdministersKey",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: KEY_ADMIN_ACTIONS,
      Resource: "*",
    },
    {
      Sid: "CloudTrailEncryptsConfiguredTrails",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "kms:GenerateDataKey",
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceArn": trailArns, "kms:EncryptionContext:aws:cloudtrail:arn": trailArns },
      },
    },
    {
      Sid: "CloudTrailDescribesKey",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "kms:DescribeKey",
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceArn": trailArns } },
    },
    {
      Sid: "RecipientReadsTrailLogs",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: {
        StringEquals: { "kms:CallerAccount": args.recipientAccountId },
        StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": trailArns },
      },
    },
  );
}
