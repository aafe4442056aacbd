/**
 * Operations' part of the plan: the health alarms, each in the account and region of what it
 * watches, grouped under the topic they notify; and the recipient's dashboard. Plain data from
 * the rest of the plan, so every alarm's metric, dimensions and placement are tested as data.
 *
 * Metric names and dimensions are AWS's published ones (cited per namespace below); periods and
 * evaluation windows stay inside what PutMetricAlarm accepts (the AWS-data check verifies them).
 */
import type { RecipientPlan } from "../archive/plan";
import type { EventSenderPlan } from "../events/plan";
import type { RoutePlan } from "../forwarding/plan";
import { arn } from "../kernel/names";
import type { Notifications } from "../kernel/schema";
import { ALARM_KINDS, type AlarmKind } from "./alarmKinds";
import { type DashboardPlan, planDashboard } from "./dashboard";
import { operationsNames } from "./names";
import type { OperationsSettings } from "./schema";

export type Statistic = "Sum" | "Maximum" | "Minimum" | "Average";
export type Comparison =
  | "GreaterThanThreshold"
  | "GreaterThanOrEqualToThreshold"
  | "LessThanThreshold"
  | "LessThanOrEqualToThreshold";

export interface MetricRef {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  statistic: Statistic;
}

export interface HealthAlarmPlan {
  /** `<account>/<region>/<name>`: alarm names are unique per account and region. */
  key: string;
  kind: AlarmKind;
  accountId: string;
  region: string;
  name: string;
  /** The name without the prefix: the alarm's logical name within its topic's component. */
  id: string;
  arn: string;
  /** What it means and what to do (ALARM_KINDS), as the notification shows it. */
  description: string;
  /** One metric; or, for `query`, a Metrics Insights query over many. */
  metric?: MetricRef;
  query?: string;
  periodSeconds: number;
  evaluationPeriods: number;
  threshold: number;
  comparisonOperator: Comparison;
  /** Counters publish nothing while all is well: missing data is not a breach. */
  treatMissingData: "notBreaching";
}

/** One topic per account and region with alarms; the recipient's and a source's are named apart. */
export interface AlarmTopicPlan {
  /** `<account>/<region>/<name>` */
  key: string;
  side: "recipient" | "source";
  accountId: string;
  region: string;
  name: string;
  arn: string;
  alarms: HealthAlarmPlan[];
}

export interface OperationsPlan {
  canary: boolean;
  notifications: Notifications;
  /** Sorted by key; empty with `operations.alarms: false`. */
  topics: AlarmTopicPlan[];
  dashboard?: DashboardPlan;
}

/** What operations needs of a source's plan. */
export interface SourceOperationsInput {
  accountId: string;
  routes: readonly RoutePlan[];
  accountPolicies: readonly { region: string }[];
  eventSenders: readonly EventSenderPlan[];
}

const FIVE_MINUTES = 300;

export function planOperations(
  namePrefix: string,
  operations: OperationsSettings,
  recipient: RecipientPlan,
  sources: readonly SourceOperationsInput[],
): OperationsPlan {
  const names = operationsNames(namePrefix);
  const t = operations.thresholds;
  const alarm = (
    kind: AlarmKind,
    accountId: string,
    region: string,
    name: string,
    spec: Omit<
      HealthAlarmPlan,
      "key" | "kind" | "accountId" | "region" | "name" | "id" | "arn" | "description" | "treatMissingData"
    >,
  ): HealthAlarmPlan => {
    const k = ALARM_KINDS[kind];
    return {
      key: `${accountId}/${region}/${name}`,
      kind,
      accountId,
      region,
      name,
      id: name.startsWith(`${namePrefix}-`) ? name.slice(namePrefix.length + 1) : name,
      arn: arn.alarm(region, accountId, name),
      // PutMetricAlarm's AlarmDescription stops at 1,024 characters; these are a few hundred.
      description: `${k.meaning} ${k.action}`,
      treatMissingData: "notBreaching",
      ...spec,
    };
  };
  const sumAbove = (namespace: string, metricName: string, dimensions: Record<string, string>) => ({
    metric: { namespace, metricName, dimensions, statistic: "Sum" as const },
    periodSeconds: FIVE_MINUTES,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold" as const,
  });

  const acct = recipient.accountId;
  const home = recipient.homeRegion;
  const recipientAlarms: HealthAlarmPlan[] = [];
  const add = (a: HealthAlarmPlan) => recipientAlarms.push(a);

  // Kinesis Data Streams metrics (AWS/Kinesis, dimension StreamName): kinesis/latest/dev/monitoring-with-cloudwatch.html
  if (recipient.stream) {
    const dims = { StreamName: recipient.stream.name };
    add(
      alarm("stream-iterator-age", acct, home, names.alarm("stream-iterator-age"), {
        metric: {
          namespace: "AWS/Kinesis",
          metricName: "GetRecords.IteratorAgeMilliseconds",
          dimensions: dims,
          statistic: "Maximum",
        },
        periodSeconds: FIVE_MINUTES,
        evaluationPeriods: 1,
        threshold: t.iteratorAgeSeconds * 1000,
        comparisonOperator: "GreaterThanThreshold",
      }),
    );
    add(
      alarm(
        "stream-write-throttled",
        acct,
        home,
        names.alarm("stream-write-throttled"),
        sumAbove("AWS/Kinesis", "WriteProvisionedThroughputExceeded", dims),
      ),
    );
  }

  // Firehose metrics (AWS/Firehose, dimension DeliveryStreamName): firehose/latest/dev/monitoring-with-cloudwatch-metrics.html;
  // AWS recommends alarming on DataFreshness past the buffering interval and on ThrottledRecords.
  const firehoses = [
    {
      short: "archive",
      name: recipient.firehose.name,
      readsStream: recipient.transport === "kinesis",
    },
    ...(recipient.events
      ? [{ short: "events", name: recipient.events.firehose.name, readsStream: false }]
      : []),
  ];
  for (const f of firehoses) {
    const dims = { DeliveryStreamName: f.name };
    add(
      alarm("firehose-freshness", acct, home, names.alarm(`${f.short}-freshness`), {
        metric: {
          namespace: "AWS/Firehose",
          metricName: "DeliveryToS3.DataFreshness",
          dimensions: dims,
          statistic: "Maximum",
        },
        periodSeconds: FIVE_MINUTES,
        evaluationPeriods: 1,
        threshold: t.firehoseFreshnessSeconds,
        comparisonOperator: "GreaterThanThreshold",
      }),
    );
    add(
      alarm("firehose-delivery", acct, home, names.alarm(`${f.short}-delivery`), {
        metric: {
          namespace: "AWS/Firehose",
          metricName: "DeliveryToS3.Success",
          dimensions: dims,
          statistic: "Minimum",
        },
        periodSeconds: FIVE_MINUTES,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
      }),
    );
    add(
      alarm(
        "firehose-throttled",
        acct,
        home,
        names.alarm(`${f.short}-throttled`),
        sumAbove("AWS/Firehose", f.readsStream ? "ThrottledGetRecords" : "ThrottledRecords", dims),
      ),
    );
  }

  // Lambda metrics (AWS/Lambda, dimension FunctionName): lambda/latest/dg/monitoring-metrics-types.html
  const functions = [
    ...(recipient.processor ? [recipient.processor.name] : []),
    ...(recipient.search ? [recipient.search.forwarder.name, recipient.search.provisioner.name] : []),
  ];
  for (const fn of functions) {
    const dims = { FunctionName: fn };
    add(alarm("lambda-errors", acct, home, `${fn}-errors`, sumAbove("AWS/Lambda", "Errors", dims)));
    add(alarm("lambda-throttles", acct, home, `${fn}-throttles`, sumAbove("AWS/Lambda", "Throttles", dims)));
  }

  const search = recipient.search;
  if (search) {
    const forwarder = search.forwarder.name;
    add(
      alarm("forwarder-iterator-age", acct, home, `${forwarder}-iterator-age`, {
        metric: {
          namespace: "AWS/Lambda",
          metricName: "IteratorAge",
          dimensions: { FunctionName: forwarder },
          statistic: "Maximum",
        },
        periodSeconds: FIVE_MINUTES,
        evaluationPeriods: 1,
        threshold: t.iteratorAgeSeconds * 1000,
        comparisonOperator: "GreaterThanThreshold",
      }),
    );
    // OpenSearch metrics (AWS/ES, dimensions DomainName and ClientId = the account), with AWS's
    // recommended alarms' statistics, periods and thresholds: opensearch-service/latest/developerguide/cloudwatch-alarms.html
    const dims = { DomainName: search.domainName, ClientId: acct };
    const es = (metricName: string, statistic: Statistic) => ({
      namespace: "AWS/ES",
      metricName,
      dimensions: dims,
      statistic,
    });
    add(
      alarm("search-red", acct, home, names.alarm("search-red"), {
        metric: es("ClusterStatus.red", "Maximum"),
        periodSeconds: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
      }),
    );
    add(
      alarm("search-yellow", acct, home, names.alarm("search-yellow"), {
        metric: es("ClusterStatus.yellow", "Maximum"),
        periodSeconds: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
      }),
    );
    add(
      alarm("search-free-storage", acct, home, names.alarm("search-free-storage"), {
        metric: es("FreeStorageSpace", "Minimum"),
        periodSeconds: 60,
        evaluationPeriods: 1,
        // FreeStorageSpace is in megabytes, per node; Minimum = the fullest node.
        threshold: Math.floor((search.settings.volumeSizeGiB * 1024 * t.searchFreeStoragePercent) / 100),
        comparisonOperator: "LessThanOrEqualToThreshold",
      }),
    );
    add(
      alarm("search-jvm-pressure", acct, home, names.alarm("search-jvm-pressure"), {
        metric: es("JVMMemoryPressure", "Maximum"),
        periodSeconds: 60,
        evaluationPeriods: 3,
        threshold: t.searchJvmPressurePercent,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
      }),
    );
    add(
      alarm("search-writes-blocked", acct, home, names.alarm("search-writes-blocked"), {
        metric: es("ClusterIndexWritesBlocked", "Maximum"),
        periodSeconds: FIVE_MINUTES,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
      }),
    );
  }

  // SQS (AWS/SQS, dimension QueueName): an empty, idle queue stops publishing, hence notBreaching.
  const queueAlarm = (accountId: string, region: string, queue: string) =>
    alarm("dead-letter-queue", accountId, region, `${queue}-messages`, {
      metric: {
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue },
        statistic: "Maximum",
      },
      periodSeconds: FIVE_MINUTES,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
    });
  if (search) add(queueAlarm(acct, home, search.deadLetterQueue.name));
  const events = recipient.events;
  if (events) {
    add(queueAlarm(acct, home, events.deadLetterQueue.name));
    // A rule on a custom bus publishes with EventBusName and RuleName (eventbridge/latest/userguide/eb-monitoring.html).
    add(
      alarm(
        "event-rule-failed",
        acct,
        home,
        // Not `-failed`: source rules' alarms are `{p}-<rule>-failed`, and the recipient may have
        // rules of its own in this account and region.
        names.alarm("events-bus-rule-failures"),
        sumAbove("AWS/Events", "FailedInvocations", {
          EventBusName: events.bus.name,
          RuleName: events.busRule.name,
        }),
      ),
    );
  }

  const topics: AlarmTopicPlan[] = [];
  const topic = (
    side: AlarmTopicPlan["side"],
    accountId: string,
    region: string,
    alarms: HealthAlarmPlan[],
  ) => {
    const name = side === "recipient" ? names.recipientTopic : names.sourceTopic;
    topics.push({
      key: `${accountId}/${region}/${name}`,
      side,
      accountId,
      region,
      name,
      arn: arn.topic(region, accountId, name),
      alarms: alarms.sort((a, b) => a.name.localeCompare(b.name)),
    });
  };
  topic("recipient", acct, home, recipientAlarms);

  for (const s of sources) {
    const byRegion = new Map<string, HealthAlarmPlan[]>();
    const push = (a: HealthAlarmPlan) => byRegion.set(a.region, [...(byRegion.get(a.region) ?? []), a]);
    // CloudWatch Logs publishes DeliveryErrors/DeliveryThrottling per filter (AWS/Logs, dimensions
    // LogGroupName, DestinationType, FilterName); one Metrics Insights query sums every filter of
    // the account and region, account-wide policies included, in one alarm (PutMetricAlarm accepts
    // a Metrics Insights query as a metric-math expression with a period).
    const sending = [...new Set([...s.routes, ...s.accountPolicies].map((r) => r.region))].sort();
    for (const region of sending) {
      for (const [kind, metric] of [
        ["subscription-delivery-errors", "DeliveryErrors"],
        ["subscription-throttling", "DeliveryThrottling"],
      ] as const)
        push(
          alarm(kind, s.accountId, region, names.alarm(kind), {
            query: `SELECT SUM(${metric}) FROM SCHEMA("AWS/Logs", DestinationType, FilterName, LogGroupName)`,
            periodSeconds: FIVE_MINUTES,
            evaluationPeriods: 1,
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
          }),
        );
    }
    for (const sender of s.eventSenders) {
      push(queueAlarm(s.accountId, sender.region, sender.deadLetterQueue.name));
      // Rules on the default bus publish with RuleName alone.
      for (const rule of sender.rules)
        push(
          alarm(
            "event-rule-failed",
            s.accountId,
            sender.region,
            `${rule.name}-failed`,
            sumAbove("AWS/Events", "FailedInvocations", { RuleName: rule.name }),
          ),
        );
    }
    for (const [region, alarms] of [...byRegion].sort(([a], [b]) => a.localeCompare(b)))
      topic("source", s.accountId, region, alarms);
  }

  return {
    canary: operations.canary,
    notifications: operations.notifications,
    topics: operations.alarms ? topics.sort((a, b) => a.key.localeCompare(b.key)) : [],
    ...(operations.dashboard
      ? { dashboard: planDashboard(namePrefix, recipient, operations.alarms ? recipientAlarms : []) }
      : {}),
  };
}
