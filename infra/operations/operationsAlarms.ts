import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { topicSubscriptions } from "../kernel/pieces";
import type { Notifications } from "../kernel/schema";
import type { AlarmTopicPlan } from "./plan";

export interface OperationsAlarmsArgs {
  /** One account and region: the topic and the alarms that notify it. */
  plan: AlarmTopicPlan;
  notifications: Notifications;
  /** The account's provider (one per account); every resource names its region. */
  provider: aws.Provider;
}

/**
 * The health alarms of one account and region and the topic they notify, realized from the plan
 * (infra/operations/plan.ts). The topic keeps SNS's default encryption off on purpose: CloudWatch
 * cannot publish to a topic encrypted with the AWS-managed key, and alarm messages carry no log
 * content (a customer key per account and region would cost more than it protects).
 */
export class OperationsAlarms extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly alarms: aws.cloudwatch.MetricAlarm[] = [];

  constructor(name: string, args: OperationsAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("central-logging:operations:OperationsAlarms", name, {}, opts);
    const { plan } = args;
    const region = plan.region;
    const o = { parent: this, provider: args.provider };
    this.topic = new aws.sns.Topic(`${name}-topic`, { region, name: plan.name }, o);
    topicSubscriptions(name, this.topic.arn, args.notifications, { ...o, region });

    for (const a of plan.alarms) {
      const common = {
        region,
        name: a.name,
        alarmDescription: a.description,
        evaluationPeriods: a.evaluationPeriods,
        threshold: a.threshold,
        comparisonOperator: a.comparisonOperator,
        treatMissingData: a.treatMissingData,
        alarmActions: [this.topic.arn],
        okActions: [this.topic.arn],
      };
      const metric = a.metric
        ? {
            namespace: a.metric.namespace,
            metricName: a.metric.metricName,
            dimensions: a.metric.dimensions,
            statistic: a.metric.statistic,
            period: a.periodSeconds,
          }
        : {
            // A Metrics Insights query is a metric-math expression with its own period.
            metricQueries: [
              { id: "q", expression: a.query ?? "", period: a.periodSeconds, returnData: true },
            ],
          };
      // Named by the alarm's name: unique in its account and region, and stable.
      this.alarms.push(new aws.cloudwatch.MetricAlarm(`${name}-${a.name}`, { ...common, ...metric }, o));
    }
    this.registerOutputs({ topicArn: this.topic.arn });
  }
}
