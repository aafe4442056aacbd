/**
 * Command line of `npm run redrive`: pure, so every usage error is tested without spawning.
 */
import {
  parseCommandLine,
  STACK_FILE_USAGE,
  STACK_TARGET_OPTIONS,
  type StackTarget,
  stackTargetArg,
} from "../cli/args";
import { SOURCE_NAMES, type SourceName } from "./report";
import type { SearchAuth } from "./searchClient";

export const REDRIVE_USAGE = [
  `usage: npm run redrive -- ${STACK_FILE_USAGE} [--apply] [--only search|events|errors]`,
  "                          [--json] [--search-auth secret|sigv4] [--search-endpoint https://<host>] [--role-name NAME]",
  "",
  "Counts what failed (dry run, the default) or replays it (--apply):",
  "  search  the search dead-letter queue, back into OpenSearch (same document ids)",
  "  events  the events dead-letter queues, into the events Firehose",
  "  errors  records under errors/ in the archive bucket, into the stream or the Firehoses",
  "--only may be repeated or comma-separated. Exit 0: nothing still failing; 1: something still",
  "failing, or a source could not be read; 2: usage or config error.",
].join("\n");

export type RedriveCommand =
  | { readonly kind: "help" }
  | (StackTarget & {
      readonly kind: "run";
      readonly apply: boolean;
      readonly only: ReadonlySet<SourceName>;
      readonly json: boolean;
      readonly searchAuth: SearchAuth;
      readonly searchEndpoint?: string;
    });

export type ParsedRedriveArgs = { ok: true; command: RedriveCommand } | { ok: false; error: string };

export function parseRedriveArgs(argv: readonly string[]): ParsedRedriveArgs {
  const parsed = parseCommandLine(argv, {
    ...STACK_TARGET_OPTIONS,
    apply: { type: "boolean" },
    only: { type: "string", multiple: true },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
    "search-auth": { type: "string" },
    "search-endpoint": { type: "string" },
  });
  if (!parsed.ok) return parsed;
  const { values, positionals } = parsed;
  if (values.help) return { ok: true, command: { kind: "help" } };
  const where = stackTargetArg(values, positionals);
  if (!where.ok) return where;
  const requested = (values.only ?? []).flatMap((o) => o.split(",")).map((o) => o.trim());
  const unknown = requested.filter((o) => !(SOURCE_NAMES as readonly string[]).includes(o));
  if (unknown.length > 0) {
    return { ok: false, error: `--only ${unknown.join(",")}: expected ${SOURCE_NAMES.join(", ")}` };
  }
  const only = new Set((requested.length > 0 ? requested : SOURCE_NAMES) as SourceName[]);
  const auth = values["search-auth"] ?? "secret";
  if (auth !== "secret" && auth !== "sigv4") {
    return { ok: false, error: `--search-auth must be secret or sigv4, not ${auth}` };
  }
  const endpoint = values["search-endpoint"];
  if (endpoint !== undefined && !/^https:\/\/[^/\s]+\/?$/.test(endpoint)) {
    return { ok: false, error: `--search-endpoint must be https://<host>, not ${endpoint}` };
  }
  return {
    ok: true,
    command: {
      kind: "run",
      ...where.target,
      apply: values.apply === true,
      only,
      json: values.json === true,
      searchAuth: auth,
      ...(endpoint !== undefined ? { searchEndpoint: endpoint } : {}),
    },
  };
}
