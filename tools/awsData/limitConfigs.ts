/**
 * Stack configs at the schema's limits (infra/config.ts): every optional feature on, the longest
 * name prefix the schema accepts (39 characters), the longest region names, many accounts; one in
 * organization mode, one in account-list mode. Each runs in a test file of its own (mock state is
 * process-global).
 */
import type { StackConfig } from "../offline/run";

/** NAME_PREFIX in infra/config.ts: a letter, 37 of [a-z0-9-], a letter or digit. */
export const LONGEST_PREFIX = `l${"o".repeat(37)}g`;

/** The longest region names (14 characters). */
export const LONG_REGIONS = ["ap-southeast-2", "ap-northeast-3", "ap-southeast-5"] as const;

const RECIPIENT = "999999999999";
const accountId = (n: number) => String(100_000_000_000 + n * 1_000_001).padStart(12, "1");

/** A source with every per-account feature on. */
function fullSource(id: string, regions: readonly string[], organizationTrail: boolean) {
  const [home, second] = regions;
  return {
    accountId: id,
    regions: [...regions],
    subscriptions: [{ logGroup: "/aws/lambda/orders-api", region: home, filterPattern: "?ERROR ?WARN" }],
    flowLogs: [
      { vpcId: "vpc-0a1b2c3d4e5f60718", region: second, trafficType: "REJECT", retentionDays: 3653 },
    ],
    cloudTrail: {
      region: home,
      snsTopic: true,
      organization: organizationTrail,
      retentionDays: 3653,
      forward: { filterPattern: '{ $.eventSource = "iam.amazonaws.com" }' },
    },
    forwardAll: { regions: [second], exclude: ["/aws/lambda/noisy"] },
    cisAlarms: true,
    // The longest windows PutMetricAlarm takes (a day under an hour's period, a week above), and the shortest period.
    alarms: [
      {
        name: "describe-trails",
        filterPattern: '{ $.eventName = "DescribeTrails" }',
        evaluationPeriods: 288,
      },
      {
        name: "weekly",
        filterPattern: '{ $.eventName = "DeleteTrail" }',
        periodSeconds: 3600,
        evaluationPeriods: 168,
      },
      { name: "root-login", filterPattern: '{ $.userIdentity.type = "Root" }', periodSeconds: 10 },
    ],
    alarmNotifications: {
      emails: ["security@example.com"],
      httpsEndpoints: ["https://hooks.example.com/alarms"],
      sqsQueueArns: [`arn:aws:sqs:${home}:${id}:alarm-inbox`],
    },
    events: [
      { name: "iam" },
      { name: "console", region: home, readOnlyEvents: true, pattern: { source: ["aws.signin"] } },
    ],
  };
}

/** Recipient with search, Athena, trail KMS key, provisioned stream and the longest retention. */
function recipient(extra: Record<string, unknown>) {
  return {
    accountId: RECIPIENT,
    region: LONG_REGIONS[0],
    bucketRegion: LONG_REGIONS[1],
    transport: "kinesis",
    trailKms: true,
    bucketName: "central-logging-archive-limits",
    stream: { shardCount: 4, retentionHours: 8760 },
    firehose: { bufferSizeMiB: 128, bufferIntervalSeconds: 900 },
    events: { bufferSizeMiB: 64, bufferIntervalSeconds: 60 },
    athena: { resultsBucketName: "central-logging-athena-limits", bytesScannedCutoffGiB: 1_000_000 },
    search: {
      domainName: "central-logging-search-limit",
      instanceType: "r6g.large.search",
      instanceCount: 6,
      volumeSizeGiB: 100,
      replicas: 2,
      allowedPrincipals: [`arn:aws:iam::${RECIPIENT}:role/SecurityAnalysts`],
      forwarder: {
        memoryMiB: 10240,
        timeoutSeconds: 900,
        batchSize: 10000,
        batchWindowSeconds: 300,
        parallelizationFactor: 10,
        maximumRetryAttempts: 100,
      },
      logRetentionDays: 3653,
    },
    ...extra,
  };
}

/** Organization mode: destinations admit the organization; one organization trail. */
export function organizationConfig(): StackConfig {
  const sources = [
    fullSource(accountId(1), LONG_REGIONS, true),
    fullSource(accountId(2), [LONG_REGIONS[2], LONG_REGIONS[0]], false),
    ...Array.from({ length: 12 }, (_, i) => ({
      accountId: accountId(10 + i),
      regions: [LONG_REGIONS[i % 3]],
      subscriptions: [{ logGroup: `/aws/lambda/app-${i}` }],
    })),
  ];
  return {
    "central-logging:namePrefix": LONGEST_PREFIX,
    // At the limits, not on a small CI runner: the deploy-cost budget is not what is tested here.
    "central-logging:providerBudgetMiB": 1_048_576,
    "central-logging:recipient": recipient({ organizationId: "o-a1b2c3d4e5f6g7h8i9j0" }),
    "central-logging:sources": sources,
  };
}

/** Account-list mode: every sender is listed by account; many of them in one region. */
export function accountListConfig(senders: number): StackConfig {
  const sources = [
    fullSource(accountId(1), LONG_REGIONS, false),
    fullSource(accountId(2), [LONG_REGIONS[2], LONG_REGIONS[0]], false),
    ...Array.from({ length: senders }, (_, i) => ({
      accountId: accountId(10 + i),
      regions: [LONG_REGIONS[0]],
      subscriptions: [{ logGroup: `/aws/lambda/app-${i}` }],
    })),
  ];
  return {
    "central-logging:namePrefix": LONGEST_PREFIX,
    // At the limits, not on a small CI runner: the deploy-cost budget is not what is tested here.
    "central-logging:providerBudgetMiB": 1_048_576,
    "central-logging:recipient": recipient({}),
    "central-logging:sources": sources,
  };
}
