/** The recorded plans (tests/fixtures/plans/*.json): every resource type the program can plan. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RecordedPlanLike, Scope } from "./generate";

export const PLANS_DIR = "tests/fixtures/plans";

export function recordedPlans(dir = PLANS_DIR): { name: string; plan: RecordedPlanLike }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({
      name: f.replace(/\.json$/, ""),
      plan: JSON.parse(readFileSync(join(dir, f), "utf8")) as RecordedPlanLike,
    }));
}

/** The placeholders of a recorded plan's account, from the plan's own outputs. */
export function recordedScope(plan: RecordedPlanLike, account: string): Scope {
  const o = (plan.outputs ?? {}) as Record<string, unknown>;
  const prefix = String(o.namePrefix);
  return {
    account,
    recipient: String(o.recipientAccountId),
    prefix,
    database: typeof o.athenaDatabase === "string" ? o.athenaDatabase : prefix.replaceAll("-", "_"),
  };
}
