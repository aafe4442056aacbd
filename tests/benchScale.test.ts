/**
 * `npm run bench:scale` end to end at a toy size: each worker runs the real program (or the floor,
 * or the config step) in a process of its own, the registrations match what the generated config
 * asks for, and the report carries every figure. No figure is judged here: timings are not tests.
 * One size (three workers): ordering sizes and the linearity verdict are buildReport's, tested in
 * tools/bench/benchReport.test.ts.
 */
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { beforeAll, describe, expect, it } from "vitest";
import { type BenchReport, ConfigMeasurementSchema, RunMeasurementSchema } from "../tools/bench/benchReport";
import { expectedRegistrations, orgCounts, total } from "../tools/bench/orgConfig";
import { readProjectNodeArgs } from "../tools/offline/projectFile";

function bench(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/benchScale.ts", ...args], {
    encoding: "utf8",
    // No credentials of any kind: the benchmark, like the plan, must not need them.
    env: { PATH: process.env.PATH, HOME: tmpdir() },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run bench:scale -- --sizes 2 --regions 2 --json", { timeout: 180_000 }, () => {
  // In a hook, not while collecting: Vitest counts its time as the file's and starts the file early.
  let code: number | null;
  let stdout: string;
  let stderr: string;
  let report: BenchReport;
  beforeAll(() => {
    ({ code, stdout, stderr } = bench("--sizes", "2", "--regions", "2", "--json"));
    report = JSON.parse(stdout) as BenchReport;
  }, 180_000);

  it("exits 0 and reports progress on stderr, one line per measurement", () => {
    expect(code).toBe(0);
    expect(stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^bench:scale: 2 accounts: config step \.\.\. \d+\.\d s$/),
      expect.stringMatching(/^bench:scale: 2 accounts: program \.\.\. \d+\.\d s$/),
      expect.stringMatching(/^bench:scale: 2 accounts: floor \(\d+ bare resources\) \.\.\. \d+\.\d s$/),
    ]);
  });

  it("registers exactly what the generated config asks for, and the floor as many", () => {
    expect(report.regions).toBe(2);
    const n = total(expectedRegistrations(orgCounts({ accounts: 2, regions: 2 })));
    expect(report.sizes.map((s) => [s.accounts, s.registered, s.floor.registered])).toEqual([[2, n, n]]);
  });

  it("runs every worker with the project's node flags", () => {
    expect(report.nodeFlags).toEqual(readProjectNodeArgs());
  });

  it("carries each worker's measurement and the ratios", () => {
    for (const s of report.sizes) {
      expect(RunMeasurementSchema.parse(s.program).kind).toBe("program");
      expect(RunMeasurementSchema.parse(s.floor).kind).toBe("floor");
      expect(ConfigMeasurementSchema.parse(s.config).accounts).toBe(s.accounts);
      expect(s.timeRatio).toBe(s.program.runMs / s.floor.runMs);
      expect(s.memoryRatio).toBe(s.program.maxRssMiB / s.floor.maxRssMiB);
    }
    // One size: no verdict (JSON drops the undefined ones).
    expect(report.linearity).toEqual({});
  });
});

describe("npm run bench:scale with bad options", () => {
  it("names the bad size and runs nothing", () => {
    const { code, stdout, stderr } = bench("--sizes", "50,abc");
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trim()).toBe(
      'bench:scale: --sizes: "abc" is not a number of accounts (a whole number of at least 1)',
    );
  });

  it("refuses more regions than it has", () => {
    const { code, stderr } = bench("--sizes", "5", "--regions", "9");
    expect(code).toBe(1);
    expect(stderr.trim()).toBe("bench:scale: --regions must be a whole number from 1 to 8");
  });
});
