/**
 * The run: position a reader on the stream, write every canary, then watch the stream, the
 * archive and search until each canary was seen everywhere it should be or the time is up; then
 * diagnose the first stage each missing canary did not reach. Clients, clock and sleep are
 * injected; nothing here prints (progress goes to `onProgress`).
 */
import { setTimeout as delay } from "node:timers/promises";
import { CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { CANARY_DETAIL_TYPE, CANARY_EVENT_SOURCE } from "../../infra/operations/names";
import { archivePrefixes, type Canary, canaryDetail, canaryMessage, type VerifyPlan } from "./canaries";
import { Diagnosis } from "./checks";
import type { VerifyClients } from "./clients";
import { diagnoseWriteFailure } from "./diagnose";
import type { SearchProbe } from "./search";
import type { CanaryResult, Cause, FailedStage, Progress, Stage } from "./types";
import { ArchiveWatch, type Sighting, type StreamWatch, watchStream } from "./watchers";

export interface VerifyOptions {
  timeoutMs: number;
  /** Between two reads of the archive and search. */
  pollMs?: number;
  /** Between two progress reports (and checks of the stream's sightings). */
  tickMs?: number;
  /** The stream reader's pause when it is caught up. */
  streamIdleMs?: number;
  /** How long to wait for the stream reader to be positioned before writing anyway. */
  readyTimeoutMs?: number;
  /** Names the canary log streams (`verify-<runId>`). */
  runId: string;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  onProgress?: (progress: Progress) => void;
  /** Parallel writes and diagnoses (many accounts, many regions). */
  concurrency?: number;
}

interface Track {
  canary: Canary;
  sentAt?: number;
  writeError?: Cause;
  seen: Map<Stage, number>;
  errors: Map<Stage, string>;
}

const defaultSleep = (ms: number): Promise<void> => delay(ms).then(() => undefined);

/** Runs `fn` over `items`, at most `limit` at a time, results in order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function firstUnseen(track: Track): Stage | undefined {
  return track.canary.stages.find((s) => !track.seen.has(s));
}

function settled(track: Track): boolean {
  return track.writeError !== undefined || firstUnseen(track) === undefined;
}

export async function runVerify(
  plan: VerifyPlan,
  canaries: readonly Canary[],
  clients: VerifyClients,
  options: VerifyOptions,
): Promise<CanaryResult[]> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const pollMs = options.pollMs ?? 10_000;
  const tickMs = Math.min(options.tickMs ?? 1000, pollMs);
  const concurrency = options.concurrency ?? 16;
  const r = plan.recipient;
  const tracks: Track[] = canaries.map((canary) => ({ canary, seen: new Map(), errors: new Map() }));
  const byId = new Map(tracks.map((t) => [t.canary.id, t]));

  const mark = (stage: Stage, sightings: readonly Sighting[]) => {
    for (const { id, at } of sightings) {
      const track = byId.get(id);
      if (track?.canary.stages.includes(stage) && !track.seen.has(stage)) track.seen.set(stage, at);
    }
  };

  const start = now();
  let stream: StreamWatch | undefined;
  if (r.stream && tracks.some((t) => t.canary.stages.includes("stream"))) {
    stream = watchStream(
      clients.kinesis(r.accountId, r.homeRegion),
      r.stream.name,
      (s) => mark("stream", s),
      {
        idleMs: options.streamIdleMs ?? 1000,
        now,
      },
    );
    await within(stream.ready, options.readyTimeoutMs ?? 30_000);
  }

  await mapLimit(tracks, concurrency, async (track) => {
    track.sentAt = now();
    try {
      await writeCanary(track.canary, clients, options.runId, new Date(track.sentAt));
    } catch (err) {
      const e = err as { name?: string; message?: string };
      const logGroup = track.canary.kind === "logs" ? track.canary.route.logGroup : undefined;
      track.writeError = diagnoseWriteFailure(
        {
          kind: track.canary.kind,
          accountId: track.canary.accountId,
          region: track.canary.region,
          ...(logGroup ? { logGroup } : {}),
        },
        { ...(e?.name ? { name: e.name } : {}), message: e?.message ?? String(err) },
      );
    }
  });

  const archive = new ArchiveWatch(clients.s3(r.accountId, r.bucketRegion), r.bucketName, start);
  let probe: Promise<SearchProbe> | undefined;
  const pending = (stage: Stage) =>
    tracks.filter((t) => !t.writeError && t.canary.stages.includes(stage) && !t.seen.has(stage));

  const pollArchive = async () => {
    const waiting = pending("archive");
    if (waiting.length === 0) return;
    const to = new Date(now());
    const prefixOf = new Map<string, Track[]>();
    for (const t of waiting) {
      for (const p of archivePrefixes(t.canary, new Date(start), to))
        prefixOf.set(p, [...(prefixOf.get(p) ?? []), t]);
    }
    const result = await archive.poll([...prefixOf.keys()]);
    mark("archive", result.sightings);
    // Only the latest poll's errors count: a read that failed once and then worked is no cause.
    for (const t of waiting) t.errors.delete("archive");
    for (const [prefix, error] of result.errors)
      for (const t of prefixOf.get(prefix) ?? []) t.errors.set("archive", error);
  };

  const pollSearch = async () => {
    const waiting = pending("search");
    if (waiting.length === 0 || !r.search) return;
    const search = r.search;
    try {
      probe ??= clients.search(search, r.accountId, r.homeRegion);
      const found = await (await probe).find(waiting.map((t) => t.canary.id));
      const at = now();
      for (const t of waiting) t.errors.delete("search");
      mark(
        "search",
        [...found].map((id) => ({ id, at })),
      );
    } catch (err) {
      // Opened again next poll: the domain may still be coming up.
      probe = undefined;
      for (const t of waiting) t.errors.set("search", `querying search: ${errorOf(err)}`);
    }
  };

  const progress = () => {
    const waiting: Partial<Record<Stage, number>> = {};
    let delivered = 0;
    let failed = 0;
    for (const t of tracks) {
      if (t.writeError) failed++;
      else {
        const stage = firstUnseen(t);
        if (stage === undefined) delivered++;
        else waiting[stage] = (waiting[stage] ?? 0) + 1;
      }
    }
    options.onProgress?.({
      elapsedMs: now() - start,
      timeoutMs: options.timeoutMs,
      total: tracks.length,
      delivered,
      failed,
      waiting,
    });
  };

  const deadline = start + options.timeoutMs;
  let nextPoll = now();
  for (;;) {
    if (now() >= nextPoll) {
      await Promise.all([pollArchive(), pollSearch()]);
      nextPoll = now() + pollMs;
    }
    if (stream && pending("stream").length === 0) stream.stop();
    progress();
    if (tracks.every(settled)) break;
    const remaining = deadline - now();
    if (remaining <= 0) break;
    await sleep(Math.min(tickMs, remaining));
  }
  if (stream) {
    stream.stop();
    await stream.done;
    const error = stream.error();
    if (error) for (const t of pending("stream")) t.errors.set("stream", error);
  }

  const diagnosis = new Diagnosis({ plan, clients, start, now });
  return mapLimit(tracks, concurrency, (track) => resultOf(track, diagnosis));
}

/** Waits for `promise`, at most `ms`; the timer is cleared, so it never holds the process open. */
async function within(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function errorOf(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

async function writeCanary(canary: Canary, clients: VerifyClients, runId: string, at: Date): Promise<void> {
  if (canary.kind === "logs") {
    const logs = clients.logs(canary.accountId, canary.region);
    const logStreamName = `verify-${runId}`;
    try {
      await logs.send(new CreateLogStreamCommand({ logGroupName: canary.route.logGroup, logStreamName }));
    } catch (err) {
      if (!(err instanceof Error && err.name === "ResourceAlreadyExistsException")) throw err;
    }
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: canary.route.logGroup,
        logStreamName,
        logEvents: [{ timestamp: at.getTime(), message: canaryMessage(canary.id, canary.key, at) }],
      }),
    );
    return;
  }
  const out = await clients.events(canary.accountId, canary.region).send(
    new PutEventsCommand({
      Entries: [
        {
          Source: CANARY_EVENT_SOURCE,
          DetailType: CANARY_DETAIL_TYPE,
          Detail: canaryDetail(canary.id),
          EventBusName: "default",
          Time: at,
        },
      ],
    }),
  );
  const entry = out.Entries?.[0];
  if ((out.FailedEntryCount ?? 0) > 0 || entry?.ErrorCode) {
    const error = new Error(entry?.ErrorMessage ?? "PutEvents refused the entry");
    error.name = entry?.ErrorCode ?? "PutEventsFailed";
    throw error;
  }
}

async function resultOf(track: Track, diagnosis: Diagnosis): Promise<CanaryResult> {
  const { canary } = track;
  const seconds = (at: number) => Math.max(0, Math.round((at - (track.sentAt ?? at)) / 1000));
  const stages = canary.stages.map((stage) => {
    const at = track.seen.get(stage);
    const error = track.errors.get(stage);
    return { stage, ...(at !== undefined ? { seconds: seconds(at) } : {}), ...(error ? { error } : {}) };
  });
  const base = {
    key: canary.key,
    kind: canary.kind,
    accountId: canary.accountId,
    region: canary.region,
    canaryId: canary.id,
  };
  if (track.writeError) {
    return { ...base, ok: false, stages, failedStage: "canary", causes: [track.writeError] };
  }
  const missing = firstUnseen(track);
  if (missing === undefined) {
    return { ...base, ok: true, seconds: Math.max(0, ...stages.map((s) => s.seconds ?? 0)), stages };
  }
  const failedStage: FailedStage = missing;
  const readError = track.errors.get(missing);
  const causes = await diagnosis.causes(canary, failedStage);
  // A stage verify could not read: that comes first, the pipeline may be fine.
  const all: Cause[] = readError ? [{ code: "stage-unreadable", message: readError }, ...causes] : causes;
  return { ...base, ok: false, stages, failedStage, causes: all };
}
