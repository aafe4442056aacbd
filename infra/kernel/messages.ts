/**
 * How a refused stack config is reported: one message, one line per problem, each naming the key
 * and the value (`sources[1].regions[0]: 'us-east-9' is not an AWS region`), and no stack trace.
 * Shared by the schema (settings), the plan checks and the shard check.
 */
import { RunError } from "@pulumi/pulumi/errors";

/** The error a bad stack config raises: one message, one line per problem, no stack trace. */
export class ConfigError extends RunError {
  constructor(readonly errors: string[]) {
    super(
      `central-logging: the stack config is invalid (${errors.length} problem${errors.length === 1 ? "" : "s"}); nothing was created:\n` +
        errors.map((e) => `  - ${e}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export function formatMessage(path: (string | number)[], value: unknown, message: string): string {
  const where = formatPath(path) || "central-logging";
  return value === undefined ? `${where}: ${message}` : `${where}: ${describeValue(value)} ${message}`;
}

/** `["sources", 1, "regions", 0]` -> `sources[1].regions[0]` */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p),
    "",
  );
}

export function describeValue(value: unknown): string {
  if (typeof value === "string") return `'${value}'`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === "number") node = node[key];
    else if (isRecord(node) && typeof key === "string") node = node[key];
    else return undefined;
  }
  return node;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
