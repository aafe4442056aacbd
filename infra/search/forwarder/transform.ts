/**
 * Pure part of the forwarder: a Kinesis record's data (base64 of a gzipped CloudWatch Logs
 * envelope) -> one OpenSearch document per log event, serialized as bulk `index` lines.
 *
 * Each document is the message parsed as JSON when it is a JSON object (CloudTrail events are),
 * else `{"@message": message}`, plus `@timestamp` (ISO, from the event), `@id` (the event id, also
 * the bulk `_id`, so a retried batch overwrites instead of duplicating), `@owner`, `@log_group`
 * and `@log_stream`. A JSON document does not repeat the raw text in `@message`: the fields carry
 * it and the S3 archive keeps the original. Only when the message itself uses one of those
 * reserved names is the raw message kept in `@message`, so nothing is lost to the overwrite.
 */

import {
  type CloudWatchLogsEnvelope,
  type CloudWatchLogsLogEvent,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  decodeRecordData,
} from "../../archive/cwlToFirehose/transform";
import { dailyIndexFromIso, isIndexableTimestamp } from "../indexName";
import { FLAT_OBJECT_FIELDS } from "../indexTemplate";

export const RESERVED_FIELDS = [
  "@timestamp",
  "@id",
  "@owner",
  "@log_group",
  "@log_stream",
  "@message",
] as const;

const RESERVED: ReadonlySet<string> = new Set(RESERVED_FIELDS);
const FLAT_OBJECTS: ReadonlySet<string> = new Set(FLAT_OBJECT_FIELDS);

/** OpenSearch refuses longer `_id`s. */
export const MAX_ID_BYTES = 512;

export type DecodedRecord =
  | { readonly kind: "malformed"; readonly reason: string }
  | { readonly kind: "control" }
  | { readonly kind: "data"; readonly envelope: CloudWatchLogsEnvelope };

export interface BulkDocument {
  readonly index: string;
  readonly id: string;
  /** The document as one JSON line, exactly as sent. */
  readonly source: string;
  /** UTF-8 size of `source`, counted from its parts: measuring the joined string would flatten it. */
  readonly bytes: number;
}

export type EventResult =
  | { readonly ok: true; readonly document: BulkDocument }
  | { readonly ok: false; readonly reason: string; readonly event: CloudWatchLogsLogEvent };

export function decodeKinesisData(
  data: string,
  maxDecompressedBytes: number = DEFAULT_MAX_DECOMPRESSED_BYTES,
): DecodedRecord {
  const decoded = decodeRecordData(data, { maxDecompressedBytes });
  if (!decoded.ok) {
    return { kind: "malformed", reason: decoded.reason };
  }
  // A CONTROL_MESSAGE is CloudWatch Logs' health check of the destination: no log data.
  return decoded.envelope.messageType === "CONTROL_MESSAGE"
    ? { kind: "control" }
    : { kind: "data", envelope: decoded.envelope };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The message as a JSON object, or undefined; `trimmed` is the message without outer whitespace. */
function parseObject(trimmed: string): Record<string, unknown> | undefined {
  // Most plain-text lines (VPC flow logs) are ruled out by their first character, without parsing.
  if (trimmed.charCodeAt(0) !== 0x7b /* { */) {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(trimmed);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A flat_object field accepts only an object (or null): anything else is wrapped as `{ value }`. */
function needsWrapping(value: unknown): boolean {
  return value !== undefined && value !== null && !isRecord(value);
}

const EMPTY_OBJECT = /^\{\s*\}$/;

/**
 * The document line. `head` is the forwarder's fields as JSON members (no braces). The common case
 * (a one-line JSON object with no reserved or awkward fields) is spliced rather than re-serialized:
 * the message's own bytes are kept (no rounding of big integers) and the cost of a stringify is
 * saved. Otherwise the parsed object is rebuilt.
 */
export function documentSource(message: string, head: string): string {
  return sizedSource(message, head, Buffer.byteLength(head, "utf8")).source;
}

// The bytes a document line adds around `head` and the message's own text.
const MESSAGE_MEMBER_BYTES = '{,"@message":}'.length;

/** documentSource with its UTF-8 size; `headBytes` is head's. */
function sizedSource(message: string, head: string, headBytes: number): { source: string; bytes: number } {
  const trimmed = message.trim();
  const parsed = parseObject(trimmed);
  if (parsed === undefined) {
    const text = JSON.stringify(message);
    return {
      source: `{${head},"@message":${text}}`,
      bytes: headBytes + MESSAGE_MEMBER_BYTES + Buffer.byteLength(text, "utf8"),
    };
  }
  const collides = RESERVED_FIELDS.some((k) => Object.hasOwn(parsed, k));
  const awkward = FLAT_OBJECT_FIELDS.some((k) => needsWrapping(parsed[k]));
  // A raw newline outside strings (pretty-printed JSON) would split the ndjson line; bulk splits on
  // \n only, so a stray \r is mere whitespace.
  if (!collides && !awkward && !trimmed.includes("\n")) {
    return EMPTY_OBJECT.test(trimmed)
      ? { source: `{${head}}`, bytes: headBytes + 2 }
      : // "{" + head + "," + the message without its "{".
        { source: `{${head},${trimmed.slice(1)}`, bytes: headBytes + 1 + Buffer.byteLength(trimmed, "utf8") };
  }
  // Null prototype: a "__proto__" key in the message stays an ordinary field.
  const rest: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(parsed)) {
    if (!RESERVED.has(k)) {
      rest[k] = FLAT_OBJECTS.has(k) && needsWrapping(v) ? { value: v } : v;
    }
  }
  const members = JSON.stringify(rest).slice(1, -1);
  const raw = collides ? `,"@message":${JSON.stringify(message)}` : "";
  const source = `{${head}${raw}${members === "" ? "" : `,${members}`}}`;
  return { source, bytes: Buffer.byteLength(source, "utf8") };
}

/** The members every document of an envelope shares. */
export function envelopeMembers(envelope: CloudWatchLogsEnvelope): string {
  return `"@owner":${JSON.stringify(envelope.owner)},"@log_group":${JSON.stringify(envelope.logGroup)},"@log_stream":${JSON.stringify(envelope.logStream)}`;
}

export function eventDocument(
  event: CloudWatchLogsLogEvent,
  indexPrefix: string,
  sharedMembers: string,
): EventResult {
  if (!isIndexableTimestamp(event.timestamp)) {
    return { ok: false, reason: `timestamp ${event.timestamp} is outside years 0000-9999`, event };
  }
  if (event.id === "" || Buffer.byteLength(event.id, "utf8") > MAX_ID_BYTES) {
    return { ok: false, reason: `event id is empty or longer than ${MAX_ID_BYTES} bytes`, event };
  }
  const iso = new Date(event.timestamp).toISOString();
  const head = `"@timestamp":"${iso}","@id":${JSON.stringify(event.id)},${sharedMembers}`;
  const { source, bytes } = sizedSource(event.message, head, Buffer.byteLength(head, "utf8"));
  return {
    ok: true,
    document: { index: dailyIndexFromIso(indexPrefix, iso), id: event.id, source, bytes },
  };
}

export function envelopeDocuments(envelope: CloudWatchLogsEnvelope, indexPrefix: string): EventResult[] {
  const shared = envelopeMembers(envelope);
  return envelope.logEvents.map((event) => eventDocument(event, indexPrefix, shared));
}

/** The action and source lines of one bulk `index` operation, newline-terminated. */
export function bulkLines(document: BulkDocument): string {
  return sizedBulkLines(document).lines;
}

/** bulkLines with its UTF-8 size, counted from the parts: measuring the whole would flatten it. */
export function sizedBulkLines(document: BulkDocument): { lines: string; bytes: number } {
  const action = `{"index":{"_index":${JSON.stringify(document.index)},"_id":${JSON.stringify(document.id)}}}`;
  return {
    lines: `${action}\n${document.source}\n`,
    bytes: Buffer.byteLength(action, "utf8") + document.bytes + 2,
  };
}
