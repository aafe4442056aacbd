/**
 * `npm run shards -- --org org/<name>.yaml [--accounts-per-shard N | --provider-budget MiB] [--out .]
 * [--rebalance] [--check]`: writes `Pulumi.<name>-recipient.yaml` and `Pulumi.<name>-shard-<k>.yaml`
 * from one organization file (tools/shards). Existing shard files in `--out` record which shard
 * owns each account: an account stays where it is, a new one goes to the first shard with room.
 * `--check` writes nothing and exits 1 when a file would change (for CI). Exit 1 on a bad
 * organization file, 2 on bad arguments.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import { generateShardSet } from "../tools/shards/generate";
import { parseOrgFile } from "../tools/shards/orgFile";

const USAGE =
  "usage: npm run shards -- --org <org/name.yaml> [--accounts-per-shard <n> | --provider-budget <MiB>] [--out <dir>] [--rebalance] [--check]";

const SCHEMA = resolve(__dirname, "../schema/stack-config.schema.json");

function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} ${value}: expected a whole number`);
  return Number(value);
}

class UsageError extends Error {}

function main(): number {
  const { values } = parseArgs({
    options: {
      org: { type: "string" },
      "accounts-per-shard": { type: "string" },
      "provider-budget": { type: "string" },
      out: { type: "string", default: "." },
      rebalance: { type: "boolean", default: false },
      check: { type: "boolean", default: false },
    },
  });
  if (!values.org) throw new UsageError("--org is required");
  const accountsPerShard = wholeNumber("--accounts-per-shard", values["accounts-per-shard"]);
  const providerBudgetMiB = wholeNumber("--provider-budget", values["provider-budget"]);
  if (accountsPerShard !== undefined && providerBudgetMiB !== undefined)
    throw new UsageError("--accounts-per-shard and --provider-budget both given; keep one");

  // Named the same way however it was given: the generated headers quote it.
  const orgPath = relative(process.cwd(), resolve(values.org)).split(sep).join("/");
  const parsed = parseOrgFile(readFileSync(orgPath, "utf8"), orgPath);
  if (!parsed.ok) {
    console.error(parsed.errors.join("\n"));
    return 1;
  }
  const org = parsed.org;
  const out = resolve(values.out);
  const existing = existsSync(out)
    ? readdirSync(out)
        .filter((f) => f.startsWith(`Pulumi.${org.name}-`))
        .map((file) => ({ file, text: readFileSync(join(out, file), "utf8") }))
    : [];
  // The JSON Schema of the stack config, for editors: only when the files land in this repository.
  const schema = relative(out, SCHEMA).replace(/\\/g, "/");
  const schemaRef =
    existsSync(SCHEMA) && !relative(resolve(__dirname, ".."), out).startsWith("..")
      ? schema.startsWith(".")
        ? schema
        : `./${schema}`
      : undefined;
  const set = generateShardSet(org, {
    ...(accountsPerShard !== undefined ? { accountsPerShard } : {}),
    ...(providerBudgetMiB !== undefined ? { providerBudgetMiB } : {}),
    existing,
    rebalance: values.rebalance,
    ...(schemaRef ? { schemaRef } : {}),
  });
  if (!set.ok) {
    console.error(set.errors.join("\n"));
    return 1;
  }

  const before = new Map(existing.map((e) => [e.file, e.text]));
  console.log(`${org.path}: ${org.settings.sources.length} source accounts, ${set.sizing}`);
  let changed = 0;
  for (const s of set.stacks) {
    const state = before.get(s.file) === s.text ? "unchanged" : before.has(s.file) ? "changed" : "new";
    if (state !== "unchanged") changed++;
    if (state !== "unchanged" && !values.check) {
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, s.file), s.text);
    }
    console.log(
      `  ${s.file.padEnd(36)} ${String(s.accounts.length).padStart(4)} ${s.part === "recipient" ? "sources listed" : "accounts      "}  ${s.providerProcesses} provider process${s.providerProcesses === 1 ? "" : "es"}, ~${s.memoryMiB} MiB (estimated)  ${state}`,
    );
  }
  for (const m of set.moved)
    console.log(
      `  moved ${m.accountId}: shard ${m.from} -> ${m.to} (move its state, or its resources are destroyed and created again)`,
    );
  if (values.check) {
    if (changed > 0)
      console.error(`${changed} stack file(s) out of date: run npm run shards -- --org ${org.path}`);
    return changed > 0 ? 1 : 0;
  }
  console.log(
    `Deploy ${set.recipientStack} first, then the ${set.stacks.length - 1} shard(s) in parallel (docs/organization.md).`,
  );
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(`central-logging shards: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  }
}
