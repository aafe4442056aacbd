/**
 * Runs the real program under Pulumi's mocks with a given stack config: no AWS credentials, no
 * Pulumi CLI. Mock state is process-global: runs in one process take turns, each starts from fresh
 * mocks and settings (`setMocks` resets the SDK's stack state) and ends only once its registrations
 * have drained, so nothing of one run reaches the next (the tests share worker processes).
 */
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, type Settings } from "../../infra/config";
import type { RoutingPlan } from "../../infra/plan";
import { RecordingMocks } from "./mocks";

export interface ProgramRun {
  ok: true;
  mocks: RecordingMocks;
  outputs: Record<string, unknown>;
  /** The settings and the plan the program realized (computed once, by the program itself). */
  settings: Settings;
  plan: RoutingPlan;
}

export interface ProgramFailure {
  ok: false;
  mocks: RecordingMocks;
  /** One line per problem when the config was refused; the error message otherwise. */
  errors: string[];
  configError: boolean;
}

/** Config as in a stack file: `central-logging:recipient` -> value (objects stay objects). */
export type StackConfig = Record<string, unknown>;

export interface RunOptions {
  /** Outputs of the stacks the program references (`part: sources` reads its recipient stack's). */
  stackReferences?: Record<string, Record<string, unknown>>;
}

/** The run in progress in this process, if any: the next one starts after it. */
let previous: Promise<unknown> = Promise.resolve();

export function runProgram(
  stack: string,
  config: StackConfig,
  options: RunOptions = {},
): Promise<ProgramRun | ProgramFailure> {
  const run = previous.then(() => runAlone(stack, config, options));
  previous = run.catch(() => undefined);
  return run;
}

async function runAlone(
  stack: string,
  config: StackConfig,
  options: RunOptions,
): Promise<ProgramRun | ProgramFailure> {
  const mocks = new RecordingMocks(options.stackReferences);
  await pulumi.runtime.setMocks(mocks, PROJECT, stack, false);
  recordLinks(mocks);
  pulumi.runtime.setAllConfig(
    Object.fromEntries(
      Object.entries(config).map(([key, value]) => [
        key,
        typeof value === "string" ? value : JSON.stringify(value),
      ]),
    ),
  );
  // Imported only now: the mocks must be in place before anything can register a resource.
  const { program } = await import("../../infra/program");
  const { ConfigError } = await import("../../infra/kernel/messages");
  const restoreStackTraces = withoutSdkStackTraces();
  try {
    const { outputs, settings, plan } = await program();
    await waitForRegistrations();
    return { ok: true, mocks, outputs: await resolve(outputs), settings, plan };
  } catch (err) {
    // A run that failed halfway may still have registrations in flight: let them reach its own mocks.
    await waitForRegistrations().catch(() => undefined);
    if (err instanceof ConfigError) return { ok: false, mocks, errors: err.errors, configError: true };
    return {
      ok: false,
      mocks,
      errors: [err instanceof Error ? err.message : String(err)],
      configError: false,
    };
  } finally {
    restoreStackTraces();
  }
}

/**
 * The SDK records a stack trace for every output property it creates (four promises per property,
 * each with `new Error().stack`, read only to debug leaked promises), and one full-depth trace per
 * resource for its source position: formatting them was most of a large run under mocks, and with
 * source maps on (tsx turns them on) mapping them was more. Until the returned function is called:
 * no source maps, no frames captured (the SDK's source positions set their own limit) and every
 * trace formatted as the error's own `name: message` without walking its frames (vitest maps traces
 * through its own Error.prepareStackTrace, restored after). Errors thrown meanwhile keep their
 * messages; an error made earlier whose `.stack` is first read meanwhile keeps only its message
 * (V8 formats a trace once, when first read). bench:scale's floor runs under the same settings, so
 * the two compare like with like.
 */
export function withoutSdkStackTraces(): () => void {
  const sourceMaps = process.sourceMapsEnabled;
  const errorClass: { prepareStackTrace?: unknown; stackTraceLimit: number } = Error;
  const prepareStackTrace = errorClass.prepareStackTrace;
  const stackTraceLimit = errorClass.stackTraceLimit;
  process.setSourceMapsEnabled(false);
  errorClass.prepareStackTrace = (error: Error) => Error.prototype.toString.call(error);
  errorClass.stackTraceLimit = 0;
  return () => {
    errorClass.stackTraceLimit = stackTraceLimit;
    errorClass.prepareStackTrace = prepareStackTrace;
    process.setSourceMapsEnabled(sourceMaps);
  };
}

interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
}

interface MockMonitorLike {
  registerResource(req: RegisterResourceRequest, callback: (err: unknown, res: unknown) => void): unknown;
}

/**
 * Mocks see a resource's inputs and provider but not its parent or dependencies; the monitor's
 * request carries both. Wrapping it lets tests check parenting and creation order (dependsOn).
 */
function recordLinks(mocks: RecordingMocks): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorLike | undefined;
  // A private SDK hook: if @pulumi/pulumi changes it, say so instead of silently losing links.
  if (!monitor || typeof monitor.registerResource !== "function")
    throw new Error(
      "central-logging offline: @pulumi/pulumi's mock monitor has no registerResource any more; tools/offline/run.ts records parents and dependencies through it",
    );
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    mocks.noteLinks(req.getType(), req.getName(), req.getParent(), req.getDependenciesList());
    return register(req, callback);
  };
}

/** Waits until every pending registration has reached the mocks (the SDK's RPC queue drains). */
async function waitForRegistrations(): Promise<void> {
  const settings = (await import("@pulumi/pulumi/runtime/settings")) as { waitForRPCs?: () => Promise<void> };
  if (typeof settings.waitForRPCs !== "function")
    throw new Error(
      "central-logging offline: @pulumi/pulumi/runtime/settings has no waitForRPCs any more; tools/offline/run.ts waits for registrations with it",
    );
  await settings.waitForRPCs();
}

function resolve(outputs: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((done) => pulumi.output(outputs).apply((v) => done(v as Record<string, unknown>)));
}
