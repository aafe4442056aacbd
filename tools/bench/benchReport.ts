/**
 * The figures of `npm run bench:scale`: what each worker process reports (validated, since it
 * crosses a process boundary), the per-size comparison of the program with the SDK's floor, the
 * linearity verdict and the printed table. Pure: the script does the spawning and the timing.
 */
import { z } from "zod";
import {
  accountsWithin,
  DEFAULT_PROVIDER_BUDGET_MIB,
  PROVIDER_PROCESS_MIB,
} from "../../infra/kernel/deployCost";

const Memory = {
  /** Peak resident set size of the worker process (module loading included). */
  maxRssMiB: z.number().nonnegative(),
  rssMiB: z.number().nonnegative(),
  heapUsedMiB: z.number().nonnegative(),
};

export const RunMeasurementSchema = z.strictObject({
  kind: z.enum(["program", "floor"]),
  accounts: z.number().int().nonnegative(),
  regions: z.number().int().nonnegative(),
  /** Everything registered: custom resources, components and providers. */
  registered: z.number().int().positive(),
  /** Loading the program's modules, before the run (the same modules in both kinds). */
  loadMs: z.number().nonnegative(),
  rssAfterLoadMiB: z.number().nonnegative(),
  /** From `setMocks` until every registration has reached the mocks. */
  runMs: z.number().nonnegative(),
  /** CPU time (user + system, all threads) during the run. */
  cpuMs: z.number().nonnegative(),
  /** Garbage-collection pauses during the run (part of runMs). */
  gcMs: z.number().nonnegative(),
  /** The largest V8 heap sampled during the run. */
  peakHeapMiB: z.number().nonnegative(),
  ...Memory,
});
export type RunMeasurement = z.infer<typeof RunMeasurementSchema>;

export const ConfigMeasurementSchema = z.strictObject({
  kind: z.literal("config"),
  accounts: z.number().int().positive(),
  regions: z.number().int().positive(),
  /** The first (cold) call, as the program makes it; `parseSettings` plans once for its size checks. */
  parseMs: z.number().nonnegative(),
  planMs: z.number().nonnegative(),
  /** Medians of repeated calls in the same process. */
  warmParseMs: z.number().nonnegative(),
  warmPlanMs: z.number().nonnegative(),
  ...Memory,
});
export type ConfigMeasurement = z.infer<typeof ConfigMeasurementSchema>;

/** Parses a worker's stdout (one JSON object), naming the worker when it is not what was expected. */
export function parseWorkerOutput<T>(schema: z.ZodType<T>, what: string, stdout: string): T {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new Error(`${what}: the worker printed no JSON: ${JSON.stringify(stdout.slice(0, 200))}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`${what}: unexpected worker output: ${parsed.error.message}`);
  return parsed.data;
}

/** `--sizes 50,200,800` -> [50, 200, 800]: whole numbers of at least 1, sorted, no repeats. */
export function parseSizes(text: string): number[] {
  const parts = text.split(",").map((p) => p.trim());
  const sizes = parts.map(Number);
  const bad = parts.filter((p, i) => p === "" || !Number.isInteger(sizes[i]) || (sizes[i] ?? 0) < 1);
  if (bad.length > 0)
    throw new Error(
      `--sizes: ${bad.map((b) => JSON.stringify(b)).join(", ")} ${bad.length === 1 ? "is" : "are"} not a number of accounts (a whole number of at least 1)`,
    );
  return [...new Set(sizes)].sort((a, b) => a - b);
}

export interface SizeResult {
  config: ConfigMeasurement;
  program: RunMeasurement;
  floor: RunMeasurement;
}

export interface SizeSummary {
  accounts: number;
  regions: number;
  registered: number;
  perAccount: number;
  /** Cold `parseSettings` + `planRouting`, as the program pays them. */
  configMs: number;
  programMs: number;
  programCpuMs: number;
  /** Share of the program's run time spent in garbage-collection pauses. */
  programGcShare: number;
  programPeakHeapMiB: number;
  floorMs: number;
  floorGcShare: number;
  programMaxRssMiB: number;
  floorMaxRssMiB: number;
  /** program / floor */
  timeRatio: number;
  memoryRatio: number;
  programMsPerResource: number;
  programCpuMsPerResource: number;
  floorMsPerResource: number;
}

export function summarize(r: SizeResult): SizeSummary {
  const { program, floor, config } = r;
  if (floor.registered !== program.registered)
    throw new Error(`the floor registered ${floor.registered} resources, the program ${program.registered}`);
  return {
    accounts: program.accounts,
    regions: program.regions,
    registered: program.registered,
    perAccount: program.registered / program.accounts,
    configMs: config.parseMs + config.planMs,
    programMs: program.runMs,
    programCpuMs: program.cpuMs,
    programGcShare: program.runMs > 0 ? program.gcMs / program.runMs : 0,
    programPeakHeapMiB: program.peakHeapMiB,
    floorMs: floor.runMs,
    floorGcShare: floor.runMs > 0 ? floor.gcMs / floor.runMs : 0,
    programMaxRssMiB: program.maxRssMiB,
    floorMaxRssMiB: floor.maxRssMiB,
    timeRatio: program.runMs / floor.runMs,
    memoryRatio: program.maxRssMiB / floor.maxRssMiB,
    programMsPerResource: program.runMs / program.registered,
    programCpuMsPerResource: program.cpuMs / program.registered,
    floorMsPerResource: floor.runMs / floor.registered,
  };
}

/**
 * Time per unit may grow this much from the smallest to the largest size before it counts as
 * super-linear (fixed costs and a busy machine move it by a few percent either way).
 */
export const SUPERLINEAR_GROWTH = 1.2;

export interface Scaling {
  /** k in time ~ n^k between the smallest and the largest size (1 = linear). */
  exponent: number;
  /** Time per unit at the largest size over that at the smallest. */
  growth: number;
  superLinear: boolean;
}

/** Between the smallest and the largest size; undefined with fewer than two sizes. */
export function scaling(points: readonly { n: number; ms: number }[]): Scaling | undefined {
  const sorted = [...points].sort((a, b) => a.n - b.n);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last || first.n === last.n) return undefined;
  const growth = last.ms / last.n / (first.ms / first.n);
  return {
    exponent: Math.log(last.ms / first.ms) / Math.log(last.n / first.n),
    growth,
    superLinear: growth > SUPERLINEAR_GROWTH,
  };
}

export interface BenchEnvironment {
  node: string;
  cpus: number;
  regions: number;
  /** V8's heap limit in the workers (`--max-old-space-size`). */
  heapLimitMiB: number;
  /** Pulumi.yaml's `nodeargs`: the workers run with the flags a real deploy gives the program. */
  nodeFlags: string[];
  /** V8's heap limit without flags on this machine: what `npm run plan` and vitest get. */
  defaultHeapLimitMiB: number;
}

export interface BenchReport extends BenchEnvironment {
  sizes: (SizeSummary & SizeResult)[];
  linearity: {
    program?: Scaling;
    programCpu?: Scaling;
    floor?: Scaling;
    config?: Scaling;
  };
}

export function buildReport(env: BenchEnvironment, results: readonly SizeResult[]): BenchReport {
  const sizes = results.map((r) => ({ ...summarize(r), ...r })).sort((a, b) => a.accounts - b.accounts);
  return {
    ...env,
    sizes,
    linearity: {
      program: scaling(sizes.map((s) => ({ n: s.registered, ms: s.programMs }))),
      programCpu: scaling(sizes.map((s) => ({ n: s.registered, ms: s.programCpuMs }))),
      floor: scaling(sizes.map((s) => ({ n: s.registered, ms: s.floorMs }))),
      config: scaling(sizes.map((s) => ({ n: s.accounts, ms: s.configMs }))),
    },
  };
}

const fixed = (n: number, digits: number) => n.toFixed(digits);

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ");
  return [line(header), ...rows.map(line)];
}

function describeScaling(what: string, unit: string, s: Scaling | undefined, perSize: string): string {
  if (!s) return `${what}: ${perSize} (one size only: no linearity verdict)`;
  const verdict = s.superLinear ? "SUPER-LINEAR" : "linear";
  return `${what}: ${perSize}; time ~ n^${fixed(s.exponent, 2)}, ${unit} x${fixed(s.growth, 2)} from smallest to largest: ${verdict}`;
}

const perSize = (
  sizes: readonly SizeSummary[],
  value: (s: SizeSummary) => number,
  digits: number,
  unit: string,
) => sizes.map((s) => `${fixed(value(s), digits)} ${unit} at ${s.accounts}`).join(", ");

const percentages = (sizes: readonly SizeSummary[], share: (s: SizeSummary) => number) =>
  sizes.map((s) => `${fixed(share(s) * 100, 0)}% at ${s.accounts}`).join(", ");

export function formatReport(report: BenchReport): string {
  const { sizes } = report;
  const overDefaultHeap = sizes.filter((s) => s.programPeakHeapMiB > report.defaultHeapLimitMiB);
  return [
    `central-logging bench:scale: organization mode, ${report.regions} region(s) per account, node ${report.node}, ${report.cpus} CPU(s), worker heap limit ${fixed(report.heapLimitMiB, 0)} MiB`,
    "Each figure from a process of its own, one after the other; floor = as many bare CustomResources (3 string inputs) through the same mocks.",
    `Node flags of every worker, from Pulumi.yaml's nodeargs (as pulumi up runs the program): ${report.nodeFlags.length > 0 ? report.nodeFlags.join(" ") : "none"}`,
    "",
    ...table(
      [
        "accounts",
        "registered",
        "per acct",
        "config ms",
        "program s",
        "cpu s",
        "gc %",
        "floor s",
        "time x",
        "program MiB",
        "heap MiB",
        "floor MiB",
        "memory x",
      ],
      sizes.map((s) => [
        String(s.accounts),
        String(s.registered),
        fixed(s.perAccount, 1),
        fixed(s.configMs, 1),
        fixed(s.programMs / 1000, 2),
        fixed(s.programCpuMs / 1000, 2),
        fixed(s.programGcShare * 100, 0),
        fixed(s.floorMs / 1000, 2),
        fixed(s.timeRatio, 2),
        fixed(s.programMaxRssMiB, 0),
        fixed(s.programPeakHeapMiB, 0),
        fixed(s.floorMaxRssMiB, 0),
        fixed(s.memoryRatio, 2),
      ]),
    ),
    "",
    describeScaling(
      "Program (wall)",
      "ms/resource",
      report.linearity.program,
      perSize(sizes, (s) => s.programMsPerResource, 2, "ms/resource"),
    ),
    describeScaling(
      "Program (cpu)",
      "ms/resource",
      report.linearity.programCpu,
      perSize(sizes, (s) => s.programCpuMsPerResource, 2, "ms/resource"),
    ),
    describeScaling(
      "Floor (wall)",
      "ms/resource",
      report.linearity.floor,
      perSize(sizes, (s) => s.floorMsPerResource, 2, "ms/resource"),
    ),
    describeScaling(
      "Config step (parseSettings + planRouting, cold)",
      "ms/account",
      report.linearity.config,
      perSize(sizes, (s) => s.configMs / s.accounts, 3, "ms/account"),
    ),
    `GC share of the run: program ${percentages(sizes, (s) => s.programGcShare)}; floor ${percentages(sizes, (s) => s.floorGcShare)}`,
    ...sizes.map((s) => deployLine(s.accounts)),
    ...(overDefaultHeap.length > 0
      ? [
          `Program peak heap above Node's default heap limit (${fixed(report.defaultHeapLimitMiB, 0)} MiB) at ${overDefaultHeap.map((s) => s.accounts).join(", ")} accounts: a plain run (npm run plan, vitest) is held to that limit, so it collects far more often there, or runs out of heap.`,
        ]
      : []),
  ].join("\n");
}

/**
 * What a real `pulumi up` of this organization starts, which the mocks never show: one AWS provider
 * process per account (the recipient's included), as one stack and as shards within the default
 * budget (`npm run shards`). Estimates (infra/kernel/deployCost.ts), not measurements.
 */
export function deployLine(sourceAccounts: number, budgetMiB = DEFAULT_PROVIDER_BUDGET_MIB): string {
  const one = sourceAccounts + 1;
  const perShard = accountsWithin(budgetMiB);
  const shards = Math.ceil(sourceAccounts / perShard);
  const largest = Math.min(sourceAccounts, perShard);
  return (
    `Real deploy at ${sourceAccounts} accounts: as one stack ${one} provider processes, about ${one * PROVIDER_PROCESS_MIB} MiB; ` +
    `as shards within ${budgetMiB} MiB: a recipient stack (1 process, ${PROVIDER_PROCESS_MIB} MiB) and ${shards} shard(s) of at most ${largest} processes (${largest * PROVIDER_PROCESS_MIB} MiB each)`
  );
}

// ---- npm run bench: the runtime Lambdas ------------------------------------------------------

/** Firehose's range for a Lambda processor's BufferSizeInMBs (Firehose API Reference, ProcessorParameter). */
export const PROCESSOR_BUFFER_RANGE_MB = { min: 0.2, max: 3 } as const;

/** Re-puts of one processor buffer size: the gunzip Lambda over batches cut from one record stream. */
export interface BufferMeasurement {
  bufferMB: number;
  batches: number;
  records: number;
  /** Records answered Dropped for lack of space and put back on the stream. */
  reput: number;
  /** Largest response of a batch, bytes. */
  maxResponseBytes: number;
}

export const reputShare = (m: BufferMeasurement): number => (m.records === 0 ? 0 : m.reput / m.records);

/**
 * The largest buffer within Firehose's range whose re-put share stays at most `maxShare`: fewer,
 * larger invocations for the same delivery. Undefined when none does.
 */
export function chooseBuffer(
  measurements: readonly BufferMeasurement[],
  maxShare: number,
): BufferMeasurement | undefined {
  return measurements
    .filter(
      (m) =>
        m.bufferMB >= PROCESSOR_BUFFER_RANGE_MB.min &&
        m.bufferMB <= PROCESSOR_BUFFER_RANGE_MB.max &&
        reputShare(m) <= maxShare,
    )
    .reduce<BufferMeasurement | undefined>(
      (best, m) => (best && best.bufferMB >= m.bufferMB ? best : m),
      undefined,
    );
}

/** A program's time next to its floor's, medians of the same interleaved passes. */
export interface FloorComparison {
  name: string;
  ms: number;
  floorMs: number;
}

export const floorRatio = (c: FloorComparison): number => c.ms / c.floorMs;

export function formatBufferTable(
  measurements: readonly BufferMeasurement[],
  configuredMB: number,
): string[] {
  return table(
    ["buffer MB", "batches", "records", "re-put", "re-put %", "max response MB", ""],
    measurements.map((m) => [
      String(m.bufferMB),
      String(m.batches),
      String(m.records),
      String(m.reput),
      fixed(reputShare(m) * 100, 1),
      fixed(m.maxResponseBytes / 1e6, 2),
      m.bufferMB === configuredMB ? "<- configured" : "",
    ]),
  );
}

export function formatFloorComparisons(comparisons: readonly FloorComparison[]): string[] {
  return table(
    ["", "ms", "floor ms", "ratio"],
    comparisons.map((c) => [c.name, fixed(c.ms, 1), fixed(c.floorMs, 1), `${fixed(floorRatio(c), 2)}x`]),
  );
}
