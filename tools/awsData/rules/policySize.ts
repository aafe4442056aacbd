/**
 * Every policy fits its own limit (limits.ts): one document at a time, and the inline policies of
 * one role (RolePolicy resources and the role's inlinePolicies) added up. SQS also counts statements,
 * principals and actions.
 */
import type { PolicyDocumentRef } from "../documents";
import {
  INLINE_LIMIT,
  measure,
  SIZE_LIMITS,
  SNS_TOPIC_POLICY_MAX_STATEMENTS,
  SQS_POLICY_MAX_ACTIONS_PER_STATEMENT,
  SQS_POLICY_MAX_PRINCIPALS,
  SQS_POLICY_MAX_STATEMENTS,
} from "../limits";
import { policyFinding, statementsOf } from "../statements";
import type { Finding } from "../types";

export const RULE = "policy-size";

const UNIT_NAME = {
  "chars-no-whitespace": "characters (whitespace not counted)",
  bytes: "bytes",
  chars: "characters",
};

export function sizeFindings(refs: readonly PolicyDocumentRef[]): Finding[] {
  const findings: Finding[] = [];
  for (const ref of refs) {
    if (ref.kind === "inline" || ref.kind === "lambda-permission") continue;
    const limit = SIZE_LIMITS[ref.kind];
    const size = measure(ref.text, limit.unit);
    if (size > limit.max)
      findings.push(
        policyFinding(
          ref,
          RULE,
          limit.source,
          ref.path,
          `${size} ${UNIT_NAME[limit.unit]}`,
          `the ${ref.kind} policy is ${size} ${UNIT_NAME[limit.unit]}; AWS allows ${limit.max}`,
        ),
      );
    if (ref.kind === "sqs-queue") findings.push(...sqsCounts(ref));
    if (ref.kind === "sns-topic") {
      const n = statementsOf(ref).statements.length;
      if (n > SNS_TOPIC_POLICY_MAX_STATEMENTS)
        findings.push(
          policyFinding(
            ref,
            RULE,
            limit.source,
            ref.path,
            n,
            `has ${n} statements; SNS allows ${SNS_TOPIC_POLICY_MAX_STATEMENTS}`,
          ),
        );
    }
  }
  findings.push(...inlineTotals(refs));
  return findings;
}

function sqsCounts(ref: PolicyDocumentRef): Finding[] {
  const source = SIZE_LIMITS["sqs-queue"].source;
  const { statements } = statementsOf(ref);
  const out: Finding[] = [];
  if (statements.length > SQS_POLICY_MAX_STATEMENTS)
    out.push(
      policyFinding(
        ref,
        RULE,
        source,
        ref.path,
        statements.length,
        `has ${statements.length} statements; SQS allows ${SQS_POLICY_MAX_STATEMENTS}`,
      ),
    );
  let principals = 0;
  for (const s of statements) {
    const p = s.principal?.value;
    if (p && typeof p === "object")
      for (const v of Object.values(p)) principals += Array.isArray(v) ? v.length : 1;
    else if (p !== undefined) principals += 1;
    if (s.actions.length > SQS_POLICY_MAX_ACTIONS_PER_STATEMENT)
      out.push(
        policyFinding(
          ref,
          RULE,
          source,
          `${s.path}.Action`,
          s.actions.length,
          `has ${s.actions.length} actions; SQS allows ${SQS_POLICY_MAX_ACTIONS_PER_STATEMENT} per statement`,
        ),
      );
  }
  if (principals > SQS_POLICY_MAX_PRINCIPALS)
    out.push(
      policyFinding(
        ref,
        RULE,
        source,
        ref.path,
        principals,
        `names ${principals} principals; SQS allows ${SQS_POLICY_MAX_PRINCIPALS}`,
      ),
    );
  return out;
}

/** Inline policies grouped by the role they are embedded in (account + role name). */
function inlineTotals(refs: readonly PolicyDocumentRef[]): Finding[] {
  const byRole = new Map<string, PolicyDocumentRef[]>();
  for (const ref of refs) {
    if (ref.kind !== "inline") continue;
    const role =
      ref.resource.type === "aws:iam/role:Role"
        ? String(ref.resource.inputs.name ?? ref.resource.name)
        : String(ref.resource.inputs.role ?? "");
    const key = `${ref.resource.provider?.accountId ?? ""}/${role}`;
    byRole.set(key, [...(byRole.get(key) ?? []), ref]);
  }
  const findings: Finding[] = [];
  for (const [key, group] of byRole) {
    const total = group.reduce((n, r) => n + measure(r.text, INLINE_LIMIT.unit), 0);
    if (total > INLINE_LIMIT.max)
      findings.push(
        policyFinding(
          group[0]!,
          RULE,
          INLINE_LIMIT.source,
          group[0]!.path,
          `${total} characters`,
          `the inline policies of role ${key.split("/").slice(1).join("/")} (${group.map((r) => r.resource.name).join(", ")}) add up to ${total} characters (whitespace not counted); IAM allows ${INLINE_LIMIT.max}`,
        ),
      );
  }
  return findings;
}
