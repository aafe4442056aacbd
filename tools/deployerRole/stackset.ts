/**
 * The CloudFormation template that rolls the deployer role out to every account of an
 * organizational unit with service-managed StackSets (deploy/deployer-role.stackset.yaml). Every
 * account gets the source permissions; the account whose id equals `RecipientAccountId` also gets
 * the recipient permissions. Generated from the same table as the per-stack policies; a test fails
 * when the committed template is stale (`npm run deployer-role -- --stackset` rewrites it).
 */
import { stringify } from "yaml";
import { LONGEST_PREFIX } from "../awsData/limitConfigs";
import { ACTIONS } from "./actions";
import {
  DEFAULT_ROLE_NAME,
  fromRecordedPlan,
  type PolicyDocument,
  permissionStatements,
  policySize,
  type RecordedPlanLike,
  type Scope,
  SESSION_NAME_PATTERN,
  splitPolicies,
} from "./generate";

export const TEMPLATE_PATH = "deploy/deployer-role.stackset.yaml";

/** What the placeholders become in the template: `Fn::Sub` variables. */
export const CFN_SCOPE: Scope = {
  account: "${AWS::AccountId}",
  recipient: "${RecipientAccountId}",
  prefix: "${NamePrefix}",
  database: "${AthenaDatabase}",
};

/** The longest values a parameter can take, so that every split policy fits whatever is passed. */
export const WORST_CASE: Record<string, string> = {
  "${AWS::AccountId}": "1".repeat(12),
  "${RecipientAccountId}": "1".repeat(12),
  "${NamePrefix}": LONGEST_PREFIX,
  // The Glue database defaults to the prefix with `_` for `-` (same length); Glue allows 255.
  "${AthenaDatabase}": LONGEST_PREFIX,
};

export function worstCase(d: PolicyDocument): PolicyDocument {
  let text = JSON.stringify(d);
  for (const [k, v] of Object.entries(WORST_CASE)) text = text.split(k).join(v);
  return JSON.parse(text) as PolicyDocument;
}

export interface TypesByPart {
  recipient: string[];
  source: string[];
}

/**
 * Which types a recipient account and which a source account plans, over the recorded plans: a
 * type planned in any account other than the recipient is a source type; the recipient gets the
 * rest of what it plans (an account that is both gets both policies).
 */
export function typesByPart(plans: readonly RecordedPlanLike[]): TypesByPart {
  const recipient = new Set<string>();
  const source = new Set<string>();
  for (const plan of plans) {
    const recipientId = (plan.outputs as { recipientAccountId?: unknown } | undefined)?.recipientAccountId;
    if (typeof recipientId !== "string")
      throw new Error("a recorded plan without outputs.recipientAccountId");
    for (const r of fromRecordedPlan(plan)) {
      if (r.account === undefined) continue;
      (r.account === recipientId ? recipient : source).add(r.type);
    }
  }
  return {
    recipient: [...recipient].filter((t) => !source.has(t)).sort(),
    source: [...source].sort(),
  };
}

const needsAws = (t: string) => {
  const e = ACTIONS[t];
  return e !== undefined && "aws" in e;
};

/** The managed policies of each part, with CloudFormation variables in their ARNs. */
export function stackSetPolicies(types: TypesByPart): {
  recipient: PolicyDocument[];
  source: PolicyDocument[];
} {
  const policies = (list: string[]) =>
    splitPolicies(
      permissionStatements(
        list.filter(needsAws).map((type) => ({ type, inputs: {} })),
        CFN_SCOPE,
        { allGrants: true },
      ),
      (d) => policySize(worstCase(d)),
    );
  return { recipient: policies(types.recipient), source: policies(types.source) };
}

/** Strings with `${...}` become `Fn::Sub`; everything else stays as it is. */
function sub(value: unknown): unknown {
  if (typeof value === "string") return value.includes("${") ? { "Fn::Sub": value } : value;
  if (Array.isArray(value)) return value.map(sub);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sub(v)]));
  return value;
}

const NO_VALUE = { Ref: "AWS::NoValue" };

export function stackSetTemplate(types: TypesByPart): Record<string, unknown> {
  const { recipient, source } = stackSetPolicies(types);
  const managed = (part: "source" | "recipient", docs: PolicyDocument[]) =>
    Object.fromEntries(
      docs.map((d, i) => [
        `${part === "source" ? "Source" : "Recipient"}Policy${i + 1}`,
        {
          Type: "AWS::IAM::ManagedPolicy",
          ...(part === "recipient" ? { Condition: "IsRecipient" } : {}),
          Properties: {
            ManagedPolicyName: { "Fn::Sub": `\${RoleName}-${part}-${i + 1}` },
            Description: `central-logging deployer: ${part} account permissions (${i + 1} of ${docs.length})`,
            Roles: [{ Ref: "DeployerRole" }],
            PolicyDocument: sub(d),
          },
        },
      ]),
    );
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description:
      "central-logging: the deployer role (CentralLoggingDeployer) that `pulumi up` assumes in every account of the organizational unit. Generated from tools/deployerRole/actions.ts.",
    Parameters: {
      TrustedPrincipalArn: {
        Type: "String",
        Description:
          "Who runs pulumi up: the CI role (e.g. the role your OIDC provider federates into) or arn:aws:iam::<management-account>:root.",
        AllowedPattern: "^arn:aws[a-z-]*:iam::\\d{12}:(root|role/.+|user/.+)$",
      },
      RecipientAccountId: {
        Type: "String",
        Description: "The log-archive (recipient) account: it alone gets the recipient permissions.",
        AllowedPattern: "^\\d{12}$",
      },
      NamePrefix: {
        Type: "String",
        Default: "central-logging",
        Description:
          "Physical-name prefix the permissions are scoped to: the stack's namePrefix, or a shorter prefix of it that covers several stacks (central-logging covers central-logging-<stack>).",
        AllowedPattern: "^[a-z][a-z0-9-]*$",
      },
      AthenaDatabase: {
        Type: "String",
        Default: "central_logging",
        Description:
          "Glue database name (or its prefix): the namePrefix with _ for -, unless athena.database is set.",
        AllowedPattern: "^[a-z0-9_]+$",
      },
      RoleName: {
        Type: "String",
        Default: DEFAULT_ROLE_NAME,
        Description: "The role's name (roleArn in the stack config).",
      },
      ExternalId: {
        Type: "String",
        Default: "",
        Description:
          "When set, the caller must pass it as sts:ExternalId (the program's providers do not pass one yet).",
      },
      OrganizationId: {
        Type: "String",
        Default: "",
        Description: "When set, the caller must belong to this organization (aws:PrincipalOrgID).",
        AllowedPattern: "^(o-[a-z0-9]{10,32})?$",
      },
    },
    Conditions: {
      IsRecipient: { "Fn::Equals": [{ Ref: "RecipientAccountId" }, { Ref: "AWS::AccountId" }] },
      HasExternalId: { "Fn::Not": [{ "Fn::Equals": [{ Ref: "ExternalId" }, ""] }] },
      HasOrganizationId: { "Fn::Not": [{ "Fn::Equals": [{ Ref: "OrganizationId" }, ""] }] },
      HasCallerCondition: { "Fn::Or": [{ Condition: "HasExternalId" }, { Condition: "HasOrganizationId" }] },
    },
    Resources: {
      DeployerRole: {
        Type: "AWS::IAM::Role",
        Properties: {
          RoleName: { Ref: "RoleName" },
          Description: "Assumed by pulumi up (central-logging) with session name central-logging-<stack>.",
          AssumeRolePolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "CentralLoggingPulumi",
                Effect: "Allow",
                Principal: { AWS: { Ref: "TrustedPrincipalArn" } },
                Action: "sts:AssumeRole",
                Condition: {
                  StringLike: { "sts:RoleSessionName": SESSION_NAME_PATTERN },
                  StringEquals: {
                    "Fn::If": [
                      "HasCallerCondition",
                      {
                        "sts:ExternalId": { "Fn::If": ["HasExternalId", { Ref: "ExternalId" }, NO_VALUE] },
                        "aws:PrincipalOrgID": {
                          "Fn::If": ["HasOrganizationId", { Ref: "OrganizationId" }, NO_VALUE],
                        },
                      },
                      NO_VALUE,
                    ],
                  },
                },
              },
            ],
          },
          Tags: [{ Key: "ManagedBy", Value: "central-logging" }],
        },
      },
      ...managed("source", source),
      ...managed("recipient", recipient),
    },
    Outputs: {
      RoleArn: { Value: { "Fn::GetAtt": ["DeployerRole", "Arn"] } },
    },
  };
}

export function renderStackSetTemplate(types: TypesByPart): string {
  return [
    "# Generated by `npm run deployer-role -- --stackset` from tools/deployerRole/actions.ts and the",
    "# resource types of tests/fixtures/plans/*.json. Do not edit: change the table and regenerate.",
    "# See docs/deployer-role.md.",
    // Dates quoted: a YAML 1.1 reader would take 2012-10-17 for a timestamp.
    stringify(stackSetTemplate(types), { lineWidth: 0, aliasDuplicateObjects: false }).replace(
      /: (\d{4}-\d{2}-\d{2})$/gm,
      ': "$1"',
    ),
  ].join("\n");
}
