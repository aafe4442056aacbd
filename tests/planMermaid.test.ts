/**
 * `npm run plan -- --stack dev --format mermaid` prints the diagram README.md embeds; `--json`
 * stays an alias of `--format json`, and contradicting or unknown formats are usage errors.
 */
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { stackDiagram } from "../infra/offline/readmeDiagram";

function plan(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/plan.ts", ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: tmpdir() },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run plan -- --format", () => {
  it("mermaid prints the routing plan's diagram and nothing else", () => {
    const { code, stdout, stderr } = plan("--stack", "dev", "--format", "mermaid");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toBe(`${stackDiagram("Pulumi.dev.yaml")}\n`);
  });

  it("json is what --json prints", () => {
    const a = plan("--stack", "dev", "--format", "json");
    const b = plan("--stack", "dev", "--json");
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).stack).toBe("dev");
    expect(a.stdout).toBe(b.stdout);
  });

  it.each([
    [["--format", "svg"], "unknown --format svg"],
    [["--json", "--format", "mermaid"], "--json contradicts --format mermaid"],
  ])("%j is a usage error", (args, message) => {
    const { code, stdout, stderr } = plan("--stack", "dev", ...args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(message);
  });
});
