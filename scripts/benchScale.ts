/**
 * `npm run bench:scale [-- --sizes 50,200,800 --regions 4 --json --max-old-space-size <MiB>
 * --cpu-prof <dir>]`: evaluates the real program under mocks for generated organizations of each
 * size, beside the SDK's floor (as many bare resources) and the config step alone. Every figure
 * comes from a worker process of its own (mock state is process-global), one after the other (they
 * would compete for the CPUs). Progress on stderr; the table, or with --json the report, on stdout.
 */
import { spawn } from "node:child_process";
import { availableParallelism, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { getHeapStatistics } from "node:v8";
import type { z } from "zod";
import {
  buildReport,
  type ConfigMeasurement,
  ConfigMeasurementSchema,
  formatReport,
  parseSizes,
  parseWorkerOutput,
  type RunMeasurement,
  RunMeasurementSchema,
  type SizeResult,
} from "../tools/bench/benchReport";
import { BENCH_REGIONS } from "../tools/bench/orgConfig";
import { readProjectNodeArgs } from "../tools/offline/projectFile";

const WORKER = join(__dirname, "benchScaleWorker.ts");
const MiB = 1024 * 1024;

/**
 * Near 800 accounts x 4 regions the program's heap outgrows Node's default limit (about 4 GiB here),
 * where V8 spends most of the run collecting: workers get most of the machine's memory unless told
 * otherwise, so the figures show the program's own work (`--max-old-space-size 4096` shows a plain run).
 */
function defaultWorkerHeapMiB(): number {
  return Math.min(16_384, Math.floor((totalmem() * 0.75) / MiB));
}

/** The last lines of a worker's stderr, or what killed it. */
function failureOf(stderr: string, heapLimitMiB: number): string {
  if (/heap out of memory|Reached heap limit/.test(stderr))
    return `ran out of heap (limit ${heapLimitMiB} MiB): rerun with a larger --max-old-space-size or smaller --sizes`;
  return stderr.trim().split("\n").slice(-8).join("\n");
}

interface WorkerOptions {
  nodeFlags: string[];
  heapLimitMiB: number;
}

function runWorker(options: WorkerOptions, args: string[], extraFlags: string[] = []): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [...options.nodeFlags, ...extraFlags, "--import", "tsx", WORKER, ...args],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", fail);
    child.on("close", (code, signal) => {
      if (code === 0) done(stdout);
      else
        fail(
          new Error(
            `worker ${args.join(" ")} ${signal ? `killed by ${signal}` : `exited with ${code}`}: ${failureOf(stderr, options.heapLimitMiB)}`,
          ),
        );
    });
  });
}

async function measure<T>(
  schema: z.ZodType<T>,
  label: string,
  options: WorkerOptions,
  args: string[],
  extraFlags: string[] = [],
): Promise<T> {
  const started = Date.now();
  process.stderr.write(`bench:scale: ${label} ...`);
  const result = parseWorkerOutput(schema, label, await runWorker(options, args, extraFlags));
  process.stderr.write(` ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "50,200,800" },
      regions: { type: "string", default: "4" },
      json: { type: "boolean", default: false },
      "max-old-space-size": { type: "string" },
      "cpu-prof": { type: "string" },
    },
  });
  const sizes = parseSizes(values.sizes);
  const regions = Number(values.regions);
  if (!Number.isInteger(regions) || regions < 1 || regions > BENCH_REGIONS.length)
    throw new Error(`--regions must be a whole number from 1 to ${BENCH_REGIONS.length}`);
  const heapFlag = values["max-old-space-size"];
  if (heapFlag !== undefined && !/^[1-9]\d*$/.test(heapFlag))
    throw new Error("--max-old-space-size must be a whole number of MiB");
  const heapLimitMiB = heapFlag ? Number(heapFlag) : defaultWorkerHeapMiB();
  // Every worker (program, floor, config) runs with the flags a real `pulumi up` gives the program.
  const projectFlags = readProjectNodeArgs();
  const options: WorkerOptions = {
    nodeFlags: [...projectFlags, `--max-old-space-size=${heapLimitMiB}`],
    heapLimitMiB,
  };
  // A CPU profile of each program run, for finding where the time goes (open it in Chrome DevTools).
  const profileDir = values["cpu-prof"];
  const programFlags = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${resolve(profileDir)}`] : [];

  const results: SizeResult[] = [];
  for (const accounts of sizes) {
    const org = ["--accounts", String(accounts), "--regions", String(regions)];
    const config: ConfigMeasurement = await measure(
      ConfigMeasurementSchema,
      `${accounts} accounts: config step`,
      options,
      ["config", ...org],
    );
    const program: RunMeasurement = await measure(
      RunMeasurementSchema,
      `${accounts} accounts: program`,
      options,
      ["program", ...org],
      programFlags,
    );
    const floor: RunMeasurement = await measure(
      RunMeasurementSchema,
      `${accounts} accounts: floor (${program.registered} bare resources)`,
      options,
      ["floor", "--count", String(program.registered)],
    );
    results.push({ config, program, floor });
  }

  const report = buildReport(
    {
      node: process.version,
      cpus: availableParallelism(),
      regions,
      heapLimitMiB,
      nodeFlags: projectFlags,
      // The parent runs without flags: its limit is the one a plain `node` gets here.
      defaultHeapLimitMiB: getHeapStatistics().heap_size_limit / MiB,
    },
    results,
  );
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`\nbench:scale: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
