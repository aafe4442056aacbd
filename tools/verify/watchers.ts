/**
 * Where verify looks for canaries while it waits: the Kinesis stream (the decode tool's reader and
 * decoder) and the archive bucket (new objects under the canaries' partition prefixes, decoded
 * by the decode tool as an operator's download would be).
 */
import { GetRecordsCommand } from "@aws-sdk/client-kinesis";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { decodeInput, decodeRecord } from "../decode/decode";
import { type KinesisReadClient, readStream } from "../decode/kinesisStream";
import { canaryIdsIn } from "./canaries";

export interface Sighting {
  id: string;
  /** Epoch ms: the record's arrival in the stream, or the object's LastModified. */
  at: number;
}

export function errorText(err: unknown): string {
  if (err instanceof Error)
    return err.name && err.name !== "Error" ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}

export interface StreamWatch {
  /** Resolves once the reader holds an iterator on every open shard (or has stopped). */
  readonly ready: Promise<void>;
  /** Resolves when the reader has stopped; never rejects. */
  readonly done: Promise<void>;
  /** Why the reader stopped early, if it did. */
  error(): string | undefined;
  stop(): void;
}

export interface StreamWatchOptions {
  /** Pause after a pass that brought nothing (AWS suggests about a second). */
  idleMs?: number;
  busyMs?: number;
  now?: () => number;
}

/**
 * Follows the stream from LATEST, started before any canary is written: `ready` resolves on the
 * first GetRecords, which the reader sends only once every shard has its iterator, so everything
 * written afterwards is read. (AT_TIMESTAMP would need clock agreement with AWS, and the reader
 * takes TRIM_HORIZON or LATEST.)
 */
export function watchStream(
  client: KinesisReadClient,
  stream: string,
  onSighting: (sightings: Sighting[]) => void,
  options: StreamWatchOptions = {},
): StreamWatch {
  const now = options.now ?? Date.now;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  const positioned = {
    send: (command: unknown) => {
      if (command instanceof GetRecordsCommand) markReady();
      return send(command);
    },
  } as KinesisReadClient;
  const abort = new AbortController();
  let failure: string | undefined;
  const done = (async () => {
    try {
      const records = readStream(positioned, {
        stream,
        from: "LATEST",
        follow: true,
        signal: abort.signal,
        idleMs: options.idleMs ?? 1000,
        busyMs: options.busyMs ?? 200,
      });
      for await (const record of records) {
        const ids = canaryIdsIn([decodeRecord(record.data, record.sequenceNumber)]);
        if (ids.length === 0) continue;
        const at = record.approximateArrival?.getTime() ?? now();
        onSighting(ids.map((id) => ({ id, at })));
      }
    } catch (err) {
      if (!abort.signal.aborted) failure = `reading stream ${stream}: ${errorText(err)}`;
    } finally {
      markReady();
    }
  })();
  return { ready, done, error: () => failure, stop: () => abort.abort() };
}

export interface ArchivePoll {
  sightings: Sighting[];
  /** Per prefix: the error listing or reading it, this poll. */
  errors: Map<string, string>;
}

/**
 * Lists each prefix and reads every object modified since the start (less `skewMs`, for clocks
 * and S3's whole-second times) that it has not read before.
 */
export class ArchiveWatch {
  private readonly read = new Set<string>();

  constructor(
    private readonly s3: Pick<S3Client, "send">,
    private readonly bucket: string,
    private readonly since: number,
    private readonly skewMs = 60_000,
  ) {}

  async poll(prefixes: readonly string[]): Promise<ArchivePoll> {
    const sightings: Sighting[] = [];
    const errors = new Map<string, string>();
    for (const prefix of new Set(prefixes)) {
      try {
        for (const object of await this.list(prefix)) {
          const bytes = await this.get(object.key);
          this.read.add(object.key);
          for (const id of canaryIdsIn(decodeInput(bytes).items)) sightings.push({ id, at: object.at });
        }
      } catch (err) {
        errors.set(prefix, `s3://${this.bucket}/${prefix}: ${errorText(err)}`);
      }
    }
    return { sightings, errors };
  }

  private async list(prefix: string): Promise<{ key: string; at: number }[]> {
    const found: { key: string; at: number }[] = [];
    let token: string | undefined;
    do {
      const out = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const o of out.Contents ?? []) {
        const at = o.LastModified?.getTime();
        if (!o.Key || at === undefined || at < this.since - this.skewMs || this.read.has(o.Key)) continue;
        found.push({ key: o.Key, at });
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return found;
  }

  private async get(key: string): Promise<Uint8Array> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!out.Body) return new Uint8Array();
    return out.Body.transformToByteArray();
  }
}
