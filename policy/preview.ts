/**
 * Values unknown during `pulumi preview` (outputs of resources not created yet).
 *
 * @pulumi/policy hands policies proxies that throw when such a value is read. Resource policies
 * let that error through: the framework reports "can't run policy ... during preview" as an
 * advisory and runs the policy again at `pulumi up`, before the resource is created, when every
 * input is known. Stack policies must go on past one unknown value, so they read through `plain()`.
 */
import type { PolicyResource } from "@pulumi/policy";

/** Stands for a value that is unknown during preview, in the output of `plain()`. */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;

/** The framework's error for an unknown value: its class is internal, its fields are not. */
export function isUnknownValueError(err: unknown): boolean {
  return err instanceof Error && "unknownTypeSentinel" in err && "props" in err && Array.isArray(err.props);
}

export type Known<T> = { known: true; value: T } | { known: false };

export function known<T>(read: () => T): Known<T> {
  try {
    return { known: true, value: read() };
  } catch (err) {
    if (isUnknownValueError(err)) return { known: false };
    throw err;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function cell(read: () => unknown): unknown {
  const value = known(read);
  return value.known ? plain(value.value) : UNKNOWN;
}

/** A deep copy of what a policy sees, with every value unknown during preview replaced by UNKNOWN. */
export function plain(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items: unknown[] = value;
    return Array.from({ length: items.length }, (_, i) => cell(() => items[i]));
  }
  if (isPlainObject(value))
    return Object.fromEntries(Object.keys(value).map((k) => [k, cell(() => value[k])]));
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A stack resource as a stack policy judges it: plain data, UNKNOWN where preview does not know. */
export interface PlainResource {
  type: string;
  urn: string;
  props: Record<string, unknown>;
  /** Its provider's inputs (region, allowedAccountIds, ...), when the engine reports one. */
  providerProps: Record<string, unknown>;
}

const plainRecord = (value: unknown): Record<string, unknown> => {
  const copy = plain(value);
  return isRecord(copy) ? copy : {};
};

export function toPlain(resource: PolicyResource): PlainResource {
  return {
    type: resource.type,
    urn: resource.urn,
    props: plainRecord(resource.props),
    providerProps: plainRecord(resource.provider?.props ?? {}),
  };
}

/** A stack policy's finding, reported against one resource. */
export interface StackViolation {
  urn: string;
  message: string;
}
