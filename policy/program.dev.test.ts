/** The pack against the dev stack: the write-ups' setups, a trail with CIS alarms. */
import { describe } from "vitest";
import { programPolicySuite } from "./programSuite";

describe("Pulumi.dev.yaml under the policy pack", () => {
  programPolicySuite("Pulumi.dev.yaml", {
    "pulumi:providers:aws": 3,
    "aws:iam/role:Role": 10,
    "aws:iam/rolePolicy:RolePolicy": 10,
    // Flow logs, trail, the three Lambdas' ... and the two Firehoses' error logs.
    "aws:cloudwatch/logGroup:LogGroup": 7,
    "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": 2,
    "aws:kinesis/stream:Stream": 1,
    // The log archive's and the events archive's.
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": 2,
    // The archive and the Athena results bucket.
    "aws:s3/bucket:Bucket": 2,
    "aws:s3/bucketPolicy:BucketPolicy": 2,
    "aws:s3/bucketVersioning:BucketVersioning": 2,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 2,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 2,
    // Events: the source's and the bus's dead letters; search: the forwarder's.
    "aws:sqs/queue:Queue": 3,
    "aws:opensearch/domain:Domain": 1,
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": 1,
    "aws:sns/topic:Topic": 1,
    "aws:cloudtrail/trail:Trail": 1,
  });
});
