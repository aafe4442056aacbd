/**
 * Every physical name the plan derives, with the config key that makes it, checked against the
 * limits table (infra/kernel/nameLimits.ts): a name that does not fit is refused on that key.
 */
import { alarmName, alarmSpecs } from "../cloudtrail/alarmSpecs";
import type { RawConfig, Settings } from "../config";
import { formatPath, valueAt } from "../kernel/messages";
import { type NameKind, nameProblem, type PlannedName } from "../kernel/nameLimits";
import type { RoutingPlan } from "../plan";

/**
 * Every physical name the program gives a resource, with its kind and the config key that makes
 * it. Names derived from the prefix alone name `namePrefix`; names holding a configured name
 * name that key. Pure: the same list whether or not anything is deployed.
 */
export function plannedNames(settings: Settings, plan: RoutingPlan): PlannedName[] {
  const p = settings.namePrefix;
  const names: PlannedName[] = [];
  const prefixKey: { key: (string | number)[]; value: string } = { key: ["namePrefix"], value: p };
  const add = (kind: NameKind, name: string, what: string, from = prefixKey) => {
    names.push({ kind, name, what, key: from.key, value: from.value });
  };

  const r = plan.recipient;
  const rs = settings.recipient;
  add("s3Bucket", r.bucketName, "archive bucket", { key: ["recipient", "bucketName"], value: r.bucketName });
  add("firehose", r.firehose.name, "archive Firehose");
  add("logGroup", r.firehose.errorLogGroup.name, "archive Firehose error log");
  add("iamRole", r.firehose.roleName, "archive Firehose role");
  add("iamRole", r.destinationRole.name, "destination role");
  if (r.stream) add("kinesisStream", r.stream.name, "stream");
  if (r.processor) {
    add("lambdaFunction", r.processor.name, "gunzip processor");
    add("iamRole", r.processor.roleName, "gunzip processor role");
    add("logGroup", r.processor.logGroup, "gunzip processor log group");
  }
  if (r.trailKey) add("kmsAlias", r.trailKey.alias, "trail key alias");
  if (r.events) {
    const e = r.events;
    add("eventBus", e.bus.name, "events bus");
    add("eventRule", e.busRule.name, "events bus rule");
    add("firehose", e.firehose.name, "events Firehose");
    add("logGroup", e.firehose.errorLogGroup.name, "events Firehose error log");
    add("iamRole", e.firehose.roleName, "events Firehose role");
    add("iamRole", e.deliveryRole.name, "events delivery role");
    add("sqsQueue", e.deadLetterQueue.name, "events bus dead-letter queue");
  }
  if (r.search) {
    const s = r.search;
    const domainKey = { key: ["recipient", "search", "domainName"], value: s.domainName };
    add("openSearchDomain", s.domainName, "search domain", domainKey);
    for (const [fn, what] of [
      [s.forwarder, "search forwarder"],
      [s.provisioner, "search provisioner"],
    ] as const) {
      add("lambdaFunction", fn.name, what);
      add("iamRole", fn.roleName, `${what} role`);
      add("logGroup", fn.logGroup, `${what} log group`);
    }
    add("sqsQueue", s.deadLetterQueue.name, "search dead-letter queue");
    add("secret", s.adminSecretName, "search admin secret");
  }
  for (const d of plan.destinations) add("logDestination", d.name, `destination in ${d.region}`);

  plan.sources.forEach((source, i) => {
    const s = settings.sources[i];
    const at = (...path: (string | number)[]) => ["sources", i, ...path];
    const acct = source.accountId;
    s?.subscriptions.forEach((sub, j) => {
      const from = { key: at("subscriptions", j, "filterName"), value: sub.filterName };
      add("subscriptionFilter", sub.filterName, `subscription filter of ${acct}`, from);
    });
    s?.flowLogs.forEach((f, j) => {
      add("logGroup", f.logGroup, `flow log group of ${acct}`, {
        key: at("flowLogs", j, "logGroup"),
        value: f.logGroup,
      });
      if (f.forward)
        add("subscriptionFilter", f.filterName, `flow log filter of ${acct}`, {
          key: at("flowLogs", j, "filterName"),
          value: f.filterName,
        });
    });
    for (const f of source.flowLogs) add("iamRole", f.roleName, `flow log role of ${acct} in ${f.region}`);
    const t = source.cloudTrail;
    if (t) {
      add("cloudTrail", t.name, `trail of ${acct}`, { key: at("cloudTrail", "name"), value: t.name });
      add("logGroup", t.logGroup, `trail log group of ${acct}`, {
        key: at("cloudTrail", "logGroup"),
        value: t.logGroup,
      });
      add("iamRole", t.roleName, `trail log role of ${acct}`);
      if (t.snsTopic) add("snsTopic", t.snsTopic.name, `trail topic of ${acct}`);
      const forward = s?.cloudTrail?.forward;
      if (forward)
        add("subscriptionFilter", forward.filterName, `trail filter of ${acct}`, {
          key: at("cloudTrail", "forward", "filterName"),
          value: forward.filterName,
        });
    }
    if (source.alarms) {
      add("snsTopic", source.alarms.topic.name, `alarm topic of ${acct}`);
      for (const spec of alarmSpecs(source.alarms)) {
        const j = s?.alarms.findIndex((a) => a.name === spec.name) ?? -1;
        const from = j >= 0 ? { key: at("alarms", j, "name"), value: spec.name } : prefixKey;
        add("metricFilter", spec.name, `metric filter of ${acct}`, from);
        add("alarm", alarmName(p, spec), `alarm of ${acct}`, from);
        add("metricName", spec.metricName, `metric of ${acct}`, from);
        add("metricNamespace", spec.namespace, `metric namespace of ${acct}`);
      }
    }
    for (const a of source.accountPolicies)
      add("accountPolicy", a.name, `account policy of ${acct} in ${a.region}`);
    for (const role of source.senderRoles)
      add("iamRole", role.name, `sender role of ${acct} in ${role.region}`);
    for (const sender of source.eventSenders) {
      add("iamRole", sender.roleName, `events role of ${acct} in ${sender.region}`);
      add("sqsQueue", sender.deadLetterQueue.name, `events dead-letter queue of ${acct} in ${sender.region}`);
      for (const rule of sender.rules) {
        const j = s?.events.findIndex((e) => e.name === rule.configName && e.region === rule.region) ?? -1;
        const from = j >= 0 ? { key: at("events", j, "name"), value: rule.configName } : prefixKey;
        add("eventRule", rule.name, `events rule of ${acct} in ${rule.region}`, from);
      }
    }
  });

  const ops = plan.operations;
  const opsKey = (what: string) => ({ key: ["operations", what], value: String(settings.operations.canary) });
  for (const source of plan.sources)
    for (const route of source.routes.filter((r) => r.origin === "canary")) {
      add("logGroup", route.logGroup, `canary log group of ${route.accountId}`, opsKey("canary"));
      add("subscriptionFilter", route.filterName, `canary filter of ${route.accountId}`, opsKey("canary"));
    }
  for (const topic of ops.topics) {
    const where = `${topic.accountId} in ${topic.region}`;
    add("snsTopic", topic.name, `operations topic of ${where}`);
    for (const a of topic.alarms) {
      add("alarm", a.name, `health alarm of ${where}`);
      if (a.metric) {
        add("metricName", a.metric.metricName, `metric of ${a.name}`);
        add("metricNamespace", a.metric.namespace, `metric namespace of ${a.name}`);
      }
    }
  }
  if (ops.dashboard) add("dashboard", ops.dashboard.name, "dashboard");

  if (plan.athena) {
    const a = plan.athena;
    add("s3Bucket", a.resultsBucket.name, "Athena results bucket", {
      key: ["recipient", "athena", "resultsBucketName"],
      value: a.resultsBucket.name,
    });
    const dbKey = { key: ["recipient", "athena", "database"], value: rs.athena.database };
    add("glueDatabase", a.database, "Glue database", dbKey);
    add("athenaWorkgroup", a.workgroup, "Athena workgroup");
    for (const t of a.tables) add("glueTable", t.name, "Glue table");
    for (const q of a.queries) add("athenaNamedQuery", q.name, "Athena named query");
  }
  return names;
}

export interface NameFinding extends PlannedName {
  /** What is wrong, as a predicate ("is 65 characters; IAM role names allow at most 64"). */
  rule: string;
}

/** The planned names that break their kind's rule. */
export function nameFindings(names: readonly PlannedName[]): NameFinding[] {
  return names.flatMap((n) => {
    const rule = nameProblem(n.kind, n.name);
    return rule === undefined ? [] : [{ ...n, rule }];
  });
}

/**
 * Every physical name the plan derives must fit its service's limit (`infra/kernel/nameLimits.ts`); a
 * name that does not is refused on the key that makes it, once per key and name.
 */
export function checkNames(settings: Settings, plan: RoutingPlan, raw: RawConfig): string[] {
  const seen = new Set<string>();
  const errors: string[] = [];
  for (const f of nameFindings(plannedNames(settings, plan))) {
    const where = formatPath(f.key);
    if (seen.has(`${where}\n${f.name}`)) continue;
    seen.add(`${where}\n${f.name}`);
    const isDefault = valueAt(raw, f.key) === undefined;
    const given = isDefault ? `the default '${f.value}'` : `'${f.value}'`;
    // A default comes from namePrefix: setting the key itself is the way out.
    const hint = isDefault && where !== "namePrefix" ? `; set ${where}` : "";
    errors.push(`${where}: ${given} makes the ${f.what} '${f.name}', which ${f.rule}${hint}`);
  }
  return errors;
}
