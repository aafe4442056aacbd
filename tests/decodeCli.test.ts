/**
 * `npm run decode` end to end: input from a file or stdin, data on stdout, failures on stderr,
 * exit codes 0 / 1 / 2, no AWS credentials in the environment.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import controlMessage from "./fixtures/control-message.json";

function decode(args: string[], input?: string | Buffer) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/decode.ts", ...args], {
    encoding: "utf8",
    input: input ?? "",
    env: { PATH: process.env.PATH, HOME: tmpdir() },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const CONTROL = "CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.";

describe("npm run decode", () => {
  it("prints the blog's get-records output, the control message marked", () => {
    const { code, stdout, stderr } = decode(["tests/fixtures/kinesis-get-records.json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain(
      "=== Records[0] (sequence 49595189074146188426156213207759355357749573689819529218)\n" +
        "messageType: CONTROL_MESSAGE (control message:",
    );
    expect(stdout).toContain(`  2019-04-27T13:56:42.311Z  (no id)  ${CONTROL}\n`);
  });

  it("reads stdin and prints JSON Lines with --json", () => {
    const dir = mkdtempSync(join(tmpdir(), "decode-"));
    const file = join(dir, "object.gz");
    const line = JSON.stringify(controlMessage);
    writeFileSync(file, gzipSync(`${line}\n${line}\n`));
    const fromFile = decode([file, "--json"]);
    const fromStdin = decode(["-", "--json"], gzipSync(`${line}\n${line}\n`));
    for (const run of [fromFile, fromStdin]) {
      expect(run.code).toBe(0);
      expect(
        run.stdout
          .trimEnd()
          .split("\n")
          .map((l) => JSON.parse(l)),
      ).toEqual([controlMessage, controlMessage]);
    }
  });

  it("exits 1 when a record fails, still printing the others, the failure on stderr only", () => {
    const input = `${JSON.stringify(controlMessage)}\n{"broken":\n`;
    const { code, stdout, stderr } = decode(["--json"], input);
    expect(code).toBe(1);
    expect(stdout).toBe(`${JSON.stringify(controlMessage)}\n`);
    expect(stderr).toMatch(/^decode: line 2: not JSON: /);
  });

  it("exits 2 on a usage error, with the usage", () => {
    const { code, stdout, stderr } = decode(["--follow"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("decode: --follow: only with --stream\nusage: npm run decode --");
  });

  it("exits 2 on a file that cannot be read", () => {
    const { code, stderr } = decode(["/nonexistent/object.gz"]);
    expect(code).toBe(2);
    expect(stderr).toContain("ENOENT");
  });
});
