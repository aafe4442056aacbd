/**
 * One measurement of `npm run bench:scale`, in a process of its own (Pulumi's mock state is
 * process-global): `program`, `floor` or `config` for a generated organization. Prints one JSON
 * object on stdout; exits 1 when the run failed or registered other than what the config asks for.
 *
 *   tsx scripts/benchScaleWorker.ts program --accounts 200 --regions 4
 *   tsx scripts/benchScaleWorker.ts floor --count 5123
 *   tsx scripts/benchScaleWorker.ts config --accounts 200 --regions 4
 */
import { PerformanceObserver, performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { getHeapStatistics } from "node:v8";
import * as pulumi from "@pulumi/pulumi";
import { checkPlan } from "../infra/checks";
import { PROJECT, parseSettings, rawConfigFrom } from "../infra/config";
import { planRouting } from "../infra/plan";
import type { ConfigMeasurement, RunMeasurement } from "../tools/bench/benchReport";
import {
  BENCH_STACK,
  countMismatches,
  expectedRegistrations,
  orgCounts,
  orgStackConfig,
  total,
} from "../tools/bench/orgConfig";
import { AWS_PROVIDER_TYPE, RecordingMocks } from "../tools/offline/mocks";
import { runProgram, withoutSdkStackTraces } from "../tools/offline/run";

/** Warm repetitions of the config step (after the cold first call the program itself makes). */
const CONFIG_REPEATS = 5;

const MiB = 1024 * 1024;

function memory(): { maxRssMiB: number; rssMiB: number; heapUsedMiB: number } {
  return {
    // resourceUsage().maxRSS is in KiB: the process's peak, module loading included.
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    rssMiB: process.memoryUsage().rss / MiB,
    heapUsedMiB: process.memoryUsage().heapUsed / MiB,
  };
}

/**
 * The largest heap seen during the run. The program constructs every resource synchronously and the
 * registrations then settle as promise chains, so a timer hardly ever fires near the peak: sample at
 * each registration the mocks answer (runProgram makes its own RecordingMocks, hence the prototype).
 */
function heapPeak(): () => number {
  let peak = getHeapStatistics().used_heap_size;
  const newResource = RecordingMocks.prototype.newResource;
  RecordingMocks.prototype.newResource = function (this: RecordingMocks, args) {
    peak = Math.max(peak, getHeapStatistics().used_heap_size);
    return newResource.call(this, args);
  };
  return () => {
    RecordingMocks.prototype.newResource = newResource;
    return Math.max(peak, getHeapStatistics().used_heap_size) / MiB;
  };
}

/** CPU time of every thread of the process (GC helpers included): less sensitive to a busy machine. */
function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Total GC pause time from now on; read it after the run has yielded to the event loop once. */
function gcClock(): () => Promise<number> {
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ["gc"] });
  return async () => {
    // GC entries are delivered asynchronously: let the queued ones arrive.
    await new Promise((done) => setImmediate(done));
    observer.disconnect();
    return gcMs;
  };
}

/**
 * Both runs load the same modules first, so their memory shares one baseline and the run time
 * excludes module loading (reported apart as `loadMs`).
 */
async function loadModules(): Promise<{ loadMs: number; rssAfterLoadMiB: number }> {
  const start = performance.now();
  await import("@pulumi/aws");
  await import("../infra/program");
  return { loadMs: performance.now() - start, rssAfterLoadMiB: process.memoryUsage().rss / MiB };
}

async function measureProgram(accounts: number, regions: number): Promise<RunMeasurement> {
  const load = await loadModules();
  const gc = gcClock();
  const heap = heapPeak();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const run = await runProgram(BENCH_STACK, orgStackConfig({ accounts, regions }));
  const runMs = performance.now() - start;
  const cpuMs = cpuSince(cpu);
  const peakHeapMiB = heap();
  const gcMs = await gc();
  if (!run.ok) throw new Error(`the program failed:\n${run.errors.join("\n")}`);
  const registered: Record<string, number> = {};
  const count = (type: string) => {
    registered[type] = (registered[type] ?? 0) + 1;
  };
  for (const r of run.mocks.resources) count(r.type);
  for (let i = 0; i < run.mocks.providers.size; i++) count(AWS_PROVIDER_TYPE);
  const mismatches = countMismatches(expectedRegistrations(orgCounts({ accounts, regions })), registered);
  if (mismatches.length > 0)
    throw new Error(`registrations differ from the config:\n  ${mismatches.join("\n  ")}`);
  return {
    kind: "program",
    accounts,
    regions,
    registered: total(registered),
    ...load,
    runMs,
    cpuMs,
    gcMs,
    peakHeapMiB,
    ...memory(),
  };
}

/** The floor's resource: a custom resource of a type no provider implements (mocks need none). */
class Dummy extends pulumi.CustomResource {
  constructor(name: string, inputs: Record<string, string>) {
    super("bench:index:Dummy", name, inputs);
  }
}

interface Monitor {
  resources: Map<string, unknown>;
}

/** The SDK's own cost: `count` bare custom resources with a few string inputs, same mocks. */
async function measureFloor(count: number): Promise<RunMeasurement> {
  const load = await loadModules();
  const gc = gcClock();
  const heap = heapPeak();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const mocks = new RecordingMocks();
  await pulumi.runtime.setMocks(mocks, PROJECT, `${BENCH_STACK}-floor`, false);
  // The same stack-trace settings as the program's run (runProgram).
  const restoreStackTraces = withoutSdkStackTraces();
  try {
    for (let i = 0; i < count; i++) {
      new Dummy(`dummy-${i}`, {
        name: `dummy-${i}`,
        description: "a bare resource of the benchmark floor",
        region: "us-east-1",
      });
    }
    // Same wait as runProgram: until every registration has reached the mocks.
    const settings = (await import("@pulumi/pulumi/runtime/settings")) as {
      waitForRPCs?: () => Promise<void>;
    };
    await settings.waitForRPCs?.();
  } finally {
    restoreStackTraces();
  }
  const runMs = performance.now() - start;
  const cpuMs = cpuSince(cpu);
  const peakHeapMiB = heap();
  const gcMs = await gc();
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor | undefined;
  const registered = monitor?.resources.size ?? mocks.resources.length;
  if (registered !== count) throw new Error(`the floor registered ${registered} resources, not ${count}`);
  return {
    kind: "floor",
    accounts: 0,
    regions: 0,
    registered,
    ...load,
    runMs,
    cpuMs,
    gcMs,
    peakHeapMiB,
    ...memory(),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** `parseSettings`, then `planRouting` and `checkPlan`: the program's settings -> plan -> checks. */
function measureConfig(accounts: number, regions: number): ConfigMeasurement {
  const config = orgStackConfig({ accounts, regions });
  const once = () => {
    const t0 = performance.now();
    const parsed = parseSettings(rawConfigFrom(config), BENCH_STACK);
    const t1 = performance.now();
    if (!parsed.ok) throw new Error(`the generated config was refused:\n${parsed.errors.join("\n")}`);
    const plan = planRouting(parsed.settings);
    const problems = checkPlan(parsed.settings, plan, rawConfigFrom(config));
    const t2 = performance.now();
    if (problems.length > 0) throw new Error(`the generated config was refused:\n${problems.join("\n")}`);
    return { parseMs: t1 - t0, planMs: t2 - t1, routes: plan.sources.flatMap((s) => s.routes).length };
  };
  const cold = once();
  const warm = Array.from({ length: CONFIG_REPEATS }, once);
  const expectedRoutes = orgCounts({ accounts, regions }).routes;
  if (cold.routes !== expectedRoutes)
    throw new Error(`the plan has ${cold.routes} routes, the config asks for ${expectedRoutes}`);
  return {
    kind: "config",
    accounts,
    regions,
    parseMs: cold.parseMs,
    planMs: cold.planMs,
    warmParseMs: median(warm.map((w) => w.parseMs)),
    warmPlanMs: median(warm.map((w) => w.planMs)),
    ...memory(),
  };
}

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number of at least 1`);
  return n;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      accounts: { type: "string" },
      regions: { type: "string" },
      count: { type: "string" },
    },
  });
  const mode = positionals[0];
  let result: RunMeasurement | ConfigMeasurement;
  if (mode === "program")
    result = await measureProgram(
      positiveInt("accounts", values.accounts),
      positiveInt("regions", values.regions),
    );
  else if (mode === "floor") result = await measureFloor(positiveInt("count", values.count));
  else if (mode === "config")
    result = measureConfig(positiveInt("accounts", values.accounts), positiveInt("regions", values.regions));
  else
    throw new Error("usage: benchScaleWorker.ts program|floor|config [--accounts n --regions n | --count n]");
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench:scale worker: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
