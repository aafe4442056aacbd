/**
 * Which shard stack owns each source account, and how many accounts a shard may hold. Pure.
 *
 * **The rule: sticky, then first fit in account-id order.** An account stays in the shard that
 * already owns it (the shard files written last time are the record); accounts no longer in the
 * organization leave their shard; new accounts, in ascending account-id order, go to the
 * lowest-numbered shard with room, and a new shard is opened when none has room. A fresh set (no
 * shard files yet) is therefore the sorted account ids cut into full shards in order.
 *
 * Why not a pure function of the organization file: an account that changes shard is destroyed by
 * one stack and created again by another (or needs `pulumi state move`), so the assignment must be
 * stable under additions, and a shard must stay within its bound. No function of the current
 * account list alone does both: filling shards in sorted order shifts every later account when a
 * smaller id arrives, and `hash(account) mod N` keeps accounts in place but cannot bound a shard's
 * size (a shard that overflows needs a larger N, which moves most accounts). Remembering the last
 * assignment does both: adding accounts changes only the shards that receive them, and every shard
 * stays within the bound. A bound lowered below a shard's size is refused rather than acted on,
 * since meeting it means moving accounts; `rebalance` reassigns everything from scratch.
 */

import {
  accountsWithin,
  DEFAULT_PROVIDER_BUDGET_MIB,
  PROVIDER_PROCESS_MIB,
} from "../../infra/kernel/deployCost";

// The per-process estimate and the default budget are the program's own (infra/kernel/deployCost.ts).
export { DEFAULT_PROVIDER_BUDGET_MIB, PROVIDER_PROCESS_MIB };

/**
 * AWS provider processes one stack starts per account. One provider per account (issue 12, item 1:
 * each regional resource names its own `region`); plus one `random` provider where search is on,
 * which only the recipient stack has.
 */
export const AWS_PROVIDERS_PER_ACCOUNT = 1;

/** Provider processes of a stack deploying `accounts` accounts, `random` included when `search`. */
export function providerProcesses(accounts: number, search = false): number {
  return accounts * AWS_PROVIDERS_PER_ACCOUNT + (search ? 1 : 0);
}

/** The estimated resident memory of a stack's provider processes, in MiB. */
export function providerMemoryMiB(processes: number): number {
  return processes * PROVIDER_PROCESS_MIB;
}

/**
 * The most accounts a shard may hold so that its provider processes fit `budgetMiB`. Shards deploy
 * source accounts only (no `random`: search lives in the recipient stack). 0 when not even one
 * account fits.
 */
export function accountsPerShardForBudget(budgetMiB: number): number {
  return Math.floor(accountsWithin(budgetMiB) / AWS_PROVIDERS_PER_ACCOUNT);
}

export interface AssignOptions {
  /** At most this many accounts per shard (at least 1). */
  capacity: number;
  /** Shard k -> the accounts its stack file lists today; `[]` for a shard without a file. */
  previous?: readonly (readonly string[])[];
  /** Ignore `previous`: assign every account from scratch (moves accounts between stacks). */
  rebalance?: boolean;
}

export type AssignResult =
  | { ok: true; shards: string[][]; moved: { accountId: string; from: number; to: number }[] }
  /** `overfull`: shards that already hold more than `capacity` accounts (meeting it moves accounts). */
  | { ok: false; errors: string[]; overfull: { shard: number; accounts: number }[] };

/** Shard k -> its accounts, ascending; every account of `accounts` in exactly one shard. */
export function assignShards(accounts: readonly string[], options: AssignOptions): AssignResult {
  const { capacity } = options;
  if (!Number.isInteger(capacity) || capacity < 1)
    return {
      ok: false,
      errors: [`accounts per shard must be a whole number of at least 1, got ${capacity}`],
      overfull: [],
    };
  const wanted = new Set(accounts);
  const previous = options.previous ?? [];
  const owner = new Map<string, number>();
  // An account listed by two shard files (edited by hand) stays with the first.
  previous.forEach((shard, k) => {
    for (const a of shard) if (wanted.has(a) && !owner.has(a)) owner.set(a, k);
  });

  const shards: string[][] = options.rebalance ? [] : previous.map(() => []);
  if (!options.rebalance) for (const [a, k] of owner) shards[k]?.push(a);
  const overfull = shards.flatMap((shard, k) =>
    shard.length > capacity ? [{ shard: k, accounts: shard.length }] : [],
  );
  if (overfull.length > 0)
    return {
      ok: false,
      overfull,
      errors: overfull.map(
        (o) =>
          `shard ${o.shard} holds ${o.accounts} accounts, more than ${capacity} per shard: moving accounts to another shard destroys their resources in one stack and creates them in another; raise the bound, or rebalance and move their state (pulumi state move)`,
      ),
    };

  const placed = new Set(shards.flat());
  const newcomers = [...wanted].filter((a) => !placed.has(a)).sort();
  let k = 0;
  for (const a of newcomers) {
    while (k < shards.length && (shards[k]?.length ?? 0) >= capacity) k++;
    if (k === shards.length) shards.push([]);
    shards[k]?.push(a);
  }
  // A rebalanced set keeps every shard it had: an emptied shard's stack still has to destroy.
  while (shards.length < previous.length) shards.push([]);
  for (const shard of shards) shard.sort();

  const moved: { accountId: string; from: number; to: number }[] = [];
  shards.forEach((shard, to) => {
    for (const a of shard) {
      const from = owner.get(a);
      if (from !== undefined && from !== to) moved.push({ accountId: a, from, to });
    }
  });
  return { ok: true, shards, moved };
}
