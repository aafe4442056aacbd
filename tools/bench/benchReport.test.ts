import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BufferMeasurement,
  buildReport,
  type ConfigMeasurement,
  ConfigMeasurementSchema,
  chooseBuffer,
  deployLine,
  floorRatio,
  formatBufferTable,
  formatFloorComparisons,
  formatReport,
  PROCESSOR_BUFFER_RANGE_MB,
  parseSizes,
  parseWorkerOutput,
  type RunMeasurement,
  RunMeasurementSchema,
  reputShare,
  type SizeResult,
  scaling,
  summarize,
} from "./benchReport";

function run(
  kind: "program" | "floor",
  accounts: number,
  registered: number,
  runMs: number,
  maxRssMiB: number,
) {
  return {
    kind,
    accounts: kind === "program" ? accounts : 0,
    regions: kind === "program" ? 4 : 0,
    registered,
    loadMs: 300,
    rssAfterLoadMiB: 200,
    runMs,
    cpuMs: runMs * 1.1,
    gcMs: runMs / 4,
    peakHeapMiB: maxRssMiB - 150,
    maxRssMiB,
    rssMiB: maxRssMiB,
    heapUsedMiB: 100,
  } satisfies RunMeasurement;
}

function config(accounts: number, parseMs: number, planMs: number): ConfigMeasurement {
  return {
    kind: "config",
    accounts,
    regions: 4,
    parseMs,
    planMs,
    warmParseMs: parseMs / 2,
    warmPlanMs: planMs / 2,
    maxRssMiB: 190,
    rssMiB: 190,
    heapUsedMiB: 60,
  };
}

function size(
  accounts: number,
  registered: number,
  programMs: number,
  floorMs: number,
  programRssMiB = 500,
): SizeResult {
  return {
    config: config(accounts, accounts * 0.5, accounts * 0.05),
    program: run("program", accounts, registered, programMs, programRssMiB),
    floor: run("floor", accounts, registered, floorMs, 250),
  };
}

describe("parseSizes", () => {
  it("reads a comma-separated list, sorted, without repeats", () => {
    expect(parseSizes("50,200,800")).toEqual([50, 200, 800]);
    expect(parseSizes(" 800, 50 ,50")).toEqual([50, 800]);
    expect(parseSizes("1")).toEqual([1]);
  });

  it("names every entry that is not a number of accounts", () => {
    expect(() => parseSizes("50,,x,0,2.5,-3")).toThrow(
      '--sizes: "", "x", "0", "2.5", "-3" are not a number of accounts (a whole number of at least 1)',
    );
    expect(() => parseSizes("ten")).toThrow('--sizes: "ten" is not a number of accounts');
  });
});

describe("parseWorkerOutput", () => {
  it("returns the validated measurement", () => {
    const m = run("program", 50, 1628, 8400, 540);
    expect(parseWorkerOutput(RunMeasurementSchema, "program", JSON.stringify(m))).toEqual(m);
    const c = config(50, 25, 2);
    expect(parseWorkerOutput(ConfigMeasurementSchema, "config", `${JSON.stringify(c)}\n`)).toEqual(c);
  });

  it("refuses output that is not JSON, or not the measurement asked for", () => {
    expect(() => parseWorkerOutput(RunMeasurementSchema, "50 accounts: program", "oops")).toThrow(
      '50 accounts: program: the worker printed no JSON: "oops"',
    );
    expect(() =>
      parseWorkerOutput(
        RunMeasurementSchema,
        "floor",
        JSON.stringify({ ...run("floor", 0, 5, 1, 1), registered: 0 }),
      ),
    ).toThrow("floor: unexpected worker output");
    expect(() => parseWorkerOutput(RunMeasurementSchema, "x", JSON.stringify(config(5, 1, 1)))).toThrow(
      "x: unexpected worker output",
    );
  });
});

describe("summarize", () => {
  it("compares the program with the floor", () => {
    expect(summarize(size(50, 1600, 8000, 2000))).toEqual({
      accounts: 50,
      regions: 4,
      registered: 1600,
      perAccount: 32,
      configMs: 27.5,
      programMs: 8000,
      programCpuMs: 8800,
      programGcShare: 0.25,
      programPeakHeapMiB: 350,
      floorMs: 2000,
      floorGcShare: 0.25,
      programMaxRssMiB: 500,
      floorMaxRssMiB: 250,
      timeRatio: 4,
      memoryRatio: 2,
      programMsPerResource: 5,
      programCpuMsPerResource: 5.5,
      floorMsPerResource: 1.25,
    });
  });

  it("refuses a floor of another size", () => {
    const r = size(50, 1600, 8000, 2000);
    expect(() => summarize({ ...r, floor: { ...r.floor, registered: 1599 } })).toThrow(
      "the floor registered 1599 resources, the program 1600",
    );
  });
});

describe("scaling", () => {
  it("is linear when time per resource stays put", () => {
    expect(
      scaling([
        { n: 1000, ms: 5000 },
        { n: 4000, ms: 20000 },
      ]),
    ).toEqual({ exponent: 1, growth: 1, superLinear: false });
  });

  it("is super-linear when time per resource grows: time ~ n^2 gives exponent 2", () => {
    const s = scaling([
      { n: 16000, ms: 256000 },
      { n: 1000, ms: 1000 },
      { n: 4000, ms: 16000 },
    ]);
    expect(s?.exponent).toBeCloseTo(2, 10);
    expect(s?.growth).toBeCloseTo(16, 10);
    expect(s?.superLinear).toBe(true);
  });

  it("has no verdict with one size", () => {
    expect(scaling([{ n: 10, ms: 1 }])).toBeUndefined();
    expect(scaling([])).toBeUndefined();
  });

  it("recovers the exponent of any power law", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 3, noNaN: true }),
        fc.integer({ min: 10, max: 1000 }),
        fc.integer({ min: 2, max: 100 }),
        (k, n, factor) => {
          const s = scaling([
            { n, ms: n ** k },
            { n: n * factor, ms: (n * factor) ** k },
          ]);
          expect(s?.exponent).toBeCloseTo(k, 6);
          expect(s?.growth).toBeCloseTo(factor ** (k - 1), 6);
          expect(s?.superLinear).toBe((s?.growth ?? 0) > 1.2);
        },
      ),
    );
  });
});

describe("formatReport", () => {
  const env = {
    node: "v20.20.2",
    cpus: 2,
    regions: 4,
    heapLimitMiB: 16384,
    nodeFlags: ["--max-semi-space-size=32"],
    defaultHeapLimitMiB: 4144,
  };
  const report = buildReport(env, [
    size(800, 24876, 250_000, 33_000, 5000),
    size(50, 1628, 8_400, 2_000),
    size(200, 6276, 33_000, 8_000),
  ]);
  const lines = formatReport(report).split("\n");
  const header = lines.findIndex((l) => l.trimStart().startsWith("accounts"));
  const row = (i: number) => lines[header + 1 + i]?.trim().split(/\s+/);

  it("orders sizes and judges linearity per registered resource", () => {
    expect(report.sizes.map((s) => s.accounts)).toEqual([50, 200, 800]);
    expect(report.linearity.program?.superLinear).toBe(true);
    expect(report.linearity.config?.exponent).toBeCloseTo(1, 10);
  });

  it("prints one row per size with the ratios", () => {
    expect(lines[0]).toBe(
      "central-logging bench:scale: organization mode, 4 region(s) per account, node v20.20.2, 2 CPU(s), worker heap limit 16384 MiB",
    );
    expect(lines[2]).toBe(
      "Node flags of every worker, from Pulumi.yaml's nodeargs (as pulumi up runs the program): --max-semi-space-size=32",
    );
    expect(formatReport({ ...report, nodeFlags: [] }).split("\n")[2]).toMatch(/nodeargs .*: none$/);
    expect(lines[header]?.trim().split(/\s{2,}/)).toEqual([
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
    ]);
    expect(row(0)).toEqual([
      "50",
      "1628",
      "32.6",
      "27.5",
      "8.40",
      "9.24",
      "25",
      "2.00",
      "4.20",
      "500",
      "350",
      "250",
      "2.00",
    ]);
    expect(row(2)).toEqual([
      "800",
      "24876",
      "31.1",
      "440.0",
      "250.00",
      "275.00",
      "25",
      "33.00",
      "7.58",
      "5000",
      "4850",
      "250",
      "20.00",
    ]);
  });

  it("then a linearity line for the program, the floor and the config step", () => {
    expect(lines.find((l) => l.startsWith("Program (wall):"))).toBe(
      "Program (wall): 5.16 ms/resource at 50, 5.26 ms/resource at 200, 10.05 ms/resource at 800; time ~ n^1.24, ms/resource x1.95 from smallest to largest: SUPER-LINEAR",
    );
    expect(lines.find((l) => l.startsWith("Floor (wall):"))).toBe(
      "Floor (wall): 1.23 ms/resource at 50, 1.27 ms/resource at 200, 1.33 ms/resource at 800; time ~ n^1.03, ms/resource x1.08 from smallest to largest: linear",
    );
    expect(lines.find((l) => l.startsWith("Config step"))).toBe(
      "Config step (parseSettings + planRouting, cold): 0.550 ms/account at 50, 0.550 ms/account at 200, 0.550 ms/account at 800; time ~ n^1.00, ms/account x1.00 from smallest to largest: linear",
    );
  });

  it("then the share of garbage collection", () => {
    expect(lines.find((l) => l.startsWith("GC share"))).toBe(
      "GC share of the run: program 25% at 50, 25% at 200, 25% at 800; floor 25% at 50, 25% at 200, 25% at 800",
    );
  });

  it("names the sizes whose heap would not fit Node's default limit", () => {
    expect(lines[lines.length - 1]).toBe(
      "Program peak heap above Node's default heap limit (4144 MiB) at 800 accounts: a plain run (npm run plan, vitest) is held to that limit, so it collects far more often there, or runs out of heap.",
    );
    const small = formatReport(buildReport(env, [size(50, 1628, 8_400, 2_000)]));
    expect(small).not.toContain("default heap limit");
  });

  it("gives no verdict for a single size", () => {
    const one = formatReport(buildReport(env, [size(5, 200, 1000, 300)]));
    expect(one).toContain("Program (wall): 5.00 ms/resource at 5 (one size only: no linearity verdict)");
  });
});

describe("npm run bench: re-puts per processor buffer", () => {
  const m = (bufferMB: number, reput: number): BufferMeasurement => ({
    bufferMB,
    batches: 10,
    records: 1000,
    reput,
    maxResponseBytes: 5_500_000,
  });

  it("computes the re-put share, zero for no records", () => {
    expect(reputShare(m(1, 250))).toBe(0.25);
    expect(reputShare({ ...m(1, 0), records: 0 })).toBe(0);
  });

  it("chooses the largest buffer within Firehose's range that re-puts at most the share", () => {
    const all = [m(0.1, 0), m(0.2, 0), m(0.3, 0), m(0.35, 60), m(0.4, 180), m(1, 650), m(4, 0)];
    expect(chooseBuffer(all, 0.1)?.bufferMB).toBe(0.35);
    expect(chooseBuffer(all, 0)?.bufferMB).toBe(0.3);
    expect(chooseBuffer([m(0.5, 500)], 0.1)).toBeUndefined();
    expect(PROCESSOR_BUFFER_RANGE_MB).toEqual({ min: 0.2, max: 3 });
  });

  it("prints one row per buffer, marking the configured one, and ratios to the floor", () => {
    const lines = formatBufferTable([m(0.3, 0), m(1, 650)], 1);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/65\.0 .*<- configured$/);
    const comparison = { name: "gunzip Lambda", ms: 120, floorMs: 100 };
    expect(floorRatio(comparison)).toBeCloseTo(1.2);
    expect(formatFloorComparisons([comparison])[1]).toMatch(/gunzip Lambda\s+120\.0\s+100\.0\s+1\.20x/);
  });
});

describe("deployLine", () => {
  it("counts one provider process per account, as one stack and as shards of the default budget", () => {
    expect(deployLine(300)).toBe(
      "Real deploy at 300 accounts: as one stack 301 provider processes, about 120400 MiB; as shards within 5632 MiB: a recipient stack (1 process, 400 MiB) and 22 shard(s) of at most 14 processes (5600 MiB each)",
    );
    expect(deployLine(3)).toContain("1 shard(s) of at most 3 processes (1200 MiB each)");
  });
});
