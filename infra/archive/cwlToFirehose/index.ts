import { randomUUID } from "node:crypto";
import {
  KinesisClient,
  PutRecordsCommand,
  type PutRecordsCommandOutput,
  type PutRecordsRequestEntry,
} from "@aws-sdk/client-kinesis";
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from "aws-lambda";
import { DEFAULT_RESPONSE_BUDGET_BYTES, processBatch, type ReingestRecord } from "./transform";

/** PutRecords request limits. */
export const PUT_RECORDS_MAX_RECORDS = 500;
export const PUT_RECORDS_MAX_BYTES = 5 * 1024 * 1024;

/** The subset of KinesisClient the handler uses, so tests can pass a fake. */
export interface PutRecordsClient {
  send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput>;
}

export interface HandlerDeps {
  /** Created lazily on first re-ingestion when omitted. */
  readonly kinesis?: PutRecordsClient;
  readonly responseBudgetBytes?: number;
  /** Total PutRecords attempts per chunk, the first one included. */
  readonly maxPutAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log?: (line: string) => void;
}

export class ReingestError extends Error {
  override name = "ReingestError";
}

/** Greedy, order-preserving split into PutRecords-sized chunks (data + partition key count). */
export function chunkForPutRecords(
  entries: readonly PutRecordsRequestEntry[],
  maxRecords: number = PUT_RECORDS_MAX_RECORDS,
  maxBytes: number = PUT_RECORDS_MAX_BYTES,
): PutRecordsRequestEntry[][] {
  const chunks: PutRecordsRequestEntry[][] = [];
  let current: PutRecordsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = (entry.Data?.byteLength ?? 0) + Buffer.byteLength(entry.PartitionKey ?? "", "utf8");
    if (current.length > 0 && (current.length >= maxRecords || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) {
    chunks.push(current);
  }
  return chunks;
}

function failedEntries(
  sent: readonly PutRecordsRequestEntry[],
  output: PutRecordsCommandOutput,
): PutRecordsRequestEntry[] {
  if (output.FailedRecordCount === 0) {
    return [];
  }
  // A missing result entry is treated as failed: a duplicate beats a silent loss.
  return sent.filter((_, i) => {
    const res = output.Records?.[i];
    return res === undefined || res.ErrorCode !== undefined || res.SequenceNumber === undefined;
  });
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function putRecordsWithRetry(
  kinesis: PutRecordsClient,
  streamArn: string,
  entries: readonly PutRecordsRequestEntry[],
  maxAttempts: number,
  sleep: (ms: number) => Promise<void> = defaultSleep,
): Promise<void> {
  for (const chunk of chunkForPutRecords(entries)) {
    let pending = chunk;
    let lastError = "";
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > maxAttempts) {
        throw new ReingestError(
          `${pending.length} record(s) still failing after ${maxAttempts} PutRecords attempts: ${lastError}`,
        );
      }
      if (attempt > 1) {
        await sleep(100 * 2 ** (attempt - 2));
      }
      const output = await kinesis.send(new PutRecordsCommand({ StreamARN: streamArn, Records: pending }));
      const firstError = output.Records?.find((r) => r.ErrorCode !== undefined);
      if (firstError) {
        lastError = `${firstError.ErrorCode}: ${firstError.ErrorMessage ?? ""}`;
      }
      pending = failedEntries(pending, output);
    }
  }
}

function toPutEntries(records: readonly ReingestRecord[]): PutRecordsRequestEntry[] {
  // Random keys spread the re-put load over all shards; ordering across records is not needed.
  return records.map((r) => ({ Data: Buffer.from(r.data, "base64"), PartitionKey: randomUUID() }));
}

export function createHandler(
  deps: HandlerDeps = {},
): (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult> {
  let kinesis = deps.kinesis;
  const budget = deps.responseBudgetBytes ?? DEFAULT_RESPONSE_BUDGET_BYTES;
  const maxAttempts = deps.maxPutAttempts ?? 4;
  const log = deps.log ?? ((line: string) => console.log(line));

  return async (event) => {
    const plan = processBatch(event.records, budget);
    const counts = { Ok: 0, Dropped: 0, ProcessingFailed: 0 };
    for (const r of plan.response.records) {
      counts[r.result]++;
    }
    log(
      JSON.stringify({
        invocationId: event.invocationId,
        records: event.records.length,
        ...counts,
        reingested: plan.reingest.length,
        responseBytes: plan.responseBytes,
      }),
    );
    // Its own line, so the summary's shape stays what dashboards read.
    const pieces = plan.reingest.filter((r) => r.piece !== undefined);
    if (pieces.length > 0) {
      log(
        JSON.stringify({
          invocationId: event.invocationId,
          split: new Set(pieces.map((r) => r.recordId)).size,
          pieces: pieces.length,
        }),
      );
    }

    if (plan.reingest.length > 0) {
      const streamArn = event.sourceKinesisStreamArn;
      if (!streamArn) {
        // Without a source stream the overflow has nowhere to go; failing makes Firehose retry.
        throw new ReingestError(`${plan.reingest.length} record(s) overflow but event has no source stream`);
      }
      kinesis ??= new KinesisClient({});
      await putRecordsWithRetry(kinesis, streamArn, toPutEntries(plan.reingest), maxAttempts, deps.sleep);
    }
    return plan.response;
  };
}

export const handler = createHandler();
