/**
 * A config at the schema's limits in account-list mode: every optional feature on, the longest
 * prefix and region names, and as many sending accounts in one region as the config accepts.
 */
import { expect, it } from "vitest";
import { rawConfigFrom } from "../../infra/config";
import { resolveStack } from "../../infra/stack";
import { accountListConfig } from "./limitConfigs";
import { checkStack } from "./planTest";

/** The most senders the config check accepts (it bounds the trust policy by account count). */
function mostSenders(): number {
  const accepted = (n: number) => resolveStack(rawConfigFrom(accountListConfig(n)), "limits").ok;
  if (!accepted(1)) throw new Error("the account-list limit config is refused even with one sender");
  let [lo, hi] = [1, 200];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (accepted(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

it("the account-list limit config has no finding against AWS's data", async () => {
  const senders = mostSenders();
  expect(senders).toBeGreaterThan(10);
  const plan = await checkStack("limits", accountListConfig(senders));
  expect(plan.lines).toEqual([]);
});
