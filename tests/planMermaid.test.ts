/**
 * `npm run plan -- --stack dev --format mermaid` prints the diagram README.md embeds; `--json`
 * stays an alias of `--format json`, and contradicting or unknown formats are usage errors.
 * The CLI's body runs in-process (`planMain`, what scripts/plan.ts calls with the process's
 * streams); tests/planCli.test.ts runs the script itself, as a process with no credentials.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { planMain } from "../tools/offline/planCli";
import { stackDiagram } from "../tools/offline/readmeDiagram";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** As console.log and console.error would write it. */
async function plan(...args: string[]): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await planMain(args, {
    log: (text) => {
      stdout += `${text}\n`;
    },
    error: (text) => {
      stderr += `${text}\n`;
    },
  });
  return { code, stdout, stderr };
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
  // One after another: the program's mock runtime is process-global.
  mermaid = await plan("--stack", "dev", "--format", "mermaid");
  formatJson = await plan("--stack", "dev", "--format", "json");
  json = await plan("--stack", "dev", "--json");
  usage = [];
  for (const [args] of USAGE_ERRORS) usage.push(await plan("--stack", "dev", ...args));
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
