/**
 * A stack whose provider processes would not fit the machine that deploys it is refused before
 * anything is registered, with the numbers and the way out (shards).
 */
import type { Settings } from "../config";
import { accountsWithin, deployCost, PROVIDER_PROCESS_MIB } from "../kernel/deployCost";
import type { RoutingPlan } from "../plan";

/** The accounts a stack of this part deploys into: the recipient's, the sources', or both. */
export function stackAccounts(settings: Settings, plan: RoutingPlan): string[] {
  const recipient = settings.part === "sources" ? [] : [plan.recipient.accountId];
  const sources = settings.part === "recipient" ? [] : plan.sources.map((s) => s.accountId);
  return [...new Set([...recipient, ...sources])];
}

export function stackDeployCost(settings: Settings, plan: RoutingPlan) {
  return deployCost(
    stackAccounts(settings, plan).length,
    settings.part !== "sources" && !!plan.recipient.search,
  );
}

export function checkDeployCost(settings: Settings, plan: RoutingPlan): string[] {
  const cost = stackDeployCost(settings, plan);
  const budget = settings.providerBudgetMiB;
  if (cost.estimatedMiB <= budget) return [];
  const perShard = accountsWithin(budget);
  return [
    `providerBudgetMiB: this stack would start ${cost.awsProviders + cost.otherProviders} provider processes (${cost.awsProviders} AWS, one per account${cost.otherProviders ? ", and random" : ""}), about ${cost.estimatedMiB} MiB at ${PROVIDER_PROCESS_MIB} MiB each, over the budget of ${budget} MiB: split the organization into a recipient stack and shards of at most ${perShard} accounts (npm run shards -- --org <file> --provider-budget ${budget}), or raise providerBudgetMiB on a larger machine`,
  ];
}
