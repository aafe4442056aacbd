/**
 * Putting records back: PutRecords into the stream, PutRecordBatch into a Firehose. Both answer
 * per record; records that failed (FailedRecordCount / FailedPutCount) are sent again, only them,
 * with backoff, a few times. The answer is one outcome per record, so callers delete only what
 * was put.
 */
import { randomUUID } from "node:crypto";
import { PutRecordBatchCommand, type PutRecordBatchCommandOutput } from "@aws-sdk/client-firehose";
import { PutRecordsCommand } from "@aws-sdk/client-kinesis";
import {
  PUT_RECORDS_MAX_BYTES,
  PUT_RECORDS_MAX_RECORDS,
  type PutRecordsClient,
} from "../../infra/archive/cwlToFirehose/index";
import { type Backoff, backoffMs } from "../../infra/kernel/lambda/backoff";
import { chunkBySize } from "../../infra/kernel/lambda/chunk";

export type PutOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Puts records; resolves to one outcome per record, in order. Never rejects. */
export type RecordSink = (records: readonly Uint8Array[]) => Promise<PutOutcome[]>;

export interface PutOptions {
  /** Attempts per request, the first included. */
  readonly maxAttempts: number;
  readonly backoff: Backoff;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export const DEFAULT_PUT_OPTIONS: Omit<PutOptions, "sleep"> = {
  maxAttempts: 4,
  backoff: { baseMs: 200, capMs: 5_000 },
};

interface Limits {
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly maxRecordBytes: number;
  /** Bytes a record counts for beyond its data (Kinesis counts the partition key). */
  readonly overheadBytes: number;
}

/** Per record: undefined when put, else the error. Throws when the request as a whole failed. */
type SendChunk = (records: readonly Uint8Array[]) => Promise<(string | undefined)[]>;

/** Worth another attempt after the SDK's own retries: throttling, 5xx, the network. */
function retryableError(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; name?: string };
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined) return true;
  return (
    status >= 500 ||
    status === 429 ||
    /Throttl|ProvisionedThroughputExceeded|ServiceUnavailable|LimitExceeded/.test(e.name ?? "")
  );
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * Why one entry of a batch put failed, or undefined when it was stored (it has its `stored` id, a
 * sequence number or record id, and no error). A missing result counts as failed: a duplicate
 * beats a silent loss.
 */
function entryFailure<R extends { ErrorCode?: string; ErrorMessage?: string }>(
  result: R | undefined,
  stored: (r: R) => string | undefined,
): string | undefined {
  if (result && stored(result) !== undefined && result.ErrorCode === undefined) return undefined;
  return result?.ErrorCode
    ? `${result.ErrorCode}: ${result.ErrorMessage ?? ""}`.trim()
    : "no result for the record";
}

async function putWithRetry(
  records: readonly Uint8Array[],
  limits: Limits,
  send: SendChunk,
  options: PutOptions,
): Promise<PutOutcome[]> {
  const outcomes: PutOutcome[] = new Array(records.length);
  const sendable: number[] = [];
  records.forEach((r, i) => {
    if (r.byteLength + limits.overheadBytes > limits.maxRecordBytes) {
      outcomes[i] = { ok: false, reason: `record of ${r.byteLength} bytes exceeds ${limits.maxRecordBytes}` };
    } else {
      sendable.push(i);
    }
  });
  const size = (i: number) => records[i]!.byteLength + limits.overheadBytes;
  for (const chunk of chunkBySize(sendable, size, limits.maxRecords, limits.maxBytes)) {
    let pending = chunk;
    let lastError = "";
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > options.maxAttempts) {
        for (const i of pending) {
          outcomes[i] = { ok: false, reason: `after ${options.maxAttempts} attempts: ${lastError}` };
        }
        break;
      }
      if (attempt > 1) await options.sleep(backoffMs(attempt - 1, options.backoff, options.random));
      let errors: (string | undefined)[];
      try {
        errors = await send(pending.map((i) => records[i]!));
      } catch (err) {
        lastError = describe(err);
        if (retryableError(err)) continue;
        for (const i of pending) outcomes[i] = { ok: false, reason: lastError };
        break;
      }
      const again: number[] = [];
      pending.forEach((i, k) => {
        const error = errors[k];
        if (error === undefined) {
          outcomes[i] = { ok: true };
        } else {
          lastError = error;
          again.push(i);
        }
      });
      pending = again;
    }
  }
  return outcomes;
}

/** Kinesis PutRecords: 500 records, 5 MiB (data + partition key), 1 MiB a record. */
const KINESIS_LIMITS: Limits = {
  maxRecords: PUT_RECORDS_MAX_RECORDS,
  maxBytes: PUT_RECORDS_MAX_BYTES,
  maxRecordBytes: 1024 * 1024,
  // A random UUID: 36 characters.
  overheadBytes: 36,
};

/**
 * Into the stream, by name (the stream is the caller's own account's). Random partition keys, as
 * the gunzip Lambda re-puts: records of one log group need no order among themselves here.
 */
export function kinesisSink(client: PutRecordsClient, streamName: string, options: PutOptions): RecordSink {
  return (records) =>
    putWithRetry(
      records,
      KINESIS_LIMITS,
      async (chunk) => {
        const out = await client.send(
          new PutRecordsCommand({
            StreamName: streamName,
            Records: chunk.map((data) => ({ Data: data, PartitionKey: randomUUID() })),
          }),
        );
        return chunk.map((_, k) => entryFailure(out.Records?.[k], (r) => r.SequenceNumber));
      },
      options,
    );
}

export interface PutRecordBatchClient {
  send(command: PutRecordBatchCommand): Promise<PutRecordBatchCommandOutput>;
}

/** Firehose PutRecordBatch: 500 records, 4 MiB, 1,000 KiB a record. */
const FIREHOSE_LIMITS: Limits = {
  maxRecords: 500,
  maxBytes: 4 * 1024 * 1024,
  maxRecordBytes: 1000 * 1024,
  overheadBytes: 0,
};

export function firehoseSink(
  client: PutRecordBatchClient,
  deliveryStreamName: string,
  options: PutOptions,
): RecordSink {
  return (records) =>
    putWithRetry(
      records,
      FIREHOSE_LIMITS,
      async (chunk) => {
        const out = await client.send(
          new PutRecordBatchCommand({
            DeliveryStreamName: deliveryStreamName,
            Records: chunk.map((data) => ({ Data: data })),
          }),
        );
        return chunk.map((_, k) => entryFailure(out.RequestResponses?.[k], (r) => r.RecordId));
      },
      options,
    );
}
