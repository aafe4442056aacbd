import { document, type PolicyDocument, type PolicyStatement } from "../kernel/policyDocument";

/** A trail allowed to deliver into the archive, under its own account's prefix. */
export interface TrailWriter {
  accountId: string;
  /** `arn:aws:cloudtrail:<region>:<account>:trail/<name>` */
  trailArn: string;
  /** An organization trail: it also writes under `AWSLogs/<organizationId>/`. */
  organizationId?: string;
}

/** S3 refuses a bucket policy larger than this. */
export const BUCKET_POLICY_MAX_BYTES = 20_480;

/** Refuse plain HTTP and TLS older than 1.2, for everyone, on the bucket and its objects. */
export function tlsOnlyStatements(bucketArn: string): PolicyStatement[] {
  const resources = [bucketArn, `${bucketArn}/*`];
  return [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      // A Deny of every S3 action is the point here: no request may travel without TLS.
      Action: "s3:*",
      Resource: resources,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyOutdatedTls",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: resources,
      Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
    },
  ];
}

/** A bucket nobody but its own account's principals uses (Athena results): TLS only. */
export function privateBucketPolicy(bucketArn: string): PolicyDocument {
  return document(...tlsOnlyStatements(bucketArn));
}

/**
 * The archive bucket's resource policy: refuse plain HTTP and TLS older than 1.2, for everyone;
 * let CloudTrail deliver each configured trail, and only under `AWSLogs/<its account>/` (one
 * statement per account, so no trail can write another account's prefix). Firehose writes
 * through its role in the same account and needs no Allow here.
 */
export function archiveBucketPolicy(bucketArn: string, trails: readonly TrailWriter[] = []): PolicyDocument {
  const sorted = [...trails].sort((a, b) => a.accountId.localeCompare(b.accountId));
  const statements: PolicyStatement[] = tlsOnlyStatements(bucketArn);
  if (sorted.length > 0) {
    statements.push({
      Sid: "CloudTrailAclCheck",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:GetBucketAcl",
      Resource: bucketArn,
      Condition: { StringEquals: { "aws:SourceArn": sorted.map((t) => t.trailArn) } },
    });
  }
  for (const t of sorted) {
    statements.push({
      Sid: `CloudTrailWrite${t.accountId}`,
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: t.organizationId
        ? [`${bucketArn}/AWSLogs/${t.accountId}/*`, `${bucketArn}/AWSLogs/${t.organizationId}/*`]
        : `${bucketArn}/AWSLogs/${t.accountId}/*`,
      Condition: {
        StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": t.trailArn },
      },
    });
  }
  return document(...statements);
}
