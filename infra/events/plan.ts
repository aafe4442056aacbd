/**
 * The events capability's part of the plan: the recipient's bus, bus rule and events Firehose,
 * and each source's EventBridge rules grouped by region with their role and dead-letter queue.
 */
import type { Buffering } from "../archive/schema";
import type { Settings, SourceSettings } from "../config";
import { arn } from "../kernel/names";
import { eventsNames } from "./names";

/**
 * The recipient side of the EventBridge route, all in the home region: a bus that admits the
 * sources' rules, a rule on it, and the Firehose that writes JSON Lines into the archive.
 */
export interface EventsArchivePlan {
  bus: { name: string; arn: string };
  /** The rule on the bus that delivers everything on it to the Firehose. */
  busRule: { name: string; arn: string };
  firehose: {
    name: string;
    arn: string;
    roleName: string;
    roleArn: string;
    buffering: Buffering;
    /** The log group its delivery and processing errors go to (CloudWatchLoggingOptions). */
    errorLogGroup: { name: string; arn: string };
  };
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

/** `operations.canary`: a rule in every source region with rules, for `npm run verify`'s events. */
export interface EventsCanary {
  /** The configured name the rule takes (`{p}-<name>`): config refuses it for users' rules. */
  configName: string;
  pattern: string;
}

export function planEventsArchive(settings: Settings, canary?: EventsCanary): EventsArchivePlan {
  const { namePrefix: p } = settings;
  const { accountId: acct, region: home } = settings.recipient;
  const names = eventsNames(p);
  const bus = { name: names.bus, arn: arn.eventBus(home, acct, names.bus) };
  // The recipient's own rules need no grant on its bus (its role's permission is enough).
  const rules = settings.sources
    .filter((s) => s.accountId !== acct)
    .flatMap((s) => [
      ...s.events.map((e) => ({
        accountId: s.accountId,
        arn: arn.eventRule(e.region, s.accountId, names.rule(e.name)),
      })),
      ...(canary
        ? [...new Set(s.events.map((e) => e.region))].map((region) => ({
            accountId: s.accountId,
            arn: arn.eventRule(region, s.accountId, names.rule(canary.configName)),
          }))
        : []),
    ]);
  return {
    bus,
    busRule: { name: names.busRule, arn: arn.eventRule(home, acct, names.busRule, bus.name) },
    firehose: {
      name: names.firehose,
      arn: arn.firehose(home, acct, names.firehose),
      roleName: names.firehoseRole,
      roleArn: arn.role(acct, names.firehoseRole),
      errorLogGroup: { name: names.firehoseErrorLog, arn: arn.logGroup(home, acct, names.firehoseErrorLog) },
      buffering: settings.recipient.events,
    },
    namePrefix: p,
    deliveryRole: { name: names.deliveryRole, arn: arn.role(acct, names.deliveryRole) },
    deadLetterQueue: { name: names.busDeadLetterQueue, arn: arn.queue(home, acct, names.busDeadLetterQueue) },
    senderAccountIds: [...new Set(rules.map((r) => r.accountId))].sort(),
    senderRuleArns: rules.map((r) => r.arn).sort(),
  };
}

export function planEventSenders(
  namePrefix: string,
  recipient: { accountId: string; homeRegion: string; events?: EventsArchivePlan },
  source: SourceSettings,
  canary?: EventsCanary,
): EventSenderPlan[] {
  const names = eventsNames(namePrefix);
  const { accountId } = source;
  const events = recipient.events;
  if (!events) return [];
  const regions = [...new Set(source.events.map((e) => e.region))].sort();
  return regions.map((region) => {
    const direct = accountId === recipient.accountId && region === recipient.homeRegion;
    const roleName = names.senderRole(region);
    const queueName = names.senderDeadLetterQueue;
    return {
      region,
      roleName,
      roleArn: arn.role(accountId, roleName),
      target: direct ? { kind: "firehose", arn: events.firehose.arn } : { kind: "bus", arn: events.bus.arn },
      deadLetterQueue: { name: queueName, arn: arn.queue(region, accountId, queueName) },
      rules: [
        ...source.events.filter((e) => e.region === region),
        ...(canary
          ? [
              {
                name: canary.configName,
                pattern: canary.pattern,
                readOnlyEvents: false,
                description: "central-logging: canary events of npm run verify",
              },
            ]
          : []),
      ].map((e) => ({
        key: `${accountId}/${region}/${e.name}`,
        accountId,
        region,
        configName: e.name,
        name: names.rule(e.name),
        arn: arn.eventRule(region, accountId, names.rule(e.name)),
        pattern: e.pattern,
        readOnlyEvents: e.readOnlyEvents,
        ...(e.description !== undefined ? { description: e.description } : {}),
      })),
    };
  });
}
