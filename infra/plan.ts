/**
 * The plan: plain data computed once from `Settings` (infra/stack.ts), tested exhaustively; the
 * components only realize it (as awsx's subnetDistributor feeds its Vpc). One entry per
 * capability: each capability folder plans its own part (`<capability>/plan.ts`).
 */

import { pipelineLogGroups, planRecipient, type RecipientPlan } from "./archive/plan";
import { type AthenaPlan, planAthena } from "./athena/plan";
import { type AlarmsPlan, planAlarms, planTrail, type TrailPlan } from "./cloudtrail/plan";
import type { Settings } from "./config";
import { type EventSenderPlan, planEventSenders } from "./events/plan";
import {
  type AccountPolicyPlan,
  type DestinationPlan,
  type FlowLogPlan,
  type ForwardingContext,
  planDestinations,
  planSourceForwarding,
  type RoutePlan,
  type SenderRolePlan,
} from "./forwarding/plan";
import { EVENTS_CANARY, operationsNames } from "./operations/names";
import { type OperationsPlan, planOperations } from "./operations/plan";

export interface SourcePlan {
  accountId: string;
  regions: string[];
  routes: RoutePlan[];
  /** `forwardAll`: one per region. */
  accountPolicies: AccountPolicyPlan[];
  /** Organization mode only, for each region with routes. */
  senderRoles: SenderRolePlan[];
  flowLogs: FlowLogPlan[];
  cloudTrail?: TrailPlan;
  alarms?: AlarmsPlan;
  /** EventBridge rules, grouped by region. */
  eventSenders: EventSenderPlan[];
}

export interface RoutingPlan {
  namePrefix: string;
  recipient: RecipientPlan;
  /** One per region in which any source forwards logs, sorted by region. */
  destinations: DestinationPlan[];
  sources: SourcePlan[];
  /** Every (account, region) that needs a provider, sorted. */
  placements: { accountId: string; region: string }[];
  /** Trails the archive bucket admits, each under its own account's prefix; sorted by account. */
  trails: TrailPlan[];
  /** Unset when `recipient.athena.enabled` is false. */
  athena?: AthenaPlan;
  /** Health alarms with their topics, the dashboard, and whether canaries are planned. */
  operations: OperationsPlan;
}

export function planRouting(settings: Settings): RoutingPlan {
  const recipient = planRecipient(settings);
  const forwarding: ForwardingContext = {
    namePrefix: settings.namePrefix,
    recipientAccountId: recipient.accountId,
    homeRegion: recipient.homeRegion,
    transport: recipient.transport,
    ...(recipient.organizationId ? { organizationId: recipient.organizationId } : {}),
    pipelineLogGroups: pipelineLogGroups(recipient),
    ...(settings.operations.canary
      ? {
          canary: {
            logGroup: operationsNames(settings.namePrefix).canaryLogGroup,
            filterName: operationsNames(settings.namePrefix).canaryFilter,
          },
        }
      : {}),
  };
  const eventsCanary = settings.operations.canary ? EVENTS_CANARY : undefined;

  const sources: SourcePlan[] = settings.sources.map((source) => {
    const { routes, flowLogs, accountPolicies, senderRoles } = planSourceForwarding(forwarding, source);
    const cloudTrail = planTrail(settings.namePrefix, recipient.organizationId, source);
    const alarms = planAlarms(settings.namePrefix, source);
    return {
      accountId: source.accountId,
      regions: [...source.regions],
      routes,
      accountPolicies,
      senderRoles,
      flowLogs,
      ...(cloudTrail ? { cloudTrail } : {}),
      ...(alarms ? { alarms } : {}),
      eventSenders: planEventSenders(settings.namePrefix, recipient, source, eventsCanary),
    };
  });
  const destinations = planDestinations(forwarding, sources);

  const placements = new Map<string, { accountId: string; region: string }>();
  const place = (accountId: string, region: string) =>
    placements.set(`${accountId}/${region}`, { accountId, region });
  place(recipient.accountId, recipient.homeRegion);
  place(recipient.accountId, recipient.bucketRegion);
  for (const d of destinations) place(recipient.accountId, d.region);
  for (const s of sources) for (const region of s.regions) place(s.accountId, region);
  // Event rules may live outside the account's log regions (IAM events surface in us-east-1).
  for (const s of sources) for (const e of s.eventSenders) place(s.accountId, e.region);

  const trails = sources
    .flatMap((s) => (s.cloudTrail ? [s.cloudTrail] : []))
    .sort((a, b) => a.accountId.localeCompare(b.accountId));
  const athena = settings.recipient.athena.enabled
    ? planAthena(settings, { recipient, destinations, sources, trails })
    : undefined;
  return {
    namePrefix: settings.namePrefix,
    recipient,
    destinations,
    sources,
    placements: [...placements.keys()].sort().map((k) => placements.get(k)!),
    trails,
    ...(athena ? { athena } : {}),
    operations: planOperations(settings.namePrefix, settings.operations, recipient, sources),
  };
}
