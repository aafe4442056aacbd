/**
 * The three replayers, each over injected clients: the search dead-letter queue into OpenSearch,
 * the events dead-letter queues into the events Firehose, the archive's `errors/` records into the
 * stream or the Firehoses. Dry run (`apply: false`) reads and plans exactly as apply does, and
 * changes nothing but the queues' receive counts.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { Backoff } from "../../infra/kernel/lambda/backoff";
import { type BulkItem, type BulkSend, bulkIndex, type ItemOutcome } from "../../infra/search/forwarder/bulk";
import { sizedBulkLines } from "../../infra/search/forwarder/transform";
import { errorSummary } from "../../infra/search/opensearchClient";
import type { Progress } from "./progress";
import type { RecordSink } from "./put";
import {
  approximateCount,
  type BatchHandler,
  type DrainOptions,
  drainQueue,
  queueUrl,
  type Settled,
  type SqsLike,
} from "./queue";
import {
  type ErrorEntry,
  errorTypeOf,
  parseErrorObject,
  planErrorEntry,
  planEventMessage,
  type RecordAction,
  remainderObject,
} from "./records";
import { type SourceReport, Tally } from "./report";
import { planSearchMessage, type SearchAction } from "./searchMessages";
import type { ErrorsTarget, EventsTargets, Placement, QueueTarget, SearchTargets } from "./targets";

export interface ReplayContext {
  readonly apply: boolean;
  readonly progress: Progress;
  readonly shouldStop: () => boolean;
  readonly drain: Omit<DrainOptions, "shouldStop" | "onMessages">;
}

const describe = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

export function queueLocation(q: QueueTarget): string {
  return `queue ${q.name} (${q.accountId} ${q.region})`;
}

/** Reads one queue to its end through `handle`; a source that cannot be read gets its error. */
async function replayQueue(
  tally: Tally,
  sqs: SqsLike,
  queue: QueueTarget,
  ctx: ReplayContext,
  handle: BatchHandler,
): Promise<boolean> {
  try {
    const url = await queueUrl(sqs, queue);
    const bar = ctx.progress.start(
      `${tally.report.source} ${queue.name}`,
      await approximateCount(sqs, url),
      "messages",
    );
    const { interrupted } = await drainQueue(sqs, url, tally, handle, {
      ...ctx.drain,
      shouldStop: ctx.shouldStop,
      onMessages: (n) => bar.tick(n),
    });
    bar.done();
    return interrupted;
  } catch (err) {
    tally.fail(describe(err));
    return false;
  }
}

/** What a planned item counts as in a dry run. */
function planned(action: SearchAction | RecordAction): Settled {
  switch (action.action) {
    case "fail":
      return { kind: action.kind, outcome: "stillFailing", reason: action.reason };
    case "leave":
      return { kind: action.kind, outcome: "left", reason: action.reason };
    default:
      return { kind: action.kind, outcome: "replayable" };
  }
}

function itemFailure(outcome: ItemOutcome): string | undefined {
  if (outcome.status === "indexed") return undefined;
  if (outcome.status === "failed") return outcome.reason;
  return `OpenSearch rejected the document (${outcome.httpStatus}): ${errorSummary({ error: outcome.error })}`;
}

export interface SearchReplayDeps {
  readonly sqs: SqsLike;
  /** Called once, on the first message to index (a dry run never connects). */
  readonly connect: () => Promise<BulkSend>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** The forwarder's defaults (infra/search/forwarder/index.ts). */
export const BULK_DEFAULTS: {
  maxBytes: number;
  maxDocuments: number;
  maxAttempts: number;
  backoff: Backoff;
} = { maxBytes: 5_000_000, maxDocuments: 5_000, maxAttempts: 3, backoff: { baseMs: 200, capMs: 5_000 } };

export async function replaySearch(
  search: SearchTargets,
  deps: SearchReplayDeps,
  ctx: ReplayContext,
): Promise<{ report: SourceReport; interrupted: boolean }> {
  const tally = new Tally("search", queueLocation(search.queue), "messages");
  let send: BulkSend | undefined;
  const interrupted = await replayQueue(tally, deps.sqs, search.queue, ctx, async (messages) => {
    const actions = messages.map((m) => planSearchMessage(m.body, search.domain.indexPrefix));
    if (!ctx.apply) return actions.map(planned);
    // One bulk for the whole batch; each document remembers its message.
    const items: BulkItem[] = [];
    const owner: number[] = [];
    actions.forEach((a, i) => {
      if (a.action !== "index") return;
      for (const d of a.documents) {
        const { lines, bytes } = sizedBulkLines(d);
        items.push({ lines, bytes });
        owner.push(i);
      }
    });
    const failures = new Map<number, string>();
    if (items.length > 0) {
      send ??= await deps.connect();
      const { outcomes } = await bulkIndex(items, send, {
        ...BULK_DEFAULTS,
        sleep: deps.sleep,
        ...(deps.random ? { random: deps.random } : {}),
      });
      outcomes.forEach((o, k) => {
        const why = itemFailure(o);
        if (why !== undefined && !failures.has(owner[k]!)) failures.set(owner[k]!, why);
      });
    }
    return actions.map((a, i): Settled => {
      if (a.action === "fail") return { kind: a.kind, outcome: "stillFailing", reason: a.reason };
      if (a.action === "leave") return { kind: a.kind, outcome: "left", reason: a.reason };
      const why = failures.get(i);
      return why === undefined
        ? { kind: a.kind, outcome: "replayed" }
        : { kind: a.kind, outcome: "stillFailing", reason: why };
    });
  });
  return { report: tally.report, interrupted };
}

export interface EventsReplayDeps {
  readonly sqs: (queue: QueueTarget) => SqsLike;
  /** The events Firehose. */
  readonly sink: RecordSink;
}

/** Each queue's events, put into the events Firehose. One report per queue. */
export async function replayEvents(
  events: EventsTargets,
  deps: EventsReplayDeps,
  ctx: ReplayContext,
): Promise<{ reports: SourceReport[]; interrupted: boolean }> {
  const reports: SourceReport[] = [];
  let interrupted = false;
  for (const queue of events.queues) {
    const tally = new Tally("events", queueLocation(queue), "messages");
    reports.push(tally.report);
    if (interrupted) continue;
    interrupted = await replayQueue(tally, deps.sqs(queue), queue, ctx, async (messages) => {
      const actions = messages.map((m) => planEventMessage(m.body, m.attributes));
      if (!ctx.apply) return actions.map(planned);
      return settleRecords(actions, deps.sink);
    });
  }
  return { reports, interrupted };
}

/** Puts the `put` actions through `sink`; one Settled per action. */
async function settleRecords(actions: readonly RecordAction[], sink: RecordSink): Promise<Settled[]> {
  const puts: number[] = [];
  actions.forEach((a, i) => {
    if (a.action === "put") puts.push(i);
  });
  const outcomes =
    puts.length === 0 ? [] : await sink(puts.map((i) => (actions[i] as { data: Uint8Array }).data));
  const byAction = new Map(puts.map((i, k) => [i, outcomes[k]!]));
  return actions.map((a, i): Settled => {
    if (a.action !== "put") return planned(a);
    const o = byAction.get(i)!;
    return o.ok
      ? { kind: a.kind, outcome: "replayed" }
      : { kind: a.kind, outcome: "stillFailing", reason: o.reason };
  });
}

export type S3Like = Pick<S3Client, "send">;

export interface ErrorsReplayDeps {
  readonly s3: S3Like;
  readonly bucket: Placement & { name: string };
  readonly sink: (area: ErrorsTarget) => RecordSink | undefined;
}

async function listKeys(s3: S3Like, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const out = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/**
 * Each area's error objects: the records re-put; an object is deleted once all its records are
 * back, rewritten with the rest when only some are (so a later run never puts a record twice),
 * left alone when none are. One report per area.
 */
export async function replayErrors(
  areas: readonly ErrorsTarget[],
  deps: ErrorsReplayDeps,
  ctx: ReplayContext,
): Promise<{ reports: SourceReport[]; interrupted: boolean }> {
  const reports: SourceReport[] = [];
  let interrupted = false;
  for (const area of areas) {
    const tally = new Tally("errors", `s3://${deps.bucket.name}/${area.prefix}`, "records", true);
    reports.push(tally.report);
    if (interrupted) continue;
    try {
      const keys = await listKeys(deps.s3, deps.bucket.name, area.prefix);
      tally.report.objects!.found = keys.length;
      const bar = ctx.progress.start(`errors ${area.prefix}`, keys.length, "objects");
      const sink = deps.sink(area);
      for (const [n, key] of keys.entries()) {
        if (ctx.shouldStop()) {
          interrupted = true;
          tally.report.objects!.untouched += keys.length - n;
          break;
        }
        await replayObject(deps.s3, deps.bucket.name, key, area, sink, tally, ctx.apply);
        bar.tick(1);
      }
      bar.done();
    } catch (err) {
      tally.fail(describe(err));
    }
  }
  return { reports, interrupted };
}

async function replayObject(
  s3: S3Like,
  bucket: string,
  key: string,
  area: ErrorsTarget,
  sink: RecordSink | undefined,
  tally: Tally,
  apply: boolean,
): Promise<void> {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = got.Body ? await got.Body.transformToByteArray() : new Uint8Array();
  const parsed = parseErrorObject(bytes);
  if (!parsed.ok) {
    tally.found("unreadable-object");
    tally.settle("left", `object ${key}: ${parsed.reason}`);
    tally.object("untouched");
    return;
  }
  const errorType = errorTypeOf(key, area.prefix);
  const actions = parsed.entries.map((e): RecordAction => {
    const a = planErrorEntry(area.area, errorType, e);
    return a.action === "put" && !sink
      ? { kind: a.kind, action: "leave", reason: "this stack has no target for these records" }
      : a;
  });
  for (const a of actions) tally.found(a.kind);
  if (!apply) {
    for (const a of actions) {
      const s = planned(a);
      tally.settle(s.outcome, s.reason);
    }
    return;
  }
  const settled = sink ? await settleRecords(actions, sink) : actions.map(planned);
  const keep: ErrorEntry[] = parsed.entries.filter((_, i) => settled[i]!.outcome !== "replayed");
  const replayedCount = parsed.entries.length - keep.length;
  // The object changes only after its records are back; a failed change undoes nothing, but says so.
  let changeFailed: string | undefined;
  if (replayedCount > 0 || parsed.entries.length === 0) {
    try {
      if (keep.length === 0) {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
        tally.object("deleted");
      } else {
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: remainderObject(parsed.gzip, keep),
            ...(got.ContentType ? { ContentType: got.ContentType } : {}),
            // Only over the object read: a concurrent change (another redrive) is not overwritten.
            ...(got.ETag ? { IfMatch: got.ETag } : {}),
          }),
        );
        tally.object("rewritten");
      }
    } catch (err) {
      changeFailed = describe(err);
      tally.object("untouched");
    }
  } else {
    tally.object("untouched");
  }
  for (const s of settled) {
    if (s.outcome === "replayed" && changeFailed !== undefined) {
      tally.settle("stillFailing", `replayed, but the object could not be changed: ${changeFailed}`);
    } else {
      tally.settle(s.outcome, s.reason);
    }
  }
}
