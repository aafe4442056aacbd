/**
 * Progress on stderr: a bar redrawn in place on a terminal, a line now and then otherwise (logs
 * of a CI job or `2> file` should not fill with carriage returns).
 */

export interface ProgressBar {
  tick(count: number): void;
  done(): void;
}

export interface Progress {
  /** `total` unknown: a count without a bar. */
  start(label: string, total: number | undefined, unit: string): ProgressBar;
}

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export const silentProgress: Progress = { start: () => ({ tick: () => undefined, done: () => undefined }) };

const WIDTH = 30;

export function progressLine(label: string, done: number, total: number | undefined, unit: string): string {
  if (total === undefined || total <= 0) return `${label}: ${done} ${unit}`;
  // Counts can pass an approximate total (SQS's message count).
  const shown = Math.min(done, total);
  const filled = Math.round((shown / total) * WIDTH);
  const pct = Math.floor((shown / total) * 100);
  return `${label} [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${done}/${total} ${unit} ${pct}%`;
}

export function streamProgress(
  stream: ProgressStream,
  options: { now?: () => number; intervalMs?: number } = {},
): Progress {
  const now = options.now ?? Date.now;
  const tty = stream.isTTY === true;
  // A terminal redraws often; a log gets a line every few seconds.
  const interval = options.intervalMs ?? (tty ? 100 : 5_000);
  return {
    start(label, total, unit) {
      let count = 0;
      let last = now();
      let width = 0;
      let drawn = -1;
      const draw = (final: boolean) => {
        drawn = count;
        const line = progressLine(label, count, total, unit);
        if (tty) {
          stream.write(`\r${line}${" ".repeat(Math.max(0, width - line.length))}${final ? "\n" : ""}`);
          width = line.length;
        } else {
          stream.write(`${line}\n`);
        }
      };
      if (tty) draw(false);
      return {
        tick(n) {
          count += n;
          if (now() - last >= interval) {
            last = now();
            draw(false);
          }
        },
        done() {
          // A log already has the last line; a terminal needs its line ended.
          if (tty || drawn !== count) draw(true);
        },
      };
    },
  };
}
