/**
 * What to do with one message of the search dead-letter queue (infra/search/forwarder/deadLetter.ts
 * writes them). Pure: the forwarder's own decoding and document building decide, so a replayed
 * document is byte for byte what the forwarder would have sent, under the same `_index` and `_id`
 * (the event id): replaying twice overwrites, never duplicates.
 */
import type { CloudWatchLogsEnvelope } from "../../infra/archive/cwlToFirehose/transform";
import {
  type BulkDocument,
  decodeKinesisData,
  envelopeDocuments,
  envelopeMembers,
  eventDocument,
  MAX_ID_BYTES,
} from "../../infra/search/forwarder/transform";

export const FORWARDER_SOURCE = "central-logging-search-forwarder";

export type SearchAction =
  | { readonly kind: string; readonly action: "index"; readonly documents: BulkDocument[] }
  /** Nothing to index (a control message): the message can go. */
  | { readonly kind: string; readonly action: "done" }
  /** Known to fail again: kept, counted as still failing. */
  | { readonly kind: string; readonly action: "fail"; readonly reason: string }
  /** Not replayable by redrive: kept, counted as left. */
  | { readonly kind: string; readonly action: "leave"; readonly reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const str = (v: unknown): v is string => typeof v === "string";

export function planSearchMessage(
  body: string,
  indexPrefix: string,
  maxDecompressedBytes?: number,
): SearchAction {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    return { kind: "unrecognized", action: "leave", reason: "not JSON" };
  }
  if (!isRecord(message)) return { kind: "unrecognized", action: "leave", reason: "not a JSON object" };
  // The event source mapping's own on-failure message: only a shard and sequence range.
  if ("KinesisBatchInfo" in message) {
    return {
      kind: "lambda-batch-report",
      action: "leave",
      reason:
        "Lambda's on-failure report holds only a shard and sequence range: read those records from the stream (npm run decode -- --stream)",
    };
  }
  if (message.source !== FORWARDER_SOURCE || !str(message.kind)) {
    return { kind: "unrecognized", action: "leave", reason: "not a search forwarder dead letter" };
  }
  const kind = message.kind;
  if (message.truncated === true) {
    return {
      kind,
      action: "leave",
      reason:
        "payload truncated by the forwarder (too large for SQS): the record is in the stream until its retention ends, by shardId and sequenceNumber",
    };
  }
  if (kind === "malformed-record") return planMalformed(message, indexPrefix, maxDecompressedBytes);
  if (kind === "rejected-event") return planRejected(message, indexPrefix);
  return { kind, action: "leave", reason: `unknown dead-letter kind ${kind}` };
}

function planMalformed(
  message: Record<string, unknown>,
  indexPrefix: string,
  maxDecompressedBytes?: number,
): SearchAction {
  const kind = "malformed-record";
  if (!str(message.data)) return { kind, action: "leave", reason: "malformed-record without data" };
  const decoded = decodeKinesisData(message.data, maxDecompressedBytes);
  if (decoded.kind === "malformed")
    return { kind, action: "fail", reason: `still malformed: ${decoded.reason}` };
  if (decoded.kind === "control") return { kind, action: "done" };
  const documents: BulkDocument[] = [];
  for (const result of envelopeDocuments(decoded.envelope, indexPrefix)) {
    if (!result.ok)
      return { kind, action: "fail", reason: `an event cannot become a document: ${result.reason}` };
    documents.push(result.document);
  }
  return { kind, action: "index", documents };
}

function planRejected(message: Record<string, unknown>, indexPrefix: string): SearchAction {
  const kind = "rejected-event";
  const { eventId, document, index } = message;
  if (!str(eventId) || !str(document)) {
    return { kind, action: "leave", reason: "rejected-event without eventId or document" };
  }
  if (str(index)) {
    // The document as sent: same index, same _id.
    if (eventId === "" || Buffer.byteLength(eventId, "utf8") > MAX_ID_BYTES) {
      return { kind, action: "fail", reason: `event id is empty or longer than ${MAX_ID_BYTES} bytes` };
    }
    if (document.includes("\n")) return { kind, action: "fail", reason: "document spans several lines" };
    return {
      kind,
      action: "index",
      documents: [{ index, id: eventId, source: document, bytes: Buffer.byteLength(document, "utf8") }],
    };
  }
  // No index: no document could be built, and `document` is the log event itself. Build it again
  // (it fails the same way unless the forwarder's rules changed).
  let event: unknown;
  try {
    event = JSON.parse(document);
  } catch {
    return { kind, action: "leave", reason: "rejected-event whose document is not JSON" };
  }
  if (
    !isRecord(event) ||
    !str(event.id) ||
    typeof event.timestamp !== "number" ||
    !str(event.message) ||
    !str(message.owner) ||
    !str(message.logGroup) ||
    !str(message.logStream)
  ) {
    return { kind, action: "leave", reason: "rejected-event without a log event to rebuild" };
  }
  const envelope: CloudWatchLogsEnvelope = {
    messageType: "DATA_MESSAGE",
    owner: message.owner,
    logGroup: message.logGroup,
    logStream: message.logStream,
    subscriptionFilters: [],
    logEvents: [],
  };
  const result = eventDocument(
    { id: event.id, timestamp: event.timestamp, message: event.message },
    indexPrefix,
    envelopeMembers(envelope),
  );
  return result.ok
    ? { kind, action: "index", documents: [result.document] }
    : { kind, action: "fail", reason: `the event still cannot become a document: ${result.reason}` };
}
