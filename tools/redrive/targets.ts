/**
 * Where redrive reads failures from and where it puts them back, from the stack's plan. Pure.
 */
import { AREAS, errorPrefix } from "../../infra/archive/layout";
import type { RoutingPlan } from "../../infra/plan";

export interface Placement {
  accountId: string;
  region: string;
}

export interface QueueTarget extends Placement {
  name: string;
}

/** What failed records are put back into. */
export type RecordTarget =
  | ({ kind: "stream" } & Placement & { name: string })
  | ({ kind: "firehose" } & Placement & { name: string });

export interface SearchTargets {
  queue: QueueTarget;
  /** The domain, its index prefix and admin secret: all in the recipient's home region. */
  domain: Placement & { name: string; indexPrefix: string; adminSecretName: string };
}

export interface EventsTargets {
  /** The bus rule's queue first, then each source's per region. */
  queues: QueueTarget[];
  firehose: RecordTarget & { kind: "firehose" };
}

export type ErrorArea = "logs" | "events";

export interface ErrorsTarget {
  area: ErrorArea;
  /** `errors/cloudwatch-logs/`: the literal part of the Firehose's error output prefix. */
  prefix: string;
  /** Unset: this stack has nothing to put the records back into (no events archive). */
  target?: RecordTarget;
}

export interface RedriveTargets {
  search?: SearchTargets;
  events?: EventsTargets;
  errors: { bucket: Placement & { name: string }; areas: ErrorsTarget[] };
}

/** The part of an error output prefix before its first `!{...}` expression. */
export function literalErrorPrefix(area: string): string {
  const full = errorPrefix(area);
  const cut = full.indexOf("!{");
  return cut < 0 ? full : full.slice(0, cut);
}

export function redriveTargets(plan: RoutingPlan): RedriveTargets {
  const r = plan.recipient;
  const home = { accountId: r.accountId, region: r.homeRegion };

  const search: SearchTargets | undefined = r.search
    ? {
        queue: { ...home, name: r.search.deadLetterQueue.name },
        domain: {
          ...home,
          name: r.search.domainName,
          indexPrefix: r.search.settings.indexPrefix,
          adminSecretName: r.search.adminSecretName,
        },
      }
    : undefined;

  let events: EventsTargets | undefined;
  if (r.events) {
    const queues: QueueTarget[] = [{ ...home, name: r.events.deadLetterQueue.name }];
    const seen = new Set(queues.map(queueKey));
    for (const s of plan.sources) {
      for (const e of s.eventSenders) {
        const q = { accountId: s.accountId, region: e.region, name: e.deadLetterQueue.name };
        if (seen.has(queueKey(q))) continue;
        seen.add(queueKey(q));
        queues.push(q);
      }
    }
    events = { queues, firehose: { kind: "firehose", ...home, name: r.events.firehose.name } };
  }

  // Log records go back where the destinations write: the stream, or the Firehose (direct put).
  const logsTarget: RecordTarget = r.stream
    ? { kind: "stream", ...home, name: r.stream.name }
    : { kind: "firehose", ...home, name: r.firehose.name };
  return {
    ...(search ? { search } : {}),
    ...(events ? { events } : {}),
    errors: {
      bucket: { accountId: r.accountId, region: r.bucketRegion, name: r.bucketName },
      areas: [
        { area: "logs", prefix: literalErrorPrefix(AREAS.logs), target: logsTarget },
        {
          area: "events",
          prefix: literalErrorPrefix(AREAS.events),
          ...(events ? { target: events.firehose } : {}),
        },
      ],
    },
  };
}

function queueKey(q: QueueTarget): string {
  return `${q.accountId}/${q.region}/${q.name}`;
}
