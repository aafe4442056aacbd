/** The pack against the dev stack: the write-ups' setups, a trail with CIS alarms. */
import { describe } from "vitest";
import { programPolicySuite } from "./programSuite";

describe("Pulumi.dev.yaml under the policy pack", () => {
  programPolicySuite("Pulumi.dev.yaml", {
    "pulumi:providers:aws": 5,
    "aws:iam/role:Role": 5,
    "aws:iam/rolePolicy:RolePolicy": 5,
    "aws:cloudwatch/logGroup:LogGroup": 3,
    "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": 2,
    "aws:kinesis/stream:Stream": 1,
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": 1,
    "aws:s3/bucket:Bucket": 1,
    "aws:s3/bucketPolicy:BucketPolicy": 1,
    "aws:s3/bucketVersioning:BucketVersioning": 1,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
    "aws:sns/topic:Topic": 1,
    "aws:cloudtrail/trail:Trail": 1,
  });
});
