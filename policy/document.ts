/**
 * IAM and resource policy documents as AWS reads them, for every policy in the pack: JSON text or
 * an object; `Statement` one object or a list; `Action`, `Resource` and principal values a string
 * or a list; condition values strings, numbers or booleans, alone or in a list.
 */
import { z } from "zod";

// One value or a list of them: validated as a list, so errors name the element at fault.
const toList = (value: unknown) => (value === undefined || Array.isArray(value) ? value : [value]);

const stringList = z.preprocess(toList, z.array(z.string()));
const scalar = z.union([z.string(), z.number(), z.boolean()]);
// IAM compares condition values as text: `false` and "false" are the same value.
const conditionValues = z.preprocess(toList, z.array(scalar)).transform((values) => values.map(String));
const principal = z.union([z.literal("*"), z.record(z.string(), stringList)]);

const statementSchema = z.object({
  Sid: z.string().optional(),
  Effect: z.enum(["Allow", "Deny"]),
  Principal: principal.optional(),
  NotPrincipal: principal.optional(),
  Action: stringList.optional(),
  NotAction: stringList.optional(),
  Resource: stringList.optional(),
  NotResource: stringList.optional(),
  Condition: z.record(z.string(), z.record(z.string(), conditionValues)).optional(),
});

const documentSchema = z.object({
  Version: z.string().optional(),
  Id: z.string().optional(),
  Statement: z.preprocess(toList, z.array(statementSchema)),
});

export type Statement = z.output<typeof statementSchema>;
export type PolicyDocument = z.output<typeof documentSchema>;
export type ParsedDocument = { ok: true; document: PolicyDocument } | { ok: false; error: string };

export function parsePolicyDocument(value: unknown): ParsedDocument {
  let raw = value;
  if (typeof value === "string") {
    try {
      raw = JSON.parse(value);
    } catch {
      return { ok: false, error: "not valid JSON" };
    }
  }
  const result = documentSchema.safeParse(raw);
  if (result.success) return { ok: true, document: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join(".") : "document";
  return { ok: false, error: `${where}: ${issue?.message ?? "invalid"}` };
}

/** `statement <Sid>` or `statement #<n>` (1-based), for messages. */
export function statementLabel(statement: Statement, index: number): string {
  return statement.Sid ? `statement ${statement.Sid}` : `statement #${index + 1}`;
}

/** The `Service` principals a statement names (none for `"*"` or account principals). */
export function servicePrincipals(statement: Statement): string[] {
  const p = statement.Principal;
  return p === undefined || p === "*" ? [] : (p.Service ?? []);
}

/** True when the principal is everyone: `"*"` or `{"AWS": "*"}`. */
export function isEveryone(p: Statement["Principal"]): boolean {
  return p === "*" || (p !== undefined && (p.AWS ?? []).includes("*"));
}

export interface ConditionEntry {
  operator: string;
  key: string;
  values: string[];
}

/** Every (operator, key, values) of a statement's `Condition` block, names as written. */
export function conditionEntries(statement: Statement): ConditionEntry[] {
  return Object.entries(statement.Condition ?? {}).flatMap(([operator, keys]) =>
    Object.entries(keys).map(([key, values]) => ({ operator, key, values })),
  );
}
