/**
 * What the AWS-data checker reads and reports. A planned resource is what the mocks recorded for
 * one registration (tools/offline/mocks.ts); a finding names the resource, where it goes, the
 * property, the value, and the rule with the AWS source that decides it.
 */
import type { ResourceRecord } from "../offline/mocks";

/** The part of a recorded registration the checks read. */
export type PlannedResource = Pick<ResourceRecord, "type" | "name" | "inputs"> & {
  custom?: boolean;
  provider?: { accountId: string; region: string };
  /** Where it is deployed (its own `region`, else its provider's). */
  region?: string;
};

export interface Finding {
  /** Short id of the rule, e.g. `iam-action-exists`. */
  rule: string;
  /** Where the deciding data comes from (package and version, or an API reference page). */
  source: string;
  resource: { type: string; name: string };
  account?: string;
  region?: string;
  /** Property path inside the resource's inputs, e.g. `policy.Statement[0].Action`. */
  path: string;
  value: unknown;
  message: string;
}

/** A rule over the whole plan; extra ones plug in with `checkPlan(resources, { extraRules })`. */
export type PlanRule = (resources: readonly PlannedResource[]) => Finding[];

/** The common part of every finding about one resource. */
export function about(
  resource: PlannedResource,
): Pick<Finding, "resource"> & Partial<Pick<Finding, "account" | "region">> {
  return {
    resource: { type: resource.type, name: resource.name },
    ...(resource.provider?.accountId ? { account: resource.provider.accountId } : {}),
    ...(resource.region ? { region: resource.region } : {}),
  };
}

/** One line per finding, for the plan CLI and test failures. */
export function formatFinding(f: Finding): string {
  const where = [f.account, f.region].filter(Boolean).join("/") || "default provider";
  const value = typeof f.value === "string" ? f.value : JSON.stringify(f.value);
  const shown = value !== undefined && value.length > 120 ? `${value.slice(0, 117)}...` : value;
  return `${f.resource.type} ${f.resource.name} (${where}) ${f.path} = ${shown}: ${f.message} [${f.rule}; ${f.source}]`;
}
