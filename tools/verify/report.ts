/**
 * How verify prints: one line per canary (or a JSON array), and the progress while it waits. Pure
 * except `ProgressPrinter`, which only writes to the function it is given.
 */
import type { CanaryResult, Progress, Stage } from "./types";

/** `74 s`, `2 min 5 s`, `15 min`, `1 h 30 min`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  if (total < 120) return `${total} s`;
  const h = Math.floor(total / 3600);
  const min = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return min > 0 ? `${h} h ${min} min` : `${h} h`;
  return s > 0 ? `${min} min ${s} s` : `${min} min`;
}

function seenStages(result: CanaryResult): string {
  return result.stages
    .filter((s) => s.seconds !== undefined)
    .map((s) => `${s.stage} ${s.seconds} s`)
    .join(", ");
}

/** The cause printed: the likeliest, and what could not be checked when nothing was found. */
export function likeliestCause(result: CanaryResult): string {
  const [first, ...rest] = result.causes ?? [];
  if (!first) return "no cause found";
  const unchecked = rest.find((c) => c.code === "unchecked");
  return first.code === "none" && unchecked ? `${first.message} (${unchecked.message})` : first.message;
}

export function resultLine(result: CanaryResult, timeoutMs: number): string {
  if (result.ok) {
    return `✔ ${result.key}  delivered in ${result.seconds ?? 0} s (${seenStages(result)})`;
  }
  if (result.failedStage === "canary") {
    return `✘ ${result.key}  canary not written: ${likeliestCause(result)}`;
  }
  const seen = seenStages(result);
  return `✘ ${result.key}  not seen in ${result.failedStage} after ${formatDuration(timeoutMs)}${seen ? ` (${seen})` : ""}: ${likeliestCause(result)}`;
}

/** `--json`: the results, each with its likeliest cause spelled out. */
export function resultsJson(results: readonly CanaryResult[]): string {
  return JSON.stringify(
    results.map((r) => (r.ok ? r : { ...r, cause: likeliestCause(r) })),
    null,
    2,
  );
}

export function summaryLine(results: readonly CanaryResult[]): string {
  const delivered = results.filter((r) => r.ok).length;
  return `verify: ${delivered} of ${results.length} canaries delivered`;
}

const STAGE_ORDER: readonly Stage[] = ["stream", "archive", "search"];

export function progressLine(p: Progress): string {
  const waiting = STAGE_ORDER.filter((s) => (p.waiting[s] ?? 0) > 0).map((s) => `${s} ${p.waiting[s]}`);
  return [
    `verify: ${formatDuration(p.elapsedMs)} of ${formatDuration(p.timeoutMs)}`,
    `${p.delivered}/${p.total} delivered${p.failed > 0 ? `, ${p.failed} not written` : ""}`,
    ...(waiting.length > 0 ? [`waiting for ${waiting.join(", ")}`] : []),
  ].join(": ");
}

/**
 * On a terminal: one line rewritten in place. Otherwise (CI logs): a line every `everyMs`, so a
 * 15-minute wait shows it is alive without flooding the log.
 */
export class ProgressPrinter {
  private nextAt = 0;
  private drawn = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    private readonly everyMs = 30_000,
  ) {}

  update(p: Progress): void {
    if (this.tty) {
      this.write(`\r\x1b[2K${progressLine(p)}`);
      this.drawn = true;
      return;
    }
    if (p.elapsedMs < this.nextAt) return;
    this.write(`${progressLine(p)}\n`);
    this.nextAt = (Math.floor(p.elapsedMs / this.everyMs) + 1) * this.everyMs;
  }

  /** Clears the status line before the results are printed. */
  finish(): void {
    if (this.tty && this.drawn) this.write("\r\x1b[2K");
    this.drawn = false;
  }
}
