/**
 * The forwarding capability's part of the plan: which log group of which account and region goes
 * to which destination (subscriptions, forwarded flow logs, the trail's log group), account-wide
 * policies, organization-mode sender roles, and one destination per region with its senders.
 *
 * Every key and name derives from account ids, regions and configured names, never from a list
 * position: adding or reordering sources renames (and so replaces) nothing.
 */
import type { SourceSettings } from "../config";
import { arn } from "../kernel/names";
import type { Transport } from "../kernel/schema";
import { forwardingNames } from "./names";
import type { FlowLog } from "./schema";

export interface DestinationPlan {
  region: string;
  name: string;
  arn: string;
  /** Source accounts with at least one log group forwarded in this region, sorted. */
  senderAccountIds: string[];
  /** Some sender forwards account-wide here: the access policy must allow `logs:PutAccountPolicy`. */
  accountPolicies: boolean;
}

/** `canary`: the log group `npm run verify` writes into, created by the program (operations.canary). */
export type RouteOrigin = "subscription" | "flowLog" | "cloudTrail" | "canary";

export interface RoutePlan {
  /** Stable identity: `<account>/<region>/<logGroup>:<filterName>` (neither name may hold a ':'). */
  key: string;
  origin: RouteOrigin;
  accountId: string;
  region: string;
  logGroup: string;
  filterName: string;
  filterPattern: string;
  destinationArn: string;
}

export interface FlowLogPlan extends FlowLog {
  key: string;
  accountId: string;
  roleName: string;
  logGroupArn: string;
}

/**
 * Organization mode: the role a sender's subscription filters pass, one per region (its trust
 * names the region), allowed to put events from exactly the forwarded log groups.
 */
export interface SenderRolePlan {
  region: string;
  name: string;
  arn: string;
  logGroupArns: string[];
}

/**
 * Account-wide forwarding in one region: an account-level subscription filter policy for every log
 * group except `excluded` — the pipeline's own groups (else it forwards its own logs in a loop),
 * groups with an entry of their own (so nothing is sent twice), and the configured exclusions.
 */
export interface AccountPolicyPlan {
  key: string;
  accountId: string;
  region: string;
  name: string;
  destinationArn: string;
  filterPattern: string;
  excluded: string[];
  /** `LogGroupName NOT IN [...]`, or undefined when nothing is excluded. */
  selectionCriteria?: string;
  /** The policy document CloudWatch Logs takes (`PutAccountPolicy`). */
  document: {
    DestinationArn: string;
    FilterPattern: string;
    /** Spreads records over the stream's shards (kinesis transport only). */
    Distribution?: "Random";
    /** Organization mode: the sender's own role. */
    RoleArn?: string;
  };
}

/** What forwarding needs of the recipient and the stack. */
export interface ForwardingContext {
  namePrefix: string;
  recipientAccountId: string;
  homeRegion: string;
  transport: Transport;
  /** Organization mode: sender roles, and account policies that pass them. */
  organizationId?: string;
  /** The recipient's own Lambdas' log groups (home region): never forwarded, or they feed themselves. */
  pipelineLogGroups: readonly string[];
  /** `operations.canary`: a canary log group and its filter in every region the source sends from. */
  canary?: { logGroup: string; filterName: string };
}

/** The destination of a region: one per region, named by the prefix. */
export function destinationArn(ctx: ForwardingContext, region: string): string {
  return arn.destination(region, ctx.recipientAccountId, forwardingNames(ctx.namePrefix).destination);
}

export interface SourceForwarding {
  routes: RoutePlan[];
  flowLogs: FlowLogPlan[];
  accountPolicies: AccountPolicyPlan[];
  senderRoles: SenderRolePlan[];
}

/** One source account's forwarding, in the order its entries are listed (subscriptions, flow logs, trail). */
export function planSourceForwarding(ctx: ForwardingContext, source: SourceSettings): SourceForwarding {
  const names = forwardingNames(ctx.namePrefix);
  const routes: RoutePlan[] = source.subscriptions.map((s) => ({
    key: `${source.accountId}/${s.region}/${s.logGroup}:${s.filterName}`,
    origin: "subscription",
    accountId: source.accountId,
    region: s.region,
    logGroup: s.logGroup,
    filterName: s.filterName,
    filterPattern: s.filterPattern,
    destinationArn: destinationArn(ctx, s.region),
  }));
  const flowLogs: FlowLogPlan[] = source.flowLogs.map((f) => ({
    ...f,
    key: `${source.accountId}/${f.region}/${f.vpcId}`,
    accountId: source.accountId,
    roleName: names.flowLogsRole(f.region),
    logGroupArn: arn.logGroup(f.region, source.accountId, f.logGroup),
  }));
  for (const f of flowLogs) {
    if (!f.forward) continue;
    routes.push({
      key: `${source.accountId}/${f.region}/${f.logGroup}:${f.filterName}`,
      origin: "flowLog",
      accountId: source.accountId,
      region: f.region,
      logGroup: f.logGroup,
      filterName: f.filterName,
      // Flow logs are forwarded whole.
      filterPattern: "",
      destinationArn: destinationArn(ctx, f.region),
    });
  }
  const t = source.cloudTrail;
  if (t?.forward) {
    routes.push({
      key: `${source.accountId}/${t.region}/${t.logGroup}:${t.forward.filterName}`,
      origin: "cloudTrail",
      accountId: source.accountId,
      region: t.region,
      logGroup: t.logGroup,
      filterName: t.forward.filterName,
      filterPattern: t.forward.filterPattern,
      destinationArn: destinationArn(ctx, t.region),
    });
  }
  // After the configured routes, so the canary's group is excluded from account-wide policies
  // like theirs, and listed in the sender role's groups.
  if (ctx.canary) {
    const sending = new Set([...routes.map((r) => r.region), ...(source.forwardAll?.regions ?? [])]);
    for (const region of [...sending].sort())
      routes.push({
        key: `${source.accountId}/${region}/${ctx.canary.logGroup}:${ctx.canary.filterName}`,
        origin: "canary",
        accountId: source.accountId,
        region,
        logGroup: ctx.canary.logGroup,
        filterName: ctx.canary.filterName,
        filterPattern: "",
        destinationArn: destinationArn(ctx, region),
      });
  }
  const senderRoleName = names.senderRole;
  const accountPolicies: AccountPolicyPlan[] = (source.forwardAll?.regions ?? [])
    .slice()
    .sort()
    .map((region) => {
      const own = source.accountId === ctx.recipientAccountId && region === ctx.homeRegion;
      const excluded = [
        // The pipeline's own Lambdas log for every batch: forwarding them would feed them forever.
        ...(own ? ctx.pipelineLogGroups : []),
        ...routes.filter((route) => route.region === region).map((route) => route.logGroup),
        ...flowLogs.filter((f) => f.region === region && !f.forward).map((f) => f.logGroup),
        ...(source.forwardAll?.exclude ?? []),
      ];
      const sorted = [...new Set(excluded)].sort();
      const filterPattern = source.forwardAll?.filterPattern ?? "";
      return {
        key: `${source.accountId}/${region}`,
        accountId: source.accountId,
        region,
        name: names.forwardAllPolicy,
        destinationArn: destinationArn(ctx, region),
        filterPattern,
        excluded: sorted,
        document: {
          DestinationArn: destinationArn(ctx, region),
          FilterPattern: filterPattern,
          ...(ctx.transport === "kinesis" ? { Distribution: "Random" as const } : {}),
          ...(ctx.organizationId ? { RoleArn: arn.role(source.accountId, senderRoleName(region)) } : {}),
        },
        ...(sorted.length > 0
          ? {
              selectionCriteria: `LogGroupName NOT IN [${sorted.map((g) => JSON.stringify(g)).join(", ")}]`,
            }
          : {}),
      };
    });
  // Regions where the account sends: its routes and its account-wide policies.
  const sendingRegions = [...new Set([...routes, ...accountPolicies].map((x) => x.region))].sort();
  const senderRoles: SenderRolePlan[] = ctx.organizationId
    ? sendingRegions.map((region) => {
        const name = senderRoleName(region);
        const groups = accountPolicies.some((a) => a.region === region)
          ? ["*"]
          : routes.filter((route) => route.region === region).map((route) => route.logGroup);
        return {
          region,
          name,
          arn: arn.role(source.accountId, name),
          logGroupArns: [...new Set(groups)].sort().map((g) => arn.logGroup(region, source.accountId, g)),
        };
      })
    : [];
  return { routes, flowLogs, accountPolicies, senderRoles };
}

/** One destination per region in which any source forwards, sorted by region, with its senders. */
export function planDestinations(
  ctx: ForwardingContext,
  sources: readonly Pick<SourceForwarding, "routes" | "accountPolicies">[],
): DestinationPlan[] {
  const senders = new Map<string, Set<string>>();
  for (const route of sources.flatMap((s) => [...s.routes, ...s.accountPolicies])) {
    const set = senders.get(route.region) ?? new Set<string>();
    set.add(route.accountId);
    senders.set(route.region, set);
  }
  return [...senders.keys()].sort().map((region) => ({
    region,
    name: forwardingNames(ctx.namePrefix).destination,
    arn: destinationArn(ctx, region),
    senderAccountIds: [...(senders.get(region) ?? [])].sort(),
    accountPolicies: sources.some((s) => s.accountPolicies.some((a) => a.region === region)),
  }));
}
