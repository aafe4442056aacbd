/**
 * `npm run verify` end to end, minus the process: stack files on disk, the real config
 * resolution, the pipeline double for AWS; exit codes, text and JSON output, progress.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { resolveStack } from "../../infra/stack";
import { type LocalServers, PipelineDouble, startLocalServers } from "../../tests/doubles/verifyPipeline";
import { type VerifyCliDeps, verifyMain } from "./cli";

let servers: LocalServers;
let dir: string;
let double: PipelineDouble | undefined;

beforeAll(async () => {
  servers = await startLocalServers();
  dir = mkdtempSync(join(tmpdir(), "verify-cli-"));
});
afterAll(async () => {
  await servers.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  double?.close();
  double = undefined;
});

function stackFile(stack: string, config: Record<string, unknown>): string {
  const entries = Object.fromEntries(Object.entries(config).map(([k, v]) => [`central-logging:${k}`, v]));
  const path = join(dir, `Pulumi.${stack}.yaml`);
  writeFileSync(path, stringify({ config: entries }));
  return path;
}

const firehoseStack = (bucketName: string, extra: Record<string, unknown> = {}) => ({
  recipient: { accountId: "999999999999", region: "ap-northeast-1", transport: "firehose", bucketName },
  sources: [
    {
      accountId: "111111111111",
      regions: ["ap-northeast-1"],
      subscriptions: [{ logGroup: "app" }],
      events: [{ name: "iam", region: "ap-northeast-1" }],
    },
  ],
  ...extra,
});

/** The plan with canaries, whether or not the program plans them yet. */
function resolveWithCanaries(raw: Record<string, unknown>, stack: string) {
  const result = resolveStack(raw, stack);
  return result;
}

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function verify(argv: string[], extra: Partial<VerifyCliDeps> = {}): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const code = await verifyMain(argv, {
    cwd: dir,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    tty: false,
    resolve: resolveWithCanaries,
    options: { pollMs: 50, tickMs: 20, streamIdleMs: 20, runId: "cli" },
    ...extra,
  });
  return { code, stdout, stderr };
}

async function pipelineFor(
  stack: string,
  raw: Record<string, unknown>,
  behaviors = {},
): Promise<PipelineDouble> {
  const result = resolveWithCanaries(raw, stack);
  if (!result.ok) throw new Error(result.errors.join("\n"));
  double = await PipelineDouble.start(result.plan, servers, behaviors);
  return double;
}

describe("verify: usage and config (exit 2)", () => {
  it("asks for a stack", async () => {
    const out = await verify([]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("verify: which stack? --stack NAME | --file PATH/Pulumi.NAME.yaml");
    expect(out.stderr).toContain("usage: npm run verify");
  });

  it("prints the usage on --help (exit 0)", async () => {
    const out = await verify(["--help"]);
    expect(out).toMatchObject({ code: 0, stderr: "" });
    expect(out.stdout).toContain("usage: npm run verify");
  });

  it("names a missing stack file", async () => {
    const out = await verify(["--stack", "nowhere"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/Pulumi\.nowhere\.yaml/);
  });

  it("prints the config's problems", async () => {
    stackFile("broken", { ...firehoseStack("verify-cli-broken"), recipent: {} });
    const out = await verify(["--stack", "broken"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("recipent");
    expect(out.stdout).toBe("");
  });

  it("refuses a stack without canaries, with the key to set", async () => {
    const path = stackFile(
      "nocanary",
      firehoseStack("verify-cli-nocanary", { operations: { canary: false } }),
    );
    // The program's own plan: canaries off means no canary routes or rules.
    const out = await verify(["--file", path], { resolve: resolveStack });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      "no canary routes: set central-logging:operations canary: true and pulumi up",
    );
  });
});

describe("verify: a run", () => {
  it("prints one line per canary and exits 0 when all were delivered", async () => {
    const raw = firehoseStack("verify-cli-ok");
    stackFile("ok", raw);
    const pipeline = await pipelineFor("ok", raw);
    const out = await verify(["--stack", "ok", "--timeout", "20s"], {
      clients: () => pipeline.clients(),
      progressEveryMs: 100,
    });
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^✔ 111111111111\/ap-northeast-1\/\/central-logging\/central-logging-ok\/canary:central-logging-ok-canary {2}delivered in \d+ s \(archive \d+ s\)$/,
    );
    expect(lines[1]).toMatch(
      /^✔ 111111111111\/ap-northeast-1\/canary {2}delivered in \d+ s \(archive \d+ s\)$/,
    );
    expect(out.stderr).toContain(
      "verify: stack ok: following 2 canaries (1 log route, 1 event rule) for up to 20 s",
    );
    // Firehose may buffer 1.5 x 300 s (the default) + a minute: 20 s is said to be short.
    expect(out.stderr).toContain("verify: note: --timeout 20 s is shorter than Firehose may buffer");
    // Not a terminal: whole progress lines, no carriage returns.
    expect(out.stderr).toMatch(/verify: 0 s of 20 s: 0\/2 delivered: waiting for archive 2\n/);
    expect(out.stderr).not.toContain("\r");
    expect(out.stderr).toContain("verify: 2 of 2 canaries delivered");
  });

  it("prints a JSON array with --json and exits 1 when a canary was not delivered", async () => {
    const raw = firehoseStack("verify-cli-json");
    stackFile("json", raw);
    const pipeline = await pipelineFor("json", raw, { "111111111111": { drop: "no-filter" } });
    const out = await verify(["--stack", "json", "--json", "--timeout", "1s"], {
      clients: () => pipeline.clients(),
      tty: true,
    });
    expect(out.code).toBe(1);
    const results = JSON.parse(out.stdout) as Record<string, unknown>[];
    expect(results).toHaveLength(2);
    const logs = results.find((r) => r.kind === "logs")!;
    expect(logs).toMatchObject({
      ok: false,
      failedStage: "archive",
      accountId: "111111111111",
      region: "ap-northeast-1",
    });
    expect(logs.cause).toMatch(/^no subscription filter on \/central-logging\/central-logging-json\/canary/);
    expect(results.find((r) => r.kind === "events")).toMatchObject({ ok: true });
    // A terminal: the status line is rewritten in place, then cleared before the results.
    expect(out.stderr).toContain("\r\x1b[2Kverify: ");
    expect(out.stderr).toContain("verify: 1 of 2 canaries delivered");
  });
});
