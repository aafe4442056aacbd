/**
 * The checks that need the plan: the sizes of policies that grow with the accounts, and every
 * physical name against its service's limit. Run once, on the plan the program realizes; each
 * problem is a config error naming the key (and the value) to change.
 */
import type { RawConfig, Settings } from "../config";
import type { RoutingPlan } from "../plan";
import { checkDeployCost } from "./deployCost";
import { checkNames } from "./names";
import { checkPolicySizes } from "./policySizes";

export function checkPlan(settings: Settings, plan: RoutingPlan, raw: RawConfig): string[] {
  return [
    ...checkNames(settings, plan, raw),
    ...checkPolicySizes(settings, plan),
    ...checkDeployCost(settings, plan),
  ];
}
