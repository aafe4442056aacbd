/**
 * The routing plan: which destination, in which region of the recipient account, admits which
 * source accounts, and which log group goes where. Plain data computed from `Settings`, tested
 * exhaustively; the components only realize it (as awsx's subnetDistributor feeds its Vpc).
 *
 * Every key and name here derives from account ids, regions and configured names — never from a
 * list position — so adding or reordering sources cannot rename (and so replace) anything.
 */

import { type NamedQueryDefinition, namedQueries } from "./athena/queries";
import { athenaTables, type TableDefinition } from "./athena/tables";
import type {
  AlarmNotifications,
  AlarmSettings,
  Buffering,
  FlowLog,
  RecipientSettings,
  SearchSettings,
  Settings,
  SourceSettings,
  Transport,
} from "./config";
import { arn } from "./kernel/names";

export interface RecipientPlan {
  accountId: string;
  homeRegion: string;
  bucketRegion: string;
  transport: Transport;
  bucketName: string;
  bucketArn: string;
  /** The archive's lifecycle (`recipient.lifecycle`). */
  lifecycle: RecipientSettings["lifecycle"];
  /** Set with `transport: kinesis`; unset `shardCount` = on-demand capacity. */
  stream?: { name: string; arn: string; shardCount?: number; retentionHours: number };
  firehose: { name: string; arn: string; roleName: string; roleArn: string; buffering: Buffering };
  /** The Lambda that un-gzips stream records for Firehose (kinesis transport only). */
  processor?: { name: string; arn: string; roleName: string; logGroup: string };
  /** What destinations write into: the stream (kinesis) or the Firehose (firehose). */
  targetArn: string;
  destinationRole: { name: string; arn: string };
  /** Organization mode: destinations admit the organization, senders pass a role of their own. */
  organizationId?: string;
  /** The KMS key the trails encrypt with (must be in the bucket's region). */
  trailKey?: { alias: string; region: string };
  /** The events archive, when any source has EventBridge rules. */
  events?: EventsArchivePlan;
  /** The OpenSearch domain and its forwarder (`recipient.search`). */
  search?: SearchPlan;
}

interface FunctionPlan {
  name: string;
  arn: string;
  roleName: string;
  roleArn: string;
  logGroup: string;
  logGroupArn: string;
}

/** OpenSearch in the home region, fed by one forwarder from the stream (no source is involved). */
export interface SearchPlan {
  /** `recipient.search` as configured, defaults resolved (node sizes, indices, forwarder tuning). */
  settings: SearchSettings;
  domainName: string;
  domainArn: string;
  forwarder: FunctionPlan;
  /** Sets up the domain at deploy time; the domain's fine-grained access control master. */
  provisioner: FunctionPlan;
  /** Records and documents the forwarder cannot index, and batches Lambda gives up on. */
  deadLetterQueue: { name: string; arn: string };
  /** Secrets Manager secret of the Dashboards `admin` user. */
  adminSecretName: string;
}

/**
 * The recipient side of the EventBridge route, all in the home region: a bus that admits the
 * sources' rules, a rule on it, and the Firehose that writes JSON Lines into the archive.
 */
export interface EventsArchivePlan {
  bus: { name: string; arn: string };
  /** The rule on the bus that delivers everything on it to the Firehose. */
  busRule: { name: string; arn: string };
  firehose: { name: string; arn: string; roleName: string; roleArn: string; buffering: Buffering };
  /** Organization mode: the bus admits the organization's rules named `<namePrefix>-*`. */
  namePrefix: string;
  /** Assumed by EventBridge (only for the bus rule) to put records into the Firehose. */
  deliveryRole: { name: string; arn: string };
  /** Events the bus rule could not deliver after EventBridge's retries. */
  deadLetterQueue: { name: string; arn: string };
  /** Other accounts whose rules send to the bus, sorted (the recipient needs no grant). */
  senderAccountIds: string[];
  /** Those accounts' rules (all target the bus): the bus policy's `aws:SourceArn`. */
  senderRuleArns: string[];
}

export interface DestinationPlan {
  region: string;
  name: string;
  arn: string;
  /** Source accounts with at least one log group forwarded in this region, sorted. */
  senderAccountIds: string[];
  /** Some sender forwards account-wide here: the access policy must allow `logs:PutAccountPolicy`. */
  accountPolicies: boolean;
}

export type RouteOrigin = "subscription" | "flowLog" | "cloudTrail";

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

/** A multi-region trail of one account, delivering to the archive and to a log group. */
export interface TrailPlan {
  accountId: string;
  region: string;
  name: string;
  arn: string;
  logGroup: string;
  logGroupArn: string;
  retentionDays: number;
  /** Role CloudTrail assumes to write the log group. */
  roleName: string;
  roleArn: string;
  /** Where in the archive bucket its files land: `AWSLogs/<account>/`. */
  bucketPrefix: string;
  /** An organization trail also writes `AWSLogs/<organizationId>/`. */
  organizationId?: string;
  snsTopic?: { name: string; arn: string };
}

export interface AlarmsPlan {
  /** Alarm names are `<namePrefix>-<alarm>`. */
  namePrefix: string;
  region: string;
  logGroup: string;
  topic: { name: string; arn: string };
  custom: AlarmSettings[];
  cis: boolean;
  notifications: AlarmNotifications;
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

/** One EventBridge rule of a source account. */
export interface EventRulePlan {
  /** `<account>/<region>/<name>` */
  key: string;
  accountId: string;
  region: string;
  /** The configured name; the physical one is `name`. */
  configName: string;
  name: string;
  arn: string;
  /** JSON text. */
  pattern: string;
  readOnlyEvents: boolean;
  description?: string;
}

/**
 * What the rules of one account and region share: the role EventBridge assumes to deliver, the
 * target (the recipient's bus; its Firehose for the recipient's own rules in the home region,
 * since EventBridge reaches a Firehose only in its own account and region) and a dead-letter queue.
 */
export interface EventSenderPlan {
  region: string;
  roleName: string;
  roleArn: string;
  target: { kind: "bus" | "firehose"; arn: string };
  deadLetterQueue: { name: string; arn: string };
  rules: EventRulePlan[];
}

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

/** Glue tables and an Athena workgroup over the archive, in the bucket's region. */
export interface AthenaPlan {
  region: string;
  database: string;
  workgroup: string;
  resultsBucket: { name: string; arn: string };
  resultsExpireDays: number;
  bytesScannedCutoffGiB?: number;
  tables: TableDefinition[];
  queries: NamedQueryDefinition[];
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
}

export function planRecipient(settings: Settings): RecipientPlan {
  const { namePrefix: p } = settings;
  const r = settings.recipient;
  const home = r.region;
  const acct = r.accountId;
  const firehoseName = `${p}-archive`;
  const firehose = {
    name: firehoseName,
    arn: arn.firehose(home, acct, firehoseName),
    roleName: `${p}-firehose`,
    roleArn: arn.role(acct, `${p}-firehose`),
    buffering: r.firehose,
  };
  const destinationRole = { name: `${p}-cwl-destination`, arn: arn.role(acct, `${p}-cwl-destination`) };
  const base = {
    accountId: acct,
    homeRegion: home,
    bucketRegion: r.bucketRegion,
    transport: r.transport,
    bucketName: r.bucketName,
    bucketArn: arn.bucket(r.bucketName),
    lifecycle: r.lifecycle,
    firehose,
    destinationRole,
    ...(r.organizationId ? { organizationId: r.organizationId } : {}),
    ...(r.trailKms ? { trailKey: { alias: `alias/${p}-cloudtrail`, region: r.bucketRegion } } : {}),
    ...(settings.sources.some((s) => s.events.length > 0) ? { events: planEventsArchive(settings) } : {}),
  };
  if (r.transport === "firehose") return { ...base, targetArn: firehose.arn };
  const search = r.search ? planSearch(settings, r.search) : undefined;
  const stream = {
    name: `${p}-logs`,
    arn: arn.stream(home, acct, `${p}-logs`),
    ...(r.stream.shardCount !== undefined ? { shardCount: r.stream.shardCount } : {}),
    retentionHours: r.stream.retentionHours,
  };
  const processorName = `${p}-cwl-gunzip`;
  return {
    ...base,
    stream,
    processor: {
      name: processorName,
      arn: arn.lambda(home, acct, processorName),
      roleName: `${p}-cwl-gunzip`,
      logGroup: `/aws/lambda/${processorName}`,
    },
    targetArn: stream.arn,
    ...(search ? { search } : {}),
  };
}

function planSearch(settings: Settings, search: SearchSettings): SearchPlan {
  const { domainName } = search;
  const { namePrefix: p } = settings;
  const { accountId: acct, region: home } = settings.recipient;
  const fn = (name: string): FunctionPlan => ({
    name,
    arn: arn.lambda(home, acct, name),
    roleName: name,
    roleArn: arn.role(acct, name),
    logGroup: `/aws/lambda/${name}`,
    logGroupArn: arn.logGroup(home, acct, `/aws/lambda/${name}`),
  });
  return {
    settings: search,
    domainName,
    domainArn: arn.searchDomain(home, acct, domainName),
    forwarder: fn(`${p}-search-forwarder`),
    provisioner: fn(`${p}-search-provisioner`),
    deadLetterQueue: { name: `${p}-search-dlq`, arn: arn.queue(home, acct, `${p}-search-dlq`) },
    adminSecretName: `${p}/search-admin`,
  };
}

/** The log groups of the recipient's own Lambdas (home region): never forwarded. */
export function pipelineLogGroups(recipient: RecipientPlan): string[] {
  return [
    ...(recipient.processor ? [recipient.processor.logGroup] : []),
    ...(recipient.search ? [recipient.search.forwarder.logGroup, recipient.search.provisioner.logGroup] : []),
  ];
}

function planEventsArchive(settings: Settings): EventsArchivePlan {
  const { namePrefix: p } = settings;
  const { accountId: acct, region: home } = settings.recipient;
  const bus = { name: `${p}-events`, arn: arn.eventBus(home, acct, `${p}-events`) };
  // The recipient's own rules need no grant on its bus (its role's permission is enough).
  const rules = settings.sources
    .filter((s) => s.accountId !== acct)
    .flatMap((s) =>
      s.events.map((e) => ({
        accountId: s.accountId,
        arn: arn.eventRule(e.region, s.accountId, `${p}-${e.name}`),
      })),
    );
  return {
    bus,
    busRule: { name: `${p}-archive`, arn: arn.eventRule(home, acct, `${p}-archive`, bus.name) },
    firehose: {
      name: `${p}-events`,
      arn: arn.firehose(home, acct, `${p}-events`),
      roleName: `${p}-events-firehose`,
      roleArn: arn.role(acct, `${p}-events-firehose`),
      buffering: settings.recipient.events,
    },
    namePrefix: p,
    deliveryRole: { name: `${p}-events-delivery`, arn: arn.role(acct, `${p}-events-delivery`) },
    deadLetterQueue: { name: `${p}-events-bus-dlq`, arn: arn.queue(home, acct, `${p}-events-bus-dlq`) },
    senderAccountIds: [...new Set(rules.map((r) => r.accountId))].sort(),
    senderRuleArns: rules.map((r) => r.arn).sort(),
  };
}

function planEventSenders(
  settings: Settings,
  recipient: RecipientPlan,
  source: SourceSettings,
): EventSenderPlan[] {
  const { namePrefix: p } = settings;
  const { accountId } = source;
  const events = recipient.events;
  if (!events) return [];
  const regions = [...new Set(source.events.map((e) => e.region))].sort();
  return regions.map((region) => {
    const direct = accountId === recipient.accountId && region === recipient.homeRegion;
    const roleName = `${p}-events-${region}`;
    const queueName = `${p}-events-dlq`;
    return {
      region,
      roleName,
      roleArn: arn.role(accountId, roleName),
      target: direct ? { kind: "firehose", arn: events.firehose.arn } : { kind: "bus", arn: events.bus.arn },
      deadLetterQueue: { name: queueName, arn: arn.queue(region, accountId, queueName) },
      rules: source.events
        .filter((e) => e.region === region)
        .map((e) => ({
          key: `${accountId}/${region}/${e.name}`,
          accountId,
          region,
          configName: e.name,
          name: `${p}-${e.name}`,
          arn: arn.eventRule(region, accountId, `${p}-${e.name}`),
          pattern: e.pattern,
          readOnlyEvents: e.readOnlyEvents,
          ...(e.description !== undefined ? { description: e.description } : {}),
        })),
    };
  });
}

export function planRouting(settings: Settings): RoutingPlan {
  const recipient = planRecipient(settings);
  const destinationName = settings.namePrefix;
  const destinationArn = (region: string) => arn.destination(region, recipient.accountId, destinationName);

  const sources: SourcePlan[] = settings.sources.map((source) => {
    const routes: RoutePlan[] = source.subscriptions.map((s) => ({
      key: `${source.accountId}/${s.region}/${s.logGroup}:${s.filterName}`,
      origin: "subscription",
      accountId: source.accountId,
      region: s.region,
      logGroup: s.logGroup,
      filterName: s.filterName,
      filterPattern: s.filterPattern,
      destinationArn: destinationArn(s.region),
    }));
    const flowLogs: FlowLogPlan[] = source.flowLogs.map((f) => ({
      ...f,
      key: `${source.accountId}/${f.region}/${f.vpcId}`,
      accountId: source.accountId,
      roleName: `${settings.namePrefix}-flow-logs-${f.region}`,
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
        destinationArn: destinationArn(f.region),
      });
    }
    const t = source.cloudTrail;
    const cloudTrail: TrailPlan | undefined = t && {
      accountId: source.accountId,
      region: t.region,
      name: t.name,
      arn: arn.trail(t.region, source.accountId, t.name),
      logGroup: t.logGroup,
      logGroupArn: arn.logGroup(t.region, source.accountId, t.logGroup),
      retentionDays: t.retentionDays,
      roleName: `${settings.namePrefix}-cloudtrail-logs`,
      roleArn: arn.role(source.accountId, `${settings.namePrefix}-cloudtrail-logs`),
      bucketPrefix: `AWSLogs/${source.accountId}/`,
      ...(t.organization && recipient.organizationId ? { organizationId: recipient.organizationId } : {}),
      ...(t.snsTopic
        ? {
            snsTopic: {
              name: `${settings.namePrefix}-cloudtrail`,
              arn: arn.topic(t.region, source.accountId, `${settings.namePrefix}-cloudtrail`),
            },
          }
        : {}),
    };
    if (t?.forward) {
      routes.push({
        key: `${source.accountId}/${t.region}/${t.logGroup}:${t.forward.filterName}`,
        origin: "cloudTrail",
        accountId: source.accountId,
        region: t.region,
        logGroup: t.logGroup,
        filterName: t.forward.filterName,
        filterPattern: t.forward.filterPattern,
        destinationArn: destinationArn(t.region),
      });
    }
    const alarms: AlarmsPlan | undefined =
      t && (source.alarms.length > 0 || source.cisAlarms)
        ? {
            namePrefix: settings.namePrefix,
            region: t.region,
            logGroup: t.logGroup,
            topic: {
              name: `${settings.namePrefix}-alarms`,
              arn: arn.topic(t.region, source.accountId, `${settings.namePrefix}-alarms`),
            },
            custom: source.alarms,
            cis: source.cisAlarms,
            notifications: source.alarmNotifications,
          }
        : undefined;
    // `-sender-`, not `-cwl-sender-`: with the longest prefix (39) and region (14) it must fit IAM's 64.
    const senderRoleName = (region: string) => `${settings.namePrefix}-sender-${region}`;
    const accountPolicies: AccountPolicyPlan[] = (source.forwardAll?.regions ?? [])
      .slice()
      .sort()
      .map((region) => {
        const own = source.accountId === recipient.accountId && region === recipient.homeRegion;
        const excluded = [
          // The pipeline's own Lambdas log for every batch: forwarding them would feed them forever.
          ...(own ? pipelineLogGroups(recipient) : []),
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
          name: `${settings.namePrefix}-forward-all`,
          destinationArn: destinationArn(region),
          filterPattern,
          excluded: sorted,
          document: {
            DestinationArn: destinationArn(region),
            FilterPattern: filterPattern,
            ...(recipient.transport === "kinesis" ? { Distribution: "Random" as const } : {}),
            ...(recipient.organizationId
              ? { RoleArn: arn.role(source.accountId, senderRoleName(region)) }
              : {}),
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
    const senderRoles: SenderRolePlan[] = recipient.organizationId
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
    return {
      accountId: source.accountId,
      regions: [...source.regions],
      routes,
      accountPolicies,
      senderRoles,
      flowLogs,
      ...(cloudTrail ? { cloudTrail } : {}),
      ...(alarms ? { alarms } : {}),
      eventSenders: planEventSenders(settings, recipient, source),
    };
  });

  const senders = new Map<string, Set<string>>();
  for (const route of sources.flatMap((s) => [...s.routes, ...s.accountPolicies])) {
    const set = senders.get(route.region) ?? new Set<string>();
    set.add(route.accountId);
    senders.set(route.region, set);
  }
  const destinations: DestinationPlan[] = [...senders.keys()].sort().map((region) => ({
    region,
    name: destinationName,
    arn: destinationArn(region),
    senderAccountIds: [...(senders.get(region) ?? [])].sort(),
    accountPolicies: sources.some((s) => s.accountPolicies.some((a) => a.region === region)),
  }));

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
    ? planAthena(settings, recipient, destinations, sources, trails)
    : undefined;
  return {
    namePrefix: settings.namePrefix,
    recipient,
    destinations,
    sources,
    placements: [...placements.keys()].sort().map((k) => placements.get(k)!),
    trails,
    ...(athena ? { athena } : {}),
  };
}

function planAthena(
  settings: Settings,
  recipient: RecipientPlan,
  destinations: DestinationPlan[],
  sources: SourcePlan[],
  trails: TrailPlan[],
): AthenaPlan {
  const a = settings.recipient.athena;
  const sorted = (ids: Iterable<string>) => [...new Set(ids)].sort();
  const orgTrail = trails.find((t) => t.organizationId);
  const tables = athenaTables({
    bucket: recipient.bucketName,
    organizationMode: recipient.organizationId !== undefined,
    logAccounts: sorted(destinations.flatMap((d) => d.senderAccountIds)),
    eventAccounts: sorted(sources.filter((s) => s.eventSenders.length > 0).map((s) => s.accountId)),
    trailAccounts: sorted(trails.filter((t) => !t.organizationId).map((t) => t.accountId)),
    ...(orgTrail?.organizationId
      ? {
          organizationTrail: {
            organizationId: orgTrail.organizationId,
            accounts: sorted([recipient.accountId, ...sources.map((s) => s.accountId)]),
          },
        }
      : {}),
  });
  return {
    region: recipient.bucketRegion,
    database: a.database,
    workgroup: settings.namePrefix,
    resultsBucket: { name: a.resultsBucketName, arn: arn.bucket(a.resultsBucketName) },
    resultsExpireDays: a.resultsExpireDays,
    ...(a.bytesScannedCutoffGiB !== undefined ? { bytesScannedCutoffGiB: a.bytesScannedCutoffGiB } : {}),
    tables,
    queries: namedQueries(a.database, tables),
  };
}
