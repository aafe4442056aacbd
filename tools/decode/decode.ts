/**
 * Decoding for `npm run decode`: turns whatever an operator holds — one Kinesis record's base64
 * blob, `aws kinesis get-records` output, a Lambda Kinesis event, a Firehose/S3 archive object or an
 * EventBridge archive object — into CloudWatch Logs envelopes and EventBridge events, and formats
 * them. Pure: bytes in, items and text out. A bad record becomes a failure item naming the record
 * and the step that refused it; the others still decode.
 *
 * Records go through the gunzip Lambda's own decoder (`decodeRecordBytes`), so the tool refuses
 * exactly what the pipeline refuses.
 */
import { constants, gunzipSync } from "node:zlib";
import {
  type CloudWatchLogsEnvelope,
  type DecodeResult,
  type DecodeStage,
  decodeRecordBytes,
  decodeRecordData,
  isCloudWatchLogsEnvelope,
} from "../../infra/archive/cwlToFirehose/transform";

/** "input": the input as a whole could not be read (empty, or damaged gzip around everything). */
export type FailureStage = DecodeStage | "input";

/** The envelope of an event as EventBridge delivers it to targets (and Firehose archives it). */
export interface EventBridgeEvent {
  version?: string;
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources?: string[];
  detail?: unknown;
}

export type DecodedItem =
  | { readonly kind: "envelope"; readonly ref: string; readonly envelope: CloudWatchLogsEnvelope }
  | { readonly kind: "event"; readonly ref: string; readonly event: EventBridgeEvent }
  | { readonly kind: "failure"; readonly ref: string; readonly stage: FailureStage; readonly reason: string };

export type InputFormat =
  | "empty"
  /** One or more base64 record blobs (whitespace- and newline-separated). */
  | "base64"
  | "kinesis-get-records"
  | "kinesis-event"
  /** A single JSON document: an envelope or an EventBridge event. */
  | "json"
  /** Newline-delimited and/or directly concatenated (`}{`) JSON values: archive objects. */
  | "json-lines";

export interface DecodedInput {
  format: InputFormat;
  /** gzip layers removed from the whole input: 0 plain, 1 gzip, 2 gzip around raw gzip records. */
  gzipLayers: number;
  items: DecodedItem[];
}

export interface DecodeOptions {
  /** Cap on the inflated size of a whole input (archive object). */
  maxInputBytes?: number;
  /** Cap on one inflated record; default the gunzip Lambda's, so both refuse the same records. */
  maxRecordBytes?: number;
}

/** Firehose objects are at most 128 MiB before compression; twice that leaves room. */
export const DEFAULT_MAX_INPUT_BYTES = 256 * 1024 * 1024;

/**
 * Firehose with GZIP compression around records nothing un-gzipped gives two layers; a third would
 * be a mistake somewhere, and stopping bounds the work.
 */
const MAX_GZIP_LAYERS = 3;

const STAGE_LABEL: Record<FailureStage, string> = {
  input: "unreadable input",
  base64: "not base64",
  gzip: "not gzip",
  json: "not JSON",
  envelope: "not an envelope",
};

// Base64 of any gzip stream starts with these four characters (bytes 1f 8b 08).
const GZIP_BASE64_PREFIX = "H4sI";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isEventBridgeEvent(value: unknown): value is EventBridgeEvent {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    typeof value["detail-type"] === "string" &&
    typeof value.source === "string" &&
    typeof value.account === "string" &&
    typeof value.time === "string" &&
    typeof value.region === "string" &&
    "detail" in value
  );
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function failure(ref: string, stage: FailureStage, reason: string): DecodedItem {
  return { kind: "failure", ref, stage, reason };
}

/** `Records[3] (sequence 4959…)`: what `jq '.Records[3]'` would show. */
export function recordRef(index: number, sequenceNumber?: string): string {
  return sequenceNumber ? `Records[${index}] (sequence ${sequenceNumber})` : `Records[${index}]`;
}

/**
 * Accepts what people paste: whitespace and line breaks anywhere, the URL-safe alphabet, missing
 * padding. Returns canonical padded base64, or undefined.
 */
export function normalizeBase64(text: string): string | undefined {
  const unpadded = text
    .replace(/\s+/g, "")
    .replace(/-/g, "+")
    .replace(/_/g, "/")
    .replace(/={1,2}$/, "");
  if (unpadded.length === 0 || unpadded.length % 4 === 1 || !/^[A-Za-z0-9+/]+$/.test(unpadded)) {
    return undefined;
  }
  return unpadded.padEnd(Math.ceil(unpadded.length / 4) * 4, "=");
}

function fromResult(ref: string, result: DecodeResult): DecodedItem {
  return result.ok
    ? { kind: "envelope", ref, envelope: result.envelope }
    : failure(ref, result.stage, result.reason);
}

/** One Kinesis record's payload (bytes, as the SDK returns `Data`): gzip of one envelope. */
export function decodeRecord(data: Uint8Array, ref: string, options: DecodeOptions = {}): DecodedItem {
  return fromResult(ref, decodeRecordBytes(data, { maxDecompressedBytes: options.maxRecordBytes }));
}

/** One Kinesis record's payload as base64 text (get-records output, Lambda events, a pasted blob). */
export function decodeBase64Record(text: string, ref: string, options: DecodeOptions = {}): DecodedItem {
  const canonical = normalizeBase64(text);
  if (canonical === undefined) return failure(ref, "base64", "data is not valid base64");
  return fromResult(ref, decodeRecordData(canonical, { maxDecompressedBytes: options.maxRecordBytes }));
}

/** An envelope, an EventBridge event, or a failure saying it is neither. */
export function classifyValue(value: unknown, ref: string): DecodedItem {
  if (isCloudWatchLogsEnvelope(value)) return { kind: "envelope", ref, envelope: value };
  if (isEventBridgeEvent(value)) return { kind: "event", ref, event: value };
  return failure(ref, "envelope", "JSON is neither a CloudWatch Logs envelope nor an EventBridge event");
}

/**
 * Splits a line into top-level JSON values written back to back (`{...}{...}`, what Firehose stores
 * when nothing appends a delimiter). String-aware, so braces inside messages do not count. A value
 * left open at the end of the line is returned as is and fails to parse later.
 */
export function splitConcatenated(line: string): string[] {
  const values: string[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (start < 0) {
      if (c === " " || c === "\t" || c === "\r") continue;
      if (c !== "{" && c !== "[") {
        // Not a JSON container: nothing to split on, let the parser name the problem.
        values.push(line.slice(i).trim());
        return values;
      }
      start = i;
    }
    if (inString) {
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === "{" || c === "[") {
      depth++;
    } else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) {
        values.push(line.slice(start, i + 1));
        start = -1;
      }
    }
  }
  if (start >= 0) values.push(line.slice(start).trim());
  return values;
}

type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, reason: errorMessage(err) };
  }
}

/**
 * Line by line, so one damaged line costs only itself; CloudWatch Logs, Firehose and EventBridge
 * all write values on one line (their JSON escapes newlines).
 */
function decodeJsonLines(text: string): DecodedItem[] {
  const items: DecodedItem[] = [];
  text.split("\n").forEach((line, index) => {
    if (line.trim() === "") return;
    const whole = parseJson(line);
    const values = whole.ok ? [line] : splitConcatenated(line);
    values.forEach((value, k) => {
      const ref = values.length === 1 ? `line ${index + 1}` : `line ${index + 1}, object ${k + 1}`;
      const parsed = values.length === 1 && whole.ok ? whole : parseJson(value);
      items.push(parsed.ok ? classifyValue(parsed.value, ref) : failure(ref, "json", parsed.reason));
    });
  });
  return items;
}

function isGetRecordsOutput(
  value: unknown,
): value is { Records: { Data: string; SequenceNumber?: string }[] } {
  return (
    isRecord(value) &&
    Array.isArray(value.Records) &&
    value.Records.every((r) => isRecord(r) && typeof r.Data === "string")
  );
}

function isKinesisEvent(
  value: unknown,
): value is { Records: { kinesis: { data: string; sequenceNumber?: string } }[] } {
  return (
    isRecord(value) &&
    Array.isArray(value.Records) &&
    value.Records.length > 0 &&
    value.Records.every((r) => isRecord(r) && isRecord(r.kinesis) && typeof r.kinesis.data === "string")
  );
}

function decodeJsonDocument(value: unknown, options: DecodeOptions): Omit<DecodedInput, "gzipLayers"> {
  if (isGetRecordsOutput(value)) {
    return {
      format: "kinesis-get-records",
      items: value.Records.map((r, i) => decodeBase64Record(r.Data, recordRef(i, r.SequenceNumber), options)),
    };
  }
  if (isKinesisEvent(value)) {
    return {
      format: "kinesis-event",
      items: value.Records.map((r, i) =>
        decodeBase64Record(r.kinesis.data, recordRef(i, r.kinesis.sequenceNumber), options),
      ),
    };
  }
  return { format: "json", items: [classifyValue(value, "input")] };
}

/**
 * Blobs separated by whitespace (`--query 'Records[].Data' --output text` prints them tab-separated)
 * versus one blob wrapped over lines (`base64` wraps at 76): a new record starts at each token that
 * begins like gzip; other tokens continue the previous one.
 */
function splitBase64Blobs(text: string): string[] {
  const blobs: string[] = [];
  for (const token of text.split(/\s+/).filter((t) => t !== "")) {
    if (blobs.length === 0 || token.startsWith(GZIP_BASE64_PREFIX)) blobs.push(token);
    else blobs[blobs.length - 1] += token;
  }
  return blobs;
}

interface Inflated {
  bytes: Buffer;
  layers: number;
  failure?: DecodedItem;
}

function inflateLayers(input: Uint8Array, maxBytes: number): Inflated {
  let bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  let layers = 0;
  while (isGzip(bytes) && layers < MAX_GZIP_LAYERS) {
    try {
      // Concatenated gzip members (Firehose appending raw records) inflate as one stream.
      bytes = gunzipSync(bytes, { maxOutputLength: maxBytes });
      layers++;
    } catch (err) {
      const reason =
        err instanceof RangeError
          ? `inflates to more than ${maxBytes} bytes`
          : `gzip layer ${layers + 1}: ${errorMessage(err)}`;
      // A truncated object (an interrupted download) still holds whole lines: keep what inflates.
      let partial: Buffer | undefined;
      try {
        partial = gunzipSync(bytes, { maxOutputLength: maxBytes, finishFlush: constants.Z_SYNC_FLUSH });
      } catch {
        partial = undefined;
      }
      if (partial === undefined || partial.length === 0) {
        return { bytes: Buffer.alloc(0), layers, failure: failure("input", "gzip", reason) };
      }
      return {
        bytes: partial,
        layers: layers + 1,
        failure: failure("input", "gzip", `${reason}; decoded the first ${partial.length} bytes`),
      };
    }
  }
  return { bytes, layers };
}

/** Detects the input's format and decodes every record, envelope or event in it. */
export function decodeInput(input: Uint8Array, options: DecodeOptions = {}): DecodedInput {
  const inflated = inflateLayers(input, options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES);
  const leading = inflated.failure ? [inflated.failure] : [];
  const text = inflated.bytes.toString("utf8").replace(/^\uFEFF/, "");
  const at = (format: InputFormat, items: DecodedItem[]): DecodedInput => ({
    format,
    gzipLayers: inflated.layers,
    items: [...leading, ...items],
  });

  if (text.trim() === "") {
    return at("empty", inflated.failure ? [] : [failure("input", "input", "the input is empty")]);
  }
  if (inflated.layers === 0 && !/^\s*[[{]/.test(text)) {
    const blobs = splitBase64Blobs(text);
    if (blobs.length === 1 && normalizeBase64(blobs[0] ?? "") === undefined) {
      return at("base64", [failure("input", "base64", "the input is neither gzip, JSON nor base64")]);
    }
    const ref = (i: number) => (blobs.length === 1 ? "input" : `blob ${i + 1}`);
    return at(
      "base64",
      blobs.map((blob, i) => decodeBase64Record(blob, ref(i), options)),
    );
  }
  const whole = parseJson(text);
  if (whole.ok) {
    const { format, items } = decodeJsonDocument(whole.value, options);
    return at(format, items);
  }
  return at("json-lines", decodeJsonLines(text));
}

// ---------------------------------------------------------------------------------------------
// Output

export type OutputMode = "text" | "json";

/** Where a decoded item goes: data to stdout, failures to stderr so `--json | jq` stays clean. */
export interface Rendered {
  readonly stream: "stdout" | "stderr";
  readonly text: string;
}

const INDENT = "    ";

export function isoTime(timestamp: number): string {
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? `${timestamp} (not a valid time)` : date.toISOString();
}

/** JSON objects and arrays are pretty-printed (CloudTrail events are unreadable on one line). */
function messageLines(message: string): { inline: string; below: string[] } {
  const trimmed = message.replace(/\s+$/, "");
  if (/^\s*[[{]/.test(trimmed)) {
    const parsed = parseJson(trimmed);
    if (parsed.ok) {
      return { inline: "", below: JSON.stringify(parsed.value, null, 2).split("\n") };
    }
  }
  const [first = "", ...rest] = trimmed.split("\n");
  return { inline: first, below: rest };
}

function field(name: string, value: string): string {
  return `${`${name}:`.padEnd(13)}${value === "" ? "(none)" : value}`;
}

const ENVELOPE_KEYS = new Set([
  "messageType",
  "owner",
  "logGroup",
  "logStream",
  "subscriptionFilters",
  "logEvents",
]);

function envelopeText(ref: string, envelope: CloudWatchLogsEnvelope): string {
  const control = envelope.messageType === "CONTROL_MESSAGE";
  const lines = [
    `=== ${ref}`,
    field(
      "messageType",
      control
        ? "CONTROL_MESSAGE (control message: CloudWatch Logs checking the destination, no log data)"
        : envelope.messageType,
    ),
    field("owner", envelope.owner),
    field("logGroup", envelope.logGroup),
    field("logStream", envelope.logStream),
    field("filters", envelope.subscriptionFilters.join(", ")),
  ];
  // e.g. policyLevel on what an account-level subscription policy sends.
  for (const [key, value] of Object.entries(envelope)) {
    if (!ENVELOPE_KEYS.has(key))
      lines.push(field(key, typeof value === "string" ? value : JSON.stringify(value)));
  }
  lines.push(field("events", String(envelope.logEvents.length)));
  for (const event of envelope.logEvents) {
    const { inline, below } = messageLines(event.message);
    const head = `  ${isoTime(event.timestamp)}  ${event.id === "" ? "(no id)" : event.id}`;
    lines.push(inline === "" ? head : `${head}  ${inline}`, ...below.map((l) => `${INDENT}${l}`));
  }
  return lines.join("\n");
}

function eventText(ref: string, event: EventBridgeEvent): string {
  const detail = JSON.stringify(event.detail ?? null, null, 2).split("\n");
  return [
    `=== ${ref}: EventBridge event ${event.id}`,
    field("time", event.time),
    field("source", event.source),
    field("detail-type", event["detail-type"]),
    field("account", event.account),
    field("region", event.region),
    field("resources", (event.resources ?? []).join(", ")),
    "detail:",
    ...detail.map((l) => `${INDENT}${l}`),
  ].join("\n");
}

export function describeFailure(item: { ref: string; stage: FailureStage; reason: string }): string {
  return `${item.ref}: ${STAGE_LABEL[item.stage]}: ${item.reason}`;
}

/**
 * Text mode: a header and the events per envelope, a blank line after each. JSON mode: the
 * envelope or event exactly as it was written, one per line — the same lines Firehose archives.
 */
export function renderItem(item: DecodedItem, mode: OutputMode): Rendered {
  switch (item.kind) {
    case "failure":
      return { stream: "stderr", text: `decode: ${describeFailure(item)}` };
    case "envelope":
      return {
        stream: "stdout",
        text: mode === "json" ? JSON.stringify(item.envelope) : `${envelopeText(item.ref, item.envelope)}\n`,
      };
    case "event":
      return {
        stream: "stdout",
        text: mode === "json" ? JSON.stringify(item.event) : `${eventText(item.ref, item.event)}\n`,
      };
  }
}
