import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { topicSubscriptions } from "../kernel/pieces";
import { alarmName, alarmSpecs } from "./alarmSpecs";
import type { AlarmsPlan } from "./plan";

export interface AlarmsArgs {
  plan: AlarmsPlan;
  /** The log group the metric filters read: the trail's. */
  logGroupName: pulumi.Input<string>;
  /** The account's provider (one per account: infra/kernel/providers.ts). */
  provider: aws.Provider;
  /** The region its resources are in: the trail's region. */
  region: string;
}

// Plain data (names included) lives in ../alarmSpecs, where the name check reads it too.
export { alarmSpecs, CUSTOM_METRIC_NAMESPACE } from "./alarmSpecs";

/** Metric filters on the trail's log group, an alarm on each, and the topic that tells people. */
export class Alarms extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly alarms: aws.cloudwatch.MetricAlarm[] = [];

  constructor(name: string, args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("central-logging:source:Alarms", name, {}, opts);
    const { plan } = args;
    const o = { parent: this, provider: args.provider };

    this.topic = new aws.sns.Topic(`${name}-topic`, { region: args.region, name: plan.topic.name }, o);
    topicSubscriptions(name, this.topic.arn, plan.notifications, { ...o, region: args.region });

    for (const spec of alarmSpecs(plan)) {
      const filter = new aws.cloudwatch.LogMetricFilter(
        `${name}-${spec.key}`,
        {
          region: args.region,
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
            region: args.region,
            name: alarmName(args.plan.namePrefix, spec),
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
