/**
 * The deployer role of each account of a stack, from the table (actions.ts) and the resources the
 * program plans there: who may assume it (trust) and what it may do (permission policies, only for
 * the resource types that account gets), split into managed policies that fit IAM's size limit.
 * Pure: the CLI (scripts/deployerRole.ts) runs the program under mocks and passes its resources in.
 */
import type { parseSettings } from "../../infra/config";
import { matches, policyPattern } from "../awsData/glob";
import { IAM_MANAGED_POLICY_MAX, measure } from "../awsData/limits";
import { ACTIONS, type Condition, type Placeholder } from "./actions";

export type Settings = Extract<ReturnType<typeof parseSettings>, { ok: true }>["settings"];

/** One planned resource: its type, the account it goes to (none for components) and its inputs. */
export interface PlannedAwsResource {
  type: string;
  account?: string;
  inputs: Record<string, unknown>;
}

export type Scope = Record<Placeholder, string>;

export interface Statement {
  Sid: string;
  Effect: "Allow";
  Principal?: Record<string, string>;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Condition;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Statement[];
}

/** The session name the program's providers use is `central-logging-<stack>` (infra/kernel/providers.ts). */
export const SESSION_NAME_PATTERN = "central-logging-*";
export const DEFAULT_ROLE_NAME = "CentralLoggingDeployer";

export function fill(template: string, scope: Scope): string {
  return template.replace(/\{(account|recipient|prefix|database)\}/g, (_, key: Placeholder) => scope[key]);
}

function fillCondition(condition: Condition | undefined, scope: Scope): Condition | undefined {
  if (!condition) return undefined;
  return Object.fromEntries(
    Object.entries(condition).map(([op, keys]) => [
      op,
      Object.fromEntries(
        Object.entries(keys).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.map((x) => fill(x, scope)) : fill(v, scope),
        ]),
      ),
    ]),
  );
}

/** Types the table has no entry for, sorted. */
export function missingTypes(types: Iterable<string>): string[] {
  return [...new Set(types)].filter((t) => !(t in ACTIONS)).sort();
}

export interface StatementOptions {
  /** Every grant of every type, whatever the inputs (the StackSet, which knows no plan). */
  allGrants?: boolean;
}

/**
 * The statements the resources need, one per sid (actions and resources merged), sorted by sid.
 * Throws when a resource's type has no table entry: a new type must be added to the table first.
 */
export function permissionStatements(
  resources: readonly Pick<PlannedAwsResource, "type" | "inputs">[],
  scope: Scope,
  options: StatementOptions = {},
): Statement[] {
  const missing = missingTypes(resources.map((r) => r.type));
  if (missing.length > 0)
    throw new Error(`deployer role: no entry in tools/deployerRole/actions.ts for ${missing.join(", ")}`);
  const merged = new Map<string, { actions: Set<string>; resources: string[]; condition?: Condition }>();
  for (const r of resources) {
    const entry = ACTIONS[r.type]!;
    if ("none" in entry) continue;
    for (const grant of entry.aws) {
      if (grant.when && !options.allGrants && !grant.when(r.inputs)) continue;
      const condition = fillCondition(grant.condition, scope);
      let s = merged.get(grant.sid);
      if (!s) {
        s = { actions: new Set(), resources: [], ...(condition ? { condition } : {}) };
        merged.set(grant.sid, s);
      } else if (JSON.stringify(s.condition) !== JSON.stringify(condition)) {
        throw new Error(`deployer role: grants with sid ${grant.sid} differ in their condition`);
      }
      for (const a of grant.actions) s.actions.add(a);
      for (const p of grant.resources.map((x) => fill(x, scope)))
        if (!s.resources.includes(p)) s.resources.push(p);
      const planned = grant.planned?.(r.inputs);
      if (planned !== undefined) {
        const arn = fill(planned, scope);
        if (!s.resources.some((p) => matches(policyPattern(p), arn))) s.resources.push(arn);
      }
    }
  }
  return [...merged.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([sid, s]) => ({
      Sid: sid,
      Effect: "Allow" as const,
      Action: [...s.actions].sort(),
      // `*` covers everything else named beside it.
      Resource: s.resources.includes("*") ? "*" : s.resources.length === 1 ? s.resources[0]! : s.resources,
      ...(s.condition ? { Condition: s.condition } : {}),
    }));
}

const doc = (statements: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });

/** Size as IAM counts a managed policy: characters without whitespace. */
export function policySize(d: PolicyDocument): number {
  return measure(JSON.stringify(d), "chars-no-whitespace");
}

/**
 * Statements packed in order into as few documents as fit `max` (by `sizeOf`); a statement too big
 * on its own is split by its actions.
 */
export function splitPolicies(
  statements: readonly Statement[],
  sizeOf: (d: PolicyDocument) => number = policySize,
  max = IAM_MANAGED_POLICY_MAX,
): PolicyDocument[] {
  const docs: Statement[][] = [];
  let current: Statement[] = [];
  const pending = [...statements];
  while (pending.length > 0) {
    const s = pending.shift()!;
    if (sizeOf(doc([...current, s])) <= max) {
      current.push(s);
      continue;
    }
    if (current.length > 0) {
      docs.push(current);
      current = [];
      pending.unshift(s);
      continue;
    }
    const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
    if (actions.length < 2)
      throw new Error(`deployer role: statement ${s.Sid} alone exceeds ${max} characters`);
    const half = Math.ceil(actions.length / 2);
    pending.unshift(
      { ...s, Sid: `${s.Sid}A`, Action: actions.slice(0, half) },
      { ...s, Sid: `${s.Sid}B`, Action: actions.slice(half) },
    );
  }
  if (current.length > 0) docs.push(current);
  return docs.map(doc);
}

export interface TrustOptions {
  /** Who runs `pulumi up`: a CI role (e.g. the role an OIDC provider federates into), or an account's root. */
  principal: string;
  /** Required as `sts:ExternalId` (the provider must then pass it in `assumeRoles`). */
  externalId?: string;
  /** Required as `aws:PrincipalOrgID`: the caller must belong to this organization. */
  organizationId?: string;
}

/** A management (or tooling) account id as a principal: the account, whose IAM policies then decide. */
export function accountPrincipal(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
}

/**
 * The trust policy: the principal may assume the role with the session name the program's
 * providers use (IAM User Guide, "sts:RoleSessionName"); optionally with an external id (IAM User
 * Guide, "Access to AWS accounts owned by third parties") and only from inside the organization
 * ("aws:PrincipalOrgID").
 */
export function trustPolicy(options: TrustOptions, sid = "CentralLoggingPulumi"): PolicyDocument {
  const equals: Record<string, string> = {
    ...(options.externalId ? { "sts:ExternalId": options.externalId } : {}),
    ...(options.organizationId ? { "aws:PrincipalOrgID": options.organizationId } : {}),
  };
  return doc([
    {
      Sid: sid,
      Effect: "Allow",
      Principal: { AWS: options.principal },
      Action: "sts:AssumeRole",
      Condition: {
        StringLike: { "sts:RoleSessionName": SESSION_NAME_PATTERN },
        ...(Object.keys(equals).length > 0 ? { StringEquals: equals } : {}),
      },
    },
  ]);
}

export type AccountPart = "recipient" | "source";

export interface AccountRole {
  accountId: string;
  roleName: string;
  /** The role ARN as the stack config names it, when it does. */
  roleArn?: string;
  parts: AccountPart[];
  /** The resource types planned in the account that need AWS permissions. */
  types: string[];
  trust: PolicyDocument;
  policies: { name: string; document: PolicyDocument }[];
}

export function scopeFor(settings: Settings, accountId: string): Scope {
  return {
    account: accountId,
    recipient: settings.recipient.accountId,
    prefix: settings.namePrefix,
    database: settings.recipient.athena.database,
  };
}

function roleNameOf(roleArn: string | undefined): string {
  const name = roleArn?.split(":role/")[1]?.split("/").pop();
  return name || DEFAULT_ROLE_NAME;
}

/** Every account the stack deploys into (recipient and each source), with its role's policies. */
export function deployerRoles(
  settings: Settings,
  resources: readonly PlannedAwsResource[],
  trust: TrustOptions,
): AccountRole[] {
  const accounts = new Map<string, { roleArn?: string; parts: AccountPart[] }>();
  const add = (id: string, roleArn: string | undefined, part: AccountPart) => {
    const a = accounts.get(id) ?? { parts: [], ...(roleArn ? { roleArn } : {}) };
    if (!a.parts.includes(part)) a.parts.push(part);
    accounts.set(id, a);
  };
  if (settings.part !== "sources") add(settings.recipient.accountId, settings.recipient.roleArn, "recipient");
  if (settings.part !== "recipient") for (const s of settings.sources) add(s.accountId, s.roleArn, "source");
  return [...accounts.entries()].map(([accountId, a]) => {
    const planned = resources.filter((r) => r.account === accountId);
    const statements = permissionStatements(planned, scopeFor(settings, accountId));
    const roleName = roleNameOf(a.roleArn);
    return {
      accountId,
      roleName,
      ...(a.roleArn ? { roleArn: a.roleArn } : {}),
      parts: a.parts,
      types: [...new Set(planned.map((r) => r.type))].filter((t) => !isNone(t)).sort(),
      trust: trustPolicy(trust),
      policies: splitPolicies(statements).map((document, i) => ({ name: `${roleName}-${i + 1}`, document })),
    };
  });
}

function isNone(type: string): boolean {
  const entry = ACTIONS[type];
  return entry === undefined || "none" in entry;
}

/** A recorded plan (tests/fixtures/plans/*.json) as planned resources, providers included. */
export interface RecordedPlanLike {
  providers: { accountId: string }[];
  resources: { type: string; where?: string; provider?: string; inputs: unknown }[];
  outputs?: unknown;
}

export function fromRecordedPlan(plan: RecordedPlanLike): PlannedAwsResource[] {
  const resources: PlannedAwsResource[] = plan.resources.map((r) => ({
    type: r.type,
    ...(r.where ? { account: r.where.split("/")[0]! } : {}),
    inputs: (r.inputs ?? {}) as Record<string, unknown>,
  }));
  const providers: PlannedAwsResource[] = plan.providers.map((p) => ({
    type: "pulumi:providers:aws",
    account: p.accountId,
    inputs: {},
  }));
  const random = plan.resources.some((r) => r.provider === "random")
    ? [{ type: "pulumi:providers:random", inputs: {} }]
    : [];
  return [...providers, ...random, ...resources];
}
