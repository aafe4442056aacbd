/**
 * What a redrive found and did, per source (one queue, or one area of the archive's `errors/`),
 * and how it is printed. Pure.
 *
 * Every item (message or record) ends in exactly one of:
 * - `replayed`: delivered again and removed from its dead-letter source (apply only);
 * - `replayable`: would be replayed (dry run only);
 * - `stillFailing`: tried (or known from its content to fail again) and kept;
 * - `left`: not tried and kept: redrive cannot replay it (a truncated payload, Lambda's own batch
 *   report, a line that is not a Firehose error record, no target in this stack) or the run was
 *   interrupted before reaching it.
 */

export type SourceName = "search" | "events" | "errors";
export const SOURCE_NAMES: readonly SourceName[] = ["search", "events", "errors"];

export type Outcome = "replayed" | "replayable" | "stillFailing" | "left";

export interface ObjectCounts {
  found: number;
  deleted: number;
  rewritten: number;
  untouched: number;
}

export interface SourceReport {
  source: SourceName;
  /** `queue <name> (<account> <region>)` or `s3://<bucket>/<prefix>`. */
  location: string;
  unit: "messages" | "records";
  /** Items found, by kind (message kind, error code, Firehose error output type). */
  found: Record<string, number>;
  replayed: number;
  replayable: number;
  stillFailing: number;
  left: number;
  /** Why items are still failing or left, with counts. */
  reasons: Record<string, number>;
  /** Archive sources only. */
  objects?: ObjectCounts;
  /** The source could not be read (missing queue, access denied, ...). */
  error?: string;
}

export interface RedriveReport {
  stack: string;
  mode: "dry-run" | "apply";
  interrupted: boolean;
  sources: SourceReport[];
  /** Sources not configured in this stack (no search, no events). */
  notConfigured: string[];
}

/** Reasons are bucketed by text: keep them free of per-item details (ids, sequence numbers). */
const MAX_REASON_CHARS = 300;

export class Tally {
  readonly report: SourceReport;

  constructor(source: SourceName, location: string, unit: SourceReport["unit"], withObjects = false) {
    this.report = {
      source,
      location,
      unit,
      found: {},
      replayed: 0,
      replayable: 0,
      stillFailing: 0,
      left: 0,
      reasons: {},
      ...(withObjects ? { objects: { found: 0, deleted: 0, rewritten: 0, untouched: 0 } } : {}),
    };
  }

  found(kind: string, count = 1): void {
    this.report.found[kind] = (this.report.found[kind] ?? 0) + count;
  }

  settle(outcome: Outcome, reason?: string, count = 1): void {
    this.report[outcome] += count;
    if (reason !== undefined && (outcome === "stillFailing" || outcome === "left")) {
      const key = reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}...` : reason;
      this.report.reasons[key] = (this.report.reasons[key] ?? 0) + count;
    }
  }

  object(what: keyof Omit<ObjectCounts, "found">): void {
    if (this.report.objects) this.report.objects[what]++;
  }

  fail(error: string): void {
    this.report.error = error;
  }
}

export function totals(report: RedriveReport): Pick<
  SourceReport,
  "replayed" | "replayable" | "stillFailing" | "left"
> & {
  unreadable: number;
} {
  const sum = (k: "replayed" | "replayable" | "stillFailing" | "left") =>
    report.sources.reduce((n, s) => n + s[k], 0);
  return {
    replayed: sum("replayed"),
    replayable: sum("replayable"),
    stillFailing: sum("stillFailing"),
    left: sum("left"),
    unreadable: report.sources.filter((s) => s.error !== undefined).length,
  };
}

/**
 * 1 when something is still failing after an apply, or a source could not be read (either mode:
 * a dry run that could not look is no all-clear); else 0.
 */
export function exitCode(report: RedriveReport): 0 | 1 {
  const t = totals(report);
  if (t.unreadable > 0) return 1;
  return report.mode === "apply" && t.stillFailing > 0 ? 1 : 0;
}

function kinds(found: Record<string, number>): string {
  const entries = Object.entries(found).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? "none" : entries.map(([k, n]) => `${k} ${n}`).join(", ");
}

export function renderText(report: RedriveReport): string {
  const lines: string[] = [];
  const dry = report.mode === "dry-run";
  lines.push(
    `redrive ${report.stack}: ${dry ? "dry run (nothing changed; --apply replays)" : "apply"}${report.interrupted ? " (interrupted)" : ""}`,
  );
  for (const s of report.sources) {
    lines.push("", `${s.source}: ${s.location}`);
    if (s.error !== undefined) {
      lines.push(`  could not be read: ${s.error}`);
      continue;
    }
    const total = Object.values(s.found).reduce((a, b) => a + b, 0);
    const objects = s.objects ? ` in ${s.objects.found} object(s)` : "";
    lines.push(`  found ${total} ${s.unit}${objects}: ${kinds(s.found)}`);
    if (dry) {
      lines.push(
        `  would replay ${s.replayable}, would still fail ${s.stillFailing}, cannot replay ${s.left}`,
      );
    } else {
      lines.push(`  replayed ${s.replayed}, still failing ${s.stillFailing}, left ${s.left}`);
      if (s.objects && s.objects.found > 0) {
        const o = s.objects;
        lines.push(`  objects: ${o.deleted} deleted, ${o.rewritten} rewritten, ${o.untouched} untouched`);
      }
    }
    for (const [reason, n] of Object.entries(s.reasons).sort(([, a], [, b]) => b - a)) {
      lines.push(`    ${n} x ${reason}`);
    }
  }
  for (const what of report.notConfigured) lines.push("", `${what}: not configured in this stack`);
  const t = totals(report);
  lines.push(
    "",
    dry
      ? `summary: would replay ${t.replayable}, would still fail ${t.stillFailing}, cannot replay ${t.left}${t.unreadable > 0 ? `, ${t.unreadable} source(s) unreadable` : ""}`
      : `summary: replayed ${t.replayed}, still failing ${t.stillFailing}, left ${t.left}${t.unreadable > 0 ? `, ${t.unreadable} source(s) unreadable` : ""}`,
  );
  return lines.join("\n");
}

export function renderJson(report: RedriveReport): string {
  return JSON.stringify({ ...report, totals: totals(report), exitCode: exitCode(report) }, null, 2);
}
