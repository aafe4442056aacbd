/**
 * Text of the offline plan: per account and region what would be created, the forwarding
 * routes, and totals. Pure: it reads the recorded registrations and the routing plan.
 */

import { type DeployCost, PROVIDER_PROCESS_MIB } from "../../infra/kernel/deployCost";
import type { RoutingPlan } from "../../infra/plan";
import { isGlobalType, type ResourceRecord } from "./mocks";

export interface PlacedResource {
  accountId: string;
  region: string;
  provider: string;
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** Custom resources by (account, region) of the provider they were registered through. */
export function placeResources(resources: readonly ResourceRecord[]): PlacedResource[] {
  return resources
    .filter((r) => r.custom)
    .map((r) => ({
      // Another package's resources (random values) live in the stack's state, in no account.
      accountId: r.provider?.accountId ?? (r.packageProvider ? "(state)" : "(default provider!)"),
      // IAM is global: its resources are in the account, in no region.
      region: isGlobalType(r.type)
        ? "global"
        : (r.region ?? (r.packageProvider ? "-" : "(default provider!)")),
      provider: r.provider?.name ?? r.packageProvider?.name ?? "",
      type: r.type,
      name: r.name,
      inputs: r.inputs,
    }));
}

export function describeRoutes(plan: RoutingPlan): string[] {
  const r = plan.recipient;
  const sink =
    r.transport === "kinesis"
      ? `stream ${r.stream?.name} (${r.homeRegion}) -> Firehose ${r.firehose.name} -> s3://${r.bucketName} (${r.bucketRegion})`
      : `Firehose ${r.firehose.name} (${r.homeRegion}) -> s3://${r.bucketName} (${r.bucketRegion})`;
  return plan.sources.flatMap((s) =>
    s.routes.map((route) => {
      const pattern = route.filterPattern === "" ? "everything" : `pattern ${route.filterPattern}`;
      const origin = {
        subscription: "",
        flowLog: " [VPC flow log]",
        cloudTrail: " [CloudTrail]",
        canary: " [canary: npm run verify]",
      }[route.origin];
      return `${route.accountId} ${route.region} log group ${route.logGroup}${origin} (filter ${route.filterName}: ${pattern}) -> destination ${route.destinationArn} -> ${sink}`;
    }),
  );
}

/** Each EventBridge rule's way into the events archive: `<account> <region> rule ... -> ... -> s3://...`. */
export function describeEventRoutes(plan: RoutingPlan): string[] {
  const r = plan.recipient;
  const events = r.events;
  if (!events) return [];
  const archive = `Firehose ${events.firehose.name} -> s3://${r.bucketName}/events/account=<account>/year=/month=/day=/ (JSON Lines, .json.gz)`;
  return plan.sources.flatMap((s) =>
    s.eventSenders.flatMap((sender) =>
      sender.rules.map((rule) => {
        const via =
          sender.target.kind === "bus"
            ? `bus ${events.bus.name} (${r.accountId} ${r.homeRegion}) -> rule ${events.busRule.name} -> `
            : "";
        const readOnly = rule.readOnlyEvents ? ", read-only events too" : "";
        return `${rule.accountId} ${rule.region} rule ${rule.name} (pattern ${rule.pattern}${readOnly}) -> ${via}${archive}`;
      }),
    ),
  );
}

/** What a real `pulumi up` of the stack starts (infra/checks/deployCost.ts). */
export interface DeployFigures extends DeployCost {
  budgetMiB: number;
}

export function formatPlan(
  stack: string,
  plan: RoutingPlan,
  resources: readonly ResourceRecord[],
  deploy?: DeployFigures,
): string {
  const placed = placeResources(resources);
  const lines: string[] = [];
  const r = plan.recipient;
  const mode = r.organizationId ? `, organization ${r.organizationId}` : "";
  lines.push(
    `central-logging plan for stack '${stack}' (transport: ${r.transport}, recipient ${r.accountId}${mode})`,
    "",
  );

  const groups = new Map<string, PlacedResource[]>();
  for (const p of placed) {
    const key = `${p.accountId} ${p.region}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  for (const key of [...groups.keys()].sort()) {
    const items = groups.get(key) ?? [];
    const [accountId, region] = key.split(" ");
    const role = accountId === r.accountId ? " (recipient)" : "";
    lines.push(
      accountId === "(state)"
        ? `In the stack's state only (no account), provider ${items[0]?.provider || "NONE"}:`
        : region === "global"
          ? `Account ${accountId}${role}, global (IAM), provider ${items[0]?.provider || "NONE"}:`
          : `Account ${accountId}${role}, region ${region}, provider ${items[0]?.provider || "NONE"}:`,
    );
    for (const item of [...items].sort(
      (a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name),
    )) {
      lines.push(`  + ${item.type.padEnd(58)} ${item.name}`);
    }
    lines.push("");
  }

  const routes = describeRoutes(plan);
  lines.push("Forwarding routes (log group -> destination -> stream/Firehose -> bucket):");
  for (const route of routes) lines.push(`  ${route}`);
  if (routes.length === 0) lines.push("  (none)");
  lines.push("");

  const eventRoutes = describeEventRoutes(plan);
  lines.push("Event routes (EventBridge rule -> recipient bus -> Firehose -> bucket):");
  for (const route of eventRoutes) lines.push(`  ${route}`);
  if (eventRoutes.length === 0) lines.push("  (none)");
  lines.push("");

  const policies = plan.sources.flatMap((s) => s.accountPolicies);
  if (policies.length > 0) {
    lines.push("Account-wide forwarding (every log group but the excluded ones):");
    for (const a of policies) {
      const pattern = a.filterPattern === "" ? "everything" : `pattern ${a.filterPattern}`;
      const except = a.excluded.length > 0 ? ` except ${a.excluded.join(", ")}` : "";
      lines.push(
        `  ${a.accountId} ${a.region} all log groups${except} (${pattern}) -> destination ${a.destinationArn}`,
      );
    }
    lines.push("");
  }

  lines.push("Trails (multi-region, log-file validation on) -> archive and log group:");
  for (const t of plan.trails) {
    const topic = t.snsTopic ? `, notifies ${t.snsTopic.name}` : "";
    const org = t.organizationId ? ` [organization trail, also AWSLogs/${t.organizationId}/]` : "";
    lines.push(
      `  ${t.accountId} ${t.region} trail ${t.name}${org} -> s3://${r.bucketName}/${t.bucketPrefix} and log group ${t.logGroup} (${t.retentionDays} days${topic})`,
    );
  }
  if (plan.trails.length === 0) lines.push("  (none)");
  lines.push("");

  const alarmed = plan.sources.filter((s) => s.alarms);
  lines.push("Alarms (metric filter on the trail's log group -> alarm -> SNS topic):");
  for (const s of alarmed) {
    const a = s.alarms!;
    const n = a.notifications;
    const who = [...n.emails, ...n.httpsEndpoints, ...n.sqsQueueArns].join(", ");
    for (const alarm of a.custom)
      lines.push(`  ${s.accountId} ${a.region} ${alarm.name}: ${alarm.filterPattern}`);
    if (a.cis) lines.push(`  ${s.accountId} ${a.region} CIS AWS Foundations Benchmark 4.1-4.15 (15 alarms)`);
    lines.push(`  ${s.accountId} ${a.region} -> topic ${a.topic.name} -> ${who}`);
  }
  if (alarmed.length === 0) lines.push("  (none)");
  lines.push("");

  const search = r.search;
  if (search && r.stream) {
    lines.push(
      `Search (${r.accountId} ${r.homeRegion}): stream ${r.stream.name} -> Lambda ${search.forwarder.name} -> OpenSearch domain ${search.domainName} (daily indices, Dashboards login in secret ${search.adminSecretName}); unindexable records -> queue ${search.deadLetterQueue.name}`,
      "",
    );
  }

  if (plan.athena) {
    const a = plan.athena;
    lines.push(
      `Athena (${r.accountId} ${a.region}): database ${a.database}, workgroup ${a.workgroup}, results s3://${a.resultsBucket.name}/`,
    );
    for (const t of a.tables) {
      const partitions = t.partitionKeys
        .map((k) => `${k.name}:${t.parameters[`projection.${k.name}.type`] ?? "?"}`)
        .join(", ");
      lines.push(`  table ${t.name} <- ${t.location} (projected: ${partitions})`);
    }
    for (const q of a.queries) lines.push(`  query ${q.name} on ${q.table}: ${q.description}`);
    lines.push("");
  }

  const inAccounts = placed.filter((p) => p.accountId !== "(state)");
  const accounts = new Set(inAccounts.map((p) => p.accountId));
  const accountRegions = new Set(
    inAccounts.filter((p) => p.region !== "global").map((p) => `${p.accountId} ${p.region}`),
  );
  const providers = new Set(placed.map((p) => p.provider).filter((p) => p !== ""));
  const components = resources.filter((x) => !x.custom).length;
  lines.push(
    `Totals: ${placed.length} resources in ${accounts.size} accounts and ${accountRegions.size} account-regions, ` +
      `${components} components, ${providers.size} providers, ` +
      `${plan.destinations.length} destinations, ${routes.length} routes, ${eventRoutes.length} event routes.`,
  );
  if (deploy) {
    const processes = deploy.awsProviders + deploy.otherProviders;
    lines.push(
      `Deploy: ${processes} provider processes (${deploy.awsProviders} AWS, one per account${deploy.otherProviders ? `, ${deploy.otherProviders} random` : ""}), about ${deploy.estimatedMiB} MiB of plugin memory (estimated ${PROVIDER_PROCESS_MIB} MiB each) of a ${deploy.budgetMiB} MiB budget (providerBudgetMiB); ${placed.length} resources.`,
    );
  }
  return lines.join("\n");
}
