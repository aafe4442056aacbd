import { gunzipSync, gzipSync } from "node:zlib";
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

/**
 * processBatch's ceiling: a record past the response budget is split rather than failed, so it may
 * inflate further; 32x a 1 MiB Kinesis record still leaves a 512 MB Lambda ample room to split it.
 */
export const BATCH_MAX_DECOMPRESSED_BYTES = 32_000_000;

/** PutRecords' limit on one record's data plus partition key (a 36-character UUID here). */
export const KINESIS_MAX_RECORD_BYTES = 1024 * 1024 - 36;

/**
 * A split piece must fit a future response alone, under a record id Firehose has yet to assign:
 * reserve this many bytes for that id's JSON.
 */
export const RECORD_ID_ALLOWANCE_BYTES = 512;

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

/**
 * Strict base64 decoding: the bytes when `data` is base64 (standard alphabet, length a multiple of
 * 4, at most two `=` at the end), else undefined, so garbage is reported as such: Buffer.from
 * silently skips what it cannot read, reads the URL-safe `-` and `_`, and reads a character past
 * U+00FF by its low byte. Among one-byte (ASCII) characters, a skipped one costs at least one byte
 * of the length 4n characters with p `=` must give (3n - p), so an ASCII string of that decoded
 * length without `-` and `_` is base64; no re-encoding or regex over every character (a property
 * test holds it equal to the regex).
 */
export function base64Bytes(data: string): Buffer | undefined {
  if (data.length === 0 || data.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(data, "base64");
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return bytes.length === (data.length / 4) * 3 - padding &&
    data.indexOf("-") === -1 &&
    data.indexOf("_") === -1 &&
    // Any non-ASCII character takes more than one UTF-8 byte.
    Buffer.byteLength(data, "utf8") === data.length
    ? bytes
    : undefined;
}

const NOT_BASE64 = { ok: false, stage: "base64", reason: "data is not valid base64" } as const;

export function decodeRecordData(data: string, options: TransformOptions = {}): DecodeResult {
  const bytes = base64Bytes(data);
  return bytes === undefined ? NOT_BASE64 : decodeRecordBytes(bytes, options);
}

type Inflated =
  | { readonly ok: true; readonly json: Buffer; readonly envelope: CloudWatchLogsEnvelope }
  | { readonly ok: false; readonly stage: DecodeStage; readonly reason: string };

// zlib's default 16 KiB output chunks cost a Buffer.concat (and an allocation per chunk) for every
// record: CloudTrail envelopes inflate ~13x, to ~80 KB.
const MIN_CHUNK_BYTES = 16 * 1024;
const MAX_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * An output chunk size that holds the whole inflated record, so gunzip returns its one chunk as is.
 * A gzip member ends with its uncompressed size (mod 2^32): a hint only, as the data is untrusted,
 * so it is bounded; a wrong hint costs at most another chunk (or some unused bytes), never output.
 * One byte more than the size lets zlib reach the stream's end without asking for another chunk.
 */
export function gunzipChunkSize(bytes: Uint8Array, maxOutputBytes: number): number {
  const n = bytes.length;
  if (n < 18) return MIN_CHUNK_BYTES;
  const size = (bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16) | (bytes[n - 1]! << 24)) >>> 0;
  return Math.max(MIN_CHUNK_BYTES, Math.min(size + 1, maxOutputBytes + 1, MAX_CHUNK_BYTES));
}

/** Like decodeRecordBytes, keeping the inflated JSON so it can be passed on without re-serializing. */
function inflateEnvelope(bytes: Uint8Array, maxDecompressedBytes: number): Inflated {
  let json: Buffer;
  try {
    json = gunzipSync(bytes, {
      maxOutputLength: maxDecompressedBytes,
      chunkSize: gunzipChunkSize(bytes, maxDecompressedBytes),
    });
  } catch (err) {
    return {
      ok: false,
      stage: "gzip",
      reason: `gunzip failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString("utf8"));
  } catch {
    return { ok: false, stage: "json", reason: "decompressed data is not JSON" };
  }
  if (!isCloudWatchLogsEnvelope(parsed)) {
    return { ok: false, stage: "envelope", reason: "JSON is not a CloudWatch Logs subscription envelope" };
  }
  return { ok: true, json, envelope: parsed };
}

/** A record's payload as CloudWatch Logs writes it (gzip of one envelope), already base64-decoded. */
export function decodeRecordBytes(bytes: Uint8Array, options: TransformOptions = {}): DecodeResult {
  const inflated = inflateEnvelope(bytes, options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES);
  return inflated.ok ? { ok: true, envelope: inflated.envelope } : inflated;
}

/**
 * The envelope's line without its newline. A raw CR or LF in valid JSON can only be whitespace
 * between tokens, so without either the decoded bytes already are one line (CloudWatch Logs writes
 * compact JSON) and pass through as they are: no re-serializing, big numbers kept exactly.
 * Otherwise the envelope is re-serialized compactly, so S3 objects stay one envelope per line.
 */
function lineBody(json: Buffer, envelope: CloudWatchLogsEnvelope): Buffer {
  return json.indexOf(0x0a) === -1 && json.indexOf(0x0d) === -1
    ? json
    : Buffer.from(JSON.stringify(envelope), "utf8");
}

/** base64 of the last (length % 3) bytes of `body` followed by "\n": 4 characters. */
function base64Tail(body: Buffer, whole: number): string {
  const tail = Buffer.allocUnsafe(body.length - whole + 1);
  body.copy(tail, 0, whole);
  tail[tail.length - 1] = 0x0a;
  return tail.toString("base64");
}

/** base64 of `body` + "\n", without copying the body to append the newline. */
function base64Line(body: Buffer): string {
  const whole = body.length - (body.length % 3);
  return body.toString("base64", 0, whole) + base64Tail(body, whole);
}

/**
 * Encodes Ok lines as they are decoded, while their base64 can still fit the budget: a line past
 * that could not be kept, so it is not encoded (it is re-put from its original data). Encoding at
 * once lets each inflated buffer die young; holding them until planning, or encoding the batch as
 * one large (external) string, cost more in garbage collection than the encoding itself.
 */
class LineEncoder {
  private used = 0;
  private full = false;

  /** `capacity`: base64 characters of the whole budget. */
  constructor(private readonly capacity: number) {}

  encode(body: Buffer): string | undefined {
    const chars = base64Length(body.length + 1);
    if (this.full || this.used + chars > this.capacity) {
      this.full = true;
      return undefined;
    }
    this.used += chars;
    return base64Line(body);
  }
}

/** Keys are always built in the order recordId, result, data: the planner's byte counts rely on it. */
function failed(record: FirehoseTransformationEventRecord): FirehoseTransformationResultRecord {
  return { recordId: record.recordId, result: "ProcessingFailed", data: record.data };
}

export function transformRecord(
  record: FirehoseTransformationEventRecord,
  options: TransformOptions = {},
): FirehoseTransformationResultRecord {
  const bytes = base64Bytes(record.data);
  const decoded =
    bytes === undefined
      ? NOT_BASE64
      : inflateEnvelope(bytes, options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES);
  if (!decoded.ok) {
    return failed(record);
  }
  // A CONTROL_MESSAGE (CloudWatch Logs' destination health check) is kept like data: Firehose's
  // partitioning query files it under its own area, never among the log data.
  return {
    recordId: record.recordId,
    result: "Ok",
    data: base64Line(lineBody(decoded.json, decoded.envelope)),
  };
}

// ---- Sizes, computed rather than serialized -------------------------------------------------

/** Length of the base64 text of `bytes` bytes. */
export function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

// Printable ASCII other than `"` and `\`: JSON.stringify only adds the quotes.
const PLAIN_JSON_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** UTF-8 size of JSON.stringify(s). */
export function jsonStringBytes(s: string): number {
  return PLAIN_JSON_STRING.test(s) ? s.length + 2 : Buffer.byteLength(JSON.stringify(s), "utf8");
}

// `{"recordId":` + id + `,"result":"` + result + `"` [+ `,"data":` + data] + `}`
const ENTRY_FIXED_BYTES = 25;
const DATA_MEMBER_FIXED_BYTES = 8;

/**
 * UTF-8 size of JSON.stringify({ recordId, result, data }) from the JSON sizes of the id and of
 * the data (undefined: no data member).
 */
export function entryBytesFrom(recordIdJsonBytes: number, result: string, dataJsonBytes?: number): number {
  return (
    ENTRY_FIXED_BYTES +
    recordIdJsonBytes +
    result.length +
    (dataJsonBytes === undefined ? 0 : DATA_MEMBER_FIXED_BYTES + dataJsonBytes)
  );
}

/** UTF-8 size of JSON.stringify(entry). */
export function entryBytes(entry: FirehoseTransformationResultRecord): number {
  for (const key in entry) {
    // Anything beyond the three members (metadata) is rare enough to be measured by serializing.
    if (key !== "recordId" && key !== "result" && key !== "data") {
      return Buffer.byteLength(JSON.stringify(entry), "utf8");
    }
  }
  return entryBytesFrom(
    jsonStringBytes(entry.recordId),
    entry.result,
    entry.data === undefined ? undefined : jsonStringBytes(entry.data),
  );
}

const RESPONSE_FRAME_BYTES = Buffer.byteLength('{"records":[]}', "utf8");

// ---- Splitting a record too large to return ---------------------------------------------------

/** A valid CloudWatch Logs subscription record holding a subset of an envelope's log events. */
export interface SplitPiece {
  readonly envelope: CloudWatchLogsEnvelope;
  /** gzip of JSON.stringify(envelope), as CloudWatch Logs would have written it. */
  readonly gzipped: Buffer;
}

/** Whether an envelope line of `lineBytes` (newline excluded) fits a response alone, under any id. */
export function fitsAlone(lineBytes: number, budgetBytes: number): boolean {
  const entry = entryBytesFrom(RECORD_ID_ALLOWANCE_BYTES, "Ok", base64Length(lineBytes + 1) + 2);
  return RESPONSE_FRAME_BYTES + entry <= budgetBytes;
}

/** Where to cut `events` so both sides carry about the same bytes; each keeps at least one event. */
function midpoint(events: readonly CloudWatchLogsLogEvent[]): number {
  const weight = (e: CloudWatchLogsLogEvent) => e.message.length + e.id.length + 40;
  let total = 0;
  for (const e of events) total += weight(e);
  let sum = 0;
  let i = 0;
  while (i < events.length - 1 && (sum + weight(events[i]!)) * 2 <= total) {
    sum += weight(events[i]!);
    i++;
  }
  return Math.min(Math.max(i, 1), events.length - 1);
}

function splitInto(
  envelope: CloudWatchLogsEnvelope,
  events: CloudWatchLogsLogEvent[],
  budgetBytes: number,
  out: SplitPiece[],
): boolean {
  const piece = { ...envelope, logEvents: events };
  const json = Buffer.from(JSON.stringify(piece), "utf8");
  if (fitsAlone(json.length, budgetBytes)) {
    const gzipped = gzipSync(json);
    if (gzipped.length <= KINESIS_MAX_RECORD_BYTES) {
      out.push({ envelope: piece, gzipped });
      return true;
    }
  }
  if (events.length < 2) return false;
  const mid = midpoint(events);
  return (
    splitInto(envelope, events.slice(0, mid), budgetBytes, out) &&
    splitInto(envelope, events.slice(mid), budgetBytes, out)
  );
}

/**
 * Splits an envelope too large to return into halves (and halves of those, as needed) by its log
 * events, in order, each piece fitting a response alone and a Kinesis record. Undefined when it
 * cannot: fewer than two events, or a single event too large by itself.
 */
export function splitEnvelope(
  envelope: CloudWatchLogsEnvelope,
  budgetBytes: number,
): SplitPiece[] | undefined {
  const events = envelope.logEvents;
  if (events.length < 2) return undefined;
  const out: SplitPiece[] = [];
  const mid = midpoint(events);
  return splitInto(envelope, events.slice(0, mid), budgetBytes, out) &&
    splitInto(envelope, events.slice(mid), budgetBytes, out)
    ? out
    : undefined;
}

// ---- Planning the response -------------------------------------------------------------------

export interface PlanInput {
  /** The record exactly as Firehose delivered it (data is the original gzipped payload, base64). */
  readonly record: FirehoseTransformationEventRecord;
  /** What transformRecord produced for it. */
  readonly result: FirehoseTransformationResultRecord;
}

export interface ReingestRecord {
  readonly recordId: string;
  /**
   * Base64 of the payload to put back: the original (still gzipped) payload as received from
   * Firehose, or, for a record split for size, one piece of it.
   */
  readonly data: string;
  /** Set on the pieces of a split record: 1-based position among its pieces. */
  readonly piece?: number;
}

export interface ResponsePlan {
  readonly response: FirehoseTransformationResult;
  /** Records answered as Dropped only for lack of space (or split): put them back on the source stream. */
  readonly reingest: ReingestRecord[];
  /** Exact UTF-8 size of JSON.stringify(response). */
  readonly responseBytes: number;
}

export class ResponseBudgetError extends Error {
  override name = "ResponseBudgetError";
}

/** One record's answer as the planner sees it: its size, and the entry built only when kept. */
interface Sized {
  readonly recordId: string;
  /** The original payload, re-ingested when the record overflows. */
  readonly original: string;
  readonly result: FirehoseTransformationResultRecord["result"];
  readonly bytes: number;
  readonly droppedBytes: number;
  readonly entry: () => FirehoseTransformationResultRecord;
  /** A Dropped record split for size: these go back to the stream instead. */
  readonly pieces?: readonly ReingestRecord[];
}

/**
 * Keeps the longest prefix of results whose response fits in `budgetBytes`; every later record that
 * still needs delivering is answered as Dropped and listed for re-ingestion. O(records): sizes are
 * known up front and the response size is tracked as a running sum.
 */
function plan(inputs: readonly Sized[], budgetBytes: number): ResponsePlan {
  const n = inputs.length;
  // Baseline: every record answered as Dropped, plus the separators and the frame.
  let total = RESPONSE_FRAME_BYTES + Math.max(n - 1, 0);
  for (const input of inputs) {
    if (input.result !== "Dropped" && RESPONSE_FRAME_BYTES + input.bytes > budgetBytes) {
      throw new ResponseBudgetError(
        `record ${input.recordId} (${input.bytes} bytes) cannot fit in ${budgetBytes}`,
      );
    }
    total += input.droppedBytes;
  }
  if (total > budgetBytes) {
    throw new ResponseBudgetError(`${n} records need ${total} bytes even when all are Dropped`);
  }

  const out: FirehoseTransformationResultRecord[] = new Array(n);
  const reingest: ReingestRecord[] = [];
  let overflowing = false;
  for (let i = 0; i < n; i++) {
    const input = inputs[i]!;
    if (input.result === "Dropped") {
      out[i] = input.entry();
      if (input.pieces) reingest.push(...input.pieces);
      continue;
    }
    const grown = total - input.droppedBytes + input.bytes;
    if (!overflowing && grown <= budgetBytes) {
      out[i] = input.entry();
      total = grown;
      continue;
    }
    // Strict prefix: once one record overflows, all later ones go back to the stream, which keeps
    // the delivered order closest to the source order.
    overflowing = true;
    out[i] = { recordId: input.recordId, result: "Dropped" };
    reingest.push({ recordId: input.recordId, data: input.original });
  }
  return { response: { records: out }, reingest, responseBytes: total };
}

/**
 * planResponse over results already made. Throws ResponseBudgetError when no plan can fit (a record
 * too large to be returned even alone, or too many records for even an all-Dropped answer):
 * re-ingesting would then loop forever, whereas a failed invocation makes Firehose retry and
 * finally write the batch under its error prefix.
 */
export function planResponse(
  inputs: readonly PlanInput[],
  budgetBytes: number = DEFAULT_RESPONSE_BUDGET_BYTES,
): ResponsePlan {
  const sized = inputs.map(({ record, result }, i): Sized => {
    if (result.recordId !== record.recordId) {
      throw new Error(`result ${i} is for ${result.recordId}, not ${record.recordId}`);
    }
    let entry = result;
    let bytes = entryBytes(entry);
    // A transformed record that cannot fit even alone would be re-ingested forever: fail it instead
    // so Firehose stores the original under the error prefix.
    if (entry.result === "Ok" && RESPONSE_FRAME_BYTES + bytes > budgetBytes) {
      entry = failed(record);
      bytes = entryBytes(entry);
    }
    const kept = entry;
    return {
      recordId: record.recordId,
      original: record.data,
      result: kept.result,
      bytes,
      droppedBytes:
        kept.result === "Dropped" ? bytes : entryBytesFrom(jsonStringBytes(kept.recordId), "Dropped"),
      entry: () => kept,
    };
  });
  return plan(sized, budgetBytes);
}

function sizeRecord(
  record: FirehoseTransformationEventRecord,
  budgetBytes: number,
  maxDecompressedBytes: number,
  encoder: LineEncoder,
): Sized {
  const { recordId, data } = record;
  const idBytes = jsonStringBytes(recordId);
  const droppedBytes = entryBytesFrom(idBytes, "Dropped");
  const bytes = base64Bytes(data);
  const decoded = bytes === undefined ? NOT_BASE64 : inflateEnvelope(bytes, maxDecompressedBytes);
  if (decoded.ok) {
    const body = lineBody(decoded.json, decoded.envelope);
    const okBytes = entryBytesFrom(idBytes, "Ok", base64Length(body.length + 1) + 2);
    if (RESPONSE_FRAME_BYTES + okBytes <= budgetBytes) {
      const line = encoder.encode(body);
      return {
        recordId,
        original: data,
        result: "Ok",
        bytes: okBytes,
        droppedBytes,
        entry: () => {
          if (line === undefined) throw new Error(`record ${recordId} was kept past the budget's lines`);
          return { recordId, result: "Ok", data: line };
        },
      };
    }
    // Too large to return even alone: put it back as pieces that each fit.
    const pieces = splitEnvelope(decoded.envelope, budgetBytes);
    if (pieces) {
      return {
        recordId,
        original: data,
        result: "Dropped",
        bytes: droppedBytes,
        droppedBytes,
        entry: () => ({ recordId, result: "Dropped" }),
        pieces: pieces.map((p, i) => ({ recordId, data: p.gzipped.toString("base64"), piece: i + 1 })),
      };
    }
  }
  // Not a subscription record, or one that no split can make fit: stored under the error prefix.
  // Validated base64 needs no escaping in JSON.
  const dataBytes = bytes === undefined ? jsonStringBytes(data) : data.length + 2;
  return {
    recordId,
    original: data,
    result: "ProcessingFailed",
    bytes: entryBytesFrom(idBytes, "ProcessingFailed", dataBytes),
    droppedBytes,
    entry: () => failed(record),
  };
}

/**
 * Every record transformed and the response planned, as the Lambda answers a batch. Unlike
 * transformRecord + planResponse, a record too large to return even alone is split by its log
 * events and re-put as pieces (answered Dropped) rather than failed, and no record past a full
 * budget is base64-encoded.
 */
export function processBatch(
  records: readonly FirehoseTransformationEventRecord[],
  budgetBytes: number = DEFAULT_RESPONSE_BUDGET_BYTES,
  options: TransformOptions = {},
): ResponsePlan {
  const max = options.maxDecompressedBytes ?? BATCH_MAX_DECOMPRESSED_BYTES;
  // No line past a full budget of base64 can be kept.
  const encoder = new LineEncoder(Math.max(0, budgetBytes - RESPONSE_FRAME_BYTES));
  return plan(
    records.map((record) => sizeRecord(record, budgetBytes, max, encoder)),
    budgetBytes,
  );
}
