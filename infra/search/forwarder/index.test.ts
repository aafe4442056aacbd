import type { SendMessageBatchCommand, SendMessageBatchCommandOutput } from "@aws-sdk/client-sqs";
import type { KinesisStreamEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import {
  cloudTrailEnvelope,
  kinesisData,
  kinesisEvent,
  kinesisRecord,
  seededRandom,
} from "../../../tests/doubles/cloudTrail";
import {
  bulkLines,
  type FakeReply,
  type FakeRequest,
  fakeSearchClient,
} from "../../../tests/doubles/fakeOpenSearch";
import getRecords from "../../../tests/fixtures/kinesis-get-records.json";
import { createHandler, type ForwarderSettings, parseForwarderEnv } from "./index";
import { envelopeDocuments } from "./transform";

const QUEUE = "https://sqs.ap-northeast-1.amazonaws.com/999999999999/central-logging-dev-search-dlq";
const START = Date.UTC(2019, 3, 27, 23, 59, 58); // two events straddle midnight UTC

const settings: ForwarderSettings = {
  endpoint: "https://search-test-abc123.ap-northeast-1.es.amazonaws.com",
  region: "ap-northeast-1",
  deadLetterQueueUrl: QUEUE,
  requestTimeoutMs: 30_000,
  indexPrefix: "cwl",
  maxBulkBytes: 5_000_000,
  maxBulkDocuments: 5_000,
  maxAttempts: 3,
  backoff: { baseMs: 200, capMs: 5_000 },
  deadLetterMaxBytes: 262_144,
  maxDecompressedBytes: 6_000_000,
};

interface Doc {
  index: string;
  id: string;
  source: Record<string, unknown>;
}

/**
 * An in-memory `_bulk`: stores documents by index and _id (an `index` action overwrites), and
 * answers each item with `status(doc, attempt)` (attempt counts requests carrying that _id).
 */
class FakeBulk {
  readonly store = new Map<string, Record<string, unknown>>();
  readonly requests: FakeRequest[] = [];
  private readonly attempts = new Map<string, number>();

  constructor(private readonly status: (doc: Doc, attempt: number) => number = () => 201) {}

  readonly handle = (req: FakeRequest): FakeReply => {
    this.requests.push(req);
    if (req.method !== "POST" || req.path !== "/_bulk") return { status: 404, body: { error: "unexpected" } };
    const lines = bulkLines(req.body) as Record<string, { _index: string; _id: string }>[];
    const items = [];
    for (let i = 0; i < lines.length; i += 2) {
      const action = lines[i]!.index!;
      const doc = { index: action._index, id: action._id, source: lines[i + 1] as Record<string, unknown> };
      const attempt = (this.attempts.get(doc.id) ?? 0) + 1;
      this.attempts.set(doc.id, attempt);
      const status = this.status(doc, attempt);
      if (status < 300) this.store.set(`${doc.index}/${doc.id}`, doc.source);
      items.push({
        index: {
          _index: doc.index,
          _id: doc.id,
          status,
          ...(status >= 300
            ? {
                error: {
                  type: status === 400 ? "mapper_parsing_exception" : "es_rejected_execution_exception",
                  reason: `status ${status}`,
                },
              }
            : {}),
        },
      });
    }
    return { status: 200, body: { took: 5, errors: items.some((i) => i.index.status >= 300), items } };
  };

  get bulkBodies(): unknown[][] {
    return this.requests.map((r) => bulkLines(r.body));
  }
}

function fakeSqs(fail = false) {
  const messages: Record<string, unknown>[] = [];
  const client = {
    async send(command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput> {
      expect(command.input.QueueUrl).toBe(QUEUE);
      if (fail) throw new Error("Service Unavailable");
      const entries = command.input.Entries ?? [];
      for (const e of entries) messages.push(JSON.parse(e.MessageBody ?? ""));
      return {
        $metadata: {},
        Successful: entries.map((e) => ({ Id: e.Id, MessageId: "m", MD5OfMessageBody: "x" })),
        Failed: [],
      };
    },
  };
  return { client, messages };
}

function setup(
  status?: (doc: Doc, attempt: number) => number,
  sqsDown = false,
  overrides: Partial<ForwarderSettings> = {},
) {
  const bulk = new FakeBulk(status);
  const sqs = fakeSqs(sqsDown);
  const logs: Record<string, unknown>[] = [];
  const waits: number[] = [];
  const handler = createHandler({
    settings: { ...settings, ...overrides },
    search: fakeSearchClient(bulk.handle),
    sqs: sqs.client,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 1,
    log: (line) => logs.push(JSON.parse(line)),
  });
  return { handler, bulk, sqs, logs, waits };
}

const controlData = getRecords.Records[0]!.Data;
const trail = (seed: number, count: number, owner?: string) =>
  kinesisData(cloudTrailEnvelope(seededRandom(seed), START, count, owner));
const flowLogs = kinesisData({
  messageType: "DATA_MESSAGE",
  owner: "222222222222",
  logGroup: "vpc-flow-logs",
  logStream: "eni-1235b8ca123456789-all",
  subscriptionFilters: ["central-logging-dev"],
  logEvents: [
    {
      id: "35689263648391837472973739781728019701390024723664470016",
      timestamp: 1556373402000,
      message:
        "2 222222222222 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1556373402 1556373462 ACCEPT OK",
    },
  ],
});
const notGzip = Buffer.from("this is not gzip").toString("base64");

describe("search forwarder handler", () => {
  it("skips the blog's control message without calling OpenSearch", async () => {
    const { handler, bulk, sqs, logs } = setup();
    expect(await handler(kinesisEvent([controlData]))).toEqual({ batchItemFailures: [] });
    expect(bulk.requests).toHaveLength(0);
    expect(sqs.messages).toHaveLength(0);
    expect(logs).toEqual([
      {
        message: "search forwarder batch",
        records: 1,
        controlMessages: 1,
        malformedRecords: 0,
        events: 0,
        indexed: 0,
        rejected: 0,
        failedDocuments: 0,
        deadLetters: 0,
        undeliveredDeadLetters: 0,
        failedRecords: 0,
        bulkRequests: 0,
        bulkRetries: 0,
      },
    ]);
  });

  it("indexes CloudTrail events and plain-text lines into daily indices with the event id as _id", async () => {
    const { handler, bulk } = setup();
    const event = kinesisEvent([controlData, trail(1, 3), flowLogs]);
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(bulk.requests).toHaveLength(1);
    expect(bulk.requests[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/ap-northeast-1\/es\//,
    );
    expect(bulk.requests[0]?.headers["content-type"]).toBe("application/x-ndjson");

    const envelope = cloudTrailEnvelope(seededRandom(1), START, 3);
    const lines = bulk.bulkBodies[0]!;
    expect(lines.filter((_, i) => i % 2 === 0)).toEqual([
      { index: { _index: "cwl-2019.04.27", _id: envelope.logEvents[0]!.id } },
      { index: { _index: "cwl-2019.04.27", _id: envelope.logEvents[1]!.id } },
      { index: { _index: "cwl-2019.04.28", _id: envelope.logEvents[2]!.id } },
      {
        index: { _index: "cwl-2019.04.27", _id: "35689263648391837472973739781728019701390024723664470016" },
      },
    ]);
    expect(lines[1]).toEqual({
      "@timestamp": "2019-04-27T23:59:58.000Z",
      "@id": envelope.logEvents[0]!.id,
      "@owner": "111111111111",
      "@log_group": "CloudTrail/DefaultLogGroup",
      "@log_stream": "111111111111_CloudTrail_ap-northeast-1",
      ...JSON.parse(envelope.logEvents[0]!.message),
    });
    expect(lines[7]).toEqual({
      "@timestamp": "2019-04-27T13:56:42.000Z",
      "@id": "35689263648391837472973739781728019701390024723664470016",
      "@owner": "222222222222",
      "@log_group": "vpc-flow-logs",
      "@log_stream": "eni-1235b8ca123456789-all",
      "@message":
        "2 222222222222 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1556373402 1556373462 ACCEPT OK",
    });
    expect(bulk.store.size).toBe(4);
  });

  it("produces the same _ids and documents when a batch is retried: no duplicates", async () => {
    const { handler, bulk } = setup();
    const event = kinesisEvent([trail(2, 5), trail(3, 5, "222222222222")]);
    await handler(event);
    await handler(event);
    expect(bulk.requests).toHaveLength(2);
    expect(bulk.requests[1]?.body).toBe(bulk.requests[0]?.body);
    expect(bulk.store.size).toBe(10);
  });

  it("dead-letters a record that is not gzip, with its payload, and does not fail the batch", async () => {
    const { handler, sqs, bulk, logs } = setup();
    const event = kinesisEvent([trail(4, 2), notGzip]);
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(bulk.store.size).toBe(2);
    expect(sqs.messages).toEqual([
      {
        source: "central-logging-search-forwarder",
        kind: "malformed-record",
        reason: expect.stringMatching(/^gunzip failed: /),
        data: notGzip,
        eventSourceArn: "arn:aws:kinesis:ap-northeast-1:999999999999:stream/central-logging-dev-logs",
        shardId: "shardId-000000000000",
        sequenceNumber: event.Records[1]!.kinesis.sequenceNumber,
        partitionKey: event.Records[1]!.kinesis.partitionKey,
        approximateArrivalTimestamp: event.Records[1]!.kinesis.approximateArrivalTimestamp,
      },
    ]);
    expect(logs[0]).toMatchObject({ malformedRecords: 1, deadLetters: 1, indexed: 2, failedRecords: 0 });
  });

  it("retries throttled documents, dead-letters the ones OpenSearch rejects", async () => {
    const envelope = cloudTrailEnvelope(seededRandom(5), START, 4);
    const throttledId = envelope.logEvents[1]!.id;
    const badId = envelope.logEvents[2]!.id;
    const { handler, bulk, sqs, waits, logs } = setup((doc, attempt) =>
      doc.id === throttledId && attempt < 3 ? 429 : doc.id === badId ? 400 : 201,
    );
    const event = kinesisEvent([kinesisData(envelope)]);
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(bulk.bulkBodies.map((lines) => lines.filter((_, i) => i % 2 === 0).length)).toEqual([4, 1, 1]);
    expect(waits).toEqual([200, 400]);
    expect(bulk.store.size).toBe(3);
    expect(sqs.messages).toHaveLength(1);
    const letter = sqs.messages[0]!;
    expect(letter).toMatchObject({
      kind: "rejected-event",
      reason: "OpenSearch rejected the document (400)",
      eventId: badId,
      index: "cwl-2019.04.28",
      status: 400,
      error: { type: "mapper_parsing_exception", reason: "status 400" },
      owner: "111111111111",
      logGroup: "CloudTrail/DefaultLogGroup",
      sequenceNumber: event.Records[0]!.kinesis.sequenceNumber,
    });
    expect(JSON.parse(letter.document as string)).toMatchObject({
      "@id": badId,
      ...JSON.parse(envelope.logEvents[2]!.message),
    });
    expect(logs[0]).toMatchObject({
      indexed: 3,
      rejected: 1,
      bulkRequests: 3,
      bulkRetries: 2,
      failedRecords: 0,
    });
  });

  it("dead-letters a rejected document with its exact text, whatever its characters", async () => {
    const envelope = cloudTrailEnvelope(seededRandom(7), START, 3);
    envelope.logEvents[0]!.message = "caf\u00e9 \u65e5\u672c plain text";
    // A lone surrogate inside a JSON string: spliced as is, which UTF-8 cannot carry back.
    envelope.logEvents[1]!.message = '{"note":"\ud800 alone","n":1}';
    const { handler, sqs } = setup(() => 400);
    expect(await handler(kinesisEvent([kinesisData(envelope)]))).toEqual({ batchItemFailures: [] });
    const expected = envelopeDocuments(envelope, "cwl").map((r) => (r.ok ? r.document.source : ""));
    expect(sqs.messages.map((m) => m.document)).toEqual(expected);
  });

  it("reports the records of documents still failing after the retries as batch item failures", async () => {
    const envelope = cloudTrailEnvelope(seededRandom(6), START, 2);
    const stuck = envelope.logEvents[0]!.id;
    const { handler, bulk, logs } = setup((doc) => (doc.id === stuck ? 503 : 201));
    const event = kinesisEvent([trail(7, 2), kinesisData(envelope), trail(8, 2)]);
    expect(await handler(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[1]!.kinesis.sequenceNumber }],
    });
    expect(bulk.requests).toHaveLength(3);
    expect(logs[0]).toMatchObject({
      indexed: 5,
      failedDocuments: 1,
      failedRecords: 1,
      firstFailure: "after 3 attempts: 503 es_rejected_execution_exception: status 503",
    });
  });

  it("reports every data record when the bulk request is refused as a whole", async () => {
    const bulk = new FakeBulk();
    let calls = 0;
    const handler = createHandler({
      settings,
      search: fakeSearchClient(() => {
        calls++;
        return {
          status: 403,
          body: {
            error: { type: "security_exception", reason: "no permissions for [indices:data/write/bulk]" },
          },
        };
      }),
      sqs: fakeSqs().client,
      sleep: async () => undefined,
      log: () => undefined,
    });
    const event = kinesisEvent([controlData, trail(9, 2), trail(10, 1)]);
    expect(await handler(event)).toEqual({
      batchItemFailures: [
        { itemIdentifier: event.Records[1]!.kinesis.sequenceNumber },
        { itemIdentifier: event.Records[2]!.kinesis.sequenceNumber },
      ],
    });
    expect(calls).toBe(1);
    expect(bulk.store.size).toBe(0);
  });

  it("reports a malformed record when its dead letter cannot be delivered", async () => {
    const { handler } = setup(undefined, true);
    const event = kinesisEvent([trail(11, 1), notGzip]);
    expect(await handler(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[1]!.kinesis.sequenceNumber }],
    });
  });

  it("does not retry when the invocation is about to time out", async () => {
    const { handler, bulk } = setup(() => 503);
    const event = kinesisEvent([trail(12, 1)]);
    const result = await handler(event, { getRemainingTimeInMillis: () => 20_000 });
    expect(result.batchItemFailures).toHaveLength(1);
    expect(bulk.requests).toHaveLength(1);
  });

  it("keeps the records' order in the failures it reports", async () => {
    const { handler } = setup(() => 503);
    const datas = [trail(13, 1), trail(14, 1), trail(15, 1)];
    const event: KinesisStreamEvent = { Records: datas.map((d, i) => kinesisRecord(d, 10 - i)) };
    const result = await handler(event);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      event.Records.map((r) => r.kinesis.sequenceNumber),
    );
  });

  it("indexes a full batch (50 records, 2000 events) in bulk requests under the size bound", async () => {
    const { handler, bulk } = setup(undefined, false, { maxBulkBytes: 1_000_000 });
    const datas = Array.from({ length: 50 }, (_, i) => trail(100 + i, 40));
    expect(await handler(kinesisEvent(datas))).toEqual({ batchItemFailures: [] });
    expect(bulk.store.size).toBe(2000);
    expect(bulk.requests.length).toBeGreaterThan(2);
    for (const r of bulk.requests) expect(Buffer.byteLength(r.body)).toBeLessThanOrEqual(1_000_000);
    expect(bulk.bulkBodies.flat().length).toBe(4000);
  });
});

describe("parseForwarderEnv", () => {
  const env = {
    OPENSEARCH_ENDPOINT: "search-test-abc123.ap-northeast-1.es.amazonaws.com",
    INDEX_PREFIX: "cwl",
    DEAD_LETTER_QUEUE_URL: QUEUE,
    AWS_REGION: "ap-northeast-1",
  };

  it("reads the contract's variables and defaults the tuning", () => {
    expect(parseForwarderEnv(env)).toEqual(settings);
  });

  it("reads tuning variables", () => {
    const s = parseForwarderEnv({
      ...env,
      MAX_BULK_BYTES: "10000000",
      MAX_ATTEMPTS: "5",
      DEAD_LETTER_MAX_BYTES: "1048576",
    });
    expect(s).toMatchObject({ maxBulkBytes: 10_000_000, maxAttempts: 5, deadLetterMaxBytes: 1_048_576 });
  });

  it("names every bad variable", () => {
    expect(() =>
      parseForwarderEnv({
        ...env,
        OPENSEARCH_ENDPOINT: "http://x",
        INDEX_PREFIX: "CWL",
        MAX_ATTEMPTS: "0",
        DEAD_LETTER_QUEUE_URL: undefined,
      }),
    ).toThrow(/OPENSEARCH_ENDPOINT: .*https.*INDEX_PREFIX: .*DEAD_LETTER_QUEUE_URL: .*MAX_ATTEMPTS: /);
  });
});
