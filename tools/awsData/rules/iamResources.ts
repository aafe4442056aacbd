/**
 * Every resource in a statement fits a resource type one of its actions accepts (`*` fits all), and
 * every action has a resource it accepts: an action whose reference entry lists no resource type
 * accepts only `*`. Trust policies have no Resource; every other policy needs one.
 */
import type { PolicyDocumentRef } from "../documents";
import { arnFormatPattern, intersects, policyPattern } from "../glob";
import type { IamAction, IamData } from "../iamData";
import { policyFinding, resolveAction, statementsOf } from "../statements";
import type { Finding } from "../types";

export const RULE = "iam-resource-type";

/**
 * Resource policies a service evaluates itself, where AWS documents a resource the identity-policy
 * reference does not list. CloudWatch Logs cross-account account-level subscriptions ("Step 2:
 * Create a destination") grant `logs:PutAccountPolicy` on the destination in its access policy.
 */
export const RESOURCE_POLICY_EXTRAS: readonly {
  kind: PolicyDocumentRef["kind"];
  action: string;
  format: string;
}[] = [
  {
    kind: "logs-destination",
    action: "logs:putaccountpolicy",
    format: "arn:${Partition}:logs:${Region}:${Account}:destination:${DestinationName}",
  },
];

/** The ARN formats an action accepts; empty means only `*`. */
export function acceptedFormats(
  service: string,
  action: IamAction,
  data: IamData,
  kind?: PolicyDocumentRef["kind"],
): string[] {
  const types = data.services[service]?.resourceTypes ?? {};
  const extras = RESOURCE_POLICY_EXTRAS.filter(
    (e) => e.kind === kind && e.action === `${service}:${action.name}`.toLowerCase(),
  ).map((e) => e.format);
  return [...action.resourceTypes.flatMap((rt) => (types[rt.name] ? [types[rt.name]!.arn] : [])), ...extras];
}

export function fits(resource: string, formats: readonly string[]): boolean {
  if (resource === "*") return true;
  const r = policyPattern(resource);
  return formats.some((f) => intersects(r, arnFormatPattern(f)));
}

export function resourceFindings(ref: PolicyDocumentRef, data: IamData): Finding[] {
  const findings: Finding[] = [];
  for (const s of statementsOf(ref).statements) {
    if (ref.kind === "trust") {
      if (s.resources)
        findings.push(
          policyFinding(ref, RULE, data.source, s.path, undefined, "a trust policy has no Resource element"),
        );
      continue;
    }
    if (!s.resources || s.resources.length === 0) {
      findings.push(
        policyFinding(
          ref,
          RULE,
          data.source,
          s.path,
          undefined,
          "has no Resource (or NotResource): AWS rejects it",
        ),
      );
      continue;
    }
    // NotAction/NotResource name what is excluded: there is nothing to match.
    if (s.notAction || s.notResource || s.actions.some((a) => a.value === "*")) continue;
    const groups = s.actions.map((a) => {
      const { service, actions } = resolveAction(a.value, data);
      return { a, formats: actions.map((x) => (service ? acceptedFormats(service, x, data, ref.kind) : [])) };
    });
    // Unknown actions are the action rule's to report.
    const known = groups.filter((g) => g.formats.length > 0);
    if (known.length === 0) continue;
    for (const g of known) {
      const accepts = s.resources.some((r) => g.formats.some((f) => fits(r.value, f)));
      if (!accepts)
        findings.push(
          policyFinding(
            ref,
            RULE,
            data.source,
            g.a.path,
            g.a.value,
            `accepts none of the statement's resources (${s.resources.map((r) => r.value).join(", ")}); it takes ${describe(g.formats)}`,
          ),
        );
    }
    for (const r of s.resources) {
      const used = known.some((g) => g.formats.some((f) => fits(r.value, f)));
      if (!used)
        findings.push(
          policyFinding(
            ref,
            RULE,
            data.source,
            r.path,
            r.value,
            `fits no resource type of the statement's actions (${known.map((g) => g.a.value).join(", ")})`,
          ),
        );
    }
  }
  return findings;
}

function describe(formats: string[][]): string {
  const all = [...new Set(formats.flat())];
  if (all.length === 0) return "only '*'";
  return all.length > 3 ? `${all.slice(0, 3).join(", ")} and ${all.length - 3} more` : all.join(", ");
}
