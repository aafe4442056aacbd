/**
 * The stacks `npm run shards` generates from org/example.yaml plan exactly the resources of one
 * `all` stack of the same organization file: same type, logical name, account, region, provider
 * and inputs. Each stack is planned by the plan CLI in a process of its own (mock state is
 * process-global): the `all` stack, the recipient stack and the CLI itself in parallel, then the
 * shards in parallel with the recipient stack's outputs. The example lists accounts (no
 * organization mode), so each shard also proves the recipient's destinations admit its accounts.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { PlacedResource } from "../offline/report";
import { type GeneratedStack, generateShardSet } from "./generate";
import { type OrgFile, parseOrgFile } from "./orgFile";

const run = promisify(execFile);
const ORG_FILE = "org/example.yaml";

interface Planned {
  resources: PlacedResource[];
  outputs: Record<string, unknown>;
}

const dir = mkdtempSync(join(tmpdir(), "central-logging-shards-"));
const cliDir = mkdtempSync(join(tmpdir(), "central-logging-shards-cli-"));

async function node(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", ...args], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

async function plan(file: string, ...args: string[]): Promise<Planned> {
  return JSON.parse(await node("scripts/plan.ts", "--file", file, "--json", ...args)) as Planned;
}

const text = (rs: PlacedResource[]) =>
  rs.map((r) => JSON.stringify([r.accountId, r.region, r.provider, r.type, r.name, r.inputs])).sort();

let org: OrgFile;
let generated: GeneratedStack[];
let all: Planned;
let recipient: Planned;
let shards: Planned[];
let cliOutput: string;

beforeAll(async () => {
  const parsed = parseOrgFile(readFileSync(ORG_FILE, "utf8"), ORG_FILE);
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  org = parsed.org;
  const set = generateShardSet(org);
  if (!set.ok) throw new Error(set.errors.join("\n"));
  generated = set.stacks;
  for (const s of generated) writeFileSync(join(dir, s.file), s.text);
  const allFile = join(dir, `Pulumi.${org.name}-all.yaml`);
  writeFileSync(
    allFile,
    stringify({ config: { "pulumi:disable-default-providers": ["*"], ...org.allConfig } }),
  );
  const [recipientStack, ...shardStacks] = generated;
  if (!recipientStack) throw new Error("no recipient stack generated");
  [all, recipient, cliOutput] = await Promise.all([
    plan(allFile),
    plan(join(dir, recipientStack.file)),
    node("scripts/shards.ts", "--org", ORG_FILE, "--out", cliDir),
  ]);
  const outputs = join(dir, "recipient-outputs.json");
  writeFileSync(outputs, JSON.stringify(recipient.outputs));
  shards = await Promise.all(
    shardStacks.map((s) => plan(join(dir, s.file), "--stack-outputs", `${set.recipientStack}=${outputs}`)),
  );
}, 120_000);

describe(`the stacks generated from ${ORG_FILE}`, () => {
  it("are one recipient stack and shards of at most accountsPerShard accounts", () => {
    expect(generated.map((s) => s.file)).toEqual([
      "Pulumi.example-recipient.yaml",
      "Pulumi.example-shard-0.yaml",
      "Pulumi.example-shard-1.yaml",
    ]);
    expect(generated.slice(1).map((s) => s.accounts)).toEqual([
      ["222222222222", "333333333333"],
      ["444444444444", "555555555555"],
    ]);
  });

  it("plan exactly the resources of one all stack of the same organization file", () => {
    const split = [...recipient.resources, ...shards.flatMap((s) => s.resources)];
    expect(all.resources.length).toBeGreaterThan(50);
    expect(split.length).toBe(all.resources.length);
    expect(text(split)).toEqual(text(all.resources));
  });

  it("keep each account in one stack: the recipient's in the recipient stack, the sources' in their shard", () => {
    expect(new Set(recipient.resources.map((r) => r.accountId))).toEqual(
      new Set([org.settings.recipient.accountId]),
    );
    shards.forEach((shard, k) => {
      expect([...new Set(shard.resources.map((r) => r.accountId))].sort()).toEqual(
        generated[k + 1]?.accounts,
      );
      expect(shard.outputs.accounts).toEqual(generated[k + 1]?.accounts);
    });
  });

  it("are what the CLI writes, byte for byte", () => {
    expect(readdirSync(cliDir).sort()).toEqual(generated.map((s) => s.file).sort());
    for (const s of generated) expect(readFileSync(join(cliDir, s.file), "utf8")).toBe(s.text);
    expect(cliOutput).toContain("Pulumi.example-shard-1.yaml");
    expect(cliOutput).toContain("2 provider processes, ~800 MiB (estimated)  new");
  });
});
