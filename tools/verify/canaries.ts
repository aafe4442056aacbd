/**
 * Which canaries `npm run verify` writes and where each must show up, from the stack's plan. Pure.
 *
 * - one log canary per canary route (`origin: "canary"`: the canary log group of every source
 *   account and region that forwards logs), followed to the stream (kinesis transport), the
 *   archive and, with `recipient.search`, OpenSearch;
 * - one event canary per source region with the canary EventBridge rule, followed to the archive.
 *
 * Archive prefixes are rendered from `infra/archive/layout.ts`, the layout the Firehoses write.
 */
import {
  AREAS,
  EVENTS_LAYOUT,
  errorPrefix,
  type Layout,
  LOGS_LAYOUT,
  logGroupPartition,
} from "../../infra/archive/layout";
import type { EventRulePlan, EventSenderPlan } from "../../infra/events/plan";
import type { RoutePlan } from "../../infra/forwarding/plan";
import { CANARY_ID_KEY, EVENTS_CANARY } from "../../infra/operations/names";
import type { RoutingPlan } from "../../infra/plan";
import type { DecodedItem } from "../decode/decode";
import type { Stage } from "./types";

/** The parts of the plan verify reads (a narrower type keeps tests' plans small). */
export type VerifyPlan = Pick<RoutingPlan, "namePrefix" | "recipient" | "sources" | "destinations">;

export interface LogsCanary {
  kind: "logs";
  key: string;
  accountId: string;
  region: string;
  id: string;
  route: RoutePlan;
  /** In order: the first one not seen is the one diagnosed. */
  stages: Stage[];
}

export interface EventsCanary {
  kind: "events";
  key: string;
  accountId: string;
  region: string;
  id: string;
  sender: EventSenderPlan;
  rule: EventRulePlan;
  stages: Stage[];
}

export type Canary = LogsCanary | EventsCanary;

export type CanaryPlan = { ok: true; canaries: Canary[] } | { ok: false; error: string };

export const NO_CANARIES =
  "no canary routes: set central-logging:operations canary: true and pulumi up (operations.canary)";

/** `origin` compared as a string: the plan's `RouteOrigin` gained "canary" only recently. */
export function isCanaryRoute(route: RoutePlan): boolean {
  const origin: string = route.origin;
  return origin === "canary";
}

export function isCanaryRule(rule: EventRulePlan): boolean {
  return rule.configName === EVENTS_CANARY.configName;
}

/** Every canary of the plan, each with a fresh id from `newId`. */
export function planCanaries(plan: VerifyPlan, newId: () => string): CanaryPlan {
  const r = plan.recipient;
  const logStages: Stage[] = r.stream
    ? ["stream", "archive", ...(r.search ? ["search" as const] : [])]
    : ["archive"];
  const canaries: Canary[] = [];
  for (const source of plan.sources) {
    for (const route of source.routes.filter(isCanaryRoute)) {
      canaries.push({
        kind: "logs",
        key: route.key,
        accountId: route.accountId,
        region: route.region,
        id: newId(),
        route,
        stages: logStages,
      });
    }
  }
  if (r.events) {
    for (const source of plan.sources) {
      for (const sender of source.eventSenders) {
        const rule = sender.rules.find(isCanaryRule);
        if (!rule) continue;
        canaries.push({
          kind: "events",
          key: rule.key,
          accountId: source.accountId,
          region: sender.region,
          id: newId(),
          sender,
          rule,
          stages: ["archive"],
        });
      }
    }
  }
  return canaries.length > 0 ? { ok: true, canaries } : { ok: false, error: NO_CANARIES };
}

/** The canary log event: JSON, so the archive keeps it whole and search indexes its fields. */
export function canaryMessage(id: string, routeKey: string, at: Date): string {
  return JSON.stringify({ [CANARY_ID_KEY]: id, route: routeKey, at: at.toISOString() });
}

/** The canary event's `detail`. */
export function canaryDetail(id: string): string {
  return JSON.stringify({ [CANARY_ID_KEY]: id });
}

/** The id in a log event's message, when it is a canary's. */
export function canaryIdOfMessage(message: string): string | undefined {
  if (!message.includes(CANARY_ID_KEY)) return undefined;
  try {
    return canaryIdOf(JSON.parse(message));
  } catch {
    return undefined;
  }
}

function canaryIdOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const id = (value as Record<string, unknown>)[CANARY_ID_KEY];
  return typeof id === "string" ? id : undefined;
}

/** Canary ids in decoded records or archive lines: log events' messages and events' `detail`. */
export function canaryIdsIn(items: readonly DecodedItem[]): string[] {
  const ids: string[] = [];
  for (const item of items) {
    if (item.kind === "envelope") {
      for (const event of item.envelope.logEvents) {
        const id = canaryIdOfMessage(event.message);
        if (id !== undefined) ids.push(id);
      }
    } else if (item.kind === "event") {
      const id = canaryIdOf(item.event.detail);
      if (id !== undefined) ids.push(id);
    }
  }
  return ids;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** Firehose's `!{timestamp:f}` for a UTC instant (the Firehoses set `customTimeZone: UTC`). */
function timestampPart(format: "yyyy" | "MM" | "dd", at: Date): string {
  if (format === "yyyy") return String(at.getUTCFullYear());
  return pad2(format === "MM" ? at.getUTCMonth() + 1 : at.getUTCDate());
}

/** The path Firehose writes for `keys` (its jq query's output) at the arrival time `at`. */
export function renderLayout(layout: Layout, keys: Readonly<Record<string, string>>, at: Date): string {
  return layout.segments
    .map((s) => {
      if (typeof s === "string") return s;
      if (s.source.kind === "timestamp") return timestampPart(s.source.format, at);
      if (s.source.kind === "query") {
        const value = keys[s.source.key];
        if (value === undefined) throw new Error(`no value for partition key ${s.source.key}`);
        return value;
      }
      throw new Error(`partition ${s.column} is written by AWS, not by Firehose`);
    })
    .join("");
}

/** The archive folder of a canary for one arrival day: what the jq query yields for its record. */
export function archivePrefix(canary: Canary, at: Date): string {
  return canary.kind === "logs"
    ? renderLayout(
        LOGS_LAYOUT,
        {
          area: AREAS.logs,
          account: canary.accountId,
          logGroup: logGroupPartition(canary.route.logGroup),
        },
        at,
      )
    : // EVENTS_PARTITION_QUERY reads `.account`: the account that put the event.
      renderLayout(EVENTS_LAYOUT, { account: canary.accountId }, at);
}

/** Every UTC day from `from` to `to`, inclusive (arrival dates: a run may cross midnight). */
export function utcDays(from: Date, to: Date): Date[] {
  const days: Date[] = [];
  const day = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  for (let t = day; t <= to.getTime(); t += 86_400_000) days.push(new Date(t));
  return days;
}

export function archivePrefixes(canary: Canary, from: Date, to: Date): string[] {
  return utcDays(from, to).map((d) => archivePrefix(canary, d));
}

/** `errors/<area>/`: the literal start of a Firehose's error output prefix. */
export function errorArea(kind: Canary["kind"]): string {
  const template = errorPrefix(kind === "logs" ? AREAS.logs : AREAS.events);
  return template.slice(0, template.indexOf("!{"));
}

/** `errors/<area>/<type>/yyyy/MM/dd/` for one error output type and day. */
export function errorDayPrefix(kind: Canary["kind"], errorType: string, at: Date): string {
  return errorPrefix(kind === "logs" ? AREAS.logs : AREAS.events)
    .replace("!{firehose:error-output-type}", errorType)
    .replace(/!\{timestamp:(yyyy|MM|dd)\}/g, (_, f: "yyyy" | "MM" | "dd") => timestampPart(f, at));
}
