/**
 * Split stacks (`central-logging:part`): a 60-account organization deployed as one recipient
 * stack and 4 source stacks plans exactly the resources of one `all` stack — same type, logical
 * name, account, region and inputs — and the source stacks read the recipient stack's outputs
 * through a StackReference. Each stack is one program run under fresh mocks (tools/offline/run.ts
 * runs them one after another); the recipient's outputs reach the shards as JSON, as through
 * `pulumi stack output --json`. A shard the recipient stack cannot serve is refused by the plan CLI.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type PlacedResource, placeResources } from "../tools/offline/report";
import { runProgram, type StackConfig } from "../tools/offline/run";

const run = promisify(execFile);
const RECIPIENT_STACK = "acme/central-logging/org-recipient";
const REGIONS = ["us-east-1", "us-east-2", "eu-west-1", "ap-northeast-1"];
// Large enough for several shards of a few regions each; the equality holds at any size (bench:scale
// measures the large ones).
const ACCOUNTS = 60;
const SHARDS = 4;

const recipient = { accountId: "999999999999", region: "us-east-1", organizationId: "o-a1b2c3d4e5" };
const sources = Array.from({ length: ACCOUNTS }, (_, i) => ({
  accountId: String(100_000_000_000 + i * 7),
  regions: [REGIONS[i % 4], REGIONS[(i + 1) % 4]],
  subscriptions: [
    { logGroup: "/aws/lambda/app", region: REGIONS[i % 4] },
    { logGroup: "app", region: REGIONS[(i + 1) % 4], filterPattern: "?ERROR ?WARN" },
  ],
  ...(i % 10 === 0 ? { events: [{}] } : {}),
  ...(i % 25 === 0 ? { forwardAll: { regions: [REGIONS[(i + 1) % 4]] } } : {}),
}));

interface Planned {
  resources: PlacedResource[];
  outputs: Record<string, unknown>;
}

const dir = mkdtempSync(join(tmpdir(), "central-logging-split-"));

function stackConfig(extra: Record<string, unknown>, shard: unknown[] = sources): StackConfig {
  return {
    "central-logging:namePrefix": "org",
    // The `all` stack of 60 accounts is planned offline only; no machine must hold its processes.
    "central-logging:providerBudgetMiB": 1_048_576,
    "central-logging:recipient": recipient,
    "central-logging:sources": shard,
    ...extra,
  };
}

function stackFile(name: string, extra: Record<string, unknown>, shard: unknown[] = sources): string {
  const file = join(dir, `Pulumi.${name}.yaml`);
  writeFileSync(file, stringify({ config: stackConfig(extra, shard) }));
  return file;
}

/** What `npm run plan -- --json` prints of a stack: its placed resources and its outputs, as JSON. */
async function planInProcess(
  stack: string,
  config: StackConfig,
  stackReferences: Record<string, Record<string, unknown>> = {},
): Promise<Planned> {
  const result = await runProgram(stack, config, { stackReferences });
  if (!result.ok) throw new Error(`${stack}: the program failed:\n${result.errors.join("\n")}`);
  return JSON.parse(
    JSON.stringify({ resources: placeResources(result.mocks.resources), outputs: result.outputs }),
  ) as Planned;
}

async function plan(file: string, ...args: string[]): Promise<Planned> {
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", "scripts/plan.ts", "--file", file, "--json", ...args],
    { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as Planned;
}

const text = (rs: PlacedResource[]) =>
  rs.map((r) => JSON.stringify([r.accountId, r.region, r.provider, r.type, r.name, r.inputs])).sort();

let all: Planned;
let recipientStack: Planned;
let shards: Planned[];

beforeAll(async () => {
  all = await planInProcess("all", stackConfig({}));
  recipientStack = await planInProcess("recipient", stackConfig({ "central-logging:part": "recipient" }));
  const size = ACCOUNTS / SHARDS;
  shards = [];
  for (let k = 0; k < SHARDS; k++)
    shards.push(
      await planInProcess(
        `shard${k}`,
        stackConfig(
          { "central-logging:part": "sources", "central-logging:recipientStack": RECIPIENT_STACK },
          sources.slice(k * size, (k + 1) * size),
        ),
        { [RECIPIENT_STACK]: recipientStack.outputs },
      ),
    );
}, 180_000);

describe("a 60-account organization in one recipient stack and 4 source stacks", () => {
  it("plans exactly the resources of one all stack", () => {
    const split = [...recipientStack.resources, ...shards.flatMap((s) => s.resources)];
    expect(all.resources.length).toBeGreaterThan(ACCOUNTS * 5);
    expect(split.length).toBe(all.resources.length);
    expect(text(split)).toEqual(text(all.resources));
  });

  it("keeps each account in one stack: the recipient's in the recipient stack, the sources' in their shard", () => {
    expect(new Set(recipientStack.resources.map((r) => r.accountId))).toEqual(new Set([recipient.accountId]));
    shards.forEach((shard, k) => {
      const mine = new Set(
        sources.slice(k * (ACCOUNTS / SHARDS), (k + 1) * (ACCOUNTS / SHARDS)).map((s) => s.accountId),
      );
      expect([...new Set(shard.resources.map((r) => r.accountId))].sort()).toEqual([...mine].sort());
    });
  });

  it("wires each shard's filters to the destinations the recipient stack exports", () => {
    const exported = recipientStack.outputs.destinationArns as Record<string, string>;
    expect(Object.keys(exported).sort()).toEqual([...REGIONS].sort());
    for (const filter of shards
      .flatMap((s) => s.resources)
      .filter((r) => r.type.endsWith("LogSubscriptionFilter"))) {
      expect(filter.inputs.destinationArn).toBe(exported[filter.region]);
    }
    const targets = shards
      .flatMap((s) => s.resources)
      .filter((r) => r.type === "aws:cloudwatch/eventTarget:EventTarget");
    // Every 10th account's IAM rule, and beside it the canary rule (operations.canary).
    expect(targets.length).toBe((ACCOUNTS / 10) * 2);
    expect(targets.filter((t) => t.inputs.rule === "org-canary").length).toBe(ACCOUNTS / 10);
    for (const t of targets) expect(t.inputs.arn).toBe(recipientStack.outputs.eventBusArn);
  });

  it("names its recipient stack and its accounts in each shard's outputs", () => {
    expect(shards[0]?.outputs).toMatchObject({ recipientStack: RECIPIENT_STACK });
    expect(shards[0]?.outputs.accounts).toEqual(sources.slice(0, ACCOUNTS / SHARDS).map((s) => s.accountId));
  });
});

describe("a shard the recipient stack does not serve", () => {
  it("stops before creating anything and names the account, the region and what to do", async () => {
    const outputs = join(dir, "small-recipient-outputs.json");
    // A recipient stack that only knows us-east-1.
    const small = await planInProcess(
      "small",
      stackConfig({ "central-logging:part": "recipient" }, [
        { accountId: "100000000000", regions: ["us-east-1"], subscriptions: [{ logGroup: "app" }] },
      ]),
    );
    writeFileSync(outputs, JSON.stringify(small.outputs));
    const shard = stackFile(
      "lost",
      { "central-logging:part": "sources", "central-logging:recipientStack": RECIPIENT_STACK },
      [{ accountId: "100000000007", regions: ["eu-west-1"], subscriptions: [{ logGroup: "app" }] }],
    );
    const failed = await plan(shard, "--stack-outputs", `${RECIPIENT_STACK}=${outputs}`).then(
      () => undefined,
      (err: { code: number; stderr: string; stdout: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toBe("");
    expect(failed?.stderr).toContain(
      `sources[0] (100000000007) forwards in eu-west-1, where ${RECIPIENT_STACK} has no destination: add the account to that stack's sources and run pulumi up there first`,
    );
    expect(failed?.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
