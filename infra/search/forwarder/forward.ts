/**
 * One batch of Kinesis records -> OpenSearch, with every record accounted for:
 * - control messages: skipped (counted);
 * - malformed records (not base64 / gzip / JSON / an envelope): dead-lettered with their data;
 * - events OpenSearch rejects (or that cannot become a document): dead-lettered with the document;
 * - documents still failing after the bounded retries: their records are reported as batch item
 *   failures, so Lambda retries (and bisects) them and finally hands them to the on-failure
 *   destination; a dead letter that cannot be delivered does the same to its record.
 * Re-processing a record is safe: each document's `_id` is its event id.
 */
import type { KinesisStreamBatchItemFailure, KinesisStreamRecord } from "aws-lambda";
import type { CloudWatchLogsEnvelope } from "../../archive/cwlToFirehose/transform";
import type { Backoff } from "../../kernel/lambda/backoff";
import { errorSummary } from "../opensearchClient";
import { type BulkItem, BulkLineEncoder, type BulkSend, bulkIndex } from "./bulk";
import { type DeadLetter, type DeadLetterSink, deadLetterBody, type RecordRef } from "./deadLetter";
import { decodeKinesisData, envelopeDocuments, sizedBulkLines } from "./transform";

export interface ForwardConfig {
  readonly indexPrefix: string;
  /** Upper bound of one bulk request body. */
  readonly maxBulkBytes: number;
  readonly maxBulkDocuments: number;
  /** Attempts per bulk request (and per dead-letter batch), the first included. */
  readonly maxAttempts: number;
  readonly backoff: Backoff;
  readonly deadLetterMaxBytes: number;
  readonly maxDecompressedBytes: number;
}

export interface ForwardDeps {
  readonly send: BulkSend;
  readonly deadLetters: DeadLetterSink;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly timeLeftMs?: () => number;
  /** Time an attempt needs; no bulk retry starts with less left. */
  readonly reserveMs?: number;
}

export interface ForwardSummary {
  readonly records: number;
  readonly controlMessages: number;
  readonly malformedRecords: number;
  readonly events: number;
  readonly indexed: number;
  readonly rejected: number;
  readonly failedDocuments: number;
  readonly deadLetters: number;
  readonly undeliveredDeadLetters: number;
  readonly failedRecords: number;
  readonly bulkRequests: number;
  readonly bulkRetries: number;
  readonly firstFailure?: string;
  readonly firstRejection?: string;
}

export interface ForwardResult {
  readonly batchItemFailures: KinesisStreamBatchItemFailure[];
  readonly summary: ForwardSummary;
}

export function recordRef(record: KinesisStreamRecord): RecordRef {
  const colon = record.eventID.indexOf(":");
  return {
    eventSourceArn: record.eventSourceARN,
    // eventID is "<shardId>:<sequenceNumber>".
    shardId: colon < 0 ? record.eventID : record.eventID.slice(0, colon),
    sequenceNumber: record.kinesis.sequenceNumber,
    partitionKey: record.kinesis.partitionKey,
    approximateArrivalTimestamp: record.kinesis.approximateArrivalTimestamp,
  };
}

/** Where a document came from: what a dead letter names. */
type Origin = Pick<CloudWatchLogsEnvelope, "owner" | "logGroup" | "logStream">;

/**
 * A document awaiting its bulk outcome. It holds neither the envelope nor the document's text:
 * both would keep every decoded message alive (and copied by each young-generation collection)
 * until the batch is sent. The text of a rejected document is decoded back from its bulk lines.
 */
interface PendingDocument {
  readonly record: number;
  readonly origin: Origin;
  readonly id: string;
  readonly index: string;
  /** Kept only when UTF-8 would not carry it back exactly (lone surrogates). */
  readonly source?: string;
}

/** String#isWellFormed (Node 20; ES2024, beyond this project's lib). */
const isWellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();

/** The source line of encoded bulk lines: after the action line, without its newline. */
function sourceOf(pending: PendingDocument, lines: Buffer): string {
  return pending.source ?? lines.toString("utf8", lines.indexOf(0x0a) + 1, lines.length - 1);
}

function rejectedEvent(
  ref: RecordRef,
  envelope: Origin,
  eventId: string,
  details: { reason: string; document: string; index?: string; status?: number; error?: unknown },
): DeadLetter {
  return {
    kind: "rejected-event",
    record: ref,
    owner: envelope.owner,
    logGroup: envelope.logGroup,
    logStream: envelope.logStream,
    eventId,
    ...details,
  };
}

export async function forwardRecords(
  records: readonly KinesisStreamRecord[],
  config: ForwardConfig,
  deps: ForwardDeps,
): Promise<ForwardResult> {
  const letters: { record: number; letter: DeadLetter }[] = [];
  const items: BulkItem<Buffer>[] = [];
  const encoder = new BulkLineEncoder();
  const pending: PendingDocument[] = [];
  let controlMessages = 0;
  let malformedRecords = 0;
  let events = 0;

  records.forEach((record, r) => {
    const decoded = decodeKinesisData(record.kinesis.data, config.maxDecompressedBytes);
    if (decoded.kind === "control") {
      controlMessages++;
      return;
    }
    if (decoded.kind === "malformed") {
      malformedRecords++;
      const letter: DeadLetter = {
        kind: "malformed-record",
        reason: decoded.reason,
        record: recordRef(record),
        data: record.kinesis.data,
      };
      letters.push({ record: r, letter });
      return;
    }
    const { envelope } = decoded;
    const origin: Origin = {
      owner: envelope.owner,
      logGroup: envelope.logGroup,
      logStream: envelope.logStream,
    };
    for (const result of envelopeDocuments(envelope, config.indexPrefix)) {
      events++;
      if (!result.ok) {
        const letter = rejectedEvent(recordRef(record), envelope, result.event.id, {
          reason: result.reason,
          document: JSON.stringify(result.event),
        });
        letters.push({ record: r, letter });
        continue;
      }
      // Counted, not measured: measuring would flatten every line into a copy that outlives
      // several young-generation collections before the request is sent.
      const { lines, bytes } = sizedBulkLines(result.document);
      if (bytes > config.maxBulkBytes) {
        // It could never be sent: retrying the record would not help.
        const letter = rejectedEvent(recordRef(record), envelope, result.document.id, {
          reason: `document of ${bytes} bytes exceeds the bulk request bound of ${config.maxBulkBytes}`,
          index: result.document.index,
          document: result.document.source,
        });
        letters.push({ record: r, letter });
        continue;
      }
      items.push({ lines: encoder.encode(lines), bytes });
      const { id, index, source } = result.document;
      pending.push(
        // A one-byte string (nearly all) is well formed at no cost.
        isWellFormed(source) ? { record: r, origin, id, index } : { record: r, origin, id, index, source },
      );
    }
  });

  const bulk =
    items.length === 0
      ? { outcomes: [], requests: 0, retries: 0 }
      : await bulkIndex(items, deps.send, {
          maxBytes: config.maxBulkBytes,
          maxDocuments: config.maxBulkDocuments,
          maxAttempts: config.maxAttempts,
          backoff: config.backoff,
          sleep: deps.sleep,
          ...(deps.random ? { random: deps.random } : {}),
          ...(deps.timeLeftMs ? { timeLeftMs: deps.timeLeftMs } : {}),
          ...(deps.reserveMs === undefined ? {} : { reserveMs: deps.reserveMs }),
        });

  const failed = new Set<number>();
  let indexed = 0;
  let rejected = 0;
  let failedDocuments = 0;
  let firstFailure: string | undefined;
  let firstRejection: string | undefined;
  bulk.outcomes.forEach((outcome, k) => {
    const document = pending[k]!;
    const { record, origin } = document;
    if (outcome.status === "indexed") {
      indexed++;
    } else if (outcome.status === "failed") {
      failedDocuments++;
      firstFailure ??= outcome.reason;
      failed.add(record);
    } else {
      rejected++;
      const reason = `OpenSearch rejected the document (${outcome.httpStatus})`;
      firstRejection ??= `${reason}: ${errorSummary({ error: outcome.error })}`;
      letters.push({
        record,
        letter: rejectedEvent(recordRef(records[record]!), origin, document.id, {
          reason,
          index: document.index,
          status: outcome.httpStatus,
          error: outcome.error,
          document: sourceOf(document, items[k]!.lines),
        }),
      });
    }
  });

  const bodies = letters.map(({ letter }) => deadLetterBody(letter, config.deadLetterMaxBytes));
  const undelivered = bodies.length === 0 ? new Set<number>() : await deps.deadLetters(bodies);
  for (const i of undelivered) {
    failed.add(letters[i]!.record);
  }

  const batchItemFailures = records
    .filter((_, r) => failed.has(r))
    .map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber }));
  return {
    batchItemFailures,
    summary: {
      records: records.length,
      controlMessages,
      malformedRecords,
      events,
      indexed,
      rejected,
      failedDocuments,
      deadLetters: bodies.length - undelivered.size,
      undeliveredDeadLetters: undelivered.size,
      failedRecords: batchItemFailures.length,
      bulkRequests: bulk.requests,
      bulkRetries: bulk.retries,
      ...(firstFailure === undefined ? {} : { firstFailure }),
      ...(firstRejection === undefined ? {} : { firstRejection }),
    },
  };
}
