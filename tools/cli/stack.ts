/**
 * A deployed stack as the operator CLIs (verify, redrive) see it: its stack file read and resolved
 * exactly as the program resolves its config (settings -> plan -> checks).
 */
import { resolve } from "node:path";
import { rawConfigFrom } from "../../infra/config";
import { resolveStack, type Stack, type StackResult } from "../../infra/stack";
import { readStackFile } from "../offline/stackFile";

export type LoadedStack = ({ ok: true; stack: string } & Stack) | { ok: false; lines: string[] };

/**
 * `file` read relative to `cwd`, then resolved (`resolver`: resolveStack unless a test gives its
 * own). On failure, the lines to print: an unreadable file in one, a refused config key by key.
 */
export function loadStackFile(
  file: string,
  cwd: string = process.cwd(),
  resolver: (raw: Record<string, unknown>, stack: string) => StackResult = resolveStack,
): LoadedStack {
  let stackFile: ReturnType<typeof readStackFile>;
  try {
    stackFile = readStackFile(resolve(cwd, file));
  } catch (err) {
    return { ok: false, lines: [err instanceof Error ? err.message : String(err)] };
  }
  const resolved = resolver(rawConfigFrom(stackFile.config), stackFile.stack);
  if (!resolved.ok)
    return {
      ok: false,
      lines: [`the config of stack ${stackFile.stack} is refused:`, ...resolved.errors.map((e) => `  ${e}`)],
    };
  return { ok: true, stack: stackFile.stack, settings: resolved.settings, plan: resolved.plan };
}
