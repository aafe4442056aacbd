/** The committed StackSet template is the one the table generates, and a valid CloudFormation shape. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { recordedPlans } from "./fixtures";
import { renderStackSetTemplate, TEMPLATE_PATH, typesByPart } from "./stackset";

const generated = renderStackSetTemplate(typesByPart(recordedPlans().map((p) => p.plan)));
const committed = readFileSync(TEMPLATE_PATH, "utf8");

describe(TEMPLATE_PATH, () => {
  it("is current (regenerate with `npm run deployer-role -- --stackset`)", () => {
    expect(committed).toBe(generated);
  });

  it("is YAML with the role, its managed policies and the parameters the docs name", () => {
    const template = parse(committed) as {
      AWSTemplateFormatVersion: unknown;
      Parameters: Record<string, unknown>;
      Conditions: Record<string, unknown>;
      Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
    };
    // Quoted: a YAML 1.1 reader would make dates of them.
    expect(template.AWSTemplateFormatVersion).toBe("2010-09-09");
    expect(Object.keys(template.Parameters)).toEqual(
      expect.arrayContaining([
        "TrustedPrincipalArn",
        "RecipientAccountId",
        "NamePrefix",
        "AthenaDatabase",
        "RoleName",
        "ExternalId",
        "OrganizationId",
      ]),
    );
    const resources = Object.values(template.Resources);
    expect(resources.filter((r) => r.Type === "AWS::IAM::Role")).toHaveLength(1);
    const policies = resources.filter((r) => r.Type === "AWS::IAM::ManagedPolicy");
    expect(policies.length).toBeGreaterThanOrEqual(2);
    expect(resources.every((r) => ["AWS::IAM::Role", "AWS::IAM::ManagedPolicy"].includes(r.Type))).toBe(true);
    for (const p of policies) expect(p.Properties.Roles).toEqual([{ Ref: "DeployerRole" }]);
    // Recipient permissions only where the account is the recipient.
    const recipient = Object.entries(template.Resources).filter(([k]) => k.startsWith("RecipientPolicy"));
    expect(recipient.length).toBeGreaterThan(0);
    for (const [, r] of recipient) expect(r.Condition).toBe("IsRecipient");
    for (const c of Object.values(template.Resources)
      .map((r) => r.Condition)
      .filter(Boolean))
      expect(Object.keys(template.Conditions)).toContain(c);
  });

  it("writes every ARN with a variable through Fn::Sub and names no wildcard action", () => {
    const template = parse(committed) as {
      Resources: Record<string, { Properties: { PolicyDocument?: unknown } }>;
    };
    const walk = (v: unknown, inSub: boolean): void => {
      if (typeof v === "string") {
        if (v.includes("${")) expect(inSub, v).toBe(true);
        return;
      }
      if (Array.isArray(v)) {
        for (const x of v) walk(x, inSub);
      } else if (typeof v === "object" && v !== null) {
        for (const [k, x] of Object.entries(v)) walk(x, k === "Fn::Sub");
      }
    };
    for (const r of Object.values(template.Resources)) walk(r.Properties.PolicyDocument, false);
    expect(committed).not.toMatch(/- "?[a-z0-9-]+:\*"?$/m);
  });
});
