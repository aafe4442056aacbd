/**
 * What to put back for one failed record: an EventBridge event from a dead-letter queue, or a
 * record Firehose wrote under `errors/` in the archive. Pure.
 *
 * Firehose error records (the S3 destination's error output, one JSON object per record). Only
 * these fields are relied on:
 * - `rawData` (required): base64 of the record's data. For `processing-failed` this is the record
 *   as Firehose received it (the gunzip Lambda answers ProcessingFailed with the original data);
 *   for failures after processing (dynamic partitioning, `activePartitionExceeded`, S3 delivery
 *   after the retry duration) it may be the processed data instead, which is why both forms are
 *   accepted below;
 * - `errorCode` (optional): only to group the counts.
 * `errorMessage`, `attemptsMade`, `arrivalTimestamp`, `attemptEndingTimestamp`, `lambdaArn` and
 * anything else are kept in the object untouched but not read. The error output type is the path
 * segment after `errors/<area>/` (`!{firehose:error-output-type}`, infra/archive/layout.ts).
 */
import { gunzipSync, gzipSync } from "node:zlib";
import {
  BATCH_MAX_DECOMPRESSED_BYTES,
  decodeRecordBytes,
  isCloudWatchLogsEnvelope,
} from "../../infra/archive/cwlToFirehose/transform";
import { DEFAULT_MAX_INPUT_BYTES, splitConcatenated } from "../decode/decode";
import type { ErrorArea } from "./targets";

export type RecordAction =
  | { readonly kind: string; readonly action: "put"; readonly data: Uint8Array }
  | { readonly kind: string; readonly action: "fail"; readonly reason: string }
  | { readonly kind: string; readonly action: "leave"; readonly reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * What the events Firehose needs of a record: a JSON object with the `account` its partitioning
 * query reads. EventBridge delivers events without a trailing newline (the Firehose's
 * AppendDelimiterToRecord adds it); a processed record may carry it, so one is dropped.
 */
function eventRecord(text: string): string | undefined {
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  try {
    const value: unknown = JSON.parse(body);
    return isRecord(value) && typeof value.account === "string" ? body : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An events dead-letter message: its body is the event as the rule's target would have received it
 * (no input transformer here), put into the events Firehose byte for byte, exactly as the bus
 * rule's Firehose target writes it. EventBridge's message attributes name the error.
 */
export function planEventMessage(body: string, attributes: Readonly<Record<string, string>>): RecordAction {
  const kind = attributes.ERROR_CODE ?? "event";
  const event = eventRecord(body);
  return event === undefined
    ? { kind, action: "leave", reason: "not an EventBridge event (no JSON object with an account)" }
    : { kind, action: "put", data: Buffer.from(event, "utf8") };
}

/** One JSON value of an error object: its text as written, and the record when it is one. */
export interface ErrorEntry {
  readonly text: string;
  readonly rawData?: Buffer;
  readonly errorCode?: string;
  readonly problem?: string;
}

export type ParsedObject =
  | { readonly ok: true; readonly gzip: boolean; readonly entries: ErrorEntry[] }
  | { readonly ok: false; readonly reason: string };

const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** The error objects are GZIP like the data (the Firehoses compress); plain ones are read too. */
export function parseErrorObject(
  bytes: Uint8Array,
  maxBytes: number = DEFAULT_MAX_INPUT_BYTES,
): ParsedObject {
  const gzip = isGzip(bytes);
  let text: string;
  try {
    text = (gzip ? gunzipSync(bytes, { maxOutputLength: maxBytes }) : Buffer.from(bytes)).toString("utf8");
  } catch (err) {
    return { ok: false, reason: `gunzip failed: ${err instanceof Error ? err.message : String(err)}` };
  }
  const entries: ErrorEntry[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    // One record a line; values written back to back are split, braces in strings respected.
    const values = parses(line) ? [line] : splitConcatenated(line);
    for (const value of values) entries.push(errorEntry(value));
  }
  return { ok: true, gzip, entries };
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function errorEntry(text: string): ErrorEntry {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { text, problem: "not JSON" };
  }
  if (!isRecord(value) || typeof value.rawData !== "string") {
    return { text, problem: "not a Firehose error record (no rawData)" };
  }
  const rawData = Buffer.from(value.rawData, "base64");
  // Buffer.from skips what is not base64: a round trip tells.
  if (rawData.toString("base64") !== value.rawData) return { text, problem: "rawData is not base64" };
  return { text, rawData, ...(typeof value.errorCode === "string" ? { errorCode: value.errorCode } : {}) };
}

/**
 * What to put back for one entry of `errors/<area>/<errorType>/...`. Log records go back gzipped,
 * as CloudWatch Logs writes them (the stream's readers and the direct-put Firehose un-gzip);
 * a record the pipeline's own decoder refuses would only fail again, so it is kept.
 */
export function planErrorEntry(area: ErrorArea, errorType: string, entry: ErrorEntry): RecordAction {
  const kind = entry.errorCode ? `${errorType}/${entry.errorCode}` : errorType;
  if (entry.rawData === undefined) return { kind, action: "leave", reason: entry.problem ?? "no rawData" };
  const raw = entry.rawData;
  if (area === "events") {
    const body = eventRecord(raw.toString("utf8"));
    return body === undefined
      ? {
          kind,
          action: "fail",
          reason: "rawData is not an EventBridge event (no JSON object with an account)",
        }
      : { kind, action: "put", data: Buffer.from(body, "utf8") };
  }
  const decoded = decodeRecordBytes(raw, { maxDecompressedBytes: BATCH_MAX_DECOMPRESSED_BYTES });
  if (decoded.ok) return { kind, action: "put", data: raw };
  if (decoded.stage === "gzip") {
    // Already un-gzipped by the processor: one envelope (a line).
    const text = raw.toString("utf8").trimEnd();
    try {
      if (isCloudWatchLogsEnvelope(JSON.parse(text))) return { kind, action: "put", data: gzipSync(text) };
    } catch {
      // Neither gzip nor an envelope: reported below.
    }
  }
  return { kind, action: "fail", reason: `rawData would fail again: ${decoded.reason}` };
}

/** The error output type of an object key under `prefix` (`errors/<area>/`). */
export function errorTypeOf(key: string, prefix: string): string {
  const rest = key.startsWith(prefix) ? key.slice(prefix.length) : key;
  const slash = rest.indexOf("/");
  return slash <= 0 ? "unknown" : rest.slice(0, slash);
}

/** The object rewritten with only the entries still to replay, as written, one a line. */
export function remainderObject(gzip: boolean, entries: readonly ErrorEntry[]): Buffer {
  const text = Buffer.from(entries.map((e) => `${e.text}\n`).join(""), "utf8");
  return gzip ? gzipSync(text) : text;
}
