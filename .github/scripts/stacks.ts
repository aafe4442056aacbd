/**
 * Lists the stack files of the repository root (`Pulumi.<stack>.yaml`) for the workflows' matrices:
 * `npx tsx .github/scripts/stacks.ts` prints them and, under GitHub Actions, writes three outputs
 * (compact JSON arrays of { stack, file, part, environment, recipientStack?, recipientFile? }):
 *
 * - `all`: every stack file (pull requests plan and preview each one);
 * - `first`: the stacks that are not `part: sources` (`all` and `recipient` stacks), deployed first;
 * - `shards`: the `part: sources` stacks, deployed after `first`, in parallel.
 *
 * A shard names its recipient stack (`central-logging:recipientStack`, `org/project/stack`); the
 * recipient's stack file must be here (`Pulumi.<stack>.yaml`, not itself a shard), or this fails.
 * A shard deploys in its recipient stack's GitHub environment, every other stack in its own.
 */
import { appendFileSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export interface StackEntry {
  /** The stack name: `Pulumi.<stack>.yaml`. */
  stack: string;
  /** The stack file, relative to the repository root. */
  file: string;
  /** `central-logging:part`: `all` (the default), `recipient` or `sources`. */
  part: string;
  /** The GitHub environment that `pulumi up` of this stack runs in. */
  environment: string;
  /** Shards: the recipient stack they read (`org/project/stack`), as configured. */
  recipientStack?: string;
  /** Shards: the recipient stack's file. */
  recipientFile?: string;
}

export interface StackSets {
  all: StackEntry[];
  first: StackEntry[];
  shards: StackEntry[];
}

const STACK_FILE = /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/;

/** The stack files of `dir`, sorted; throws one message listing every problem. */
export function listStacks(dir: string): StackSets {
  const files = readdirSync(dir)
    .filter((f) => STACK_FILE.test(f))
    .sort();
  const entries = files.map((file): StackEntry => {
    const stack = STACK_FILE.exec(file)?.[1] ?? "";
    const doc = parse(readFileSync(join(dir, file), "utf8")) as { config?: Record<string, unknown> } | null;
    const config = doc?.config ?? {};
    const part = String(config["central-logging:part"] ?? "all");
    const recipientStack = config["central-logging:recipientStack"];
    return {
      stack,
      file,
      part,
      environment: stack,
      ...(typeof recipientStack === "string" ? { recipientStack } : {}),
    };
  });
  const byStack = new Map(entries.map((e) => [e.stack, e]));
  const problems: string[] = [];
  for (const e of entries) {
    if (!["all", "recipient", "sources"].includes(e.part)) {
      problems.push(`${e.file}: central-logging:part is '${e.part}', expected all, recipient or sources`);
      continue;
    }
    if (e.part !== "sources") continue;
    if (e.recipientStack === undefined) {
      problems.push(`${e.file}: part: sources needs central-logging:recipientStack`);
      continue;
    }
    const name = e.recipientStack.split("/").pop() ?? "";
    const recipient = byStack.get(name);
    if (recipient === undefined || recipient.part === "sources") {
      problems.push(
        `${e.file}: its recipient stack '${e.recipientStack}' has no stack file here (Pulumi.${name}.yaml with part: recipient or all)`,
      );
      continue;
    }
    e.recipientFile = recipient.file;
    e.environment = recipient.environment;
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return {
    all: entries,
    first: entries.filter((e) => e.part !== "sources"),
    shards: entries.filter((e) => e.part === "sources"),
  };
}

function main(): void {
  let sets: StackSets;
  try {
    sets = listStacks(process.argv[2] ?? ".");
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  for (const e of sets.all) {
    const extra = e.recipientStack ? `, after ${e.recipientStack} (${e.recipientFile})` : "";
    console.log(`${e.file}: stack ${e.stack}, part ${e.part}, environment ${e.environment}${extra}`);
  }
  const out = process.env.GITHUB_OUTPUT;
  if (out) {
    for (const key of ["all", "first", "shards"] as const) {
      appendFileSync(out, `${key}=${JSON.stringify(sets[key])}\n`);
    }
  }
}

// Run as a script (`tsx .github/scripts/stacks.ts`), not when a test imports it.
if (/stacks\.ts$/.test(process.argv[1] ?? "")) main();
