/**
 * Numeric limits the SDK models leave out (they drop length and range traits), from the API
 * references. Each constant names its page and parameter.
 */

/** CloudWatch API Reference, PutMetricAlarm, Period: "Valid values are 10, 20, 30, and any multiple of 60." */
export const ALARM_SHORT_PERIODS = [10, 20, 30] as const;
/**
 * PutMetricAlarm, Period: "Period multiplied by EvaluationPeriods can't be more than 604,800 seconds.
 * For alarms with a period of less than one hour (3,600 seconds), the total evaluation period can't
 * be longer than one day (86,400 seconds)."
 */
export const ALARM_WINDOW_MAX_SHORT = 86_400;
export const ALARM_WINDOW_MAX = 604_800;
export const ALARM_LONG_PERIOD = 3_600;

/** Firehose API Reference, ProcessorParameter: "The BufferSizeInMBs ranges between 0.2 MB and up to 3MB." */
export const FIREHOSE_PROCESSOR_BUFFER_MB = { min: 0.2, max: 3 } as const;
/** The processor's BufferIntervalInSeconds: see UNCONFIRMED in limits.ts (the reference gives only its default, 60). */
export const FIREHOSE_PROCESSOR_BUFFER_SECONDS = { min: 0, max: 900 } as const;
/** Firehose API Reference, BufferingHints: SizeInMBs 1-128, IntervalInSeconds 0-900. */
export const FIREHOSE_BUFFER_MB = { min: 1, max: 128 } as const;
export const FIREHOSE_BUFFER_SECONDS = { min: 0, max: 900 } as const;
/** Firehose Developer Guide, dynamic partitioning: the S3 buffer size must be at least 64 MiB. */
export const FIREHOSE_DYNAMIC_PARTITIONING_MIN_MB = 64;

/** Lambda API Reference, CreateFunction: MemorySize 128-10240 (MB), Timeout at most 900 seconds (minimum 1). */
export const LAMBDA_MEMORY_MB = { min: 128, max: 10_240 } as const;
export const LAMBDA_TIMEOUT_SECONDS = { min: 1, max: 900 } as const;
/** Lambda API Reference, CreateEventSourceMapping: BatchSize 1-10000, MaximumBatchingWindowInSeconds 0-300, ParallelizationFactor 1-10, MaximumRetryAttempts -1-10000, MaximumRecordAgeInSeconds -1 or 60-604800. */
export const ESM_BATCH_SIZE = { min: 1, max: 10_000 } as const;
export const ESM_BATCH_WINDOW_SECONDS = { min: 0, max: 300 } as const;
export const ESM_PARALLELIZATION = { min: 1, max: 10 } as const;
export const ESM_RETRY_ATTEMPTS = { min: -1, max: 10_000 } as const;
export const ESM_RECORD_AGE_SECONDS = { min: 60, max: 604_800 } as const;

/** Kinesis API Reference, IncreaseStreamRetentionPeriod: at most 8760 hours; DecreaseStreamRetentionPeriod: at least 24. */
export const KINESIS_RETENTION_HOURS = { min: 24, max: 8_760 } as const;

/** SQS API Reference, SetQueueAttributes: MessageRetentionPeriod 60-1,209,600 s; VisibilityTimeout 0-43,200 s. */
export const SQS_RETENTION_SECONDS = { min: 60, max: 1_209_600 } as const;
export const SQS_VISIBILITY_SECONDS = { min: 0, max: 43_200 } as const;

/** CloudWatch Logs API Reference, PutRetentionPolicy, retentionInDays: the possible values. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** EventBridge API Reference, RetryPolicy: MaximumRetryAttempts 0-185, MaximumEventAgeInSeconds 60-86400. */
export const EVENTS_RETRY_ATTEMPTS = { min: 0, max: 185 } as const;
export const EVENTS_EVENT_AGE_SECONDS = { min: 60, max: 86_400 } as const;
