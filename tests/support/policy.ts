/**
 * Policy documents as AWS receives them: JSON text parsed back, with the few accessors the
 * policy and program tests share.
 */
import type { PolicyDocument } from "../../infra/kernel/policyDocument";

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | { AWS?: string | string[]; Service?: string | string[] };
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface Policy {
  Version: string;
  Statement: Statement[];
}

/** What reaches AWS: the document as JSON text, read back. */
export const wire = (d: PolicyDocument): Policy => JSON.parse(JSON.stringify(d)) as Policy;

export const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : ([] as string[]).concat(v);

export const actions = (doc: Policy): string[] => doc.Statement.flatMap((s) => list(s.Action));

export const principalOf = (s: Statement, kind: "AWS" | "Service"): string[] =>
  s.Principal === undefined || s.Principal === "*" ? [] : list(s.Principal[kind]);
