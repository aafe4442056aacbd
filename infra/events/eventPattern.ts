/**
 * An offline check of EventBridge event patterns. EventBridge refuses a malformed pattern only when
 * `PutRule` runs, in the middle of a multi-account rollout; checked here, the config step names the
 * key and what is wrong before anything is registered.
 *
 * The grammar (EventBridge user guide, "Event patterns" and "Content filtering"): a pattern is a
 * non-empty JSON object whose leaves are non-empty arrays of matchers. A matcher is a JSON
 * scalar (exact match) or an object with exactly one filter: prefix, suffix, anything-but,
 * numeric, exists, cidr, equals-ignore-case, wildcard. `$or` takes a list of at least two patterns.
 */

/** The EventBridge write-up's rule: IAM API calls recorded by CloudTrail (they surface in us-east-1). */
export const DEFAULT_EVENT_PATTERN = {
  source: ["aws.iam"],
  "detail-type": ["AWS API Call via CloudTrail"],
} as const;

/** `PutRule` accepts an `EventPattern` of at most this many characters. */
export const EVENT_PATTERN_MAX_LENGTH = 4096;

export type PatternCheck = { ok: true } | { ok: false; message: string };

const NUMERIC_OPERATORS = new Set(["<", "<=", "=", ">", ">="]);

/** Checks a pattern given as a parsed object (a YAML map) or as JSON text. */
export function checkEventPattern(pattern: unknown): PatternCheck {
  let value = pattern;
  if (typeof pattern === "string") {
    try {
      value = JSON.parse(pattern);
    } catch {
      return { ok: false, message: "is not JSON" };
    }
  }
  if (!isObject(value)) return { ok: false, message: "must be a JSON object (a map)" };
  const text = JSON.stringify(value);
  if (text.length > EVENT_PATTERN_MAX_LENGTH)
    return {
      ok: false,
      message: `is ${text.length} characters; EventBridge allows ${EVENT_PATTERN_MAX_LENGTH}`,
    };
  const problem = checkObject(value, "");
  return problem ? { ok: false, message: problem } : { ok: true };
}

/** The pattern as the JSON text `PutRule` takes (key order kept, no whitespace). */
export function eventPatternJson(pattern: unknown): string {
  return typeof pattern === "string" ? JSON.stringify(JSON.parse(pattern)) : JSON.stringify(pattern);
}

function checkObject(node: Record<string, unknown>, path: string): string | undefined {
  const keys = Object.keys(node);
  if (keys.length === 0) return `${where(path)}is an empty object; it would match nothing useful`;
  for (const key of keys) {
    const child = node[key];
    const at = path ? `${path}.${key}` : key;
    if (key === "$or") {
      if (!Array.isArray(child) || child.length < 2)
        return `${where(at)}must be a list of at least two patterns`;
      for (const [i, alternative] of child.entries()) {
        if (!isObject(alternative)) return `${where(`${at}[${i}]`)}must be a pattern (a map)`;
        const problem = checkObject(alternative, `${at}[${i}]`);
        if (problem) return problem;
      }
    } else if (Array.isArray(child)) {
      if (child.length === 0) return `${where(at)}is an empty list; it would never match`;
      for (const [i, matcher] of child.entries()) {
        const problem = checkMatcher(matcher, `${at}[${i}]`);
        if (problem) return problem;
      }
    } else if (isObject(child)) {
      const problem = checkObject(child, at);
      if (problem) return problem;
    } else {
      return `${where(at)}must be a list of values or a nested pattern, not ${describe(child)}`;
    }
  }
  return undefined;
}

function checkMatcher(matcher: unknown, at: string): string | undefined {
  if (matcher === null || ["string", "number", "boolean"].includes(typeof matcher)) return undefined;
  if (!isObject(matcher)) return `${where(at)}must be a value or a filter such as {"prefix": "..."}`;
  const keys = Object.keys(matcher);
  if (keys.length !== 1) return `${where(at)}must hold exactly one filter, not ${keys.length}`;
  const [filter] = keys as [string];
  const arg = matcher[filter];
  const bad = (what: string) => `${where(at)}${filter} ${what}`;
  switch (filter) {
    case "prefix":
    case "suffix":
      // Both also take {"equals-ignore-case": "..."}.
      if (typeof arg === "string" || isSingle(arg, "equals-ignore-case", "string")) return undefined;
      return bad('takes a string or {"equals-ignore-case": "..."}');
    case "equals-ignore-case":
    case "wildcard":
      return typeof arg === "string" ? undefined : bad("takes a string");
    case "exists":
      return typeof arg === "boolean" ? undefined : bad("takes true or false");
    case "cidr":
      return typeof arg === "string" && isCidr(arg)
        ? undefined
        : bad("takes an IP range such as 10.0.0.0/24");
    case "numeric": {
      const problem = checkNumeric(arg);
      return problem && bad(problem);
    }
    case "anything-but": {
      const problem = checkAnythingBut(arg);
      return problem && bad(problem);
    }
    default:
      return `${where(at)}'${filter}' is not an EventBridge filter (prefix, suffix, anything-but, numeric, exists, cidr, equals-ignore-case, wildcard)`;
  }
}

function checkNumeric(arg: unknown): string | undefined {
  const usage = 'takes operator/number pairs such as [">", 0, "<=", 5]';
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0 || arg.length > 4) return usage;
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    if (typeof op !== "string" || !NUMERIC_OPERATORS.has(op) || typeof arg[i + 1] !== "number") return usage;
  }
  return undefined;
}

function checkAnythingBut(arg: unknown): string | undefined {
  if (typeof arg === "string" || typeof arg === "number") return undefined;
  if (Array.isArray(arg)) {
    const strings = arg.every((v) => typeof v === "string");
    const numbers = arg.every((v) => typeof v === "number");
    return arg.length > 0 && (strings || numbers)
      ? undefined
      : "takes a non-empty list of only strings or only numbers";
  }
  if (isObject(arg) && Object.keys(arg).length === 1) {
    const [key] = Object.keys(arg) as [string];
    const inner = arg[key];
    const textual =
      typeof inner === "string" ||
      (Array.isArray(inner) && inner.length > 0 && inner.every((v) => typeof v === "string"));
    if (["prefix", "suffix", "equals-ignore-case", "wildcard"].includes(key) && textual) return undefined;
  }
  return 'takes a value, a list, or one of {"prefix"|"suffix"|"equals-ignore-case"|"wildcard": ...}';
}

function isSingle(value: unknown, key: string, type: "string"): boolean {
  return isObject(value) && Object.keys(value).length === 1 && typeof value[key] === type;
}

/** An IPv4 or IPv6 range in CIDR notation (also `recipient.search.allowedCidrs`). */
export function isCidr(text: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (v4) return v4.slice(1, 5).every((o) => Number(o) <= 255) && Number(v4[5]) <= 32;
  const v6 = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(text);
  return v6 !== null && (v6[1] ?? "").includes(":") && Number(v6[2]) <= 128;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function where(path: string): string {
  return path ? `at ${path}: ` : "";
}

function describe(value: unknown): string {
  return typeof value === "string" ? `the string '${value}'` : (JSON.stringify(value) ?? String(value));
}
