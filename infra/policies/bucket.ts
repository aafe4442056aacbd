import { document, type PolicyDocument } from "./document";

/**
 * The archive bucket's resource policy: refuse plain HTTP and TLS older than 1.2, for everyone.
 * Writers (Firehose, later CloudTrail) are granted elsewhere: Firehose through its role in the
 * same account, so the bucket policy needs no Allow for it.
 */
export function archiveBucketPolicy(bucketArn: string): PolicyDocument {
  const resources = [bucketArn, `${bucketArn}/*`];
  return document(
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
  );
}
