/** Numeric properties within the ranges of the API references (ranges.ts), including cross-field ones. */
import { valuesAt } from "../paths";
import * as R from "../ranges";
import { about, type Finding, type PlannedResource } from "../types";

export const RULE = "numeric-range";

interface RangeEntry {
  type: string;
  path: string;
  /** A problem with the value, or undefined. */
  check: (value: number) => string | undefined;
  source: string;
}

const within =
  (r: { min: number; max: number }) =>
  (v: number): string | undefined =>
    v >= r.min && v <= r.max ? undefined : `is outside ${r.min}-${r.max}`;

const LAMBDA = "aws:lambda/function:Function";
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream";
const QUEUE = "aws:sqs/queue:Queue";

const alarmPeriod = (v: number) =>
  (R.ALARM_SHORT_PERIODS as readonly number[]).includes(v) || (v > 0 && v % 60 === 0)
    ? undefined
    : "is not 10, 20, 30 or a multiple of 60";

export const RANGE_TABLE: readonly RangeEntry[] = [
  {
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    path: "period",
    check: alarmPeriod,
    source: "CloudWatch API Reference: PutMetricAlarm Period",
  },
  {
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    path: "metricQueries[].period",
    check: alarmPeriod,
    source: "CloudWatch API Reference: MetricDataQuery Period",
  },
  {
    type: LAMBDA,
    path: "memorySize",
    check: within(R.LAMBDA_MEMORY_MB),
    source: "Lambda API Reference: CreateFunction MemorySize",
  },
  {
    type: LAMBDA,
    path: "timeout",
    check: within(R.LAMBDA_TIMEOUT_SECONDS),
    source: "Lambda API Reference: CreateFunction Timeout",
  },
  {
    type: MAPPING,
    path: "batchSize",
    check: within(R.ESM_BATCH_SIZE),
    source: "Lambda API Reference: CreateEventSourceMapping BatchSize",
  },
  {
    type: MAPPING,
    path: "maximumBatchingWindowInSeconds",
    check: within(R.ESM_BATCH_WINDOW_SECONDS),
    source: "Lambda API Reference: CreateEventSourceMapping MaximumBatchingWindowInSeconds",
  },
  {
    type: MAPPING,
    path: "parallelizationFactor",
    check: within(R.ESM_PARALLELIZATION),
    source: "Lambda API Reference: CreateEventSourceMapping ParallelizationFactor",
  },
  {
    type: MAPPING,
    path: "maximumRetryAttempts",
    check: within(R.ESM_RETRY_ATTEMPTS),
    source: "Lambda API Reference: CreateEventSourceMapping MaximumRetryAttempts",
  },
  {
    type: MAPPING,
    path: "maximumRecordAgeInSeconds",
    check: (v) => (v === -1 ? undefined : within(R.ESM_RECORD_AGE_SECONDS)(v)),
    source: "Lambda API Reference: CreateEventSourceMapping MaximumRecordAgeInSeconds",
  },
  {
    type: "aws:kinesis/stream:Stream",
    path: "retentionPeriod",
    check: within(R.KINESIS_RETENTION_HOURS),
    source: "Kinesis API Reference: Increase/DecreaseStreamRetentionPeriod",
  },
  {
    type: QUEUE,
    path: "messageRetentionSeconds",
    check: within(R.SQS_RETENTION_SECONDS),
    source: "SQS API Reference: SetQueueAttributes MessageRetentionPeriod",
  },
  {
    type: QUEUE,
    path: "visibilityTimeoutSeconds",
    check: within(R.SQS_VISIBILITY_SECONDS),
    source: "SQS API Reference: SetQueueAttributes VisibilityTimeout",
  },
  {
    type: "aws:cloudwatch/logGroup:LogGroup",
    path: "retentionInDays",
    check: (v) =>
      v === 0 || (R.LOG_RETENTION_DAYS as readonly number[]).includes(v)
        ? undefined
        : "is not a retention CloudWatch Logs offers",
    source: "CloudWatch Logs API Reference: PutRetentionPolicy retentionInDays",
  },
  {
    type: FIREHOSE,
    path: "extendedS3Configuration.bufferingSize",
    check: within(R.FIREHOSE_BUFFER_MB),
    source: "Firehose API Reference: BufferingHints SizeInMBs",
  },
  {
    type: FIREHOSE,
    path: "extendedS3Configuration.bufferingInterval",
    check: within(R.FIREHOSE_BUFFER_SECONDS),
    source: "Firehose API Reference: BufferingHints IntervalInSeconds",
  },
  {
    type: "aws:cloudwatch/eventTarget:EventTarget",
    path: "retryPolicy.maximumRetryAttempts",
    check: within(R.EVENTS_RETRY_ATTEMPTS),
    source: "EventBridge API Reference: RetryPolicy MaximumRetryAttempts",
  },
  {
    type: "aws:cloudwatch/eventTarget:EventTarget",
    path: "retryPolicy.maximumEventAgeInSeconds",
    check: within(R.EVENTS_EVENT_AGE_SECONDS),
    source: "EventBridge API Reference: RetryPolicy MaximumEventAgeInSeconds",
  },
];

export function rangeFindings(resources: readonly PlannedResource[]): Finding[] {
  const findings: Finding[] = [];
  for (const resource of resources) {
    const say = (rule: string, source: string, path: string, value: unknown, message: string) =>
      findings.push({ rule, source, ...about(resource), path, value, message });
    for (const entry of RANGE_TABLE) {
      if (entry.type !== resource.type) continue;
      for (const { path, value } of valuesAt(resource.inputs, entry.path)) {
        const n = Number(value);
        const problem = Number.isFinite(n) ? entry.check(n) : "is not a number";
        if (problem) say(RULE, entry.source, path, value, problem);
      }
    }
    if (resource.type === "aws:cloudwatch/metricAlarm:MetricAlarm") {
      // A metric-math or Metrics Insights alarm carries its period in its query.
      const period = resource.inputs.period ?? valuesAt(resource.inputs, "metricQueries[].period")[0]?.value;
      const problem = alarmWindowProblem(Number(period), Number(resource.inputs.evaluationPeriods));
      if (problem)
        say(
          "alarm-window",
          "CloudWatch API Reference: PutMetricAlarm Period",
          "period",
          {
            period: resource.inputs.period,
            evaluationPeriods: resource.inputs.evaluationPeriods,
          },
          problem,
        );
    }
    if (resource.type === FIREHOSE) findings.push(...firehoseFindings(resource));
  }
  return findings;
}

/** Period x EvaluationPeriods: at most one day under an hour's period, seven days otherwise. */
export function alarmWindowProblem(period: number, evaluationPeriods: number): string | undefined {
  if (!Number.isFinite(period) || !Number.isFinite(evaluationPeriods)) return undefined;
  const total = period * evaluationPeriods;
  const max = period < R.ALARM_LONG_PERIOD ? R.ALARM_WINDOW_MAX_SHORT : R.ALARM_WINDOW_MAX;
  return total > max
    ? `period ${period} s x ${evaluationPeriods} evaluation periods = ${total} s; PutMetricAlarm allows ${max} s${period < R.ALARM_LONG_PERIOD ? " for periods under an hour" : ""}`
    : undefined;
}

function firehoseFindings(resource: PlannedResource): Finding[] {
  const out: Finding[] = [];
  const s3 = resource.inputs.extendedS3Configuration as Record<string, unknown> | undefined;
  if (!s3) return out;
  const dynamic =
    (s3.dynamicPartitioningConfiguration as { enabled?: unknown } | undefined)?.enabled === true;
  const size = Number(s3.bufferingSize);
  if (dynamic && Number.isFinite(size) && size < R.FIREHOSE_DYNAMIC_PARTITIONING_MIN_MB)
    out.push({
      rule: RULE,
      source: "Firehose Developer Guide: dynamic partitioning (buffer size at least 64 MiB)",
      ...about(resource),
      path: "extendedS3Configuration.bufferingSize",
      value: s3.bufferingSize,
      message: `is under ${R.FIREHOSE_DYNAMIC_PARTITIONING_MIN_MB} MiB with dynamic partitioning on`,
    });
  for (const p of valuesAt(
    resource.inputs,
    "extendedS3Configuration.processingConfiguration.processors[].parameters[]",
  )) {
    const { parameterName, parameterValue } = p.value as {
      parameterName?: unknown;
      parameterValue?: unknown;
    };
    const range =
      parameterName === "BufferSizeInMBs"
        ? R.FIREHOSE_PROCESSOR_BUFFER_MB
        : parameterName === "BufferIntervalInSeconds"
          ? R.FIREHOSE_PROCESSOR_BUFFER_SECONDS
          : undefined;
    if (!range) continue;
    const n = Number(parameterValue);
    if (!Number.isFinite(n) || n < range.min || n > range.max)
      out.push({
        rule: RULE,
        source: "Firehose API Reference: ProcessorParameter",
        ...about(resource),
        path: `${p.path}.parameterValue`,
        value: parameterValue,
        message: `${String(parameterName)} is outside ${range.min}-${range.max}`,
      });
  }
  return out;
}
