import { gunzipSync, gzipSync } from "node:zlib";
import type {
  PutRecordsCommand,
  PutRecordsCommandOutput,
  PutRecordsRequestEntry,
} from "@aws-sdk/client-kinesis";
import type { FirehoseTransformationEvent, FirehoseTransformationEventRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import getRecords from "../../../tests/fixtures/kinesis-get-records.json";
import {
  chunkForPutRecords,
  createHandler,
  handler,
  PUT_RECORDS_MAX_BYTES,
  type PutRecordsClient,
  ReingestError,
} from "./index";
import { processBatch } from "./transform";

const STREAM_ARN = "arn:aws:kinesis:us-east-1:222222222222:stream/central-logging-dev";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function envelopeData(logGroup: string): string {
  const envelope = {
    messageType: "DATA_MESSAGE",
    owner: "111111111111",
    logGroup,
    logStream: "111111111111_CloudTrail_us-east-1",
    subscriptionFilters: ["central-logging-dev"],
    logEvents: [
      {
        id: "1",
        timestamp: 1556373402311,
        message: '{"eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1"}',
      },
    ],
  };
  return gzipSync(Buffer.from(JSON.stringify(envelope))).toString("base64");
}

function event(records: FirehoseTransformationEventRecord[], withSource = true): FirehoseTransformationEvent {
  return {
    invocationId: "inv-1",
    deliveryStreamArn: "arn:aws:firehose:us-east-1:222222222222:deliverystream/central-logging-dev",
    ...(withSource ? { sourceKinesisStreamArn: STREAM_ARN } : {}),
    region: "us-east-1",
    records,
  };
}

function records(n: number): FirehoseTransformationEventRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    recordId: `rec-${i}`,
    approximateArrivalTimestamp: 1556373403028,
    data: envelopeData(`group-${i}`),
  }));
}

/** Budget in which exactly the first `keep` records of `recs` fit as Ok. */
function budgetKeeping(recs: FirehoseTransformationEventRecord[], keep: number): number {
  const full = processBatch(recs).response.records;
  const body = full.map((r, i) => (i < keep ? r : { recordId: r.recordId, result: "Dropped" }));
  return Buffer.byteLength(JSON.stringify({ records: body }));
}

type Responder = (entries: PutRecordsRequestEntry[], call: number) => PutRecordsCommandOutput;

const allOk: Responder = (entries) => ({
  $metadata: {},
  FailedRecordCount: 0,
  Records: entries.map((_, i) => ({ SequenceNumber: String(i), ShardId: "shardId-000000000000" })),
});

function fakeKinesis(respond: Responder = allOk) {
  const calls: { StreamARN: string | undefined; Records: PutRecordsRequestEntry[] }[] = [];
  const client: PutRecordsClient = {
    async send(command: PutRecordsCommand) {
      const entries = command.input.Records ?? [];
      calls.push({ StreamARN: command.input.StreamARN, Records: entries });
      return respond(entries, calls.length);
    },
  };
  return { client, calls };
}

const noSleep = { sleep: async () => {}, log: () => {} };

function dataOf(entry: PutRecordsRequestEntry): string {
  return Buffer.from(entry.Data!).toString("base64");
}

describe("handler", () => {
  it("does not touch Kinesis when everything fits", async () => {
    const { client, calls } = fakeKinesis();
    const recs = records(3);
    const result = await createHandler({ kinesis: client, ...noSleep })(event(recs));
    expect(result).toEqual(processBatch(recs).response);
    expect(result.records.map((r) => r.result)).toEqual(["Ok", "Ok", "Ok"]);
    expect(calls).toEqual([]);
  });

  it("default handler passes the real control message on, un-gzipped, without needing AWS", async () => {
    const [blog] = getRecords.Records;
    const result = await handler(
      event([{ recordId: "blog", approximateArrivalTimestamp: 1556373403028, data: blog!.Data }]),
    );
    expect(result.records.map((r) => [r.recordId, r.result])).toEqual([["blog", "Ok"]]);
    const line = Buffer.from(result.records[0]?.data ?? "", "base64").toString("utf8");
    expect(JSON.parse(line)).toMatchObject({ messageType: "CONTROL_MESSAGE", owner: "CloudwatchLogs" });
  });

  it("re-puts the overflow's original data to the source stream by ARN", async () => {
    const { client, calls } = fakeKinesis();
    const recs = records(4);
    const h = createHandler({ kinesis: client, responseBudgetBytes: budgetKeeping(recs, 2), ...noSleep });
    const result = await h(event(recs));

    expect(result.records.map((r) => [r.recordId, r.result])).toEqual([
      ["rec-0", "Ok"],
      ["rec-1", "Ok"],
      ["rec-2", "Dropped"],
      ["rec-3", "Dropped"],
    ]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.StreamARN).toBe(STREAM_ARN);
    expect(calls[0]!.Records.map(dataOf)).toEqual([recs[2]!.data, recs[3]!.data]);
    const keys = calls[0]!.Records.map((r) => r.PartitionKey);
    for (const key of keys) expect(key).toMatch(UUID);
    expect(new Set(keys).size).toBe(2);
  });

  it("retries only the failed entries, with the same data and keys", async () => {
    const delays: number[] = [];
    const { client, calls } = fakeKinesis((entries, call) => {
      if (call > 1) return allOk(entries, call);
      return {
        $metadata: {},
        FailedRecordCount: 1,
        Records: entries.map((_, i) =>
          i === 1
            ? { ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: "slow down" }
            : { SequenceNumber: String(i), ShardId: "shardId-000000000000" },
        ),
      };
    });
    const recs = records(4);
    const h = createHandler({
      kinesis: client,
      responseBudgetBytes: budgetKeeping(recs, 1),
      sleep: async (ms) => {
        delays.push(ms);
      },
      log: () => {},
    });
    await h(event(recs));

    expect(calls).toHaveLength(2);
    expect(calls[0]!.Records.map(dataOf)).toEqual([recs[1]!.data, recs[2]!.data, recs[3]!.data]);
    expect(calls[1]!.Records).toEqual([calls[0]!.Records[1]]);
    expect(dataOf(calls[1]!.Records[0]!)).toBe(recs[2]!.data);
    expect(delays).toEqual([100]);
  });

  it("treats entries missing from the response as failed", async () => {
    const { client, calls } = fakeKinesis((entries, call) =>
      call === 1 ? { $metadata: {}, Records: undefined } : allOk(entries, call),
    );
    const recs = records(3);
    const h = createHandler({ kinesis: client, responseBudgetBytes: budgetKeeping(recs, 1), ...noSleep });
    await h(event(recs));
    expect(calls.map((c) => c.Records.length)).toEqual([2, 2]);
  });

  it("throws after a bounded number of attempts when entries keep failing", async () => {
    const { client, calls } = fakeKinesis((entries) => ({
      $metadata: {},
      FailedRecordCount: 1,
      Records: entries.map((_, i) =>
        i === 0
          ? { ErrorCode: "InternalFailure", ErrorMessage: "boom" }
          : { SequenceNumber: "1", ShardId: "s" },
      ),
    }));
    const recs = records(3);
    const h = createHandler({
      kinesis: client,
      responseBudgetBytes: budgetKeeping(recs, 1),
      maxPutAttempts: 3,
      ...noSleep,
    });
    await expect(h(event(recs))).rejects.toThrow(ReingestError);
    await expect(h(event(recs))).rejects.toThrow(
      /1 record\(s\) still failing after 3 PutRecords attempts: InternalFailure: boom/,
    );
    // Two invocations of 3 attempts; the first attempt sends both overflow records, retries only one.
    expect(calls.map((c) => c.Records.length)).toEqual([2, 1, 1, 2, 1, 1]);
  });

  it("propagates a PutRecords request error so Firehose retries the batch", async () => {
    const client: PutRecordsClient = {
      send: async () => {
        throw new Error("AccessDeniedException");
      },
    };
    const recs = records(2);
    const h = createHandler({ kinesis: client, responseBudgetBytes: budgetKeeping(recs, 1), ...noSleep });
    await expect(h(event(recs))).rejects.toThrow("AccessDeniedException");
  });

  it("throws when there is overflow but no source stream to put it back on", async () => {
    const { client, calls } = fakeKinesis();
    const recs = records(2);
    const h = createHandler({ kinesis: client, responseBudgetBytes: budgetKeeping(recs, 1), ...noSleep });
    await expect(h(event(recs, false))).rejects.toThrow(ReingestError);
    expect(calls).toEqual([]);
  });

  it("splits a large overflow into PutRecords calls of at most 500 records", async () => {
    const { client, calls } = fakeKinesis();
    const recs = records(1102);
    const h = createHandler({ kinesis: client, responseBudgetBytes: budgetKeeping(recs, 1), ...noSleep });
    const result = await h(event(recs));
    expect(calls.map((c) => c.Records.length)).toEqual([500, 500, 101]);
    expect(calls.flatMap((c) => c.Records).map(dataOf)).toEqual(recs.slice(1).map((r) => r.data));
    expect(result.records.filter((r) => r.result === "Dropped")).toHaveLength(1101);
  });

  it("splits a record too large to return into pieces and re-puts them, logging the split", async () => {
    const { client, calls } = fakeKinesis();
    const lines: string[] = [];
    const logEvents = Array.from({ length: 300 }, (_, i) => ({
      id: String(i),
      timestamp: i,
      message: `event ${i} ${"m".repeat(100)}`,
    }));
    const envelope = {
      ...JSON.parse(gunzipSync(Buffer.from(envelopeData("g"), "base64")).toString()),
      logEvents,
    };
    const big = {
      recordId: "big",
      approximateArrivalTimestamp: 1556373403028,
      data: gzipSync(Buffer.from(JSON.stringify(envelope))).toString("base64"),
    };
    const h = createHandler({
      kinesis: client,
      responseBudgetBytes: 20_000,
      sleep: async () => {},
      log: (l) => lines.push(l),
    });
    const result = await h(event([big]));
    expect(result.records).toEqual([{ recordId: "big", result: "Dropped" }]);
    const pieces = calls.flatMap((c) => c.Records).map((r) => JSON.parse(gunzipSync(r.Data!).toString()));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.flatMap((p) => p.logEvents)).toEqual(logEvents);
    expect(JSON.parse(lines[1]!)).toEqual({ invocationId: "inv-1", split: 1, pieces: pieces.length });
  });

  it("logs one summary line", async () => {
    const lines: string[] = [];
    const recs = records(2);
    await createHandler({ kinesis: fakeKinesis().client, sleep: async () => {}, log: (l) => lines.push(l) })(
      event(recs),
    );
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        invocationId: "inv-1",
        records: 2,
        Ok: 2,
        Dropped: 0,
        ProcessingFailed: 0,
        reingested: 0,
        responseBytes: expect.any(Number),
      },
    ]);
  });
});

describe("chunkForPutRecords", () => {
  const entry = (bytes: number, key = "k"): PutRecordsRequestEntry => ({
    Data: new Uint8Array(bytes),
    PartitionKey: key,
  });

  it("splits by count", () => {
    const chunks = chunkForPutRecords(Array.from({ length: 1201 }, () => entry(1)));
    expect(chunks.map((c) => c.length)).toEqual([500, 500, 201]);
  });

  it("splits by bytes, counting the partition key, and keeps order", () => {
    const mib = 1024 * 1024;
    const entries = [entry(2 * mib, "a"), entry(2 * mib, "b"), entry(mib - 2, "c"), entry(1, "d")];
    // a+b+c = 5 MiB - 2 + 3 key bytes > 5 MiB, so c starts a new chunk.
    const chunks = chunkForPutRecords(entries);
    expect(chunks.map((c) => c.map((e) => e.PartitionKey))).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
    expect(chunkForPutRecords([entry(2 * mib, "a"), entry(2 * mib, "b"), entry(mib - 3, "c")])).toHaveLength(
      1,
    );
    expect(PUT_RECORDS_MAX_BYTES).toBe(5 * mib);
  });

  it("puts an entry larger than the byte limit alone instead of dropping it", () => {
    const chunks = chunkForPutRecords([entry(10), entry(100), entry(10)], 500, 50);
    expect(chunks.map((c) => c.map((e) => e.Data!.byteLength))).toEqual([[10], [100], [10]]);
  });

  it("returns no chunks for no entries", () => {
    expect(chunkForPutRecords([])).toEqual([]);
  });
});
