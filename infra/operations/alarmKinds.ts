/**
 * What each kind of health alarm means and what to do about it: one table, read by the alarms'
 * descriptions (what an operator sees in the notification) and by docs/operations.md (a test
 * keeps the page in step with it).
 */
export const ALARM_KINDS = {
  "stream-iterator-age": {
    watches: "Kinesis stream `{p}-logs`: `GetRecords.IteratorAgeMilliseconds` (Maximum)",
    meaning: "A reader of the stream (the archive Firehose or the search forwarder) is falling behind.",
    action:
      "Check the Firehose's and the forwarder's errors; on a provisioned stream add shards. Records older than the stream's retention are lost.",
  },
  "stream-write-throttled": {
    watches: "Kinesis stream `{p}-logs`: `WriteProvisionedThroughputExceeded` (Sum > 0)",
    meaning: "CloudWatch Logs was throttled writing into the stream; it retries, then drops.",
    action: "Add shards (`recipient.stream.shardCount`) or switch to on-demand (leave it unset).",
  },
  "firehose-freshness": {
    watches: "Firehose: `DeliveryToS3.DataFreshness` (Maximum > `firehoseFreshnessSeconds`)",
    meaning: "The oldest record not yet written to S3 is older than the threshold: delivery is stuck.",
    action:
      "Read the Firehose's error log group (`/aws/kinesisfirehose/<name>`, stream `DestinationDelivery`); check the bucket policy and the gunzip Lambda.",
  },
  "firehose-delivery": {
    watches: "Firehose: `DeliveryToS3.Success` (Minimum < 1)",
    meaning: "Some deliveries to S3 failed; Firehose retries, then writes them under `errors/`.",
    action: "Read the error log group; replay what landed under `errors/` with `npm run redrive`.",
  },
  "firehose-throttled": {
    watches:
      "Firehose: `ThrottledRecords` (direct put) or `ThrottledGetRecords` (reading the stream) (Sum > 0)",
    meaning: "The Firehose is being throttled: records wait (stream) or are refused (direct put).",
    action: "Ask AWS for a higher Firehose quota, or move to the kinesis transport.",
  },
  "lambda-errors": {
    watches: "Lambda: `Errors` (Sum > 0)",
    meaning: "A pipeline Lambda (gunzip, search forwarder or provisioner) failed an invocation.",
    action:
      "Read its log group `/aws/lambda/<name>`; records it gave up on are in its dead-letter queue or under `errors/`.",
  },
  "lambda-throttles": {
    watches: "Lambda: `Throttles` (Sum > 0)",
    meaning: "A pipeline Lambda was throttled (account concurrency exhausted).",
    action: "Raise the account's concurrency quota or reserve concurrency for the function.",
  },
  "forwarder-iterator-age": {
    watches: "Search forwarder: `IteratorAge` (Maximum > `iteratorAgeSeconds`)",
    meaning: "Search indexing is falling behind the stream.",
    action: "Check the domain's health alarms and the forwarder's errors; a larger domain may be needed.",
  },
  "dead-letter-queue": {
    watches: "SQS dead-letter queue: `ApproximateNumberOfMessagesVisible` (Maximum > 0)",
    meaning: "Something could not be delivered and waits in a dead-letter queue.",
    action: "Read a message to see why; after fixing the cause, `npm run redrive -- --apply`.",
  },
  "search-red": {
    watches: "OpenSearch: `ClusterStatus.red` (Maximum >= 1, 1 minute)",
    meaning: "At least one primary shard is unassigned: some indices cannot be written or searched.",
    action: "See AWS's 'Red cluster status' troubleshooting; usually free storage or a failed node.",
  },
  "search-yellow": {
    watches: "OpenSearch: `ClusterStatus.yellow` (Maximum >= 1, 1 minute)",
    meaning: "Replica shards are unassigned: the domain runs without redundancy.",
    action: "With one node set `replicas: 0`; otherwise check node health and storage.",
  },
  "search-free-storage": {
    watches: "OpenSearch: `FreeStorageSpace` (Minimum <= `searchFreeStoragePercent` of a node's volume, MB)",
    meaning: "A node is running out of disk; at the limit OpenSearch blocks writes.",
    action: "Shorten `search.retentionDays` or raise `volumeSizeGiB` / `instanceCount`.",
  },
  "search-jvm-pressure": {
    watches: "OpenSearch: `JVMMemoryPressure` (Maximum >= `searchJvmPressurePercent`, 3 minutes)",
    meaning: "Nodes are close to running out of heap; requests start failing.",
    action: "Use a larger `instanceType`, or fewer shards (shorter retention).",
  },
  "search-writes-blocked": {
    watches: "OpenSearch: `ClusterIndexWritesBlocked` (Maximum >= 1)",
    meaning: "The domain refuses writes; the forwarder's documents go to its dead-letter queue.",
    action: "Free storage or heap (see the two alarms above), then redrive the dead-letter queue.",
  },
  "event-rule-failed": {
    watches: "EventBridge rule: `FailedInvocations` (Sum > 0)",
    meaning: "A rule could not deliver events to its target after EventBridge's retries.",
    action: "Read the rule's dead-letter queue (the message attributes say why), fix, then redrive.",
  },
  "subscription-delivery-errors": {
    watches: "Every subscription in a source account and region: `DeliveryErrors` (Metrics Insights SUM > 0)",
    meaning: "CloudWatch Logs could not deliver log events to the destination.",
    action:
      "Run `npm run verify`: it names the likeliest cause (destination policy, role, destination target).",
  },
  "subscription-throttling": {
    watches:
      "Every subscription in a source account and region: `DeliveryThrottling` (Metrics Insights SUM > 0)",
    meaning: "CloudWatch Logs was throttled delivering to the destination (the stream is at capacity).",
    action: "Add stream shards or use on-demand capacity.",
  },
} as const satisfies Record<string, { watches: string; meaning: string; action: string }>;

export type AlarmKind = keyof typeof ALARM_KINDS;
