/**
 * The stacks `npm run shards` generates from org/example.yaml plan exactly the resources of one
 * `all` stack of the same organization file: same type, logical name, account, region, provider
 * and inputs. Each stack is one program run (`runProgram`, one at a time, fresh mocks each),
 * compared on what `npm run plan -- --json` prints; the first shard goes through the plan CLI
 * itself with `--stack-outputs`, as CI runs it. The example lists accounts (no organization mode),
 * so each shard also proves the recipient's destinations admit its accounts.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type PlacedResource, placeResources } from "../offline/report";
import { runProgram } from "../offline/run";
import { readStackFile } from "../offline/stackFile";
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

async function planCli(file: string, ...args: string[]): Promise<Planned> {
  return JSON.parse(await node("scripts/plan.ts", "--file", file, "--json", ...args)) as Planned;
}

/** What `planCli` prints, planned in this process: the same stack file, the same JSON. */
async function plan(
  file: string,
  stackReferences: Record<string, Record<string, unknown>> = {},
): Promise<Planned> {
  const { stack, config } = readStackFile(file);
  const result = await runProgram(stack, config, { stackReferences });
  if (!result.ok) throw new Error(`${file}: ${result.errors.join("\n")}`);
  return JSON.parse(
    JSON.stringify({ resources: placeResources(result.mocks.resources), outputs: result.outputs }),
  ) as Planned;
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
  const cli = node("scripts/shards.ts", "--org", ORG_FILE, "--out", cliDir);
  all = await plan(allFile);
  recipient = await plan(join(dir, recipientStack.file));
  const outputs = join(dir, "recipient-outputs.json");
  writeFileSync(outputs, JSON.stringify(recipient.outputs));
  const [first, ...rest] = shardStacks;
  if (!first) throw new Error("no shard generated");
  const firstShard = planCli(join(dir, first.file), "--stack-outputs", `${set.recipientStack}=${outputs}`);
  const others: Planned[] = [];
  for (const s of rest)
    others.push(await plan(join(dir, s.file), { [set.recipientStack]: recipient.outputs }));
  shards = [await firstShard, ...others];
  cliOutput = await cli;
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
