/**
 * Command line of `npm run verify`: pure, so every usage error is tested without spawning.
 */
import { parseArgs } from "node:util";

export const VERIFY_USAGE = [
  "usage: npm run verify -- --stack NAME | --file PATH/Pulumi.NAME.yaml [--timeout 15m] [--json]",
  "",
  "Writes a canary into every canary log group and canary event rule of the deployed stack and",
  "follows each to the stream, the S3 archive and search. --timeout: seconds, or 90s, 20m, 1h",
  "(default 15m: Firehose buffers up to 900 s). Exit 0 all delivered, 1 some not, 2 usage or config.",
].join("\n");

export const DEFAULT_TIMEOUT_MS = 15 * 60_000;
const MAX_TIMEOUT_MS = 24 * 3_600_000;

export type VerifyCommand =
  | { readonly kind: "help" }
  | {
      readonly kind: "run";
      /** The stack file to read: `Pulumi.<stack>.yaml` (resolved against the cwd by the caller). */
      readonly file: string;
      readonly timeoutMs: number;
      readonly json: boolean;
    };

export type ParsedVerifyArgs = { ok: true; command: VerifyCommand } | { ok: false; error: string };

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** `900`, `900s`, `15m`, `15min`, `1h`, `1.5h`: a bare number is seconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|min|h)?$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? "s"] ?? 1000));
  return Number.isFinite(ms) ? ms : undefined;
}

const STACK_NAME = /^[A-Za-z0-9_.-]+$/;

export function parseVerifyArgs(argv: readonly string[]): ParsedVerifyArgs {
  let values: { stack?: string; file?: string; timeout?: string; json?: boolean; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        stack: { type: "string" },
        file: { type: "string" },
        timeout: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  if (values.help) return { ok: true, command: { kind: "help" } };
  if (positionals.length > 0) return { ok: false, error: `unexpected ${positionals.join(" ")}` };
  if (values.stack !== undefined && values.file !== undefined) {
    return { ok: false, error: "--stack and --file name the same thing: give one" };
  }
  if (values.stack === undefined && values.file === undefined) {
    return { ok: false, error: "which stack? --stack NAME or --file PATH" };
  }
  if (values.stack !== undefined && !STACK_NAME.test(values.stack)) {
    return { ok: false, error: `--stack ${values.stack} is not a stack name` };
  }
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
      file: values.file ?? `Pulumi.${values.stack}.yaml`,
      timeoutMs,
      json: values.json === true,
    },
  };
}
