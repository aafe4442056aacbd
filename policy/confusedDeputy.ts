/**
 * Confused-deputy protection: a role that an AWS service may assume says for whom the service
 * acts. Every Allow statement of a trust policy that names a `Service` principal must constrain
 * `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID` or `sts:ExternalId`.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
  type ConditionEntry,
  conditionEntries,
  parsePolicyDocument,
  type Statement,
  servicePrincipals,
  statementLabel,
} from "./document";

export const ROLE_TYPE = "aws:iam/role:Role";

const DEPUTY_KEYS = new Set(["aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "sts:externalid"]);

/**
 * Operators that only match the named values. `...IfExists` and the negated operators let a
 * request without the key through, and `ForAllValues:` matches an absent key, so none of them guards.
 */
const GUARDING_OPERATORS = new Set([
  "stringequals",
  "stringequalsignorecase",
  "stringlike",
  "arnequals",
  "arnlike",
]);

function guards(entry: ConditionEntry): boolean {
  return (
    GUARDING_OPERATORS.has(entry.operator.toLowerCase()) &&
    DEPUTY_KEYS.has(entry.key.toLowerCase()) &&
    entry.values.length > 0 &&
    !entry.values.includes("*")
  );
}

export function isGuarded(statement: Statement): boolean {
  return conditionEntries(statement).some(guards);
}

export function trustPolicyViolations(assumeRolePolicy: unknown): string[] {
  const parsed = parsePolicyDocument(assumeRolePolicy);
  if (!parsed.ok) return [`assumeRolePolicy is not a policy document (${parsed.error})`];
  return parsed.document.Statement.flatMap((statement, i) => {
    const services = servicePrincipals(statement);
    if (statement.Effect !== "Allow" || services.length === 0 || isGuarded(statement)) return [];
    return [
      `trust ${statementLabel(statement, i)} lets ${services.join(", ")} assume the role without a ` +
        "confused-deputy condition (aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or sts:ExternalId)",
    ];
  });
}

export const serviceTrustConfusedDeputy: ResourceValidationPolicy = {
  name: "service-trust-confused-deputy",
  description:
    "Role trust policies that admit an AWS service condition it on aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or sts:ExternalId.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== ROLE_TYPE) return;
    for (const message of trustPolicyViolations(args.props.assumeRolePolicy)) reportViolation(message);
  },
};
