import {
  ExpiredIteratorException,
  type GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandOutput,
  ListShardsCommand,
  type ListShardsCommandOutput,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from "@aws-sdk/client-kinesis";
import { describe, expect, it } from "vitest";
import getRecords from "../../tests/fixtures/kinesis-get-records.json";
import { decodeRecord } from "./decode";
import {
  type KinesisReadClient,
  type ReadStreamOptions,
  readStream,
  type StreamRecord,
} from "./kinesisStream";

interface FakeShard {
  id: string;
  records: (string | Buffer)[];
  closed?: boolean;
  children?: string[];
}

const $metadata = {};

/**
 * An in-memory stream. Iterators are `<shard>@<index>`; GetRecords returns at most `pageSize`
 * records per call and `MillisBehindLatest` 0 once the shard's end is reached.
 */
class FakeKinesis implements KinesisReadClient {
  readonly calls: string[] = [];
  /** Iterators that answer ExpiredIteratorException once. */
  readonly expire = new Set<string>();
  /** How many GetRecords calls answer ProvisionedThroughputExceededException before working. */
  throttle = 0;
  missing = false;
  /** Shards ListShards does not return (created after it was called). */
  readonly unlisted = new Set<string>();

  constructor(
    readonly shards: FakeShard[],
    readonly pageSize = 2,
    readonly shardPageSize = 100,
  ) {}

  send(command: ListShardsCommand): Promise<ListShardsCommandOutput>;
  send(command: GetShardIteratorCommand): Promise<GetShardIteratorCommandOutput>;
  send(command: GetRecordsCommand): Promise<GetRecordsCommandOutput>;
  async send(
    command: ListShardsCommand | GetShardIteratorCommand | GetRecordsCommand,
  ): Promise<ListShardsCommandOutput | GetShardIteratorCommandOutput | GetRecordsCommandOutput> {
    if (command instanceof ListShardsCommand) {
      const input = command.input;
      this.calls.push(`ListShards ${JSON.stringify(input)}`);
      if (this.missing) throw new ResourceNotFoundException({ message: "Stream nope not found", $metadata });
      const start = input.NextToken ? Number(input.NextToken) : 0;
      const listed = this.shards.filter((s) => !this.unlisted.has(s.id));
      const page = listed.slice(start, start + this.shardPageSize);
      const next =
        start + this.shardPageSize < listed.length ? String(start + this.shardPageSize) : undefined;
      return {
        $metadata,
        Shards: page.map((s) => ({
          ShardId: s.id,
          HashKeyRange: { StartingHashKey: "0", EndingHashKey: "1" },
          SequenceNumberRange: {
            StartingSequenceNumber: `${s.id}#0`,
            ...(s.closed ? { EndingSequenceNumber: `${s.id}#end` } : {}),
          },
        })),
        ...(next ? { NextToken: next } : {}),
      };
    }
    if (command instanceof GetShardIteratorCommand) {
      const input = command.input;
      this.calls.push(`GetShardIterator ${JSON.stringify(input)}`);
      const shard = this.shard(input.ShardId ?? "");
      const position =
        input.ShardIteratorType === "LATEST"
          ? shard.records.length
          : input.ShardIteratorType === "AFTER_SEQUENCE_NUMBER"
            ? Number(input.StartingSequenceNumber?.split("#")[1]) + 1
            : 0;
      return { $metadata, ShardIterator: `${shard.id}@${position}` };
    }
    const iterator = command.input.ShardIterator ?? "";
    this.calls.push(`GetRecords ${iterator} limit ${command.input.Limit}`);
    if (this.expire.delete(iterator)) throw new ExpiredIteratorException({ message: "expired", $metadata });
    if (this.throttle > 0) {
      this.throttle--;
      throw new ProvisionedThroughputExceededException({ message: "slow down", $metadata });
    }
    const [id = "", at = "0"] = iterator.split("@");
    const shard = this.shard(id);
    const start = Number(at);
    const end = Math.min(
      shard.records.length,
      start + Math.min(this.pageSize, command.input.Limit ?? 10_000),
    );
    const atEnd = end === shard.records.length;
    return {
      $metadata,
      Records: shard.records.slice(start, end).map((data, i) => ({
        SequenceNumber: `${shard.id}#${start + i}`,
        PartitionKey: "k",
        Data: Buffer.from(data),
      })),
      MillisBehindLatest: atEnd ? 0 : 5000,
      ...(shard.closed && atEnd
        ? {
            ChildShards: (shard.children ?? []).map((c) => ({
              ShardId: c,
              ParentShards: [id],
              HashKeyRange: undefined,
            })),
          }
        : { NextShardIterator: `${shard.id}@${end}` }),
    };
  }

  private shard(id: string): FakeShard {
    const shard = this.shards.find((s) => s.id === id);
    if (!shard) throw new ResourceNotFoundException({ message: `no shard ${id}`, $metadata });
    return shard;
  }
}

async function collect(client: KinesisReadClient, options: Partial<ReadStreamOptions> = {}) {
  const sleeps: number[] = [];
  const records: StreamRecord[] = [];
  for await (const r of readStream(client, {
    stream: "central-logging-dev-logs",
    from: "TRIM_HORIZON",
    follow: false,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  })) {
    records.push(r);
  }
  return { records, sleeps, ids: records.map((r) => `${r.shardId}:${Buffer.from(r.data).toString()}`) };
}

describe("readStream", () => {
  it("reads every shard from TRIM_HORIZON until caught up, round-robin", async () => {
    const kinesis = new FakeKinesis([
      { id: "shard-0", records: ["a", "b", "c"] },
      { id: "shard-1", records: ["x"] },
      { id: "shard-2", records: [] },
    ]);
    const { ids, sleeps, records } = await collect(kinesis);
    expect(ids).toEqual(["shard-0:a", "shard-0:b", "shard-1:x", "shard-0:c"]);
    expect(records[0]!.sequenceNumber).toBe("shard-0#0");
    expect(kinesis.calls).toEqual([
      'ListShards {"StreamName":"central-logging-dev-logs"}',
      'GetShardIterator {"StreamName":"central-logging-dev-logs","ShardId":"shard-0","ShardIteratorType":"TRIM_HORIZON"}',
      'GetShardIterator {"StreamName":"central-logging-dev-logs","ShardId":"shard-1","ShardIteratorType":"TRIM_HORIZON"}',
      'GetShardIterator {"StreamName":"central-logging-dev-logs","ShardId":"shard-2","ShardIteratorType":"TRIM_HORIZON"}',
      "GetRecords shard-0@0 limit 10000",
      "GetRecords shard-1@0 limit 10000",
      "GetRecords shard-2@0 limit 10000",
      "GetRecords shard-0@2 limit 10000",
    ]);
    // One busy pause between the two passes (shard-0 still behind), none after the last.
    expect(sleeps).toEqual([200]);
  });

  it("hands over the record's bytes as stored: the blog's record decodes", async () => {
    const kinesis = new FakeKinesis([
      { id: "shardId-000000000000", records: [Buffer.from(getRecords.Records[0]!.Data, "base64")] },
    ]);
    const { records } = await collect(kinesis);
    expect(records).toHaveLength(1);
    const item = decodeRecord(records[0]!.data, "r");
    expect(item.kind === "envelope" && item.envelope.logEvents[0]!.message).toBe(
      "CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.",
    );
  });

  it("follows ListShards' NextToken without naming the stream again", async () => {
    const kinesis = new FakeKinesis(
      [1, 2, 3].map((n) => ({ id: `shard-${n}`, records: [`r${n}`] })),
      10,
      2,
    );
    const { ids } = await collect(kinesis);
    expect(ids).toEqual(["shard-1:r1", "shard-2:r2", "shard-3:r3"]);
    expect(kinesis.calls.filter((c) => c.startsWith("ListShards"))).toEqual([
      'ListShards {"StreamName":"central-logging-dev-logs"}',
      'ListShards {"NextToken":"2"}',
    ]);
  });

  it("names the stream by ARN when given one", async () => {
    const arn = "arn:aws:kinesis:ap-northeast-1:999999999999:stream/central-logging-dev-logs";
    const kinesis = new FakeKinesis([{ id: "shard-0", records: ["a"] }]);
    await collect(kinesis, { stream: arn });
    expect(kinesis.calls.slice(0, 2)).toEqual([
      `ListShards {"StreamARN":"${arn}"}`,
      `GetShardIterator {"StreamARN":"${arn}","ShardId":"shard-0","ShardIteratorType":"TRIM_HORIZON"}`,
    ]);
  });

  it("stops at --limit and never asks for more than it still needs", async () => {
    const kinesis = new FakeKinesis([{ id: "shard-0", records: ["a", "b", "c", "d", "e"] }], 10);
    const { ids } = await collect(kinesis, { limit: 3 });
    expect(ids).toEqual(["shard-0:a", "shard-0:b", "shard-0:c"]);
    expect(kinesis.calls.filter((c) => c.startsWith("GetRecords"))).toEqual(["GetRecords shard-0@0 limit 3"]);
  });

  it("counts the limit over all shards", async () => {
    const kinesis = new FakeKinesis([
      { id: "shard-0", records: ["a", "b"] },
      { id: "shard-1", records: ["x", "y"] },
    ]);
    const { ids } = await collect(kinesis, { limit: 3 });
    expect(ids).toEqual(["shard-0:a", "shard-0:b", "shard-1:x"]);
    expect(kinesis.calls.filter((c) => c.startsWith("GetRecords"))).toEqual([
      "GetRecords shard-0@0 limit 3",
      "GetRecords shard-1@0 limit 1",
    ]);
  });

  it("from LATEST skips closed shards and starts after the newest record", async () => {
    const kinesis = new FakeKinesis([
      { id: "shard-0", records: ["old"], closed: true },
      { id: "shard-1", records: ["old"] },
    ]);
    const stop = new AbortController();
    const { ids } = await collect(kinesis, {
      from: "LATEST",
      follow: true,
      signal: stop.signal,
      sleep: async () => {
        kinesis.shards[1]!.records.push("new");
        stop.abort();
      },
    });
    expect(ids).toEqual([]);
    expect(kinesis.calls.filter((c) => c.startsWith("GetShardIterator"))).toEqual([
      'GetShardIterator {"StreamName":"central-logging-dev-logs","ShardId":"shard-1","ShardIteratorType":"LATEST"}',
    ]);
  });

  it("--follow keeps polling after catching up, idle pauses between empty passes, until aborted", async () => {
    const kinesis = new FakeKinesis([{ id: "shard-0", records: ["a"] }]);
    const stop = new AbortController();
    const sleeps: number[] = [];
    const arrivals = [["b", "c"], [], ["d"]];
    const ids: string[] = [];
    for await (const r of readStream(kinesis, {
      stream: "s",
      from: "TRIM_HORIZON",
      follow: true,
      signal: stop.signal,
      sleep: async (ms) => {
        sleeps.push(ms);
        const next = arrivals.shift();
        if (next === undefined) stop.abort();
        else kinesis.shards[0]!.records.push(...next);
      },
    })) {
      ids.push(Buffer.from(r.data).toString());
    }
    expect(ids).toEqual(["a", "b", "c", "d"]);
    // Pauses after each pass: a (busy), b+c (busy), nothing (idle), d (busy; aborted during it).
    expect(sleeps).toEqual([200, 200, 1000, 200]);
  });

  it("resumes after the last record read when an iterator expires", async () => {
    const kinesis = new FakeKinesis([{ id: "shard-0", records: ["a", "b", "c"] }]);
    kinesis.expire.add("shard-0@2");
    const { ids } = await collect(kinesis);
    expect(ids).toEqual(["shard-0:a", "shard-0:b", "shard-0:c"]);
    expect(kinesis.calls).toContain(
      'GetShardIterator {"StreamName":"central-logging-dev-logs","ShardId":"shard-0","ShardIteratorType":"AFTER_SEQUENCE_NUMBER","StartingSequenceNumber":"shard-0#1"}',
    );
  });

  it("restarts from the start position when an iterator expires before any record", async () => {
    const kinesis = new FakeKinesis([{ id: "shard-0", records: ["a"] }]);
    kinesis.expire.add("shard-0@0");
    const { ids } = await collect(kinesis);
    expect(ids).toEqual(["shard-0:a"]);
    expect(kinesis.calls.filter((c) => c.startsWith("GetShardIterator"))).toHaveLength(2);
  });

  it("waits and retries when throttled", async () => {
    const kinesis = new FakeKinesis([{ id: "shard-0", records: ["a"] }]);
    kinesis.throttle = 2;
    const { ids, sleeps } = await collect(kinesis);
    expect(ids).toEqual(["shard-0:a"]);
    expect(sleeps).toEqual([1000, 1000]);
  });

  it("reads a closed shard to its end, then children created after ListShards", async () => {
    const kinesis = new FakeKinesis([
      { id: "shard-0", records: ["a", "b", "c"], closed: true, children: ["shard-9"] },
      { id: "shard-9", records: ["z"] },
    ]);
    kinesis.unlisted.add("shard-9");
    const { ids } = await collect(kinesis);
    expect(ids).toEqual(["shard-0:a", "shard-0:b", "shard-0:c", "shard-9:z"]);
    expect(kinesis.calls).toContain(
      'GetShardIterator {"StreamName":"central-logging-dev-logs","ShardId":"shard-9","ShardIteratorType":"TRIM_HORIZON"}',
    );
  });

  it("does not read a listed child twice", async () => {
    const kinesis = new FakeKinesis([
      { id: "shard-0", records: ["a"], closed: true, children: ["shard-9"] },
      { id: "shard-9", records: ["z"] },
    ]);
    const { ids } = await collect(kinesis);
    expect(ids).toEqual(["shard-0:a", "shard-9:z"]);
  });

  it("lets other errors through", async () => {
    const kinesis = new FakeKinesis([]);
    kinesis.missing = true;
    await expect(collect(kinesis)).rejects.toThrow("Stream nope not found");
  });
});
