/**
 * `npm run plan -- --stack dev --format mermaid` prints the diagram README.md embeds; `--json`
 * stays an alias of `--format json`, and contradicting or unknown formats are usage errors.
 * The CLI runs are independent: they start together.
 */
import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { beforeAll, describe, expect, it } from "vitest";
import { stackDiagram } from "../tools/offline/readmeDiagram";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function plan(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/plan.ts", ...args],
      { encoding: "utf8", env: { PATH: process.env.PATH, HOME: tmpdir() } },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const USAGE_ERRORS: [string[], string][] = [
  [["--format", "svg"], "unknown --format svg"],
  [["--json", "--format", "mermaid"], "--json contradicts --format mermaid"],
];

let mermaid: Run;
let formatJson: Run;
let json: Run;
let usage: Run[];

beforeAll(async () => {
  [mermaid, formatJson, json, ...usage] = await Promise.all([
    plan("--stack", "dev", "--format", "mermaid"),
    plan("--stack", "dev", "--format", "json"),
    plan("--stack", "dev", "--json"),
    ...USAGE_ERRORS.map(([args]) => plan("--stack", "dev", ...args)),
  ]);
}, 120_000);

describe("npm run plan -- --format", () => {
  it("mermaid prints the routing plan's diagram and nothing else", () => {
    expect(mermaid.stderr).toBe("");
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toBe(`${stackDiagram("Pulumi.dev.yaml")}\n`);
  });

  it("json is what --json prints", () => {
    expect(formatJson.code).toBe(0);
    expect(JSON.parse(formatJson.stdout).stack).toBe("dev");
    expect(formatJson.stdout).toBe(json.stdout);
  });

  it.each(USAGE_ERRORS.map(([args, message], i) => [args, message, i] as const))(
    "%j is a usage error",
    (_args, message, i) => {
      const run = usage[i];
      expect(run?.code).toBe(2);
      expect(run?.stdout).toBe("");
      expect(run?.stderr).toContain(message);
    },
  );
});
