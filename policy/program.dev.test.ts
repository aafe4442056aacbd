/** The pack against the dev stack: the write-ups' setups, a trail with CIS alarms. */
import { describe } from "vitest";
import { programPolicySuite } from "./programSuite";

describe("Pulumi.dev.yaml under the policy pack", () => {
  programPolicySuite("Pulumi.dev.yaml", {
    "pulumi:providers:aws": 3,
    "aws:iam/role:Role": 10,
    "aws:iam/rolePolicy:RolePolicy": 10,
    // Flow logs, trail, the three Lambdas' ... and the two Firehoses' error logs; and the canary
    // groups (operations.canary) where sources forward: 111111111111 in ap-northeast-1 and
    // us-east-2, 222222222222 in us-east-2.
    "aws:cloudwatch/logGroup:LogGroup": 10,
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
    // The CIS alarms' topic; the operations topics: the recipient's (home region) and one per source
    // account and region with alarms (111111111111: ap-northeast-1, us-east-1, us-east-2;
    // 222222222222: us-east-2).
    "aws:sns/topic:Topic": 6,
    "aws:cloudtrail/trail:Trail": 1,
  });
});
