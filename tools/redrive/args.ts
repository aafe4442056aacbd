/**
 * Command line of `npm run redrive`: pure, so every usage error is tested without spawning.
 */
import { parseArgs } from "node:util";
import { SOURCE_NAMES, type SourceName } from "./report";
import type { SearchAuth } from "./searchClient";

export const REDRIVE_USAGE = [
  "usage: npm run redrive -- --stack <name> | --file <Pulumi.name.yaml> [--apply] [--only search|events|errors]",
  "                          [--json] [--search-auth secret|sigv4] [--search-endpoint https://<host>]",
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
  | {
      readonly kind: "run";
      /** The stack file's path, as given or `Pulumi.<stack>.yaml`. */
      readonly file: string;
      readonly apply: boolean;
      readonly only: ReadonlySet<SourceName>;
      readonly json: boolean;
      readonly searchAuth: SearchAuth;
      readonly searchEndpoint?: string;
    };

export type ParsedRedriveArgs = { ok: true; command: RedriveCommand } | { ok: false; error: string };

export function parseRedriveArgs(argv: readonly string[]): ParsedRedriveArgs {
  let values: {
    stack?: string;
    file?: string;
    apply?: boolean;
    only?: string[];
    json?: boolean;
    help?: boolean;
    "search-auth"?: string;
    "search-endpoint"?: string;
  };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        stack: { type: "string" },
        file: { type: "string" },
        apply: { type: "boolean" },
        only: { type: "string", multiple: true },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        "search-auth": { type: "string" },
        "search-endpoint": { type: "string" },
      },
    }));
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  if (values.help) return { ok: true, command: { kind: "help" } };
  if (positionals.length > 0) return { ok: false, error: `unexpected argument ${positionals.join(" ")}` };
  if (values.stack === undefined && values.file === undefined) {
    return { ok: false, error: "--stack <name> or --file <Pulumi.name.yaml> is required" };
  }
  if (values.stack !== undefined && values.file !== undefined) {
    return { ok: false, error: "--stack and --file name the same thing: give one" };
  }
  if (values.stack !== undefined && !/^[A-Za-z0-9_.-]+$/.test(values.stack)) {
    return { ok: false, error: `--stack ${values.stack} is not a stack name` };
  }
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
      file: values.file ?? `Pulumi.${values.stack}.yaml`,
      apply: values.apply === true,
      only,
      json: values.json === true,
      searchAuth: auth,
      ...(endpoint !== undefined ? { searchEndpoint: endpoint } : {}),
    },
  };
}
