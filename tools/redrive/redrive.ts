/**
 * `npm run redrive`: the selected sources, in order search, events, errors, each with the clients
 * of its account and region from the ClientFactory.
 */
import { FirehoseClient } from "@aws-sdk/client-firehose";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { RoutingPlan } from "../../infra/plan";
import type { BulkSend } from "../../infra/search/forwarder/bulk";
import type { Progress } from "./progress";
import { DEFAULT_PUT_OPTIONS, firehoseSink, kinesisSink, type PutOptions, type RecordSink } from "./put";
import { DEFAULT_DRAIN_OPTIONS, type DrainOptions } from "./queue";
import { type ReplayContext, replayErrors, replayEvents, replaySearch } from "./replay";
import type { RedriveReport, SourceName, SourceReport } from "./report";
import type { Clients } from "./searchClient";
import { type RecordTarget, redriveTargets, type SearchTargets } from "./targets";

export interface RedriveOptions {
  readonly stack: string;
  readonly apply: boolean;
  readonly only: ReadonlySet<SourceName>;
}

export interface RedriveDeps {
  readonly clients: Clients;
  /** The search domain's `_bulk` (searchClient.ts; a fake in tests). */
  readonly connectSearch: (search: SearchTargets) => Promise<BulkSend>;
  readonly progress: Progress;
  readonly sleep: (ms: number) => Promise<void>;
  /** Checked between batches and objects (Ctrl-C). */
  readonly shouldStop?: () => boolean;
  readonly drain?: Partial<Omit<DrainOptions, "shouldStop" | "onMessages">>;
  readonly put?: Partial<Omit<PutOptions, "sleep">>;
}

export function recordSink(clients: Clients, target: RecordTarget, options: PutOptions): RecordSink {
  return target.kind === "stream"
    ? kinesisSink(
        clients.client("kinesis", KinesisClient, target.accountId, target.region),
        target.name,
        options,
      )
    : firehoseSink(
        clients.client("firehose", FirehoseClient, target.accountId, target.region),
        target.name,
        options,
      );
}

export async function runRedrive(
  plan: RoutingPlan,
  options: RedriveOptions,
  deps: RedriveDeps,
): Promise<RedriveReport> {
  const targets = redriveTargets(plan);
  const { clients } = deps;
  const sqs = (p: { accountId: string; region: string }) =>
    clients.client("sqs", SQSClient, p.accountId, p.region);
  const putOptions: PutOptions = { ...DEFAULT_PUT_OPTIONS, ...deps.put, sleep: deps.sleep };
  const ctx: ReplayContext = {
    apply: options.apply,
    progress: deps.progress,
    shouldStop: deps.shouldStop ?? (() => false),
    drain: { ...DEFAULT_DRAIN_OPTIONS, ...deps.drain },
  };
  const sources: SourceReport[] = [];
  const notConfigured: string[] = [];
  let interrupted = false;

  if (options.only.has("search")) {
    const search = targets.search;
    if (!search) notConfigured.push("search (recipient.search)");
    else {
      const r = await replaySearch(
        search,
        { sqs: sqs(search.queue), connect: () => deps.connectSearch(search), sleep: deps.sleep },
        ctx,
      );
      sources.push(r.report);
      interrupted ||= r.interrupted;
    }
  }
  if (options.only.has("events") && !interrupted) {
    const events = targets.events;
    if (!events) notConfigured.push("events (sources[].events)");
    else {
      const r = await replayEvents(
        events,
        { sqs, sink: recordSink(clients, events.firehose, putOptions) },
        ctx,
      );
      sources.push(...r.reports);
      interrupted ||= r.interrupted;
    }
  }
  if (options.only.has("errors") && !interrupted) {
    const { bucket, areas } = targets.errors;
    const r = await replayErrors(
      areas,
      {
        s3: clients.client("s3", S3Client, bucket.accountId, bucket.region),
        bucket,
        sink: (area) => (area.target ? recordSink(clients, area.target, putOptions) : undefined),
      },
      ctx,
    );
    sources.push(...r.reports);
    interrupted ||= r.interrupted;
  }
  return {
    stack: options.stack,
    mode: options.apply ? "apply" : "dry-run",
    interrupted,
    sources,
    notConfigured,
  };
}
