/**
 * The shard assignment (assign.ts): every account in exactly one shard, no shard over its bound,
 * and stability: adding accounts changes only the shards that receive them, and one added account
 * changes exactly one shard. Properties over random organizations and histories of additions and
 * removals.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  accountsPerShardForBudget,
  assignShards,
  DEFAULT_PROVIDER_BUDGET_MIB,
  PROVIDER_PROCESS_MIB,
  providerMemoryMiB,
  providerProcesses,
} from "./assign";

const accountId = fc.integer({ min: 100_000_000_000, max: 999_999_999_999 }).map(String);
const accounts = fc.uniqueArray(accountId, { maxLength: 60 });
const capacity = fc.integer({ min: 1, max: 12 });

function assign(ids: readonly string[], cap: number, previous?: readonly (readonly string[])[]): string[][] {
  const result = assignShards(ids, { capacity: cap, ...(previous ? { previous } : {}) });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.shards;
}

/** Shard indexes whose account lists differ (a shard that did not exist before counts). */
function changed(before: string[][], after: string[][]): number[] {
  return after.flatMap((shard, k) => (JSON.stringify(shard) === JSON.stringify(before[k]) ? [] : [k]));
}

describe("assignShards", () => {
  it("puts every account in exactly one shard, and no shard over the bound", () => {
    fc.assert(
      fc.property(accounts, capacity, (ids, cap) => {
        const shards = assign(ids, cap);
        expect(shards.flat().sort()).toEqual([...ids].sort());
        for (const shard of shards) expect(shard.length).toBeLessThanOrEqual(cap);
        // Fresh: the sorted ids cut into full shards, so no more shards than needed.
        expect(shards.length).toBe(Math.ceil(ids.length / cap));
        expect(shards.flat()).toEqual([...ids].sort());
      }),
    );
  });

  it("does not depend on the order the organization file lists the accounts in", () => {
    fc.assert(
      fc.property(accounts, capacity, (ids, cap) => {
        expect(assign([...ids].reverse(), cap)).toEqual(assign(ids, cap));
      }),
    );
  });

  it("changes only the shard that receives an added account, whatever its id", () => {
    fc.assert(
      fc.property(accounts, accountId, capacity, (ids, added, cap) => {
        fc.pre(!ids.includes(added));
        const before = assign(ids, cap);
        const after = assign([added, ...ids], cap, before);
        const touched = changed(before, after);
        expect(touched).toHaveLength(1);
        const k = touched[0] ?? -1;
        expect(after[k]).toEqual([...(before[k] ?? []), added].sort());
        for (const shard of after) expect(shard.length).toBeLessThanOrEqual(cap);
      }),
    );
  });

  it("keeps every remaining account in its shard through any history of additions and removals", () => {
    const step = fc.record({ add: fc.uniqueArray(accountId, { maxLength: 8 }), remove: fc.nat({ max: 5 }) });
    fc.assert(
      fc.property(accounts, fc.array(step, { maxLength: 6 }), capacity, (initial, steps, cap) => {
        let ids = [...initial];
        let shards = assign(ids, cap);
        for (const { add, remove } of steps) {
          const removed = new Set(ids.filter((_, i) => i % 7 === remove));
          ids = [...ids.filter((a) => !removed.has(a)), ...add.filter((a) => !ids.includes(a))];
          const next = assign(ids, cap, shards);
          // Every account in exactly one shard, within the bound.
          expect(next.flat().sort()).toEqual([...new Set(ids)].sort());
          for (const shard of next) expect(shard.length).toBeLessThanOrEqual(cap);
          // Nobody moves; shards are never dropped (an emptied shard's stack still has to destroy).
          shards.forEach((shard, k) => {
            for (const a of shard) if (!removed.has(a)) expect(next[k]).toContain(a);
          });
          expect(next.length).toBeGreaterThanOrEqual(shards.length);
          shards = next;
        }
      }),
    );
  });

  it("fills the first shard with room before opening a new one", () => {
    const before = assign(["100000000001", "100000000002", "100000000003"], 2);
    expect(before).toEqual([["100000000001", "100000000002"], ["100000000003"]]);
    // 100000000002 leaves shard 0; the two new accounts fill shard 0, then shard 1.
    const after = assign(["100000000001", "100000000003", "100000000000", "100000000009"], 2, before);
    expect(after).toEqual([
      ["100000000000", "100000000001"],
      ["100000000003", "100000000009"],
    ]);
  });

  it("refuses a bound below a shard's size instead of moving accounts, unless asked to rebalance", () => {
    const before = assign(["100000000001", "100000000002", "100000000003"], 3);
    const refused = assignShards(["100000000001", "100000000002", "100000000003"], {
      capacity: 2,
      previous: before,
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.overfull).toEqual([{ shard: 0, accounts: 3 }]);
    const rebalanced = assignShards(["100000000001", "100000000002", "100000000003"], {
      capacity: 2,
      previous: [[], ...before],
      rebalance: true,
    });
    expect(rebalanced).toEqual({
      ok: true,
      shards: [["100000000001", "100000000002"], ["100000000003"]],
      moved: [
        { accountId: "100000000001", from: 1, to: 0 },
        { accountId: "100000000002", from: 1, to: 0 },
      ],
    });
  });

  it("refuses a bound under one account", () => {
    expect(assignShards(["100000000001"], { capacity: 0 }).ok).toBe(false);
  });
});

describe("the provider budget", () => {
  it("bounds a shard so that its provider processes fit, at the estimate per process", () => {
    fc.assert(
      fc.property(fc.integer({ min: PROVIDER_PROCESS_MIB, max: 64 * 1024 }), (budget) => {
        const n = accountsPerShardForBudget(budget);
        expect(providerMemoryMiB(providerProcesses(n))).toBeLessThanOrEqual(budget);
        expect(providerMemoryMiB(providerProcesses(n + 1))).toBeGreaterThan(budget);
      }),
    );
    expect(PROVIDER_PROCESS_MIB).toBe(400);
    expect(accountsPerShardForBudget(DEFAULT_PROVIDER_BUDGET_MIB)).toBe(14);
    expect(providerProcesses(1, true)).toBe(2);
  });
});
