/**
 * Command line of `npm run verify`: pure, so every usage error is tested without spawning.
 */
import {
  parseCommandLine,
  STACK_FILE_USAGE,
  STACK_TARGET_OPTIONS,
  type StackTarget,
  stackTargetArg,
} from "../cli/args";

export const VERIFY_USAGE = [
  `usage: npm run verify -- ${STACK_FILE_USAGE} [--timeout 15m] [--json] [--role-name NAME]`,
  "",
  "Writes a canary into every canary log group and canary event rule of the deployed stack and",
  "follows each to the stream, the S3 archive and search. --timeout: seconds, or 90s, 20m, 1h",
  "(default 15m: Firehose buffers up to 900 s). Exit 0 all delivered, 1 some not, 2 usage or config.",
].join("\n");

export const DEFAULT_TIMEOUT_MS = 15 * 60_000;
const MAX_TIMEOUT_MS = 24 * 3_600_000;

export type VerifyCommand =
  | { readonly kind: "help" }
  | (StackTarget & {
      readonly kind: "run";
      readonly timeoutMs: number;
      readonly json: boolean;
    });

export type ParsedVerifyArgs = { ok: true; command: VerifyCommand } | { ok: false; error: string };

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** `900`, `900s`, `15m`, `15min`, `1h`, `1.5h`: a bare number is seconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|min|h)?$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? "s"] ?? 1000));
  return Number.isFinite(ms) ? ms : undefined;
}

export function parseVerifyArgs(argv: readonly string[]): ParsedVerifyArgs {
  const parsed = parseCommandLine(argv, {
    ...STACK_TARGET_OPTIONS,
    timeout: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (!parsed.ok) return parsed;
  const { values, positionals } = parsed;
  if (values.help) return { ok: true, command: { kind: "help" } };
  const where = stackTargetArg(values, positionals);
  if (!where.ok) return where;
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (values.timeout !== undefined) {
    const parsed = parseDuration(values.timeout);
    if (parsed === undefined || parsed < 1000 || parsed > MAX_TIMEOUT_MS) {
      return {
        ok: false,
        error: `--timeout must be a duration from 1s to 24h (900, 90s, 20m, 1h), not ${values.timeout}`,
      };
    }
    timeoutMs = parsed;
  }
  return {
    ok: true,
    command: {
      kind: "run",
      ...where.target,
      timeoutMs,
      json: values.json === true,
    },
  };
}
