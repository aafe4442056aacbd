/**
 * A policy document taken apart into statements with the property path of every element, and the
 * actions of the reference each action pattern stands for.
 */
import type { PolicyDocumentRef } from "./documents";
import type { IamAction, IamData } from "./iamData";
import { about, type Finding } from "./types";

export interface Located<T> {
  value: T;
  path: string;
}

export interface Statement {
  path: string;
  effect: unknown;
  /** `Action` or `NotAction` entries. */
  actions: Located<string>[];
  notAction: boolean;
  /** `Resource` or `NotResource` entries; undefined when neither is present. */
  resources?: Located<string>[];
  notResource: boolean;
  principal?: Located<unknown>;
  notPrincipal: boolean;
  condition?: Located<unknown>;
}

function located(value: unknown, path: string): Located<string>[] {
  if (Array.isArray(value)) return value.map((v, i) => ({ value: String(v), path: `${path}[${i}]` }));
  return value === undefined ? [] : [{ value: String(value), path }];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The statements of a document, or one finding saying why it has none AWS would read. */
export function statementsOf(ref: PolicyDocumentRef): { statements: Statement[]; problem?: string } {
  if (!isRecord(ref.doc)) return { statements: [], problem: "is not a JSON policy document" };
  const raw = ref.doc.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const base = ref.path ? `${ref.path}.Statement` : "Statement";
  if (list.length === 0) return { statements: [], problem: "has no Statement" };
  const statements = list.map((s, i): Statement => {
    const path = Array.isArray(raw) ? `${base}[${i}]` : base;
    const st = isRecord(s) ? s : {};
    const actionKey = "NotAction" in st ? "NotAction" : "Action";
    const resourceKey = "NotResource" in st ? "NotResource" : "Resource";
    const principalKey = "NotPrincipal" in st ? "NotPrincipal" : "Principal";
    return {
      path,
      effect: st.Effect,
      actions: located(st[actionKey], `${path}.${actionKey}`),
      notAction: actionKey === "NotAction",
      ...(resourceKey in st ? { resources: located(st[resourceKey], `${path}.${resourceKey}`) } : {}),
      notResource: resourceKey === "NotResource",
      ...(principalKey in st
        ? { principal: { value: st[principalKey], path: `${path}.${principalKey}` } }
        : {}),
      notPrincipal: principalKey === "NotPrincipal",
      ...("Condition" in st ? { condition: { value: st.Condition, path: `${path}.Condition` } } : {}),
    };
  });
  return { statements };
}

/** `service:Action` with `*`/`?` in the action part -> the reference's actions it names. */
export function resolveAction(pattern: string, data: IamData): { service?: string; actions: IamAction[] } {
  if (pattern === "*") return { actions: [] };
  const colon = pattern.indexOf(":");
  if (colon < 1) return { actions: [] };
  const service = pattern.slice(0, colon).toLowerCase();
  const svc = data.services[service];
  if (!svc) return { service, actions: [] };
  const name = pattern.slice(colon + 1);
  const re = new RegExp(
    `^${name
      .replace(/[.+^${}()|[\]\\/]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
  return { service, actions: Object.values(svc.actions).filter((a) => re.test(a.name)) };
}

/** The services a set of documents names in its actions: the ones to load. */
export function servicesNamed(refs: readonly PolicyDocumentRef[]): Set<string> {
  const services = new Set<string>();
  for (const ref of refs)
    for (const s of statementsOf(ref).statements) {
      for (const a of s.actions) {
        const colon = a.value.indexOf(":");
        if (colon > 0) services.add(a.value.slice(0, colon).toLowerCase());
      }
      // Service condition keys (`s3:TlsVersion`) need their service's data too.
      const condition = s.condition?.value;
      if (condition && typeof condition === "object")
        for (const block of Object.values(condition))
          for (const key of Object.keys(block ?? {})) {
            const prefix = key.slice(0, key.indexOf(":")).toLowerCase();
            if (prefix && prefix !== "aws") services.add(prefix);
          }
    }
  return services;
}

/** A finding about one document, with the resource's account and region. */
export function policyFinding(
  ref: PolicyDocumentRef,
  rule: string,
  source: string,
  path: string,
  value: unknown,
  message: string,
): Finding {
  return { rule, source, ...about(ref.resource), path, value, message };
}
