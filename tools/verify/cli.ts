/**
 * `npm run verify`: from the command line to an exit code. The stack file is read and resolved
 * exactly as the program resolves it; clients, output streams and timing are injected, so tests
 * run the whole command against local servers and mocks.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Settings } from "../../infra/config";
import type { StackResult } from "../../infra/stack";
import { accountAccess, ClientFactory } from "../aws/clients";
import { loadStackFile } from "../cli/stack";
import { planCanaries, type VerifyPlan } from "./canaries";
import { SESSION_NAME, type VerifyClients, verifyClients } from "./clients";
import { formatDuration, ProgressPrinter, resultLine, resultsJson, summaryLine } from "./report";
import { runVerify, type VerifyOptions } from "./verify";
import { parseVerifyArgs, VERIFY_USAGE } from "./verifyArgs";

export interface VerifyCliDeps {
  /** Where `--stack` files are looked up; default the process's cwd. */
  cwd?: string;
  /** Results (text lines or JSON). */
  stdout: (text: string) => void;
  /** Progress, notes and errors; written as given (progress rewrites its line on a TTY). */
  stderr: (text: string) => void;
  /** Whether stderr is a terminal. */
  tty: boolean;
  /** Default: resolveStack, as the program resolves its config. */
  resolve?: (raw: Record<string, unknown>, stack: string) => StackResult;
  /** Default: each account's deploy role through the ClientFactory. */
  clients?: (settings: Settings, roleName?: string) => VerifyClients;
  /** Timing and ids (tests shorten the intervals). */
  options?: Partial<Omit<VerifyOptions, "timeoutMs" | "onProgress">> & { newId?: () => string };
  progressEveryMs?: number;
}

function defaultClients(settings: Settings, roleName?: string): VerifyClients {
  return verifyClients(new ClientFactory(accountAccess(settings, roleName), { sessionName: SESSION_NAME }));
}

/** A timeout shorter than Firehose's longest wait (1.5 x the buffer interval) fails the archive stage. */
export function timeoutNote(plan: VerifyPlan, timeoutMs: number): string | undefined {
  const r = plan.recipient;
  const seconds = Math.max(
    r.firehose.buffering.bufferIntervalSeconds,
    r.events?.firehose.buffering.bufferIntervalSeconds ?? 0,
  );
  const needMs = 1.5 * seconds * 1000 + 60_000;
  return timeoutMs < needMs
    ? `verify: note: --timeout ${formatDuration(timeoutMs)} is shorter than Firehose may buffer (1.5 x ${seconds} s + 1 min = ${formatDuration(needMs)}): the archive stage may time out on a healthy pipeline`
    : undefined;
}

export async function verifyMain(argv: readonly string[], deps: VerifyCliDeps): Promise<number> {
  const line = (text: string) => deps.stderr(`${text}\n`);
  const parsed = parseVerifyArgs(argv);
  if (!parsed.ok) {
    line(`verify: ${parsed.error}\n${VERIFY_USAGE}`);
    return 2;
  }
  const { command } = parsed;
  if (command.kind === "help") {
    deps.stdout(`${VERIFY_USAGE}\n`);
    return 0;
  }

  const loaded = loadStackFile(command.file, deps.cwd, deps.resolve);
  if (!loaded.ok) {
    line(loaded.lines.map((l, i) => (i === 0 ? `verify: ${l}` : l)).join("\n"));
    return 2;
  }
  const { plan, settings } = loaded;
  const canaries = planCanaries(plan, deps.options?.newId ?? randomUUID);
  if (!canaries.ok) {
    line(`verify: ${canaries.error}`);
    return 2;
  }

  const note = timeoutNote(plan, command.timeoutMs);
  if (note) line(note);
  const logs = canaries.canaries.filter((c) => c.kind === "logs").length;
  const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  line(
    `verify: stack ${loaded.stack}: following ${count(canaries.canaries.length, "canary", "canaries")} (${count(logs, "log route")}, ${count(canaries.canaries.length - logs, "event rule")}) for up to ${formatDuration(command.timeoutMs)}`,
  );
  const printer = new ProgressPrinter(deps.stderr, deps.tty, deps.progressEveryMs);
  const { newId: _, ...options } = deps.options ?? {};
  const results = await runVerify(
    plan,
    canaries.canaries,
    (deps.clients ?? defaultClients)(settings, command.roleName),
    {
      runId: `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`,
      ...options,
      timeoutMs: command.timeoutMs,
      onProgress: (p) => printer.update(p),
    },
  );
  printer.finish();
  if (command.json) deps.stdout(`${resultsJson(results)}\n`);
  else for (const r of results) deps.stdout(`${resultLine(r, command.timeoutMs)}\n`);
  line(summaryLine(results));
  return results.every((r) => r.ok) ? 0 : 1;
}
