/** The pack against the prod stack: four workload accounts, three regions, archive in another region. */
import { describe } from "vitest";
import { programPolicySuite } from "./programSuite";

describe("Pulumi.prod.yaml under the policy pack", () => {
  programPolicySuite("Pulumi.prod.yaml", {
    "pulumi:providers:aws": 5,
    "aws:iam/role:Role": 6,
    "aws:iam/rolePolicy:RolePolicy": 6,
    // ... and the log Firehose's error log; and the canary groups (operations.canary) where
    // sources forward: 222222222222/us-east-2, 333333333333/us-east-1 and eu-west-1,
    // 444444444444/eu-west-1 (555555555555 keeps its flow log local).
    "aws:cloudwatch/logGroup:LogGroup": 9,
    "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": 3,
    "aws:kinesis/stream:Stream": 1,
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": 1,
    // The archive and the Athena results bucket.
    "aws:s3/bucket:Bucket": 2,
    "aws:s3/bucketPolicy:BucketPolicy": 2,
    "aws:s3/bucketVersioning:BucketVersioning": 2,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 2,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 2,
    // The operations topics: the recipient's (us-east-1) and one per forwarding source account and
    // region (the four above).
    "aws:sns/topic:Topic": 5,
  });
});
