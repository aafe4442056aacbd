/**
 * Why a canary was not seen: one pure function per check, each taking what verify read (a
 * subscription filter list, a destination, metric values, log events, object keys, queue
 * messages) and returning a cause, or undefined when that check finds nothing wrong. The reading
 * is in `checks.ts`; which checks run for which stage, in which order, is `checksFor` below.
 */
import type { Canary, VerifyPlan } from "./canaries";
import type { Cause, FailedStage } from "./types";

// ---------------------------------------------------------------------------------------------
// The source: the canary log group's subscription filter

export interface FilterSummary {
  filterName?: string;
  destinationArn?: string;
}

export interface RouteSummary {
  accountId: string;
  region: string;
  logGroup: string;
  filterName: string;
  destinationArn: string;
}

/** `filters` undefined: the log group does not exist. */
export function diagnoseSubscriptionFilters(
  route: RouteSummary,
  filters: readonly FilterSummary[] | undefined,
): Cause | undefined {
  const where = `${route.accountId}/${route.region}`;
  if (filters === undefined) {
    return {
      code: "log-group-missing",
      message: `log group ${route.logGroup} does not exist in ${where}: pulumi up (operations.canary) creates it`,
    };
  }
  if (filters.length === 0) {
    return {
      code: "no-subscription-filter",
      message: `no subscription filter on ${route.logGroup} in ${where}: pulumi up creates ${route.filterName}`,
    };
  }
  if (filters.some((f) => f.destinationArn === route.destinationArn)) return undefined;
  const targets = filters.map((f) => `${f.filterName ?? "(unnamed)"} -> ${f.destinationArn ?? "(none)"}`);
  return {
    code: "filter-wrong-destination",
    message: `the subscription filter on ${route.logGroup} in ${where} does not send to ${route.destinationArn} (${targets.join(", ")})`,
  };
}

// ---------------------------------------------------------------------------------------------
// The recipient: the destination of the route's region and its access policy

export interface DestinationSummary {
  destinationName?: string;
  targetArn?: string;
  accessPolicy?: string;
}

export interface DestinationExpectation {
  name: string;
  region: string;
  recipientAccountId: string;
  /** The stream (kinesis) or the Firehose (firehose) the plan says it writes into. */
  targetArn: string;
  /** The source account that must be admitted. */
  accountId: string;
  organizationId?: string;
}

/** What DescribeDestinations returned for the name prefix (several destinations may share it). */
export function diagnoseDestination(
  expected: DestinationExpectation,
  destinations: readonly DestinationSummary[],
): Cause | undefined {
  const where = `${expected.region} of the recipient ${expected.recipientAccountId}`;
  const destination = destinations.find((d) => d.destinationName === expected.name);
  if (!destination) {
    return {
      code: "destination-missing",
      message: `destination ${expected.name} does not exist in ${where}: pulumi up on the recipient`,
    };
  }
  if (destination.targetArn !== undefined && destination.targetArn !== expected.targetArn) {
    return {
      code: "destination-target",
      message: `destination ${expected.name} in ${expected.region} writes into ${destination.targetArn}, not ${expected.targetArn}`,
    };
  }
  const admits = policyAdmits(destination.accessPolicy, expected.accountId, expected.organizationId);
  if (admits.ok) return undefined;
  return {
    code: "destination-policy",
    message: `the access policy of destination ${expected.name} in ${expected.region} does not admit account ${expected.accountId}: ${admits.reason}`,
  };
}

export type Admission = { ok: true } | { ok: false; reason: string };

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function strings(value: unknown): string[] {
  return list(value).filter((v): v is string => typeof v === "string");
}

/** IAM's `*` and `?` wildcards, case-insensitively (action names are). */
function wildcardMatch(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`, "i").test(value);
}

const SUBSCRIBE = "logs:PutSubscriptionFilter";

type PrincipalMatch = "account" | "anyone" | "no";

function principalMatch(principal: unknown, accountId: string): PrincipalMatch {
  if (principal === "*") return "anyone";
  if (typeof principal !== "object" || principal === null) return "no";
  const aws = strings((principal as Record<string, unknown>).AWS);
  if (aws.some((p) => p === accountId || new RegExp(`^arn:aws[a-z-]*:iam::${accountId}:`).test(p))) {
    return "account";
  }
  return aws.includes("*") ? "anyone" : "no";
}

/** Values of `aws:PrincipalOrgID` under any operator of a statement's Condition. */
function orgConditions(condition: unknown): string[] | undefined {
  if (typeof condition !== "object" || condition === null) return undefined;
  let found: string[] | undefined;
  for (const operator of Object.values(condition as Record<string, unknown>)) {
    if (typeof operator !== "object" || operator === null) continue;
    for (const [key, value] of Object.entries(operator as Record<string, unknown>)) {
      if (key.toLowerCase() === "aws:principalorgid") found = [...(found ?? []), ...strings(value)];
    }
  }
  return found;
}

/**
 * Whether a destination's access policy lets `accountId` call PutSubscriptionFilter: an Allow
 * naming the account (id or an ARN of it) in `Principal.AWS`, or a `*` principal limited to the
 * organization by `aws:PrincipalOrgID` (matched against `organizationId` when known; without it,
 * membership cannot be checked here and the statement counts). A Deny naming the account wins.
 */
export function policyAdmits(
  policyText: string | undefined,
  accountId: string,
  organizationId?: string,
): Admission {
  if (policyText === undefined || policyText.trim() === "") {
    return { ok: false, reason: "the destination has no access policy" };
  }
  let policy: unknown;
  try {
    policy = JSON.parse(policyText);
  } catch {
    return { ok: false, reason: "the access policy is not JSON" };
  }
  const statements = list((policy as { Statement?: unknown } | null)?.Statement).filter(
    (s): s is Record<string, unknown> => typeof s === "object" && s !== null,
  );
  const subscribing = statements.filter((s) => strings(s.Action).some((a) => wildcardMatch(a, SUBSCRIBE)));
  const denied = subscribing.some(
    (s) =>
      s.Effect === "Deny" && principalMatch(s.Principal, accountId) !== "no" && s.Condition === undefined,
  );
  if (denied) return { ok: false, reason: `a Deny statement names ${SUBSCRIBE} for it` };
  let orgMismatch: string[] | undefined;
  for (const s of subscribing.filter((x) => x.Effect === "Allow")) {
    const match = principalMatch(s.Principal, accountId);
    if (match === "account") return { ok: true };
    if (match !== "anyone") continue;
    const orgs = orgConditions(s.Condition);
    if (orgs === undefined) {
      // `*` without an organization condition admits anyone; other conditions are not read.
      return { ok: true };
    }
    if (organizationId === undefined || orgs.some((o) => wildcardMatch(o, organizationId)))
      return { ok: true };
    orgMismatch = orgs;
  }
  if (orgMismatch) {
    return {
      ok: false,
      reason: `it admits organization ${orgMismatch.join(", ")}, the stack's is ${organizationId}`,
    };
  }
  return {
    ok: false,
    reason:
      subscribing.length === 0
        ? `no statement allows ${SUBSCRIBE}`
        : "the account is not in Principal.AWS (pulumi up on the recipient adds it)",
  };
}

// ---------------------------------------------------------------------------------------------
// The Firehose: metrics, its error log, objects under errors/

/** `DeliveryToS3.Success` averages over the window: below 1 means some S3 puts failed. */
export function diagnoseFirehoseMetrics(firehoseName: string, values: readonly number[]): Cause | undefined {
  const failing = values.filter((v) => v < 1);
  if (failing.length === 0) return undefined;
  const lowest = Math.min(...failing);
  return {
    code: "firehose-delivery",
    message: `Firehose ${firehoseName} is failing to deliver to S3 (DeliveryToS3.Success ${lowest.toFixed(2)} in ${failing.length} of ${values.length} minutes): see its error log`,
  };
}

export interface LogEventSummary {
  timestamp?: number;
  message?: string;
}

/** Firehose's error log lines are JSON: `errorCode` and `message`. */
function firehoseError(message: string): string {
  try {
    const parsed = JSON.parse(message) as { errorCode?: unknown; message?: unknown };
    const code = typeof parsed.errorCode === "string" ? parsed.errorCode : undefined;
    const text = typeof parsed.message === "string" ? parsed.message : undefined;
    if (code || text) return [code, text].filter(Boolean).join(": ");
  } catch {
    // Plain text: shown as is.
  }
  return message.trim();
}

export function diagnoseFirehoseErrorLog(
  firehoseName: string,
  logGroup: string,
  events: readonly LogEventSummary[],
): Cause | undefined {
  const messages = events
    .map((e) => e.message)
    .filter((m): m is string => m !== undefined && m.trim() !== "");
  if (messages.length === 0) return undefined;
  const latest = [...events]
    .filter((e) => e.message !== undefined && e.message.trim() !== "")
    .sort((a, b) => (b.timestamp ?? 0) - (a.timestamp ?? 0))[0];
  const text = firehoseError(latest?.message ?? messages[0]!);
  const shown = text.length > 300 ? `${text.slice(0, 300)}...` : text;
  return {
    code: "firehose-error-log",
    message: `Firehose ${firehoseName} logged ${messages.length} error(s) since the start in ${logGroup}, latest: ${shown}`,
  };
}

export interface ObjectSummary {
  key: string;
  lastModified?: Date;
}

/** Objects under `errors/<area>/` written since the run started (S3 times have 1 s precision). */
export function diagnoseErrorObjects(
  bucket: string,
  area: string,
  objects: readonly ObjectSummary[],
  since: Date,
): Cause | undefined {
  const recent = objects.filter((o) => o.lastModified && o.lastModified.getTime() >= since.getTime() - 1000);
  if (recent.length === 0) return undefined;
  const types = [...new Set(recent.map((o) => o.key.slice(area.length).split("/")[0] ?? ""))].sort();
  return {
    code: "error-objects",
    message: `Firehose wrote ${recent.length} object(s) under s3://${bucket}/${area} since the start (${types.join(", ")}), e.g. ${recent[0]!.key}: npm run redrive replays them once fixed`,
  };
}

// ---------------------------------------------------------------------------------------------
// Queues: the search forwarder's dead letters, EventBridge's

export interface QueueMessage {
  body?: string;
  /** Message attributes, string values only (EventBridge's ERROR_CODE, ERROR_MESSAGE, ...). */
  attributes?: Readonly<Record<string, string>>;
}

/** A dead letter of the search forwarder (infra/search/forwarder/deadLetter.ts) that holds the id. */
export function diagnoseSearchDeadLetters(
  queueName: string,
  canaryId: string,
  messages: readonly QueueMessage[],
): Cause | undefined {
  const hit = messages.find((m) => m.body?.includes(canaryId));
  if (!hit?.body) return undefined;
  let reason = "(no reason given)";
  try {
    const letter = JSON.parse(hit.body) as { reason?: unknown; status?: unknown; index?: unknown };
    if (typeof letter.reason === "string") reason = letter.reason;
    if (typeof letter.status === "number") reason = `${letter.status} ${reason}`;
    if (typeof letter.index === "string") reason = `${reason} (index ${letter.index})`;
  } catch {
    reason = "(the message is not JSON)";
  }
  return {
    code: "search-rejected",
    message: `the search forwarder could not index it and put it in ${queueName}: ${reason}`,
  };
}

/** EventBridge puts the event itself in a rule's dead-letter queue, the error as attributes. */
export function diagnoseEventDeadLetters(
  queueName: string,
  canaryId: string,
  messages: readonly QueueMessage[],
): Cause | undefined {
  const hit = messages.find((m) => m.body?.includes(canaryId));
  if (!hit) return undefined;
  const a = hit.attributes ?? {};
  const error = [a.ERROR_CODE, a.ERROR_MESSAGE].filter(Boolean).join(": ") || "(no error attributes)";
  const target = a.TARGET_ARN ? ` delivering to ${a.TARGET_ARN}` : "";
  return {
    code: "events-dead-letter",
    message: `EventBridge gave up${target} and put the event in ${queueName}: ${error}`,
  };
}

/** DescribeRule's answer for the canary rule; `undefined`: the rule does not exist. */
export function diagnoseEventRule(
  rule: { name: string; accountId: string; region: string },
  state: string | undefined,
): Cause | undefined {
  const where = `${rule.accountId}/${rule.region}`;
  if (state === undefined) {
    return {
      code: "events-rule",
      message: `the canary rule ${rule.name} does not exist in ${where}: pulumi up (operations.canary)`,
    };
  }
  if (state !== "ENABLED") {
    return { code: "events-rule", message: `the canary rule ${rule.name} in ${where} is ${state}` };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Putting it together

/** A failed write: the error, with a hint for the usual ones. */
export function diagnoseWriteFailure(
  what: { kind: "logs" | "events"; logGroup?: string; accountId: string; region: string },
  error: { name?: string; message?: string },
): Cause {
  const name = error.name ?? "Error";
  const text = error.message ? `${name}: ${error.message}` : name;
  const where = `${what.accountId}/${what.region}`;
  let hint = "";
  if (name === "ResourceNotFoundException" && what.kind === "logs") {
    hint = `: the canary log group ${what.logGroup} is missing in ${where}; pulumi up with central-logging:operations canary: true`;
  } else if (name === "CredentialsProviderError") {
    hint = ": verify needs the credentials pulumi up uses (AWS_PROFILE, or the environment's)";
  } else if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name)) {
    hint = `: the credentials for ${what.accountId} may not ${what.kind === "logs" ? "logs:CreateLogStream / logs:PutLogEvents" : "events:PutEvents"}`;
  }
  return { code: "canary-not-written", message: `${text}${hint}` };
}

/** Each check of a stage, in order of likelihood. */
export type CheckName =
  | "subscriptionFilter"
  | "destination"
  | "firehoseMetrics"
  | "firehoseErrorLog"
  | "errorObjects"
  | "searchDeadLetters"
  | "eventRule"
  | "eventDeadLetters";

/** Which checks explain a canary not seen at `stage`. */
export function checksFor(
  kind: "logs" | "events",
  stage: FailedStage,
  transport: "kinesis" | "firehose",
): CheckName[] {
  if (stage === "canary") return [];
  const firehose: CheckName[] = ["firehoseMetrics", "firehoseErrorLog", "errorObjects"];
  if (kind === "events") return ["eventRule", "eventDeadLetters", ...firehose];
  switch (stage) {
    case "stream":
      return ["subscriptionFilter", "destination"];
    case "archive":
      // Without a stream, the destination writes into the Firehose directly.
      return transport === "firehose" ? ["subscriptionFilter", "destination", ...firehose] : firehose;
    case "search":
      return ["searchDeadLetters"];
  }
}

/**
 * The causes to report: those found, in check order; failed checks after them (they name what
 * could not be read); `none` with the stage's hint when nothing was found.
 */
export function orderCauses(found: readonly (Cause | undefined)[], noCauseHint: string): Cause[] {
  const real = found.filter((c): c is Cause => c !== undefined && c.code !== "unchecked");
  const unchecked = found.filter((c): c is Cause => c?.code === "unchecked");
  if (real.length > 0) return [...real, ...unchecked];
  return [{ code: "none", message: `no cause found: ${noCauseHint}` }, ...unchecked];
}

/** Where to look next when no check found anything, per stage. */
export function noCauseHint(canary: Canary, stage: FailedStage, plan: VerifyPlan): string {
  const r = plan.recipient;
  const buffer = (seconds: number) =>
    `delivery can take up to 1.5 x the buffer interval (${seconds} s): try a longer --timeout`;
  if (canary.kind === "events") {
    const events = r.events;
    return [
      `check rule ${canary.rule.name} in ${canary.accountId}/${canary.region} (FailedInvocations)`,
      events ? `the bus ${events.bus.name} and Firehose ${events.firehose.name}` : "the events archive",
      events ? buffer(events.firehose.buffering.bufferIntervalSeconds) : "",
    ]
      .filter(Boolean)
      .join("; ");
  }
  switch (stage) {
    case "canary":
      return "the canary was not written";
    case "stream":
      return `check the destination role ${r.destinationRole.name} (kinesis:PutRecord on ${r.stream?.name ?? "the stream"}) and the stream's IncomingRecords metric`;
    case "archive":
      return r.stream
        ? `check the gunzip Lambda's log group ${r.processor?.logGroup ?? "(none)"} and Firehose ${r.firehose.name}'s metrics; ${buffer(r.firehose.buffering.bufferIntervalSeconds)}`
        : `check the destination role ${r.destinationRole.name} (firehose:PutRecord) and Firehose ${r.firehose.name}'s IncomingRecords metric; ${buffer(r.firehose.buffering.bufferIntervalSeconds)}`;
    case "search":
      return `check the forwarder's log group ${r.search?.forwarder.logGroup ?? "(none)"} and its event source mapping`;
  }
}
