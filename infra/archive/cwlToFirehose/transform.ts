import { gunzipSync } from "node:zlib";
import type {
  FirehoseTransformationEventRecord,
  FirehoseTransformationResult,
  FirehoseTransformationResultRecord,
} from "aws-lambda";

/** Lambda's synchronous response limit is 6 MiB; 6,000,000 bytes leaves headroom for the runtime. */
export const DEFAULT_RESPONSE_BUDGET_BYTES = 6_000_000;

/**
 * Anything that decompresses beyond this can never be returned base64-encoded within the default
 * budget, so stop inflating early instead of letting a gzip bomb exhaust the Lambda's memory.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 6_000_000;

export interface CloudWatchLogsLogEvent {
  id: string;
  timestamp: number;
  message: string;
}

export interface CloudWatchLogsEnvelope {
  messageType: "DATA_MESSAGE" | "CONTROL_MESSAGE";
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: CloudWatchLogsLogEvent[];
}

/** Which step refused the record, so tools can say "not gzip" rather than parse the reason. */
export type DecodeStage = "base64" | "gzip" | "json" | "envelope";

export type DecodeResult =
  | { readonly ok: true; readonly envelope: CloudWatchLogsEnvelope }
  | { readonly ok: false; readonly stage: DecodeStage; readonly reason: string };

export interface TransformOptions {
  readonly maxDecompressedBytes?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isLogEvent(value: unknown): value is CloudWatchLogsLogEvent {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    typeof value.timestamp === "number" &&
    Number.isFinite(value.timestamp) &&
    typeof value.message === "string"
  );
}

/** Extra fields (e.g. policyLevel, extractedFields) are allowed: they are passed through untouched. */
export function isCloudWatchLogsEnvelope(value: unknown): value is CloudWatchLogsEnvelope {
  return (
    isRecord(value) &&
    (value.messageType === "DATA_MESSAGE" || value.messageType === "CONTROL_MESSAGE") &&
    typeof value.owner === "string" &&
    typeof value.logGroup === "string" &&
    typeof value.logStream === "string" &&
    Array.isArray(value.subscriptionFilters) &&
    value.subscriptionFilters.every((f) => typeof f === "string") &&
    Array.isArray(value.logEvents) &&
    value.logEvents.every(isLogEvent)
  );
}

// Buffer.from(s, "base64") silently skips invalid characters; be strict so garbage is reported as such.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodeRecordData(data: string, options: TransformOptions = {}): DecodeResult {
  if (data.length === 0 || data.length % 4 !== 0 || !BASE64.test(data)) {
    return { ok: false, stage: "base64", reason: "data is not valid base64" };
  }
  return decodeRecordBytes(Buffer.from(data, "base64"), options);
}

/** A record's payload as CloudWatch Logs writes it (gzip of one envelope), already base64-decoded. */
export function decodeRecordBytes(bytes: Uint8Array, options: TransformOptions = {}): DecodeResult {
  let json: string;
  try {
    const inflated = gunzipSync(bytes, {
      maxOutputLength: options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES,
    });
    json = inflated.toString("utf8");
  } catch (err) {
    return {
      ok: false,
      stage: "gzip",
      reason: `gunzip failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { ok: false, stage: "json", reason: "decompressed data is not JSON" };
  }
  if (!isCloudWatchLogsEnvelope(parsed)) {
    return { ok: false, stage: "envelope", reason: "JSON is not a CloudWatch Logs subscription envelope" };
  }
  return { ok: true, envelope: parsed };
}

/** Keys are always built in the order recordId, result, data: the planner's byte counts rely on it. */
function failed(record: FirehoseTransformationEventRecord): FirehoseTransformationResultRecord {
  return { recordId: record.recordId, result: "ProcessingFailed", data: record.data };
}

export function transformRecord(
  record: FirehoseTransformationEventRecord,
  options: TransformOptions = {},
): FirehoseTransformationResultRecord {
  const decoded = decodeRecordData(record.data, options);
  if (!decoded.ok) {
    return failed(record);
  }
  // A CONTROL_MESSAGE (CloudWatch Logs' destination health check) is kept like data: Firehose's
  // partitioning query files it under its own area, never among the log data.
  // Newline-delimited so the S3 objects Firehose concatenates are one envelope per line.
  const line = `${JSON.stringify(decoded.envelope)}\n`;
  return { recordId: record.recordId, result: "Ok", data: Buffer.from(line, "utf8").toString("base64") };
}

export interface PlanInput {
  /** The record exactly as Firehose delivered it (data is the original gzipped payload, base64). */
  readonly record: FirehoseTransformationEventRecord;
  /** What transformRecord produced for it. */
  readonly result: FirehoseTransformationResultRecord;
}

export interface ReingestRecord {
  readonly recordId: string;
  /** The original (still gzipped) payload, base64 as received from Firehose. */
  readonly data: string;
}

export interface ResponsePlan {
  readonly response: FirehoseTransformationResult;
  /** Records answered as Dropped only for lack of space: put them back on the source stream. */
  readonly reingest: ReingestRecord[];
  /** Exact UTF-8 size of JSON.stringify(response). */
  readonly responseBytes: number;
}

export class ResponseBudgetError extends Error {
  override name = "ResponseBudgetError";
}

const RESPONSE_FRAME_BYTES = Buffer.byteLength('{"records":[]}', "utf8");

function entryBytes(entry: FirehoseTransformationResultRecord): number {
  return Buffer.byteLength(JSON.stringify(entry), "utf8");
}

/**
 * Keeps the longest prefix of results whose response fits in `budgetBytes`; every later record that
 * still needs delivering is answered as Dropped and listed for re-ingestion. Runs in O(total size):
 * each entry is serialized once and the response size is tracked as a running sum.
 *
 * Throws ResponseBudgetError when no plan can fit (a record too large to be returned even alone, or
 * too many records for even an all-Dropped answer): re-ingesting would then loop forever, whereas a
 * failed invocation makes Firehose retry and finally write the batch under its error prefix.
 */
export function planResponse(
  inputs: readonly PlanInput[],
  budgetBytes: number = DEFAULT_RESPONSE_BUDGET_BYTES,
): ResponsePlan {
  const n = inputs.length;
  const results: FirehoseTransformationResultRecord[] = new Array(n);
  const full: number[] = new Array(n);
  const dropped: number[] = new Array(n);
  // Baseline: every record answered as Dropped, plus the separators and the frame.
  let total = RESPONSE_FRAME_BYTES + Math.max(n - 1, 0);

  for (let i = 0; i < n; i++) {
    const { record, result } = inputs[i]!;
    if (result.recordId !== record.recordId) {
      throw new Error(`result ${i} is for ${result.recordId}, not ${record.recordId}`);
    }
    let entry = result;
    let size = entryBytes(entry);
    // A transformed record that cannot fit even alone would be re-ingested forever: fail it instead
    // so Firehose stores the original under the error prefix.
    if (entry.result === "Ok" && RESPONSE_FRAME_BYTES + size > budgetBytes) {
      entry = failed(record);
      size = entryBytes(entry);
    }
    if (entry.result !== "Dropped" && RESPONSE_FRAME_BYTES + size > budgetBytes) {
      throw new ResponseBudgetError(`record ${record.recordId} (${size} bytes) cannot fit in ${budgetBytes}`);
    }
    results[i] = entry;
    full[i] = size;
    dropped[i] =
      entry.result === "Dropped" ? size : entryBytes({ recordId: entry.recordId, result: "Dropped" });
    total += dropped[i]!;
  }
  if (total > budgetBytes) {
    throw new ResponseBudgetError(`${n} records need ${total} bytes even when all are Dropped`);
  }

  const out: FirehoseTransformationResultRecord[] = new Array(n);
  const reingest: ReingestRecord[] = [];
  let overflowing = false;
  for (let i = 0; i < n; i++) {
    const entry = results[i]!;
    if (entry.result === "Dropped") {
      out[i] = entry;
      continue;
    }
    const grown = total - dropped[i]! + full[i]!;
    if (!overflowing && grown <= budgetBytes) {
      out[i] = entry;
      total = grown;
      continue;
    }
    // Strict prefix: once one record overflows, all later ones go back to the stream, which keeps
    // the delivered order closest to the source order.
    overflowing = true;
    out[i] = { recordId: entry.recordId, result: "Dropped" };
    reingest.push({ recordId: entry.recordId, data: inputs[i]!.record.data });
  }

  return { response: { records: out }, reingest, responseBytes: total };
}

/** transformRecord over a batch, then planResponse. */
export function processBatch(
  records: readonly FirehoseTransformationEventRecord[],
  budgetBytes: number = DEFAULT_RESPONSE_BUDGET_BYTES,
  options: TransformOptions = {},
): ResponsePlan {
  return planResponse(
    records.map((record) => ({ record, result: transformRecord(record, options) })),
    budgetBytes,
  );
}
