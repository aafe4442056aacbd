/**
 * `npm run decode` end to end: input from a file or stdin, data on stdout, failures on stderr,
 * exit codes 0 / 1 / 2. The first case runs the script as a process with no AWS credentials in
 * the environment; the others run the CLI's body in-process (`decodeMain`) on buffers.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeMain } from "../tools/decode/cli";
import controlMessage from "./fixtures/control-message.json";

/** The script as a process. */
function decodeProcess(args: string[], input?: string | Buffer) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/decode.ts", ...args], {
    encoding: "utf8",
    input: input ?? "",
    env: { PATH: process.env.PATH, HOME: tmpdir() },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The CLI in-process, its output as the script would write it (a line each). */
async function decode(args: string[], input?: string | Buffer) {
  let stdout = "";
  let stderr = "";
  const chunks = input === undefined ? [] : [typeof input === "string" ? Buffer.from(input) : input];
  const code = await decodeMain(args, {
    out: (line) => {
      stdout += `${line}\n`;
    },
    err: (line) => {
      stderr += `${line}\n`;
    },
    stdin: (async function* () {
      yield* chunks;
    })(),
  });
  return { code, stdout, stderr };
}

const CONTROL = "CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.";

describe("npm run decode", () => {
  it("prints the blog's get-records output, the control message marked", () => {
    const { code, stdout, stderr } = decodeProcess(["tests/fixtures/kinesis-get-records.json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain(
      "=== Records[0] (sequence 49595189074146188426156213207759355357749573689819529218)\n" +
        "messageType: CONTROL_MESSAGE (control message:",
    );
    expect(stdout).toContain(`  2019-04-27T13:56:42.311Z  (no id)  ${CONTROL}\n`);
  });

  it("reads stdin and prints JSON Lines with --json", async () => {
    const dir = mkdtempSync(join(tmpdir(), "decode-"));
    const file = join(dir, "object.gz");
    const line = JSON.stringify(controlMessage);
    writeFileSync(file, gzipSync(`${line}\n${line}\n`));
    const fromFile = await decode([file, "--json"]);
    const fromStdin = await decode(["-", "--json"], gzipSync(`${line}\n${line}\n`));
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

  it("exits 1 when a record fails, still printing the others, the failure on stderr only", async () => {
    const input = `${JSON.stringify(controlMessage)}\n{"broken":\n`;
    const { code, stdout, stderr } = await decode(["--json"], input);
    expect(code).toBe(1);
    expect(stdout).toBe(`${JSON.stringify(controlMessage)}\n`);
    expect(stderr).toMatch(/^decode: line 2: not JSON: /);
  });

  it("exits 2 on a usage error, with the usage", async () => {
    const { code, stdout, stderr } = await decode(["--follow"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("decode: --follow: only with --stream\nusage: npm run decode --");
  });

  it("exits 2 on a file that cannot be read", async () => {
    const { code, stderr } = await decode(["/nonexistent/object.gz"]);
    expect(code).toBe(2);
    expect(stderr).toContain("ENOENT");
  });
});
