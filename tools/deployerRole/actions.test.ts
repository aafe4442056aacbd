/**
 * The table against the plans and AWS's published IAM data: every planned type has an entry, every
 * action exists, every ARN pattern fits a resource type of its actions, and every generated policy
 * (per account of each recorded plan, and the StackSet's at its longest parameters) passes the
 * AWS-data rules and fits IAM's managed-policy size.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { archiveNames } from "../../infra/archive/names";
import { eventsNames } from "../../infra/events/names";
import { operationsNames } from "../../infra/operations/names";
import { searchNames } from "../../infra/search/names";
import { checkResources } from "../awsData/check";
import { matches, policyPattern } from "../awsData/glob";
import { type IamData, loadIamData } from "../awsData/iamData";
import { IAM_MANAGED_POLICY_MAX } from "../awsData/limits";
import { formatFinding, type PlannedResource } from "../awsData/types";
import { ACTIONS, PLACEHOLDERS, UNCONFIRMED_ACTIONS } from "./actions";
import { recordedPlans, recordedScope } from "./fixtures";
import {
  fromRecordedPlan,
  missingTypes,
  type PolicyDocument,
  permissionStatements,
  policySize,
  splitPolicies,
  trustPolicy,
} from "./generate";
import { stackSetPolicies, typesByPart, worstCase } from "./stackset";

const plans = recordedPlans();
const grants = Object.values(ACTIONS).flatMap((e) => ("aws" in e ? e.aws : []));
const tableActions = new Set(grants.flatMap((g) => g.actions));

let iam: IamData;
beforeAll(async () => {
  // sts: the trust policy's action and condition keys.
  iam = await loadIamData([...[...tableActions].map((a) => a.split(":")[0]!), "sts"]);
});

/** Policies planted as the resources the AWS-data rules read. */
const planted = (name: string, docs: PolicyDocument[]): PlannedResource[] =>
  docs.map((d, i) => ({
    type: "aws:iam/policy:Policy",
    name: `${name}-${i + 1}`,
    inputs: { policy: JSON.stringify(d) },
  }));

function findings(resources: PlannedResource[]): string[] {
  return checkResources(resources, iam).map(formatFinding);
}

describe("the table", () => {
  it("has an entry for every resource type of every recorded plan", () => {
    expect(plans.length).toBeGreaterThanOrEqual(4);
    for (const { name, plan } of plans) {
      const missing = missingTypes(fromRecordedPlan(plan).map((r) => r.type));
      expect(missing, `${name}: types without an entry in tools/deployerRole/actions.ts`).toEqual([]);
    }
  });

  it("names AWS actions only for aws: types, and none for the others", () => {
    for (const [type, entry] of Object.entries(ACTIONS)) {
      if (type.startsWith("aws:")) expect("aws" in entry, type).toBe(true);
      else expect("none" in entry, type).toBe(true);
    }
  });

  it("uses only known placeholders and never a wildcard action", () => {
    for (const g of grants) {
      const text = JSON.stringify([g.resources, g.condition ?? {}]);
      for (const m of text.matchAll(/\{(\w+)\}/g))
        expect(PLACEHOLDERS, `${g.sid}: {${m[1]}}`).toContain(m[1]);
      for (const a of g.actions) expect(a, g.sid).not.toMatch(/\*/);
    }
  });

  it("lists as unconfirmed only actions it holds, each named in docs/deployer-role.md", () => {
    const doc = readFileSync("docs/deployer-role.md", "utf8");
    for (const u of UNCONFIRMED_ACTIONS) {
      expect(tableActions, u.action).toContain(u.action);
      expect(doc, u.action).toContain(`\`${u.action}\``);
    }
  });

  it("is checked by rules that do catch a wrong action or resource", () => {
    const wrong = {
      Version: "2012-10-17" as const,
      Statement: [
        { Sid: "A", Effect: "Allow" as const, Action: ["s3:CreateBuckets"], Resource: "arn:aws:s3:::b" },
        { Sid: "B", Effect: "Allow" as const, Action: ["sqs:CreateQueue"], Resource: "arn:aws:sns:*:1:t" },
      ],
    };
    const found = findings(planted("wrong", [wrong]));
    expect(found.some((f) => f.includes("s3:CreateBuckets") && f.includes("iam-action-exists"))).toBe(true);
    expect(found.some((f) => f.includes("sqs:CreateQueue") && f.includes("iam-resource-type"))).toBe(true);
  });

  it("has every action in the IAM reference, on resources its actions accept", () => {
    const scope = {
      account: "123456789012",
      recipient: "210987654321",
      prefix: "central-logging-dev",
      database: "central_logging_dev",
    };
    const all = Object.keys(ACTIONS).map((type) => ({ type, inputs: {} }));
    const statements = permissionStatements(all, scope, { allGrants: true });
    expect(findings(planted("table", splitPolicies(statements)))).toEqual([]);
  });
});

describe("the policies of every account of every recorded plan", () => {
  for (const { name, plan } of plans) {
    it(`${name}: pass the AWS-data rules and fit ${IAM_MANAGED_POLICY_MAX} characters`, () => {
      const resources = fromRecordedPlan(plan);
      const accounts = [...new Set(resources.flatMap((r) => (r.account ? [r.account] : [])))];
      const docs: PlannedResource[] = [];
      for (const account of accounts) {
        const statements = permissionStatements(
          resources.filter((r) => r.account === account),
          recordedScope(plan, account),
        );
        const split = splitPolicies(statements);
        // IAM's default quota: 10 managed policies per role.
        expect(split.length, account).toBeLessThanOrEqual(10);
        for (const d of split) expect(policySize(d)).toBeLessThanOrEqual(IAM_MANAGED_POLICY_MAX);
        docs.push(...planted(`${name}-${account}`, split));
      }
      docs.push({
        type: "aws:iam/role:Role",
        name: `${name}-deployer`,
        inputs: {
          assumeRolePolicy: JSON.stringify(
            trustPolicy({
              principal: "arn:aws:iam::123456789012:role/ci",
              externalId: "x",
              organizationId: "o-abcdefghij",
            }),
          ),
        },
      });
      expect(findings(docs)).toEqual([]);
    });
  }

  it("covers every log group the program names itself with a pattern (the StackSet knows no plan)", () => {
    const p = "central-logging-dev";
    const fill = (s: string) => s.replaceAll("{account}", "111111111111").replaceAll("{prefix}", p);
    const entry = ACTIONS["aws:cloudwatch/logGroup:LogGroup"];
    const patterns = (entry && "aws" in entry ? (entry.aws[0]?.resources ?? []) : []).map(fill);
    const groups = [
      operationsNames(p).canaryLogGroup,
      archiveNames(p).firehoseErrorLog,
      archiveNames(p).processorLogGroup,
      eventsNames(p).firehoseErrorLog,
      `/aws/lambda/${searchNames(p).forwarder}`,
      `/aws/lambda/${searchNames(p).provisioner}`,
    ];
    const uncovered = groups.filter(
      (g) =>
        !patterns.some((x) =>
          matches(policyPattern(x), `arn:aws:logs:us-east-2:111111111111:log-group:${g}`),
        ),
    );
    expect(uncovered).toEqual([]);
  });

  it("covers a name set outside the prefix with the planned resource's own ARN", () => {
    const plan = plans.find((p) => p.name === "limits-accounts")!.plan;
    const resources = fromRecordedPlan(plan).filter((r) => r.account === "999999999999");
    const text = JSON.stringify(permissionStatements(resources, recordedScope(plan, "999999999999")));
    expect(text).toContain("arn:aws:s3:::central-logging-archive-limits");
    expect(text).toContain("arn:aws:es:*:999999999999:domain/central-logging-search-limit");
  });

  it("grants organization-trail calls only where an organization trail is planned", () => {
    const plan = plans.find((p) => p.name === "limits-organization")!.plan;
    const resources = fromRecordedPlan(plan);
    const sids = (account: string) =>
      permissionStatements(
        resources.filter((r) => r.account === account),
        recordedScope(plan, account),
      ).map((s) => s.Sid);
    const trailAccounts = resources
      .filter((r) => r.type === "aws:cloudtrail/trail:Trail")
      .map((r) => ({ account: r.account!, org: r.inputs.isOrganizationTrail === true }));
    expect(trailAccounts.some((t) => t.org)).toBe(true);
    for (const t of trailAccounts)
      expect(sids(t.account).includes("OrganizationTrail"), t.account).toBe(t.org);
  });
});

describe("the StackSet's policies", () => {
  it("pass the AWS-data rules at the longest parameter values and fit the size limit", () => {
    const { recipient, source } = stackSetPolicies(typesByPart(plans.map((p) => p.plan)));
    expect(recipient.length + source.length).toBeLessThanOrEqual(10);
    const docs = [...recipient, ...source].map(worstCase);
    for (const d of docs) expect(policySize(d)).toBeLessThanOrEqual(IAM_MANAGED_POLICY_MAX);
    expect(findings(planted("stackset", docs))).toEqual([]);
  });
});
