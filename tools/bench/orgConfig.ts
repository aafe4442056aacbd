/**
 * Generated organizations for the scale benchmark (`npm run bench:scale`): a valid stack config in
 * organization mode for any number of source accounts and regions, and the exact number of
 * resources the program must register for it. Pure and deterministic: the benchmark's parent and
 * its worker processes build the same config from the same shape.
 */
import { CIS_CONTROLS } from "../../infra/cloudtrail/cis";
import { PROJECT } from "../../infra/config";
import type { StackConfig } from "../offline/run";

/** Regions the generated accounts use, in order; `--regions n` takes the first n. */
export const BENCH_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-2",
  "eu-west-1",
  "eu-central-1",
  "ap-northeast-1",
  "ap-southeast-2",
  "sa-east-1",
] as const;

export const BENCH_STACK = "bench";
export const RECIPIENT_ACCOUNT = "999999999999";
export const ORGANIZATION_ID = "o-bench0000001";
/** Account ids start here: twelve digits, none equal to the recipient's. */
const FIRST_SOURCE_ACCOUNT = 100_000_000_000;

/** Existing log groups every account forwards in every region: a mix of filter patterns. */
export const SUBSCRIPTION_POOL: readonly { logGroup: string; filterPattern: string }[] = [
  { logGroup: "/aws/lambda/orders-api", filterPattern: "" },
  { logGroup: "/ecs/payments", filterPattern: "?ERROR ?WARN" },
  { logGroup: "app/audit", filterPattern: "{$.userIdentity.type = tada}" },
  { logGroup: "/aws/rds/instance/db/postgresql", filterPattern: '"FATAL"' },
];

export interface OrgShape {
  /** Source accounts; the first is the management account with the organization trail. */
  accounts: number;
  /** Regions per account, from `BENCH_REGIONS`. */
  regions: number;
  /** Subscribed log groups per account and region, from `SUBSCRIPTION_POOL`; default 3. */
  subscriptionsPerRegion?: number;
  /** Every n-th account forwards account-wide (`forwardAll`) in all its regions; default 4. */
  forwardAllEvery?: number;
}

type Resolved = Required<OrgShape>;

function resolveShape(shape: OrgShape): Resolved {
  const resolved = { subscriptionsPerRegion: 3, forwardAllEvery: 4, ...shape };
  const { accounts, regions, subscriptionsPerRegion, forwardAllEvery } = resolved;
  if (!Number.isInteger(accounts) || accounts < 1 || accounts > 1_000_000)
    throw new RangeError(`accounts must be a whole number from 1 to 1000000, got ${accounts}`);
  if (!Number.isInteger(regions) || regions < 1 || regions > BENCH_REGIONS.length)
    throw new RangeError(`regions must be a whole number from 1 to ${BENCH_REGIONS.length}, got ${regions}`);
  // At least one subscription per region, so that every region has a destination.
  if (
    !Number.isInteger(subscriptionsPerRegion) ||
    subscriptionsPerRegion < 1 ||
    subscriptionsPerRegion > SUBSCRIPTION_POOL.length
  )
    throw new RangeError(
      `subscriptionsPerRegion must be a whole number from 1 to ${SUBSCRIPTION_POOL.length}, got ${subscriptionsPerRegion}`,
    );
  if (!Number.isInteger(forwardAllEvery) || forwardAllEvery < 1)
    throw new RangeError(`forwardAllEvery must be a whole number of at least 1, got ${forwardAllEvery}`);
  return resolved;
}

export function sourceAccountId(index: number): string {
  return String(FIRST_SOURCE_ACCOUNT + index);
}

/** Account `index` forwards account-wide: the 2nd, 2nd + n, ... (the management account only when n = 1). */
export function forwardsAll(index: number, every: number): boolean {
  return index % every === 1 % every && (index > 0 || every === 1);
}

function regionsOf(shape: Resolved): string[] {
  return BENCH_REGIONS.slice(0, shape.regions);
}

/** One VPC per account, its flow log in a region that rotates with the account. */
function flowLogOf(index: number, regions: readonly string[]) {
  return { vpcId: `vpc-${index.toString(16).padStart(8, "0")}`, region: regions[index % regions.length] };
}

function sourceOf(index: number, shape: Resolved) {
  const accountId = sourceAccountId(index);
  const regions = regionsOf(shape);
  const management = index === 0;
  return {
    accountId,
    roleArn: `arn:aws:iam::${accountId}:role/CentralLoggingDeployer`,
    regions,
    subscriptions: regions.flatMap((region) =>
      SUBSCRIPTION_POOL.slice(0, shape.subscriptionsPerRegion).map((s) => ({ ...s, region })),
    ),
    flowLogs: [flowLogOf(index, regions)],
    ...(forwardsAll(index, shape.forwardAllEvery) ? { forwardAll: {} } : {}),
    ...(management
      ? {
          cloudTrail: { region: regions[0], organization: true, forward: {} },
          cisAlarms: true,
          alarmNotifications: { emails: ["security@example.com"] },
        }
      : {}),
  };
}

/** The stack config, as in a stack file (`central-logging:recipient` -> value). */
export function orgStackConfig(shape: OrgShape): StackConfig {
  const s = resolveShape(shape);
  const home = BENCH_REGIONS[0];
  return {
    "pulumi:disable-default-providers": ["*"],
    // The benchmark measures the program at any size as one stack; the deploy-cost budget (which
    // refuses such a stack for a real deploy) is what bench:scale reports, not what it enforces.
    [`${PROJECT}:providerBudgetMiB`]: 1_048_576,
    [`${PROJECT}:recipient`]: {
      accountId: RECIPIENT_ACCOUNT,
      roleArn: `arn:aws:iam::${RECIPIENT_ACCOUNT}:role/CentralLoggingDeployer`,
      region: home,
      organizationId: ORGANIZATION_ID,
    },
    [`${PROJECT}:sources`]: Array.from({ length: s.accounts }, (_, i) => sourceOf(i, s)),
  };
}

/** What the config asks for, counted from the shape (the routing plan must agree). */
export interface OrgCounts {
  sourceAccounts: number;
  /** Recipient regions with a destination. */
  destinations: number;
  /** Subscription filters: configured groups, flow-log groups, the trail's group and the canaries. */
  routes: number;
  /** `operations.canary` (on by default): a canary log group per account and sending region. */
  canaries: number;
  flowLogs: number;
  /** (account, region) pairs with flow logs: one flow-log role each. */
  flowLogRoles: number;
  /** `forwardAll`: one account-level policy per account and region. */
  accountPolicies: number;
  /** Organization mode: one sender role per account and sending region. */
  senderRoles: number;
  trails: number;
  /** Metric filters (each with one alarm) on the trail's log group. */
  metricFilters: number;
  alarmSubscribers: number;
  /** (account, region) pairs the plan places resources in. */
  placements: number;
  /** AWS providers: one per account (the recipient's included). */
  providers: number;
  /** `operations.alarms` (on by default): the health alarms, recipient's and sources' alike. */
  healthAlarms: number;
  /** One operations topic per account and region with health alarms. */
  operationsTopics: number;
  /** Subscribers of each operations topic (the generated config names none). */
  operationsSubscribers: number;
  /** `operations.dashboard` (on by default): the recipient's one dashboard. */
  dashboards: number;
}

export function orgCounts(shape: OrgShape): OrgCounts {
  const s = resolveShape(shape);
  let forwardAllAccounts = 0;
  for (let i = 0; i < s.accounts; i++) if (forwardsAll(i, s.forwardAllEvery)) forwardAllAccounts++;
  const trails = 1;
  // Every account sends from every region (each has subscriptions there): a canary in each.
  const canaries = s.accounts * s.regions;
  // The recipient's (kinesis, no search, no events): the stream's iterator age and write
  // throttling, the archive Firehose's freshness, delivery and throttling, the gunzip Lambda's
  // errors and throttles.
  const recipientAlarms = 2 + 3 + 2;
  return {
    sourceAccounts: s.accounts,
    destinations: s.regions,
    routes: s.accounts * (s.regions * s.subscriptionsPerRegion + 1) + trails + canaries,
    canaries,
    flowLogs: s.accounts,
    flowLogRoles: s.accounts,
    accountPolicies: forwardAllAccounts * s.regions,
    senderRoles: s.accounts * s.regions,
    trails,
    metricFilters: CIS_CONTROLS.length,
    alarmSubscribers: 1,
    // The recipient is not a source: its home (= bucket) region and each destination region.
    placements: s.regions + s.accounts * s.regions,
    providers: s.accounts + 1,
    // Each sending account and region: subscription delivery errors and throttling (no event rules).
    healthAlarms: recipientAlarms + 2 * s.accounts * s.regions,
    operationsTopics: 1 + s.accounts * s.regions,
    operationsSubscribers: 0,
    dashboards: 1,
  };
}

/**
 * Registrations the program makes for these counts, by type: what each component creates (see
 * the components under `infra/`). Organization mode, kinesis transport, no trail key, no trail topic.
 */
export function expectedRegistrations(c: OrgCounts): Record<string, number> {
  const roles = 3 + c.flowLogRoles + c.senderRoles + c.trails; // firehose, gunzip, destination
  // Athena (on by default): a table for the logs, one for the organization trail; a query each.
  const tables = (c.routes + c.accountPolicies > 0 ? 1 : 0) + (c.trails > 0 ? 1 : 0);
  return {
    "pulumi:providers:aws": c.providers,
    // Recipient: the archive bucket (and Athena's results bucket) with their settings, the
    // stream, Firehose, the gunzip Lambda.
    "aws:s3/bucket:Bucket": 2,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 2,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 2,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 2,
    "aws:s3/bucketVersioning:BucketVersioning": 2,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 2,
    "aws:s3/bucketPolicy:BucketPolicy": 2,
    "aws:glue/catalogDatabase:CatalogDatabase": 1,
    "aws:glue/catalogTable:CatalogTable": tables,
    "aws:athena/workgroup:Workgroup": 1,
    "aws:athena/namedQuery:NamedQuery": tables,
    "aws:kinesis/stream:Stream": 1,
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": 1,
    "aws:lambda/function:Function": 1,
    "aws:iam/role:Role": roles,
    "aws:iam/rolePolicy:RolePolicy": roles,
    // The gunzip Lambda's, the log Firehose's error log, each flow log's, the trail's and the canaries.
    "aws:cloudwatch/logGroup:LogGroup": 2 + c.flowLogs + c.trails + c.canaries,
    "aws:cloudwatch/logStream:LogStream": 1,
    "aws:cloudwatch/logDestination:LogDestination": c.destinations,
    "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": c.destinations,
    // Sources.
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": c.routes,
    "aws:ec2/flowLog:FlowLog": c.flowLogs,
    "aws:cloudwatch/logAccountPolicy:LogAccountPolicy": c.accountPolicies,
    "aws:cloudtrail/trail:Trail": c.trails,
    "aws:sns/topic:Topic": (c.metricFilters > 0 ? 1 : 0) + c.operationsTopics,
    "aws:sns/topicSubscription:TopicSubscription":
      c.alarmSubscribers + c.operationsTopics * c.operationsSubscribers,
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": c.metricFilters,
    "aws:cloudwatch/metricAlarm:MetricAlarm": c.metricFilters + c.healthAlarms,
    "aws:cloudwatch/dashboard:Dashboard": c.dashboards,
    // Components.
    "central-logging:recipient:Recipient": 1,
    "central-logging:recipient:ArchiveBucket": 1,
    "central-logging:recipient:ArchiveDelivery": 1,
    "central-logging:recipient:GunzipProcessor": 1,
    "central-logging:recipient:Athena": 1,
    "central-logging:recipient:RegionalDestination": c.destinations,
    "central-logging:source:SourceAccount": c.sourceAccounts,
    "central-logging:source:Trail": c.trails,
    "central-logging:source:Alarms": c.metricFilters > 0 ? 1 : 0,
    "central-logging:operations:OperationsAlarms": c.operationsTopics,
  };
}

export function total(byType: Readonly<Record<string, number>>): number {
  return Object.values(byType).reduce((sum, n) => sum + n, 0);
}

/** Types whose counts differ, as `type: expected E, registered R` (empty when they agree). */
export function countMismatches(
  expected: Readonly<Record<string, number>>,
  registered: Readonly<Record<string, number>>,
): string[] {
  const types = [...new Set([...Object.keys(expected), ...Object.keys(registered)])].sort();
  return types
    .filter((t) => (expected[t] ?? 0) !== (registered[t] ?? 0))
    .map((t) => `${t}: expected ${expected[t] ?? 0}, registered ${registered[t] ?? 0}`);
}
