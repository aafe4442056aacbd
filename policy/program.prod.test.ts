/** The pack against the prod stack: four workload accounts, three regions, archive in another region. */
import { describe } from "vitest";
import { programPolicySuite } from "./programSuite";

describe("Pulumi.prod.yaml under the policy pack", () => {
  programPolicySuite("Pulumi.prod.yaml", {
    "pulumi:providers:aws": 5,
    "aws:iam/role:Role": 6,
    "aws:iam/rolePolicy:RolePolicy": 6,
    // ... and the log Firehose's error log.
    "aws:cloudwatch/logGroup:LogGroup": 5,
    "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": 3,
    "aws:kinesis/stream:Stream": 1,
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": 1,
    // The archive and the Athena results bucket.
    "aws:s3/bucket:Bucket": 2,
    "aws:s3/bucketPolicy:BucketPolicy": 2,
    "aws:s3/bucketVersioning:BucketVersioning": 2,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 2,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 2,
  });
});
