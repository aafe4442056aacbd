import { createHash } from "node:crypto";
import type { SendMessageBatchCommand, SendMessageBatchCommandOutput } from "@aws-sdk/client-sqs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DeadLetter, deadLetterBody, type RecordRef, sqsDeadLetterSink } from "./deadLetter";

const REF: RecordRef = {
  eventSourceArn: "arn:aws:kinesis:ap-northeast-1:999999999999:stream/central-logging-dev-logs",
  shardId: "shardId-000000000000",
  sequenceNumber: "49595189074146188426156213207759355357749573689819529218",
  partitionKey: "3e21f5e8240cbb048271af4fdb892a1c",
  approximateArrivalTimestamp: 1556373403.028,
};

const malformed = (data: string): DeadLetter => ({
  kind: "malformed-record",
  reason: "gunzip failed: incorrect header check",
  record: REF,
  data,
});
const rejected = (document: string): DeadLetter => ({
  kind: "rejected-event",
  reason: "OpenSearch rejected the document (400)",
  record: REF,
  owner: "111111111111",
  logGroup: "CloudTrail/DefaultLogGroup",
  logStream: "111111111111_CloudTrail_ap-northeast-1",
  eventId: "42",
  index: "cwl-2019.04.27",
  status: 400,
  error: { type: "mapper_parsing_exception", reason: "failed to parse field [eventTime]" },
  document,
});

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

describe("deadLetterBody", () => {
  it("carries a malformed record's data and where to find it in the stream", () => {
    expect(JSON.parse(deadLetterBody(malformed("bm90LWd6aXA=")))).toEqual({
      source: "central-logging-search-forwarder",
      kind: "malformed-record",
      reason: "gunzip failed: incorrect header check",
      data: "bm90LWd6aXA=",
      ...REF,
    });
  });

  it("carries a rejected document and OpenSearch's error", () => {
    const doc = '{"@timestamp":"2019-04-27T13:56:42.311Z","eventTime":"not a date"}';
    expect(JSON.parse(deadLetterBody(rejected(doc)))).toEqual({
      source: "central-logging-search-forwarder",
      kind: "rejected-event",
      reason: "OpenSearch rejected the document (400)",
      owner: "111111111111",
      logGroup: "CloudTrail/DefaultLogGroup",
      logStream: "111111111111_CloudTrail_ap-northeast-1",
      eventId: "42",
      index: "cwl-2019.04.27",
      status: 400,
      error: { type: "mapper_parsing_exception", reason: "failed to parse field [eventTime]" },
      document: doc,
      ...REF,
    });
  });

  it("truncates a payload over the SQS limit, saying so, with the full size and hash", () => {
    const data = "A".repeat(400_000);
    const body = deadLetterBody(malformed(data), 262_144);
    expect(bytes(body)).toBeLessThanOrEqual(262_144);
    expect(bytes(body)).toBeGreaterThan(262_000);
    const parsed = JSON.parse(body);
    expect(parsed.truncated).toBe(true);
    expect(parsed.payloadBytes).toBe(400_000);
    expect(parsed.payloadSha256).toBe(createHash("sha256").update(data).digest("hex"));
    expect(data.startsWith(parsed.data)).toBe(true);
  });

  it("bounds a huge error", () => {
    const letter = { ...rejected("{}"), error: { reason: "x".repeat(10_000) } };
    const parsed = JSON.parse(deadLetterBody(letter));
    expect(typeof parsed.error).toBe("string");
    expect(parsed.error.length).toBe(4099);
  });

  it("escapes the characters SQS refuses", () => {
    const body = deadLetterBody(rejected('{"m":"\uffff\ufffe"}'));
    expect(body).not.toMatch(/[\ufffe\uffff]/);
    expect(JSON.parse(body).document).toBe('{"m":"\uffff\ufffe"}');
  });

  it("always fits, stays JSON and keeps a prefix of the payload", () => {
    // Characters whose JSON or UTF-8 size differs: escapes, control characters, multi-byte, surrogate pairs.
    const unit = fc.constantFrom("a", '"', "\\", "\n", "\u0001", "é", "語", "😀", "\uffff");
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 3000 }), fc.integer({ min: 1600, max: 6000 }), (doc, max) => {
        const body = deadLetterBody(rejected(doc), max);
        expect(bytes(body)).toBeLessThanOrEqual(max);
        expect(body).not.toMatch(/[\ufffe\uffff]/);
        const parsed = JSON.parse(body);
        expect(doc.startsWith(parsed.document)).toBe(true);
        expect(parsed.truncated === true).toBe(parsed.document !== doc);
      }),
      { numRuns: 200 },
    );
  });
});

type Reply = (entries: { Id: string; MessageBody: string }[]) => SendMessageBatchCommandOutput | Error;

function fakeSqs(reply: Reply) {
  const batches: { Id: string; MessageBody: string }[][] = [];
  const client = {
    async send(command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput> {
      expect(command.input.QueueUrl).toBe("https://sqs.ap-northeast-1.amazonaws.com/999999999999/dlq");
      const entries = (command.input.Entries ?? []).map((e) => ({
        Id: e.Id ?? "",
        MessageBody: e.MessageBody ?? "",
      }));
      batches.push(entries);
      const out = reply(entries);
      if (out instanceof Error) throw out;
      return out;
    },
  };
  return { client, batches };
}

const ok = (entries: { Id: string }[]): SendMessageBatchCommandOutput => ({
  $metadata: {},
  Successful: entries.map((e) => ({ Id: e.Id, MessageId: `msg-${e.Id}`, MD5OfMessageBody: "x" })),
  Failed: [],
});

const sinkOptions = {
  maxBytes: 1000,
  maxAttempts: 3,
  backoff: { baseMs: 1, capMs: 1 },
  sleep: async () => undefined,
};
const QUEUE = "https://sqs.ap-northeast-1.amazonaws.com/999999999999/dlq";

describe("sqsDeadLetterSink", () => {
  it("sends in batches of at most 10 messages and the size bound", async () => {
    const { client, batches } = fakeSqs((entries) => ok(entries));
    const bodies = [...Array.from({ length: 12 }, (_, i) => `m${i}`), "x".repeat(600), "y".repeat(600)];
    const undelivered = await sqsDeadLetterSink(client, QUEUE, sinkOptions)(bodies);
    expect(undelivered).toEqual(new Set());
    expect(batches.map((b) => b.map((e) => e.MessageBody.slice(0, 3)))).toEqual([
      ["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"],
      ["m10", "m11", "xxx"],
      ["yyy"],
    ]);
  });

  it("retries entries SQS failed on its side, gives up on those it blames on the sender", async () => {
    let call = 0;
    const { client, batches } = fakeSqs((entries) => {
      call++;
      if (call === 1) {
        return {
          $metadata: {},
          Successful: [{ Id: "m0", MessageId: "1", MD5OfMessageBody: "x" }],
          Failed: [
            { Id: "m1", SenderFault: false, Code: "InternalError" },
            { Id: "m2", SenderFault: true, Code: "InvalidMessageContents" },
          ],
        };
      }
      return ok(entries);
    });
    const undelivered = await sqsDeadLetterSink(client, QUEUE, sinkOptions)(["a", "b", "c"]);
    expect(undelivered).toEqual(new Set([2]));
    expect(batches.map((b) => b.map((e) => e.MessageBody))).toEqual([["a", "b", "c"], ["b"]]);
  });

  it("reports every message undelivered when SQS stays down", async () => {
    const { client, batches } = fakeSqs(() => new Error("Service Unavailable"));
    const undelivered = await sqsDeadLetterSink(client, QUEUE, sinkOptions)(["a", "b"]);
    expect(undelivered).toEqual(new Set([0, 1]));
    expect(batches).toHaveLength(3);
  });
});
