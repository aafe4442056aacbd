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
  // Joined, hence one flat string: each document embeds it, and a tree of seven pieces would be
  // walked again for every document when the bulk body is joined.
  return [
    '"@owner":',
    JSON.stringify(envelope.owner),
    ',"@log_group":',
    JSON.stringify(envelope.logGroup),
    ',"@log_stream":',
    JSON.stringify(envelope.logStream),
  ].join("");
}

// Printable ASCII other than `"` and `\`: JSON.stringify only adds the quotes.
const PLAIN_JSON_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** JSON.stringify(s), without its general machinery for the common plain string (event ids). */
function jsonString(s: string): string {
  return PLAIN_JSON_STRING.test(s) ? `"${s}"` : JSON.stringify(s);
}

const DAY_MS = 86_400_000;
const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));

/**
 * The UTC day last formatted, as the "YYYY-MM-DDT" of its ISO string and the daily index name of
 * `prefix`: an envelope's events (and a batch's) nearly always share their day.
 */
const day = { number: Number.NaN, iso: "", prefix: "", index: "" };

function formatDay(dayNumber: number): void {
  if (dayNumber !== day.number) {
    day.number = dayNumber;
    day.iso = new Date(dayNumber * DAY_MS).toISOString().slice(0, 11);
    day.prefix = "";
  }
}

/**
 * new Date(ms).toISOString() for an indexable timestamp (years 0000-9999), with the day formatted
 * once per day rather than per event.
 */
export function isoTimestamp(ms: number): string {
  // Date's TimeClip: the integer part, toward zero.
  const t = Math.trunc(ms);
  const dayNumber = Math.floor(t / DAY_MS);
  formatDay(dayNumber);
  let rest = t - dayNumber * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${day.iso}${PAD2[hours]}:${PAD2[minutes]}:${PAD2[seconds]}.${PAD3[rest - seconds * 1000]}Z`;
}

/** dailyIndexFromIso(prefix, iso) for the iso that isoTimestamp returned last. */
function lastDayIndex(prefix: string, iso: string): string {
  if (day.prefix !== prefix) {
    day.prefix = prefix;
    day.index = dailyIndexFromIso(prefix, iso);
  }
  return day.index;
}

/** The last shared members measured: one envelope's documents all pass the same string. */
const shared = { members: "", bytes: 0 };

function sharedBytes(members: string): number {
  if (members !== shared.members) {
    shared.members = members;
    shared.bytes = Buffer.byteLength(members, "utf8");
  }
  return shared.bytes;
}

// `"@timestamp":"` + 24-character ISO time + `","@id":` + id + `,` + shared members.
const HEAD_FIXED_BYTES = 14 + 24 + 8 + 1;

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
  const iso = isoTimestamp(event.timestamp);
  const index = lastDayIndex(indexPrefix, iso);
  const id = jsonString(event.id);
  const head = `"@timestamp":"${iso}","@id":${id},${sharedMembers}`;
  const headBytes = HEAD_FIXED_BYTES + Buffer.byteLength(id, "utf8") + sharedBytes(sharedMembers);
  const { source, bytes } = sizedSource(event.message, head, headBytes);
  return { ok: true, document: { index, id: event.id, source, bytes } };
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
  if (document.index !== action.index) {
    action.index = document.index;
    action.head = `{"index":{"_index":${JSON.stringify(document.index)},"_id":`;
    action.headBytes = Buffer.byteLength(action.head, "utf8");
  }
  const id = jsonString(document.id);
  return {
    lines: `${action.head}${id}}}\n${document.source}\n`,
    // The action's head and id, its "}}" and the two newlines.
    bytes: action.headBytes + Buffer.byteLength(id, "utf8") + 2 + document.bytes + 2,
  };
}

/** The action line up to its id, for the last index named: a batch's documents share a few. */
const action = { index: "", head: "", headBytes: 0 };
