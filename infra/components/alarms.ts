import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CIS_CONTROLS, CIS_METRIC_NAMESPACE } from "../cis";
import type { AlarmSettings } from "../config";
import type { AlarmsPlan } from "../routing";

export interface AlarmsArgs {
  plan: AlarmsPlan;
  /** Prefix of alarm names (alarm names are per account and region). */
  namePrefix: string;
  /** The log group the metric filters read: the trail's. */
  logGroupName: pulumi.Input<string>;
  /** The source account's provider in the trail's region. */
  provider: aws.Provider;
}

/** Namespace of the custom (non-CIS) alarm metrics. */
export const CUSTOM_METRIC_NAMESPACE = "CentralLogging";

interface AlarmSpec extends AlarmSettings {
  key: string;
  metricName: string;
  namespace: string;
}

/** The custom alarms and, with `cis`, the CIS benchmark set, as plain data. */
export function alarmSpecs(plan: AlarmsPlan): AlarmSpec[] {
  const custom = plan.custom.map((a) => ({
    ...a,
    key: a.name,
    metricName: a.name,
    namespace: CUSTOM_METRIC_NAMESPACE,
  }));
  const cis = plan.cis
    ? CIS_CONTROLS.map((c) => ({
        key: `cis-${c.name}`,
        name: `cis-${c.name}`,
        // The benchmark's exact text: Security Hub fails the control on any other.
        filterPattern: c.filterPattern,
        threshold: 1,
        periodSeconds: 300,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold" as const,
        description: `CIS ${c.id}${c.securityHub ? ` / Security Hub ${c.securityHub}` : ""}: ${c.title}`,
        metricName: c.metricName,
        namespace: CIS_METRIC_NAMESPACE,
      }))
    : [];
  return [...custom, ...cis];
}

/** Metric filters on the trail's log group, an alarm on each, and the topic that tells people. */
export class Alarms extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly alarms: aws.cloudwatch.MetricAlarm[] = [];

  constructor(name: string, args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("central-logging:source:Alarms", name, {}, opts);
    const { plan } = args;
    const o = { parent: this, provider: args.provider };

    this.topic = new aws.sns.Topic(`${name}-topic`, { name: plan.topic.name }, o);
    const n = plan.notifications;
    // Named by endpoint, never by position: removing one subscriber leaves the others alone.
    const subscribers = [
      ...n.emails.map((endpoint) => ({ protocol: "email", endpoint })),
      ...n.httpsEndpoints.map((endpoint) => ({ protocol: "https", endpoint })),
      ...n.sqsQueueArns.map((endpoint) => ({ protocol: "sqs", endpoint })),
    ];
    for (const s of subscribers) {
      new aws.sns.TopicSubscription(
        `${name}-${s.protocol}-${s.endpoint}`,
        { topic: this.topic.arn, protocol: s.protocol, endpoint: s.endpoint },
        o,
      );
    }

    for (const spec of alarmSpecs(plan)) {
      const filter = new aws.cloudwatch.LogMetricFilter(
        `${name}-${spec.key}`,
        {
          name: spec.name,
          logGroupName: args.logGroupName,
          pattern: spec.filterPattern,
          metricTransformation: { name: spec.metricName, namespace: spec.namespace, value: "1" },
        },
        o,
      );
      this.alarms.push(
        new aws.cloudwatch.MetricAlarm(
          `${name}-${spec.key}`,
          {
            name: `${args.namePrefix}-${spec.name}`,
            ...(spec.description ? { alarmDescription: spec.description } : {}),
            namespace: spec.namespace,
            metricName: spec.metricName,
            statistic: "Sum",
            period: spec.periodSeconds,
            evaluationPeriods: spec.evaluationPeriods,
            threshold: spec.threshold,
            comparisonOperator: spec.comparisonOperator,
            // No events means nothing happened, not an unknown state.
            treatMissingData: "notBreaching",
            alarmActions: [this.topic.arn],
          },
          { ...o, dependsOn: [filter] },
        ),
      );
    }
    this.registerOutputs({ topicArn: this.topic.arn });
  }
}
