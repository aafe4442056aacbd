/**
 * Principals: resource policies and trust policies name one, identity policies must not. Service
 * principals are `<service>.amazonaws.com` (or `<service>.<region>.amazonaws.com` with a real
 * region); AWS principals are `*`, account ids, or IAM/STS ARNs (IAM JSON policy reference,
 * "Principal").
 */
import { isAwsRegion } from "../../../infra/kernel/regions";
import type { PolicyDocumentRef } from "../documents";
import type { IamData } from "../iamData";
import { policyFinding, statementsOf } from "../statements";
import type { Finding } from "../types";

export const RULE = "iam-principal";
export const SOURCE = "IAM JSON policy elements reference: Principal";

const IDENTITY = new Set(["inline", "managed"]);

const AWS_PRINCIPAL =
  /^(\*|\d{12}|arn:aws(-cn|-us-gov)?:iam::\d{12}:(root|(role|user|group|federated-user)\/[\w+=,.@/-]+)|arn:aws(-cn|-us-gov)?:sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+)$/;

/** Why a service principal is malformed, or undefined. */
export function servicePrincipalProblem(principal: string): string | undefined {
  const m = /^([a-z0-9][a-z0-9-]*(?:\.[a-z0-9][a-z0-9-]*)*)\.amazonaws\.com(\.cn)?$/.exec(principal);
  if (!m) return "is not a service principal (<service>.amazonaws.com)";
  const labels = m[1]!.split(".");
  const regionLike = labels.filter((l) => /^[a-z]{2}(-gov)?-[a-z]+-\d+$/.test(l));
  for (const r of regionLike) if (!isAwsRegion(r)) return `names '${r}', which is not an AWS region`;
  return undefined;
}

export function awsPrincipalProblem(principal: string): string | undefined {
  return AWS_PRINCIPAL.test(principal) ? undefined : "is not '*', an account id, or an IAM or STS ARN";
}

export function principalFindings(ref: PolicyDocumentRef, _data: IamData): Finding[] {
  const findings: Finding[] = [];
  const say = (path: string, value: unknown, message: string) =>
    findings.push(policyFinding(ref, RULE, SOURCE, path, value, message));
  for (const s of statementsOf(ref).statements) {
    if (IDENTITY.has(ref.kind)) {
      if (s.principal)
        say(s.principal.path, s.principal.value, "an identity policy has no Principal element");
      continue;
    }
    if (!s.principal) {
      say(s.path, undefined, `a ${ref.kind} policy statement needs a Principal`);
      continue;
    }
    const p = s.principal.value;
    if (p === "*") continue;
    if (typeof p !== "object" || p === null || Array.isArray(p)) {
      say(s.principal.path, p, "is neither '*' nor a map of principal types");
      continue;
    }
    for (const [type, raw] of Object.entries(p)) {
      const values = Array.isArray(raw) ? raw : [raw];
      values.forEach((v, i) => {
        const path = `${s.principal!.path}.${type}${Array.isArray(raw) ? `[${i}]` : ""}`;
        const text = String(v);
        const problem =
          type === "Service"
            ? servicePrincipalProblem(text)
            : type === "AWS"
              ? awsPrincipalProblem(text)
              : type === "Federated" || type === "CanonicalUser"
                ? text === ""
                  ? "is empty"
                  : undefined
                : `'${type}' is not a principal type (AWS, Service, Federated, CanonicalUser)`;
        if (problem) say(path, v, problem);
      });
    }
  }
  return findings;
}
