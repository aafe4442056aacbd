/**
 * Every condition key is a global key or one the statement's actions (or their resource types)
 * support, matched through `${...}` placeholders; every operator exists and fits the key's type;
 * Bool, Numeric and IpAddress values are of that type.
 */
import type { PolicyDocumentRef } from "../documents";
import { placeholderRegExp } from "../glob";
import type { IamData } from "../iamData";
import { policyFinding, resolveAction, type Statement, statementsOf } from "../statements";
import type { Finding } from "../types";

export const RULE = "iam-condition";

/** IAM JSON policy reference, "Condition operators": the operator families. */
const FAMILIES: Record<string, string[]> = {
  String: [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
  ],
  Numeric: [
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
  ],
  Date: [
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
  ],
  Bool: ["Bool"],
  Binary: ["BinaryEquals"],
  IpAddress: ["IpAddress", "NotIpAddress"],
  Arn: ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
};

/** Key type (as the reference writes it) -> operator families that compare it. ARNs also compare as strings. */
const FITS: Record<string, string[]> = {
  String: ["String"],
  ArrayOfString: ["String"],
  ARN: ["Arn", "String"],
  ArrayOfARN: ["Arn", "String"],
  Bool: ["Bool"],
  ArrayOfBool: ["Bool"],
  Numeric: ["Numeric"],
  Date: ["Date"],
  IPAddress: ["IpAddress"],
  Binary: ["Binary"],
};

export interface Operator {
  family: string;
  base: string;
  set?: "ForAnyValue" | "ForAllValues";
  ifExists: boolean;
}

/** `ForAnyValue:StringLikeIfExists` -> its parts; undefined for an operator IAM does not have. */
export function parseOperator(op: string): Operator | undefined {
  const m = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(op);
  if (!m) return undefined;
  const base = m[2]!;
  const ifExists = m[3] !== undefined;
  if (base === "Null") return m[1] || ifExists ? undefined : { family: "Null", base, ifExists: false };
  const family = Object.keys(FAMILIES).find((f) => FAMILIES[f]!.includes(base));
  if (!family) return undefined;
  return { family, base, ifExists, ...(m[1] ? { set: m[1] as Operator["set"] } : {}) };
}

/** The key's definition: global, or a service key (exact or by placeholder pattern). */
export function keyDefinition(key: string, data: IamData): { key: string; type: string } | undefined {
  const lower = key.toLowerCase();
  const global = data.globalKeys[lower];
  if (global) return global;
  if (lower.startsWith("aws:")) {
    // `aws:PrincipalTag/tag-key` and the like: the part after the slash is free.
    const slash = lower.indexOf("/");
    if (slash < 0) return undefined;
    return Object.values(data.globalKeys).find((g) =>
      g.key.toLowerCase().startsWith(`${lower.slice(0, slash)}/`),
    );
  }
  const svc = data.services[lower.slice(0, lower.indexOf(":"))];
  if (!svc) return undefined;
  return (
    svc.conditionKeys[lower] ??
    Object.values(svc.conditionKeys).find((k) => placeholderRegExp(k.key).test(key))
  );
}

/** Keys the statement's actions support: their own keys and those of the resource types they act on. */
export function supportedKeys(s: Statement, data: IamData): string[] | "any" {
  if (s.notAction || s.actions.some((a) => a.value === "*")) return "any";
  const keys: string[] = [];
  for (const a of s.actions) {
    const { service, actions } = resolveAction(a.value, data);
    const types = service ? (data.services[service]?.resourceTypes ?? {}) : {};
    for (const action of actions) {
      keys.push(...action.conditionKeys);
      for (const rt of action.resourceTypes)
        keys.push(...rt.conditionKeys, ...(types[rt.name]?.conditionKeys ?? []));
    }
  }
  return keys;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function valueProblem(family: string, value: unknown): string | undefined {
  const text = String(value);
  if (family === "Bool" || family === "Null")
    return /^(true|false)$/i.test(text) ? undefined : "is not true or false";
  if (family === "Numeric") return /^-?\d+(\.\d+)?$/.test(text) ? undefined : "is not a number";
  if (family === "IpAddress")
    return /^[\d.]+(\/\d{1,2})?$|^[0-9a-f:]+(\/\d{1,3})?$/i.test(text)
      ? undefined
      : "is not an IP address or CIDR range";
  return undefined;
}

export function conditionFindings(ref: PolicyDocumentRef, data: IamData): Finding[] {
  const findings: Finding[] = [];
  for (const s of statementsOf(ref).statements) {
    if (!s.condition) continue;
    const say = (path: string, value: unknown, message: string) =>
      findings.push(policyFinding(ref, RULE, data.source, path, value, message));
    if (!isRecord(s.condition.value)) {
      say(s.condition.path, s.condition.value, "is not a map of operators");
      continue;
    }
    const supported = supportedKeys(s, data);
    for (const [op, block] of Object.entries(s.condition.value)) {
      const opPath = `${s.condition.path}.${op}`;
      const operator = parseOperator(op);
      if (!operator) say(opPath, op, "is not an IAM condition operator");
      if (!isRecord(block)) {
        say(opPath, block, "is not a map of condition keys");
        continue;
      }
      for (const [key, raw] of Object.entries(block)) {
        const keyPath = `${opPath}.${key}`;
        const def = keyDefinition(key, data);
        if (!def) {
          say(keyPath, key, "is not a global condition key nor a condition key of its service");
          continue;
        }
        const isGlobal =
          key.toLowerCase().startsWith("aws:") || data.globalKeys[key.toLowerCase()] !== undefined;
        if (!isGlobal && supported !== "any" && !supported.some((k) => placeholderRegExp(k).test(key)))
          say(
            keyPath,
            key,
            `is not supported by the statement's actions (${s.actions.map((a) => a.value).join(", ")})`,
          );
        if (operator && operator.family !== "Null" && !(FITS[def.type] ?? []).includes(operator.family))
          say(keyPath, op, `does not fit ${def.key}, a key of type ${def.type}`);
        if (operator)
          (Array.isArray(raw) ? raw : [raw]).forEach((v, i) => {
            const problem = valueProblem(operator.family, v);
            if (problem)
              say(Array.isArray(raw) ? `${keyPath}[${i}]` : keyPath, v, `${problem} (operator ${op})`);
          });
      }
    }
  }
  return findings;
}
