/**
 * The forwarder's dead-letter queue (SQS). A Kinesis event source mapping's on-failure destination
 * receives only the batch's shard and sequence range, so whatever the forwarder gives up on goes
 * here **with its payload**: a malformed record with its data (base64, as read from the stream),
 * a document OpenSearch rejected with the document and the error.
 *
 * A message must fit SQS's size limit (256 KiB by default; a queue can allow up to 1 MiB): a
 * payload that does not fit is truncated, and the message then says so and carries the full
 * payload's size and SHA-256 (the record itself stays readable in the stream, by shard and
 * sequence number, for the stream's retention period).
 */
import { createHash } from "node:crypto";
import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SendMessageBatchRequestEntry,
} from "@aws-sdk/client-sqs";
import { type Backoff, backoffMs } from "../../kernel/lambda/backoff";
import { chunkBySize } from "../../kernel/lambda/chunk";

export const SQS_DEFAULT_MAX_MESSAGE_BYTES = 262_144;
export const SQS_MAX_BATCH_ENTRIES = 10;

/** Where a Kinesis record came from, enough to find it again in the stream. */
export interface RecordRef {
  readonly eventSourceArn: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly approximateArrivalTimestamp: number;
}

export type DeadLetter =
  | {
      readonly kind: "malformed-record";
      readonly reason: string;
      readonly record: RecordRef;
      /** The record's data, base64 as Kinesis delivered it. */
      readonly data: string;
    }
  | {
      readonly kind: "rejected-event";
      readonly reason: string;
      readonly record: RecordRef;
      readonly owner: string;
      readonly logGroup: string;
      readonly logStream: string;
      readonly eventId: string;
      readonly index?: string;
      readonly status?: number;
      readonly error?: unknown;
      /** The document as sent to OpenSearch, or the log event when no document could be built. */
      readonly document: string;
    };

/** Keeps an OpenSearch error or a reason from crowding out the payload. */
const MAX_DETAIL_CHARS = 4096;

function bounded(text: string): string {
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS)}...` : text;
}

/** The error as is when small, else its JSON cut short. */
function boundedError(error: unknown): unknown {
  const json = JSON.stringify(error);
  return json.length > MAX_DETAIL_CHARS ? bounded(json) : error;
}

/** Cuts at a code-unit count without splitting a surrogate pair. */
function cut(text: string, length: number): string {
  const code = text.charCodeAt(length - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length);
}

/** SQS refuses U+FFFE and U+FFFF, which JSON.stringify leaves raw: escape them (still valid JSON). */
function sqsSafe(json: string): string {
  return json.replace(/[\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

const bytes = (s: string): number => Buffer.byteLength(s, "utf8");

/** The SQS message body: JSON, at most `maxBytes` UTF-8 bytes. */
export function deadLetterBody(letter: DeadLetter, maxBytes: number = SQS_DEFAULT_MAX_MESSAGE_BYTES): string {
  const { record, ...rest } = letter;
  const payloadKey = letter.kind === "malformed-record" ? "data" : "document";
  const payload = letter.kind === "malformed-record" ? letter.data : letter.document;
  const base = {
    source: "central-logging-search-forwarder",
    ...rest,
    reason: bounded(letter.reason),
    ...("error" in rest && rest.error !== undefined ? { error: boundedError(rest.error) } : {}),
    ...record,
  };
  const whole = sqsSafe(JSON.stringify({ ...base, [payloadKey]: payload }));
  if (bytes(whole) <= maxBytes) {
    return whole;
  }
  const truncation = {
    truncated: true,
    payloadBytes: bytes(payload),
    payloadSha256: createHash("sha256").update(payload, "utf8").digest("hex"),
  };
  const render = (text: string): string =>
    sqsSafe(JSON.stringify({ ...base, [payloadKey]: text, ...truncation }));
  // Longest prefix that fits; escaping makes size non-linear in length, hence a search.
  let lo = 0;
  let hi = payload.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (bytes(render(cut(payload, mid))) <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  const body = render(cut(payload, lo));
  if (bytes(body) > maxBytes) {
    throw new Error(`dead letter does not fit in ${maxBytes} bytes even without its payload`);
  }
  return body;
}

/** The subset of SQSClient the sink uses, so tests can pass a fake. */
export interface SendMessageBatchClient {
  send(command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput>;
}

export interface DeadLetterSinkOptions {
  readonly maxBytes: number;
  /** SendMessageBatch attempts per batch for entries SQS failed without blaming the sender. */
  readonly maxAttempts: number;
  readonly backoff: Backoff;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** Sends message bodies; resolves to the indexes of those that could not be delivered. */
export type DeadLetterSink = (bodies: readonly string[]) => Promise<Set<number>>;

export function sqsDeadLetterSink(
  client: SendMessageBatchClient,
  queueUrl: string,
  options: DeadLetterSinkOptions,
): DeadLetterSink {
  return async (bodies) => {
    const undelivered = new Set<number>();
    const indexes = bodies.map((_, i) => i);
    // A batch's total is bounded by the same limit as a single message.
    for (const chunk of chunkBySize(
      indexes,
      (i) => bytes(bodies[i]!),
      SQS_MAX_BATCH_ENTRIES,
      options.maxBytes,
    )) {
      let pending = chunk;
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > options.maxAttempts) {
          for (const i of pending) undelivered.add(i);
          break;
        }
        if (attempt > 1) {
          await options.sleep(backoffMs(attempt - 1, options.backoff, options.random));
        }
        const entries: SendMessageBatchRequestEntry[] = pending.map((i) => ({
          Id: `m${i}`,
          MessageBody: bodies[i],
        }));
        let output: SendMessageBatchCommandOutput;
        try {
          output = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        } catch {
          // The SDK already retried throttling and network errors; try the batch again or give up.
          continue;
        }
        const delivered = new Set((output.Successful ?? []).map((s) => s.Id));
        const permanent = new Set((output.Failed ?? []).filter((f) => f.SenderFault).map((f) => f.Id));
        const again: number[] = [];
        for (const i of pending) {
          if (delivered.has(`m${i}`)) continue;
          if (permanent.has(`m${i}`)) undelivered.add(i);
          else again.push(i);
        }
        pending = again;
      }
    }
    return undelivered;
  };
}
