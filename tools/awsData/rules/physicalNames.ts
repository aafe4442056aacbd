/**
 * Physical names: every name a registered resource carries (or that Pulumi would generate for it)
 * fits its service's length and characters, from the one table in infra/kernel/nameLimits.ts (each limit
 * cited there). The config refuses such names first; this catches a component that derives one
 * the table's planner does not know.
 */
import { resourceNameFindings } from "../../../infra/kernel/nameLimits";
import { about, type Finding, type PlannedResource } from "../types";

export function physicalNameFindings(resources: readonly PlannedResource[]): Finding[] {
  const byKey = new Map(resources.map((r) => [`${r.type}::${r.name}`, r]));
  return resourceNameFindings(resources).flatMap((f) => {
    const resource = byKey.get(`${f.type}::${f.resource}`);
    if (!resource) return [];
    return [
      {
        rule: "physical-name",
        source: "infra/kernel/nameLimits.ts (the services' API references)",
        ...about(resource),
        path: f.property,
        value: f.value,
        message: f.rule,
      },
    ];
  });
}
