/**
 * The recipient's CloudWatch dashboard, as plain data: one row per stage of the pipeline (left to
 * right: into the stream, gunzip, archive Firehose, events, search, dead-letter queues), and the
 * state of the recipient's alarms. Body format: AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 * (24 columns; a metric is `[namespace, name, dimension, value, ..., {options}]`).
 *
 * Source accounts' metrics stay in their accounts: showing them here would need CloudWatch
 * cross-account observability, which this program does not set up (docs/operations.md).
 */
import type { RecipientPlan } from "../archive/plan";
import { operationsNames } from "./names";

export interface DashboardPlan {
  accountId: string;
  region: string;
  name: string;
  /** `DashboardBody`, as an object (JSON-encoded when registered). */
  body: { widgets: Widget[] };
}

type Metric = (string | { stat?: string; label?: string })[];

interface Widget {
  type: "metric" | "alarm" | "text";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

const WIDTH = 8;
const HEIGHT = 6;
/** An alarm status widget shows at most 100 alarms. */
const MAX_ALARMS_PER_WIDGET = 100;

export function planDashboard(
  namePrefix: string,
  recipient: RecipientPlan,
  alarms: readonly { arn: string }[],
): DashboardPlan {
  const region = recipient.homeRegion;
  const rows: { title: string; graphs: { title: string; metrics: Metric[]; stat: string }[] }[] = [];
  const stream = recipient.stream;
  if (stream) {
    const s = ["AWS/Kinesis"];
    const d = ["StreamName", stream.name];
    rows.push({
      title: "Into the stream (every source's subscriptions)",
      graphs: [
        { title: "Records in", metrics: [[...s, "IncomingRecords", ...d]], stat: "Sum" },
        { title: "Bytes in", metrics: [[...s, "IncomingBytes", ...d]], stat: "Sum" },
        {
          title: "Throttled writes / reader lag (ms)",
          metrics: [
            [...s, "WriteProvisionedThroughputExceeded", ...d],
            [...s, "GetRecords.IteratorAgeMilliseconds", ...d, { stat: "Maximum" }],
          ],
          stat: "Sum",
        },
      ],
    });
  }
  if (recipient.processor) {
    const d = ["AWS/Lambda", "FunctionName"];
    const fn = recipient.processor.name;
    rows.push({
      title: "Gunzip processor",
      graphs: [
        { title: "Invocations", metrics: [[d[0]!, "Invocations", d[1]!, fn]], stat: "Sum" },
        {
          title: "Errors / throttles",
          metrics: [
            [d[0]!, "Errors", d[1]!, fn],
            [d[0]!, "Throttles", d[1]!, fn],
          ],
          stat: "Sum",
        },
        { title: "Duration (ms)", metrics: [[d[0]!, "Duration", d[1]!, fn]], stat: "Average" },
      ],
    });
  }
  const firehoseRow = (title: string, name: string) => {
    const f = (metric: string, stat?: string): Metric => [
      "AWS/Firehose",
      metric,
      "DeliveryStreamName",
      name,
      ...(stat ? [{ stat }] : []),
    ];
    return {
      title,
      graphs: [
        {
          title: "Records in / delivered",
          metrics: [f("IncomingRecords"), f("DeliveryToS3.Records")],
          stat: "Sum",
        },
        { title: "Delivery success (1 = all)", metrics: [f("DeliveryToS3.Success")], stat: "Minimum" },
        {
          title: "Oldest undelivered record (s)",
          metrics: [f("DeliveryToS3.DataFreshness")],
          stat: "Maximum",
        },
      ],
    };
  };
  rows.push(firehoseRow(`Archive Firehose ${recipient.firehose.name}`, recipient.firehose.name));
  const events = recipient.events;
  if (events) {
    const row = firehoseRow(`Events Firehose ${events.firehose.name}`, events.firehose.name);
    const rule = ["EventBusName", events.bus.name, "RuleName", events.busRule.name];
    row.graphs[0] = {
      title: "Bus rule: invocations / failed",
      metrics: [
        ["AWS/Events", "Invocations", ...rule],
        ["AWS/Events", "FailedInvocations", ...rule],
      ],
      stat: "Sum",
    };
    rows.push(row);
  }
  const search = recipient.search;
  if (search) {
    const fn = search.forwarder.name;
    const es = (metric: string): Metric => [
      "AWS/ES",
      metric,
      "DomainName",
      search.domainName,
      "ClientId",
      recipient.accountId,
    ];
    rows.push({
      title: `Search ${search.domainName}`,
      graphs: [
        {
          title: "Forwarder: invocations / errors",
          metrics: [
            ["AWS/Lambda", "Invocations", "FunctionName", fn],
            ["AWS/Lambda", "Errors", "FunctionName", fn],
          ],
          stat: "Sum",
        },
        {
          title: "Cluster red / yellow / writes blocked",
          metrics: [es("ClusterStatus.red"), es("ClusterStatus.yellow"), es("ClusterIndexWritesBlocked")],
          stat: "Maximum",
        },
        {
          title: "Free storage (MB) / JVM pressure (%)",
          metrics: [
            [...es("FreeStorageSpace"), { stat: "Minimum" }],
            [...es("JVMMemoryPressure"), { stat: "Maximum" }],
          ],
          stat: "Maximum",
        },
      ],
    });
  }
  const queues = [
    ...(search ? [search.deadLetterQueue.name] : []),
    ...(events ? [events.deadLetterQueue.name] : []),
  ];
  if (queues.length > 0)
    rows.push({
      title: "Dead-letter queues (redrive with npm run redrive)",
      graphs: [
        {
          title: "Messages waiting",
          metrics: queues.map((q) => ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q]),
          stat: "Maximum",
        },
      ],
    });

  const widgets: Widget[] = [];
  let y = 0;
  for (const row of rows) {
    widgets.push({
      type: "text",
      x: 0,
      y,
      width: 24,
      height: 1,
      properties: { markdown: `### ${row.title}` },
    });
    y += 1;
    row.graphs.forEach((g, i) => {
      widgets.push({
        type: "metric",
        x: i * WIDTH,
        y,
        width: WIDTH,
        height: HEIGHT,
        properties: {
          title: g.title,
          region,
          view: "timeSeries",
          stat: g.stat,
          period: 300,
          metrics: g.metrics,
        },
      });
    });
    y += HEIGHT;
  }
  for (let i = 0; i < alarms.length; i += MAX_ALARMS_PER_WIDGET) {
    widgets.push({
      type: "alarm",
      x: 0,
      y,
      width: 24,
      height: HEIGHT,
      properties: {
        title: "Recipient alarms",
        alarms: alarms.slice(i, i + MAX_ALARMS_PER_WIDGET).map((a) => a.arn),
      },
    });
    y += HEIGHT;
  }
  return {
    accountId: recipient.accountId,
    region,
    name: operationsNames(namePrefix).dashboard,
    body: { widgets },
  };
}
