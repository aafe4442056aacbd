/** Every action in a policy exists in the service authorization reference; a wildcard names at least one. */
import type { PolicyDocumentRef } from "../documents";
import type { IamData } from "../iamData";
import { policyFinding, resolveAction, statementsOf } from "../statements";
import type { Finding } from "../types";

export const RULE = "iam-action-exists";

export function actionFindings(ref: PolicyDocumentRef, data: IamData): Finding[] {
  const findings: Finding[] = [];
  const { statements, problem } = statementsOf(ref);
  if (problem) return [policyFinding(ref, "iam-policy-document", data.source, ref.path, ref.text, problem)];
  for (const s of statements) {
    if (s.actions.length === 0)
      findings.push(
        policyFinding(
          ref,
          RULE,
          data.source,
          s.path,
          undefined,
          "has no Action (or NotAction): AWS rejects it",
        ),
      );
    for (const a of s.actions) {
      if (a.value === "*") continue;
      const { service, actions } = resolveAction(a.value, data);
      const say = (message: string) =>
        findings.push(policyFinding(ref, RULE, data.source, a.path, a.value, message));
      if (service === undefined) say("is not of the form <service>:<action>");
      else if (!data.services[service])
        say(`names service '${service}', which the IAM reference does not know`);
      else if (actions.length === 0)
        say(
          /[*?]/.test(a.value)
            ? `matches no action of '${service}'`
            : `is not an action of '${service}' in the IAM reference`,
        );
    }
  }
  return findings;
}
