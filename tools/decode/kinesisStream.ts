/**
 * Reads a live Kinesis Data Stream for `npm run decode -- --stream`: ListShards, one iterator per
 * shard, then GetRecords round-robin over the shards until each is caught up
 * (`MillisBehindLatest` 0), `limit` records were read, or — with `follow` — the signal aborts.
 * The client is injected, so the loop is tested offline with a fake.
 */
import { setTimeout as delay } from "node:timers/promises";
import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type GetShardIteratorCommandOutput,
  ListShardsCommand,
  type ListShardsCommandOutput,
  type Shard,
} from "@aws-sdk/client-kinesis";

/** The calls the reader makes; `KinesisClient` satisfies it. */
export interface KinesisReadClient {
  send(command: ListShardsCommand): Promise<ListShardsCommandOutput>;
  send(command: GetShardIteratorCommand): Promise<GetShardIteratorCommandOutput>;
  send(command: GetRecordsCommand): Promise<GetRecordsCommandOutput>;
}

export type StartPosition = "TRIM_HORIZON" | "LATEST";

export interface ReadStreamOptions {
  /** Stream name, or its ARN. */
  readonly stream: string;
  readonly from: StartPosition;
  /** Stop after this many records (all shards together). */
  readonly limit?: number;
  /** Keep polling after catching up, until `signal` aborts. */
  readonly follow: boolean;
  readonly signal?: AbortSignal;
  /** Resolves after `ms`, or early when the signal aborts; never rejects. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Pause after a pass over the shards that brought nothing (AWS suggests polling about once a second). */
  readonly idleMs?: number;
  /** Pause after a pass that brought records: keeps each shard under GetRecords' 5 calls per second. */
  readonly busyMs?: number;
}

export interface StreamRecord {
  shardId: string;
  sequenceNumber: string;
  approximateArrival?: Date;
  /** The record's payload, already base64-decoded by the SDK. */
  data: Uint8Array;
}

/** GetRecords' largest `Limit`. */
export const GET_RECORDS_MAX_LIMIT = 10_000;

const defaultSleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
  await delay(ms, undefined, signal ? { signal } : {}).catch(() => undefined);
};

function streamParam(stream: string): { StreamARN: string } | { StreamName: string } {
  return stream.startsWith("arn:") ? { StreamARN: stream } : { StreamName: stream };
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : "";
}

/** Every shard of the stream, open and closed, following `NextToken`. */
export async function listShards(client: KinesisReadClient, stream: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let token: string | undefined;
  do {
    // With NextToken the API refuses a stream name or ARN next to it.
    const output = await client.send(
      new ListShardsCommand(token ? { NextToken: token } : streamParam(stream)),
    );
    shards.push(...(output.Shards ?? []));
    token = output.NextToken;
  } while (token);
  return shards;
}

type Position = StartPosition | { after: string };

interface Cursor {
  readonly shardId: string;
  iterator: string;
  /** Last sequence number read: where to resume when the iterator expires (after 5 minutes). */
  last?: string;
  done: boolean;
}

export async function* readStream(
  client: KinesisReadClient,
  options: ReadStreamOptions,
): AsyncGenerator<StreamRecord, void, undefined> {
  const sleep = options.sleep ?? defaultSleep;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const aborted = () => options.signal?.aborted === true;
  const stream = streamParam(options.stream);

  const iteratorFor = async (shardId: string, position: Position): Promise<string> => {
    const where: Pick<GetShardIteratorCommandInput, "ShardIteratorType" | "StartingSequenceNumber"> =
      typeof position === "string"
        ? { ShardIteratorType: position }
        : { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber: position.after };
    const output = await client.send(new GetShardIteratorCommand({ ...stream, ShardId: shardId, ...where }));
    if (!output.ShardIterator) throw new Error(`GetShardIterator returned no iterator for ${shardId}`);
    return output.ShardIterator;
  };

  const shards = await listShards(client, options.stream);
  // A closed shard (resharded away) has nothing after LATEST.
  const wanted =
    options.from === "LATEST"
      ? shards.filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined)
      : shards;
  const cursors: Cursor[] = [];
  const known = new Set<string>();
  for (const shard of wanted) {
    if (!shard.ShardId || aborted()) continue;
    known.add(shard.ShardId);
    cursors.push({
      shardId: shard.ShardId,
      iterator: await iteratorFor(shard.ShardId, options.from),
      done: false,
    });
  }

  let emitted = 0;
  while (!aborted() && emitted < limit && cursors.some((c) => !c.done)) {
    let received = 0;
    for (const cursor of cursors) {
      if (cursor.done) continue;
      if (aborted()) return;
      let output: GetRecordsCommandOutput;
      try {
        output = await client.send(
          new GetRecordsCommand({
            ShardIterator: cursor.iterator,
            Limit: Math.min(GET_RECORDS_MAX_LIMIT, limit - emitted),
          }),
        );
      } catch (err) {
        const name = errorName(err);
        if (name === "ExpiredIteratorException") {
          cursor.iterator = await iteratorFor(
            cursor.shardId,
            cursor.last ? { after: cursor.last } : options.from,
          );
          continue;
        }
        // Throttled even after the SDK's own retries: the pause after this pass backs off.
        if (name === "ProvisionedThroughputExceededException") continue;
        throw err;
      }
      const records = output.Records ?? [];
      for (const record of records) {
        const sequenceNumber = record.SequenceNumber ?? "(no sequence number)";
        yield {
          shardId: cursor.shardId,
          sequenceNumber,
          ...(record.ApproximateArrivalTimestamp
            ? { approximateArrival: record.ApproximateArrivalTimestamp }
            : {}),
          // A record without data still shows up, as a decoding failure, rather than vanish.
          data: record.Data ?? new Uint8Array(),
        };
        cursor.last = record.SequenceNumber ?? cursor.last;
        received++;
        emitted++;
        if (emitted >= limit) return;
      }
      if (!output.NextShardIterator) {
        // The shard was closed by resharding and is fully read; its children carry on.
        cursor.done = true;
        for (const child of output.ChildShards ?? []) {
          if (!child.ShardId || known.has(child.ShardId)) continue;
          known.add(child.ShardId);
          cursors.push({
            shardId: child.ShardId,
            iterator: await iteratorFor(child.ShardId, "TRIM_HORIZON"),
            done: false,
          });
        }
        continue;
      }
      cursor.iterator = output.NextShardIterator;
      const caughtUp =
        output.MillisBehindLatest === 0 || (output.MillisBehindLatest === undefined && records.length === 0);
      if (caughtUp && !options.follow) cursor.done = true;
    }
    if (cursors.some((c) => !c.done) && !aborted()) {
      await sleep(received > 0 ? (options.busyMs ?? 200) : (options.idleMs ?? 1000), options.signal);
    }
  }
}
