/**
 * The stack-config contract: one zod schema for `central-logging:*`, parsed once. The rest of the
 * program sees only the typed, validated, defaulted `Settings`. This is the root: the top-level
 * keys, and the recipient and a source composed of each capability's part (`infra/<capability>/
 * schema.ts`, shared pieces in infra/kernel/schema.ts), one entry per capability.
 *
 * A bad config must stop the program before any resource is registered, with every problem in
 * one message, each line naming the key and the value (`sources[1].regions[0]: 'us-east-9' is not
 * an AWS region`). `parseSettings` is pure (tests call it directly) and checks the config's shape
 * and its cross-field rules; limits that depend on the plan are checked on the plan (infra/checks),
 * and infra/stack.ts puts the three together, once.
 */
import { z } from "zod";
import {
  archiveRecipientKeys,
  checkArchiveBucket,
  checkLifecycle,
  checkStream,
  LifecycleSchema,
} from "./archive/schema";
import { type AthenaSettings, athenaRecipientKeys, checkAthena } from "./athena/schema";
import {
  type CloudTrailSettings,
  checkAlarms,
  checkTrailsAtRecipient,
  cloudTrailRecipientKeys,
  cloudTrailSourceKeys,
} from "./cloudtrail/schema";
import {
  type EventRuleSettings,
  eventsRecipientKeys,
  eventsSourceKeys,
  resolveEvents,
} from "./events/schema";
import {
  type FlowLog,
  type ForwardAllSettings,
  forwardingRecipientKeys,
  forwardingSourceKeys,
  MAX_FILTERS_PER_LOG_GROUP,
  resolveForwardAll,
  type Subscription,
} from "./forwarding/schema";
import { DEFAULT_PROVIDER_BUDGET_MIB, PROVIDER_PROCESS_MIB } from "./kernel/deployCost";
import { formatMessage, isRecord, valueAt } from "./kernel/messages";
import {
  accountId,
  int,
  isTwelveDigitNumber,
  type Resolved,
  ROLE_ARN,
  type RuleContext,
  region,
  roleArn,
  transport,
} from "./kernel/schema";
import { operationsNames } from "./operations/names";
import { checkOperations, OperationsSchema } from "./operations/schema";
import { checkSearch, type SearchSettings, searchRecipientKeys } from "./search/schema";

export const PROJECT = "central-logging";

const ACCOUNT_ID_RULE =
  "12 digits; quote it in YAML. A bare 12-digit number (what `pulumi config set --path` stores) is accepted; a number that lost its leading zeros (`012345678901` read as `12345678901`) is refused with `must be a string (quote it in YAML)`.";

/** Physical names are `<namePrefix>-...`: IAM role names (64) and S3 names (lowercase) bound it. */
// 3 at least: the prefix is also the default trail name, and CloudTrail wants 3 characters.
const NAME_PREFIX = /^[a-z][a-z0-9-]{1,37}[a-z0-9]$/;
const NAME_PREFIX_RULE = "3-39 lowercase letters, digits and hyphens, starting with a letter";

/**
 * A source account: its own keys, then one entry per capability. The generated reference, the
 * JSON Schema and the order of error lines follow these keys' order, which keeps `forwardAll`
 * after `cloudTrail` as it always was.
 */
const SourceSchema = z.strictObject(
  moveAfter(
    {
      accountId: accountId.meta({
        description: `${ACCOUNT_ID_RULE} **Each account appears once**: put all of its regions in one entry.`,
      }),
      roleArn: roleArn.optional().meta({
        description:
          "`arn:aws:iam::<account>:role/<name>`, a role in this `accountId` that the program deploys with; unset means the ambient credentials already belong to it.",
      }),
      regions: z
        .array(region)
        .min(1, { error: "must list at least one region" })
        .superRefine((regions, ctx) => {
          regions.forEach((r, i) => {
            const first = regions.indexOf(r);
            if (first !== i)
              ctx.addIssue({
                code: "custom",
                path: [i],
                message: `is listed twice (also regions[${first}])`,
              });
          });
        })
        .meta({
          description:
            "The account's regions, no duplicates, each an AWS region the program knows (a typo such as `us-east-9` is refused). Every listed region gets a provider.",
        }),
      ...forwardingSourceKeys,
      ...cloudTrailSourceKeys,
      ...eventsSourceKeys,
    },
    "forwardAll",
    "cloudTrail",
  ),
);

/** `shape` with `key` moved to just after `after` (an object's keys keep their insertion order). */
function moveAfter<T extends Record<string, unknown>>(
  shape: T,
  key: keyof T & string,
  after: keyof T & string,
): T {
  const entries = Object.entries(shape).filter(([k]) => k !== key);
  entries.splice(entries.findIndex(([k]) => k === after) + 1, 0, [key, shape[key]]);
  return Object.fromEntries(entries) as T;
}

/** The recipient account: its own keys, then one entry per capability. */
const RecipientSchema = z.strictObject({
  accountId: accountId.meta({ description: ACCOUNT_ID_RULE }),
  roleArn: roleArn.optional().meta({
    description:
      "`arn:aws:iam::<account>:role/<name>`, a role in `accountId` that the program deploys with; unset means the ambient credentials already belong to that account. If the recipient account is also a source, both entries need the same `roleArn` (or none).",
  }),
  region: region.meta({
    description:
      "The home region: stream, Firehoses, Lambdas, event bus and search domain. An AWS region the program knows: a typo such as `us-east-9` is refused.",
  }),
  bucketRegion: region.optional().meta({
    description:
      "The region of the archive bucket, and of the Athena database, tables, workgroup and results bucket.",
    defaultText: "`region`",
  }),
  transport,
  ...cloudTrailRecipientKeys,
  ...forwardingRecipientKeys,
  ...archiveRecipientKeys,
  ...eventsRecipientKeys,
  ...athenaRecipientKeys,
  ...searchRecipientKeys,
});

/** The parts one program can deploy as: see `part` in the README ("Splitting a large organization"). */
export const PARTS = ["all", "recipient", "sources"] as const;
export type Part = (typeof PARTS)[number];

const namePrefix = z
  .string()
  .regex(NAME_PREFIX, { error: `must be ${NAME_PREFIX_RULE}` })
  .optional()
  .meta({
    description:
      "The prefix `{p}` of every physical name: 3–39 lowercase letters, digits and hyphens, starting with a letter. IAM role names stop at 64 characters and S3 names are lowercase; it is also the default trail name, and CloudTrail wants at least 3 characters. A stack name that makes the default unusable (e.g. `team_a.prod`) is refused with a hint to set this key. Changing it renames, and so replaces, everything: set it once.",
    defaultText: "`central-logging-<stack>`, lower-cased",
  });

const part = z.enum(PARTS, { error: "must be all, recipient or sources" }).default("all").meta({
  description:
    "What this stack deploys: everything, only the recipient account, or only the source accounts listed in `sources`, which then read the recipient stack's outputs. See [Splitting a large organization](organization.md#splitting-a-large-organization).",
});

const recipientStack = z
  .string()
  .regex(/^[\w.-]+\/[\w.-]+\/[\w.-]+$/, {
    error: "is not a stack reference (<organization>/<project>/<stack>)",
  })
  .optional()
  .meta({
    description:
      "The recipient stack whose outputs a `part: sources` stack uses, as `<organization>/<project>/<stack>`. Required with `part: sources`; refused with any other part.",
  });

/** A real deploy's provider processes must fit the machine that runs it (infra/checks/deployCost.ts). */
// `pulumi config set central-logging:providerBudgetMiB 8192` stores the text "8192".
const providerBudgetMiB = z
  .preprocess(
    (v) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v),
    int(PROVIDER_PROCESS_MIB, 1_048_576),
  )
  .default(DEFAULT_PROVIDER_BUDGET_MIB)
  .meta({
    jsonSchema: {
      anyOf: [
        { type: "integer", minimum: PROVIDER_PROCESS_MIB, maximum: 1_048_576 },
        { type: "string", pattern: "^\\d+$" },
      ],
      default: DEFAULT_PROVIDER_BUDGET_MIB,
    },
    description: `The memory, in MiB, that this stack's provider plugin processes may take on the machine that runs \`pulumi up\`: one AWS provider per account (and \`random\` with search), estimated at ${PROVIDER_PROCESS_MIB} MiB each. The default suits a 7 GB CI runner. A stack over it is refused with the numbers and how to shard it ([Splitting a large organization](organization.md#splitting-a-large-organization)).`,
  });

const RootSchema = z
  .strictObject({
    namePrefix,
    providerBudgetMiB,
    // The recipient and each source are parsed on their own (below), so that one broken entry
    // does not hide another's problems; here only their presence and shape matter.
    recipient: z.unknown(),
    sources: z.array(z.unknown()).default([]),
    part,
    recipientStack,
    operations: OperationsSchema,
  })
  .superRefine(checkAcrossEntries, { when: () => true })
  .superRefine((root, ctx) => {
    if (root.part === "sources" && root.recipientStack === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["recipientStack"],
        message: "is required with part: sources (the recipient stack whose outputs the sources use)",
      });
    if (root.part !== "sources" && root.recipientStack !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["recipientStack"],
        message: `only applies with part: sources (this stack's part is ${root.part})`,
      });
  });

/**
 * The `central-logging:` namespace as a user writes it, each key described (`.meta`): the source
 * of the generated reference and JSON Schema (tools/docs, `npm run docs`). Never parsed with:
 * `parseSettings` takes the recipient and each source on their own, and the cross-field rules
 * live there, not here. Meta keys besides `description`: `defaultText` names a default the config
 * step computes; `jsonSchema` replaces what zod infers where the input is wider than the schema.
 */
export const StackConfigSchema = z.strictObject({
  namePrefix,
  providerBudgetMiB,
  part,
  recipientStack,
  recipient: RecipientSchema.meta({
    description:
      "The log-archive account: it receives, archives, and optionally queries and indexes the logs.",
  }),
  sources: z
    .array(SourceSchema)
    .default([])
    .meta({ description: "The accounts that send logs: each account once, with all of its regions." }),
  operations: OperationsSchema,
});

/** Raw config as read from the stack: each key of the `central-logging` namespace, unprefixed. */
export interface RawConfig {
  namePrefix?: unknown;
  recipient?: unknown;
  sources?: unknown;
  part?: unknown;
  recipientStack?: unknown;
  providerBudgetMiB?: unknown;
  operations?: unknown;
  /** Any other key is refused as unknown (a typo such as `central-logging:source`). */
  [key: string]: unknown;
}

/**
 * The `central-logging:*` entries of a stack's config (as `pulumi.runtime.allConfig()` or a
 * stack file gives them), unprefixed; JSON text is parsed, plain strings are kept as they are.
 */
export function rawConfigFrom(entries: Record<string, unknown>): RawConfig {
  const prefix = `${PROJECT}:`;
  const raw: RawConfig = {};
  for (const [key, value] of Object.entries(entries)) {
    if (!key.startsWith(prefix)) continue;
    raw[key.slice(prefix.length)] = typeof value === "string" ? parseJsonOrText(value) : value;
  }
  return raw;
}

/** Pulumi stores maps and lists as JSON text and strings as they are ("true" stays a string). */
function parseJsonOrText(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Settings types are the schema's own output, each capability's from its part (`Resolved`,
 * infra/kernel/schema.ts, makes the keys the config step resolves required).
 */
type RecipientOutput = z.output<typeof RecipientSchema>;
type SourceOutput = z.output<typeof SourceSchema>;

export type SourceSettings = Omit<
  SourceOutput,
  "subscriptions" | "flowLogs" | "cloudTrail" | "forwardAll" | "events"
> & {
  subscriptions: Subscription[];
  flowLogs: FlowLog[];
  cloudTrail?: CloudTrailSettings;
  forwardAll?: ForwardAllSettings;
  events: EventRuleSettings[];
};
export type RecipientSettings = Resolved<
  Omit<RecipientOutput, "athena" | "search">,
  "bucketRegion" | "bucketName"
> & {
  athena: AthenaSettings;
  search?: SearchSettings;
};
export type Settings = Resolved<Omit<z.output<typeof RootSchema>, "recipient" | "sources">, "namePrefix"> & {
  stack: string;
  recipient: RecipientSettings;
  sources: SourceSettings[];
};

export type ParseResult = { ok: true; settings: Settings } | { ok: false; errors: string[] };

/** Validates the raw stack config; pure, so every rule is unit-tested without Pulumi. */
export function parseSettings(raw: RawConfig, stack: string): ParseResult {
  const input = { ...raw, sources: raw.sources ?? [] };
  const errors: string[] = [];
  const report = (issues: z.core.$ZodIssue[], at: (string | number)[] = []) => {
    for (const issue of issues)
      errors.push(...formatIssue({ ...issue, path: [...at, ...issue.path] }, input));
  };

  // Reported in the order of the file: the recipient, then top-level keys and duplicate accounts.
  const parsedRecipient = RecipientSchema.safeParse(input.recipient, { error: genericMessage });
  if (!parsedRecipient.success) report(parsedRecipient.error.issues, ["recipient"]);
  const root = RootSchema.safeParse(stripUndefined(input), { error: genericMessage });
  if (!root.success) report(root.error.issues);

  const namePrefix = stackPrefix(raw, stack);
  if (raw.namePrefix === undefined && !NAME_PREFIX.test(namePrefix)) {
    errors.push(
      `namePrefix: the default '${namePrefix}' (from the stack name) must be ${NAME_PREFIX_RULE}; set central-logging:namePrefix`,
    );
  }

  const sources: SourceSettings[] = [];
  const rawSources = Array.isArray(input.sources) ? input.sources : [];
  rawSources.forEach((rawSource, index) => {
    const parsed = SourceSchema.safeParse(rawSource, { error: genericMessage });
    if (!parsed.success) {
      report(parsed.error.issues, ["sources", index]);
      return;
    }
    const resolved = resolveSource(parsed.data, index, input, errors, namePrefix);
    if (resolved) sources.push(resolved);
  });

  // The recipient's cross-field rules run whenever the recipient itself is well-formed, so their
  // problems are reported together with those of other keys (not only once everything else is fixed).
  let recipient: RecipientSettings | undefined;
  if (parsedRecipient.success) {
    const { search, ...r } = parsedRecipient.data;
    const bucketRegion = r.bucketRegion ?? r.region;
    recipient = {
      ...r,
      bucketRegion,
      bucketName: r.bucketName ?? `${namePrefix}-archive-${r.accountId}-${bucketRegion}`,
      athena: {
        ...r.athena,
        database: r.athena.database ?? namePrefix.replaceAll("-", "_"),
        resultsBucketName:
          r.athena.resultsBucketName ?? `${namePrefix}-athena-${r.accountId}-${bucketRegion}`,
      },
      ...(search
        ? {
            search: {
              ...search,
              domainName: search.domainName ?? namePrefix,
              replicas: search.replicas ?? (search.instanceCount > 1 ? 1 : 0),
            },
          }
        : {}),
    };
    errors.push(...checkRecipient(recipient, raw, sources, NAME_PREFIX.test(namePrefix)));
    if (root.success) {
      const events = sources.some((s) => s.events.length > 0);
      // The entry's place in the file: a resolved source holds its account id as text, the file
      // may hold a bare 12-digit number.
      const sourcePath = (s: SourceSettings, ...path: (string | number)[]) => [
        "sources",
        rawSources.findIndex((r) => isRecord(r) && String(r.accountId) === s.accountId),
        ...path,
      ];
      checkOperations(
        root.data.operations,
        { fail: (path, message) => errors.push(formatMessage(path, valueAt(raw, path), message)) },
        {
          bufferIntervals: [
            {
              key: "recipient.firehose.bufferIntervalSeconds",
              seconds: recipient.firehose.bufferIntervalSeconds,
            },
            ...(events
              ? [
                  {
                    key: "recipient.events.bufferIntervalSeconds",
                    seconds: recipient.events.bufferIntervalSeconds,
                  },
                ]
              : []),
          ],
          eventRuleNames: sources.flatMap((s) =>
            s.events.map((e, j) => ({
              path: sourcePath(s, "events", j, "name"),
              name: e.name,
            })),
          ),
          canaryLogGroup: operationsNames(namePrefix).canaryLogGroup,
          // A resolved source keeps every entry, in its config order.
          logGroups: sources.flatMap((s) => [
            ...s.subscriptions.map((x, j) => ({
              path: sourcePath(s, "subscriptions", j, "logGroup"),
              name: x.logGroup,
            })),
            ...s.flowLogs.map((f, j) => ({
              path: sourcePath(s, "flowLogs", j, "logGroup"),
              name: f.logGroup,
            })),
            ...(s.cloudTrail
              ? [{ path: sourcePath(s, "cloudTrail", "logGroup"), name: s.cloudTrail.logGroup }]
              : []),
          ]),
        },
      );
    }
  } else if (isRecord(input.recipient)) {
    // Another recipient key is broken: the lifecycle order is still checked on its own.
    const lifecycle = LifecycleSchema.safeParse(input.recipient.lifecycle ?? {});
    if (lifecycle.success) errors.push(...checkLifecycle(lifecycle.data, raw));
  }

  if (!root.success || recipient === undefined || errors.length > 0)
    return { ok: false, errors: dedupe(errors) };
  const settings: Settings = {
    stack,
    namePrefix,
    part: root.data.part,
    providerBudgetMiB: root.data.providerBudgetMiB,
    operations: root.data.operations,
    ...(root.data.recipientStack !== undefined ? { recipientStack: root.data.recipientStack } : {}),
    recipient,
    sources,
  };
  return { ok: true, settings };
}

// ---------------------------------------------------------------------------------------------
// Cross-entry rules (the ones a per-field schema cannot express).

function checkAcrossEntries(value: unknown, ctx: z.RefinementCtx): void {
  const sources = isRecord(value) && Array.isArray(value.sources) ? value.sources : [];
  const firstSeen = new Map<string, number>();
  sources.forEach((s, index) => {
    const raw = isRecord(s) ? s.accountId : undefined;
    const id = isTwelveDigitNumber(raw) ? String(raw) : raw;
    if (typeof id !== "string") return;
    const first = firstSeen.get(id);
    if (first === undefined) firstSeen.set(id, index);
    else
      ctx.addIssue({
        code: "custom",
        path: ["sources", index, "accountId"],
        message: `is listed twice (also sources[${first}]); list each account once with all its regions`,
      });
  });
}

function resolveSource(
  source: SourceOutput,
  index: number,
  input: RawConfig,
  errors: string[],
  prefix: string,
): SourceSettings | undefined {
  const at = (...path: (string | number)[]) => ["sources", index, ...path];
  const before = errors.length;
  const fail = (path: (string | number)[], message: string) =>
    errors.push(formatMessage(path, valueAt(input, path), message));

  if (source.roleArn) {
    const owner = ROLE_ARN.exec(source.roleArn)?.[1];
    if (owner !== source.accountId) fail(at("roleArn"), `is not a role in account ${source.accountId}`);
  }

  const pickRegion = (given: string | undefined, path: (string | number)[]): string | undefined => {
    if (given !== undefined) {
      if (source.regions.includes(given)) return given;
      fail([...path, "region"], `is not one of this account's regions (${source.regions.join(", ")})`);
      return undefined;
    }
    if (source.regions.length === 1) return source.regions[0];
    fail(
      [...path, "region"],
      `is required: account ${source.accountId} has several regions (${source.regions.join(", ")})`,
    );
    return undefined;
  };

  // Subscription filters per log group: a fixed quota of two, and names unique per group.
  // Flow logs that are forwarded count too: their group gets a filter as well.
  const filters = new Map<string, Set<string>>();
  const countFilter = (path: (string | number)[], r: string, group: string, name: string) => {
    const names = filters.get(`${r}/${group}`) ?? new Set<string>();
    filters.set(`${r}/${group}`, names);
    if (names.size >= MAX_FILTERS_PER_LOG_GROUP) {
      fail(
        path,
        `would get a third subscription filter on log group '${group}' in ${source.accountId}/${r}; CloudWatch Logs allows ${MAX_FILTERS_PER_LOG_GROUP}`,
      );
    } else if (names.has(name)) {
      fail(path, `gives log group '${group}' a second filter named '${name}'; set a distinct filterName`);
    }
    names.add(name);
  };

  const subscriptions: Subscription[] = [];
  source.subscriptions.forEach((s, i) => {
    const r = pickRegion(s.region, at("subscriptions", i));
    if (!r) return;
    const subscription = { ...s, region: r, filterName: s.filterName ?? prefix };
    countFilter(at("subscriptions", i, "logGroup"), r, s.logGroup, subscription.filterName);
    subscriptions.push(subscription);
  });

  const flowLogs: FlowLog[] = [];
  const vpcs = new Map<string, number>();
  const groups = new Map<string, number>();
  source.flowLogs.forEach((f, i) => {
    const r = pickRegion(f.region, at("flowLogs", i));
    if (!r) return;
    const flowLog: FlowLog = {
      ...f,
      region: r,
      logGroup: f.logGroup ?? `vpc-flow-logs/${f.vpcId}`,
      filterName: f.filterName ?? prefix,
    };
    const sameVpc = vpcs.get(`${r}/${f.vpcId}`);
    const sameGroup = groups.get(`${r}/${flowLog.logGroup}`);
    if (sameVpc !== undefined)
      fail(at("flowLogs", i, "vpcId"), `already has a flow log (flowLogs[${sameVpc}])`);
    else if (sameGroup !== undefined)
      fail(at("flowLogs", i, "logGroup"), `is already created by flowLogs[${sameGroup}] in ${r}`);
    vpcs.set(`${r}/${f.vpcId}`, i);
    groups.set(`${r}/${flowLog.logGroup}`, i);
    // A duplicate flow log is reported once, as such: its filter would only repeat the first one's.
    const duplicate = sameVpc !== undefined || sameGroup !== undefined;
    if (f.forward && !duplicate)
      countFilter(at("flowLogs", i, "logGroup"), r, flowLog.logGroup, flowLog.filterName);
    flowLogs.push(flowLog);
  });

  // The trail: its region, its log group (which may be forwarded, counting towards two filters).
  let cloudTrail: CloudTrailSettings | undefined;
  if (source.cloudTrail) {
    const t = source.cloudTrail;
    const r = pickRegion(t.region, at("cloudTrail"));
    if (r) {
      const sameGroup = groups.get(`${r}/${t.logGroup}`);
      if (sameGroup !== undefined)
        fail(at("cloudTrail", "logGroup"), `is already created by flowLogs[${sameGroup}] in ${r}`);
      const forward = t.forward ? { ...t.forward, filterName: t.forward.filterName ?? prefix } : undefined;
      if (forward) countFilter(at("cloudTrail", "forward"), r, t.logGroup, forward.filterName);
      cloudTrail = {
        region: r,
        name: t.name ?? prefix,
        logGroup: t.logGroup,
        retentionDays: t.retentionDays,
        snsTopic: t.snsTopic,
        organization: t.organization,
        ...(forward ? { forward } : {}),
      };
    }
  }

  const ctx: RuleContext = {
    prefix,
    at,
    fail,
    report: (line) => errors.push(line),
    given: (path) => valueAt(input, path),
  };
  const forwardAll = resolveForwardAll(source, ctx);
  checkAlarms(source, ctx);
  const events = resolveEvents(source, ctx);

  if (errors.length > before) return undefined;
  return {
    accountId: source.accountId,
    ...(source.roleArn ? { roleArn: source.roleArn } : {}),
    regions: source.regions,
    subscriptions,
    flowLogs,
    ...(cloudTrail ? { cloudTrail } : {}),
    ...(forwardAll ? { forwardAll } : {}),
    alarms: source.alarms,
    cisAlarms: source.cisAlarms,
    alarmNotifications: source.alarmNotifications,
    events,
  };
}

function checkRecipient(
  recipient: RecipientSettings,
  raw: RawConfig,
  sources: SourceSettings[],
  /** A bad prefix is reported once, on namePrefix, not again through the default bucket name. */
  prefixOk: boolean,
): string[] {
  const errors: string[] = [];
  const fail = (path: (string | number)[], message: string) =>
    errors.push(formatMessage(path, valueAt(raw, path), message));
  const report = (line: string) => errors.push(line);
  checkArchiveBucket(recipient, raw, prefixOk, fail, report);
  checkAthena(recipient, raw, prefixOk, fail, report);
  checkSearch(recipient, raw, fail, report);
  checkStream(recipient, raw, fail);
  if (recipient.roleArn && ROLE_ARN.exec(recipient.roleArn)?.[1] !== recipient.accountId)
    fail(["recipient", "roleArn"], `is not a role in account ${recipient.accountId}`);
  errors.push(...checkLifecycle(recipient.lifecycle, raw));
  checkTrailsAtRecipient(recipient, sources, raw, fail);
  // The same account may be recipient and source; it is deployed with one role.
  const asSource = sources.find((s) => s.accountId === recipient.accountId);
  if (asSource && asSource.roleArn !== recipient.roleArn) {
    fail(
      ["recipient", "roleArn"],
      `differs from the roleArn of the same account in sources (${asSource.roleArn ?? "none"}); one account is deployed with one role`,
    );
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Names and messages.

function defaultPrefix(stack: string): string {
  return `${PROJECT}-${stack}`.toLowerCase();
}

function stackPrefix(raw: RawConfig, stack: string): string {
  return typeof raw.namePrefix === "string" ? raw.namePrefix : defaultPrefix(stack);
}

/** Zod's own messages become short predicates that read after the value. */
function genericMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      return `must be ${article(issue.expected)}${issue.expected === "string" && typeof issue.input === "number" ? " (quote it in YAML)" : ""}`;
    case "too_small":
      return issue.origin === "array" ? `must have at least ${issue.minimum} entries` : undefined;
    default:
      return undefined;
  }
}

function article(expected: string): string {
  if (expected === "array") return "a list";
  if (expected === "object") return "a map";
  return `a ${expected}`;
}

function formatIssue(issue: z.core.$ZodIssue, input: unknown): string[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  if (issue.code === "unrecognized_keys") {
    // At the top level the key is a whole stack-config key: name it with its namespace.
    const known =
      path.length === 0
        ? " (known: namePrefix, recipient, sources, part, recipientStack, providerBudgetMiB)"
        : "";
    return issue.keys.map((key) =>
      formatMessage(
        [...path, path.length === 0 ? `${PROJECT}:${key}` : key],
        valueAt(input, [...path, key]),
        `is not a known key${known}`,
      ),
    );
  }
  return [formatMessage(path, valueAt(input, path), issue.message)];
}

function stripUndefined(raw: RawConfig): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
}

function dedupe(errors: string[]): string[] {
  return [...new Set(errors)];
}
