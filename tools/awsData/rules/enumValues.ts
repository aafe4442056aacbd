/** Every enumerated property holds a value the AWS API accepts (enumTable.ts). */
import { ENUM_TABLE, type EnumEntry } from "../enumTable";
import { valuesAt } from "../paths";
import { about, type Finding, type PlannedResource } from "../types";

export const RULE = "enum-value";

export function enumFindings(
  resources: readonly PlannedResource[],
  table: readonly EnumEntry[] = ENUM_TABLE,
): Finding[] {
  const findings: Finding[] = [];
  for (const resource of resources)
    for (const entry of table) {
      if (entry.type !== resource.type) continue;
      for (const { path, value } of valuesAt(resource.inputs, entry.path)) {
        if (typeof value === "string" && entry.values.includes(value)) continue;
        const shown =
          entry.values.length > 12 ? `${entry.values.slice(0, 12).join(", ")}, ...` : entry.values.join(", ");
        findings.push({
          rule: RULE,
          source: entry.source,
          ...about(resource),
          path,
          value,
          message: `is not one of ${shown}`,
        });
      }
    }
  return findings;
}
