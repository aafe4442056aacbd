/**
 * The stack files of a split organization, from its organization file (orgFile.ts): one recipient
 * stack (`part: recipient`, every source listed) and N shard stacks (`part: sources`, each its own
 * accounts, reading the recipient stack). Pure: `scripts/shards.ts` reads and writes the files.
 *
 * The recipient stack lists **every source, whole**: it creates nothing in them, but its
 * destinations (one per region anyone forwards from), their access policies and the destination
 * role's trust (account-list mode), the bucket policy's trail statements, the trail key, the event
 * bus policy and Athena's account projection are computed from them (docs/organization.md).
 */
import { Document, parse } from "yaml";
import { rawConfigFrom } from "../../infra/config";
import { resolveStack } from "../../infra/stack";
import {
  accountsPerShardForBudget,
  assignShards,
  DEFAULT_PROVIDER_BUDGET_MIB,
  PROVIDER_PROCESS_MIB,
  providerMemoryMiB,
  providerProcesses,
} from "./assign";
import type { OrgFile } from "./orgFile";

export interface ShardOptions {
  /** At most this many accounts per shard; overrides the organization file's sizing. */
  accountsPerShard?: number;
  /** Shards sized so that their provider processes fit this many MiB (estimated). */
  providerBudgetMiB?: number;
  /**
   * The stack files of this set as they are now (`Pulumi.<name>-*.yaml` in the output directory).
   * The shard files record which shard owns each account (previousAssignment). What the generator
   * does not own is kept: top-level keys Pulumi writes (`encryptionsalt`, `secretsprovider`, ...)
   * and config keys outside `central-logging:` (`pulumi config set --secret ...`).
   */
  existing?: readonly { file: string; text: string }[];
  /** Reassign every account from scratch (moves accounts between shards). */
  rebalance?: boolean;
  /** `$schema` of the stack-config JSON Schema, relative to the output directory. */
  schemaRef?: string;
}

export interface GeneratedStack {
  stack: string;
  file: string;
  text: string;
  part: "recipient" | "sources";
  accounts: string[];
  providerProcesses: number;
  memoryMiB: number;
}

export interface ShardSet {
  capacity: number;
  /** How the capacity was chosen, for the CLI's report. */
  sizing: string;
  recipientStack: string;
  stacks: GeneratedStack[];
  moved: { accountId: string; from: number; to: number }[];
}

export type ShardSetResult = ({ ok: true } & ShardSet) | { ok: false; errors: string[] };

export const recipientStackName = (name: string) => `${name}-recipient`;
export const shardStackName = (name: string, k: number) => `${name}-shard-${k}`;
export const stackFileName = (stack: string) => `Pulumi.${stack}.yaml`;

/** The accounts per shard in force: a flag, else the organization file, else the default budget. */
export function shardCapacity(org: OrgFile, options: ShardOptions): { capacity: number; sizing: string } {
  const fromFlags = options.accountsPerShard !== undefined || options.providerBudgetMiB !== undefined;
  const perShard = fromFlags ? options.accountsPerShard : org.accountsPerShard;
  if (perShard !== undefined) return { capacity: perShard, sizing: `at most ${perShard} accounts per shard` };
  const budget =
    (fromFlags ? options.providerBudgetMiB : org.providerBudgetMiB) ?? DEFAULT_PROVIDER_BUDGET_MIB;
  const capacity = accountsPerShardForBudget(budget);
  return {
    capacity,
    sizing: `at most ${capacity} accounts per shard: ${capacity} provider processes x ${PROVIDER_PROCESS_MIB} MiB (estimated) within a budget of ${budget} MiB`,
  };
}

export function generateShardSet(org: OrgFile, options: ShardOptions = {}): ShardSetResult {
  if (options.accountsPerShard !== undefined && options.providerBudgetMiB !== undefined)
    return { ok: false, errors: ["--accounts-per-shard and --provider-budget both given; keep one"] };
  const { capacity, sizing } = shardCapacity(org, options);
  if (capacity < 1)
    return {
      ok: false,
      errors: [
        `a provider budget under ${PROVIDER_PROCESS_MIB} MiB fits no account (one provider process is estimated at ${PROVIDER_PROCESS_MIB} MiB)`,
      ],
    };
  const accounts = [...org.sourceNodes.keys()];
  const assigned = assignShards(accounts, {
    capacity,
    previous: previousAssignment(org.name, options.existing ?? []),
    ...(options.rebalance ? { rebalance: true } : {}),
  });
  if (!assigned.ok)
    return {
      ok: false,
      errors:
        assigned.overfull.length === 0
          ? assigned.errors
          : assigned.overfull.map(
              (o) =>
                `${stackFileName(shardStackName(org.name, o.shard))} holds ${o.accounts} accounts, more than the ${capacity} per shard now in force. Moving accounts to another shard destroys their resources in one stack and creates them in another: raise the bound, or pass --rebalance and move each moved account's state (pulumi state move)`,
            ),
    };

  const recipientStack = `${org.organization}/${org.project}/${recipientStackName(org.name)}`;
  const header = (what: string) => [
    ...(options.schemaRef ? [` yaml-language-server: $schema=${options.schemaRef}`] : []),
    ` Generated from ${org.path} by \`npm run shards\`: do not edit. Edit the organization file and`,
    " regenerate; the shard files also record which shard owns each account.",
    ...what.split("\n").map((line) => ` ${line.trim()}`),
  ];
  const recipientHeader = header(
    "The recipient stack. It lists every source: its destinations, policies and Athena projection\n are computed from them.",
  );
  const kept = new Map((options.existing ?? []).map((e) => [e.file, keptKeys(e.text)]));
  const render = (
    stack: string,
    part: "recipient" | "sources",
    header: string[],
    partConfig: Record<string, string>,
    accounts: string[],
    search: boolean,
  ) => renderStack(stack, part, header, partConfig, accounts, org, search, kept.get(stackFileName(stack)));
  const stacks: GeneratedStack[] = [
    render(
      recipientStackName(org.name),
      "recipient",
      recipientHeader,
      { "central-logging:part": "recipient" },
      accounts.slice().sort(),
      org.settings.recipient.search !== undefined,
    ),
    ...assigned.shards.map((shard, k) =>
      render(
        shardStackName(org.name, k),
        "sources",
        header(`Shard ${k}: deploy it after ${recipientStackName(org.name)}.`),
        { "central-logging:part": "sources", "central-logging:recipientStack": recipientStack },
        shard,
        false,
      ),
    ),
  ];

  // What will be deployed is what the program accepts: each file, read back, through its config step.
  const errors = stacks.flatMap((s) => {
    const doc = parse(s.text) as { config: Record<string, unknown> };
    const result = resolveStack(rawConfigFrom(doc.config), s.stack);
    return result.ok ? [] : result.errors.map((e) => `${s.file}: ${e}`);
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, capacity, sizing, recipientStack, stacks, moved: assigned.moved };
}

/** Config keys the generator writes; any other key of an existing stack file is kept. */
const OWNED_CONFIG = /^(central-logging:|pulumi:disable-default-providers$)/;

interface Kept {
  top: Record<string, unknown>;
  config: Record<string, unknown>;
}

function keptKeys(text: string): Kept {
  const doc = (parse(text) ?? {}) as Record<string, unknown>;
  const { config, ...top } = doc;
  const entries = config && typeof config === "object" ? Object.entries(config) : [];
  return { top, config: Object.fromEntries(entries.filter(([key]) => !OWNED_CONFIG.test(key))) };
}

function renderStack(
  stack: string,
  part: "recipient" | "sources",
  header: string[],
  partConfig: Record<string, string>,
  accounts: string[],
  org: OrgFile,
  search: boolean,
  kept: Kept | undefined,
): GeneratedStack {
  const doc = new Document({
    ...kept?.top,
    config: {
      "pulumi:disable-default-providers": ["*"],
      "central-logging:namePrefix": org.namePrefix,
      ...partConfig,
      "central-logging:recipient": null,
      "central-logging:sources": [],
      ...kept?.config,
    },
  });
  doc.commentBefore = header.join("\n");
  // The entries as written in the organization file (comments kept), in account-id order.
  doc.setIn(["config", "central-logging:recipient"], org.recipientNode);
  doc.setIn(
    ["config", "central-logging:sources"],
    doc.createNode(accounts.map((a) => org.sourceNodes.get(a))),
  );
  const text = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  // The recipient stack deploys the recipient account only; a shard, its source accounts.
  const processes = part === "recipient" ? providerProcesses(1, search) : providerProcesses(accounts.length);
  return {
    stack,
    file: stackFileName(stack),
    text,
    part,
    accounts,
    providerProcesses: processes,
    memoryMiB: providerMemoryMiB(processes),
  };
}

/**
 * The assignment recorded by existing shard files (`Pulumi.<name>-shard-<k>.yaml`): shard k -> the
 * account ids it lists; `[]` for a missing k below the highest.
 */
export function previousAssignment(
  name: string,
  files: readonly { file: string; text: string }[],
): string[][] {
  const pattern = new RegExp(`^Pulumi\\.${name.replace(/[.]/g, "\\.")}-shard-(\\d+)\\.ya?ml$`);
  const shards: string[][] = [];
  for (const { file, text } of files) {
    const k = pattern.exec(file)?.[1];
    if (k === undefined) continue;
    const doc = parse(text) as { config?: Record<string, unknown> } | null;
    const sources = doc?.config?.["central-logging:sources"];
    shards[Number(k)] = Array.isArray(sources)
      ? sources.map((s) => String((s as { accountId?: unknown })?.accountId))
      : [];
  }
  return Array.from(shards, (s) => s ?? []);
}
