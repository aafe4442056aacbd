/**
 * The organization file (`org/<name>.yaml`): the single source of a split organization. It holds
 * what every stack of the set shares (`namePrefix`, `recipient`), every source account once, and
 * how to make the stacks (`stacks`: the Pulumi organization and project for stack references, and
 * the shard size). Validated with the program's own config step (`resolveStack`), as one `all`
 * stack: whatever the generated stacks would refuse, this refuses first. Pure.
 */
import { basename, extname } from "node:path";
import { isNode, isScalar, parseDocument, visit } from "yaml";
import { z } from "zod";
import { PROJECT, type Settings } from "../../infra/config";
import { resolveStack } from "../../infra/stack";
import { PROVIDER_PROCESS_MIB } from "./assign";

const STACK_PART = /^[A-Za-z0-9][\w.-]*$/;

const StacksSchema = z
  .strictObject({
    organization: z.string().regex(STACK_PART, {
      error: "is not a Pulumi organization (letters, digits, _ . -)",
    }),
    project: z
      .string()
      .regex(STACK_PART, { error: "is not a Pulumi project name (letters, digits, _ . -)" })
      .default(PROJECT),
    name: z
      .string()
      .regex(STACK_PART, { error: "is not a stack name prefix (letters, digits, _ . -)" })
      .optional(),
    accountsPerShard: z
      .number()
      .int({ error: "must be a whole number" })
      .min(1, { error: "must be at least 1" })
      .optional(),
    providerBudgetMiB: z
      .number()
      .int({ error: "must be a whole number" })
      .min(PROVIDER_PROCESS_MIB, {
        error: `must be at least ${PROVIDER_PROCESS_MIB} (one provider process, estimated)`,
      })
      .optional(),
  })
  .refine((s) => s.accountsPerShard === undefined || s.providerBudgetMiB === undefined, {
    error: "sets both accountsPerShard and providerBudgetMiB; keep one",
  });

const OrgSchema = z.strictObject({
  stacks: StacksSchema,
  namePrefix: z.string({
    error: "is required: every stack of the set must share it (the default depends on the stack name)",
  }),
  recipient: z.unknown(),
  sources: z.array(z.unknown(), { error: "must be a list" }),
});

export interface OrgFile {
  /** The file as named on the command line (shown in generated headers and messages). */
  path: string;
  /** Stack names are `<name>-recipient` and `<name>-shard-<k>`: `stacks.name` or the file's base name. */
  name: string;
  organization: string;
  project: string;
  accountsPerShard?: number;
  providerBudgetMiB?: number;
  namePrefix: string;
  /** The validated organization, as one `all` stack would see it. */
  settings: Settings;
  /** The `recipient` block as written (comments kept). */
  recipientNode: unknown;
  /** Account id -> its `sources` entry as written (comments kept, account id as a string). */
  sourceNodes: Map<string, unknown>;
  /** The config of one `all` stack of the same organization: what the shards must add up to. */
  allConfig: Record<string, unknown>;
}

export type OrgResult = { ok: true; org: OrgFile } | { ok: false; errors: string[] };

/** `org/acme.yaml` -> the organization, or every problem, each line prefixed with the file. */
export function parseOrgFile(text: string, path: string): OrgResult {
  const fail = (errors: string[]): OrgResult => ({ ok: false, errors: errors.map((e) => `${path}: ${e}`) });
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) return fail(doc.errors.map((e) => e.message));
  const parsed = OrgSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success)
    return fail(
      parsed.error.issues.map((issue) => {
        const where = issue.path.map(String).join(".") || "(top level)";
        if (issue.code === "unrecognized_keys")
          return `${where}: ${issue.keys.join(", ")}: not a key of an organization file (stacks, namePrefix, recipient, sources)`;
        return `${where}: ${issue.message}`;
      }),
    );
  const { stacks, namePrefix, recipient, sources } = parsed.data;
  const name = stacks.name ?? basename(path, extname(path));
  if (!STACK_PART.test(name))
    return fail([
      `the file name '${name}' is not a stack name prefix (letters, digits, _ . -): set stacks.name`,
    ]);

  const allConfig = {
    "central-logging:namePrefix": namePrefix,
    "central-logging:recipient": recipient,
    "central-logging:sources": sources,
  };
  const stack = resolveStack({ namePrefix, recipient, sources }, `${name}-all`);
  if (!stack.ok) return fail(stack.errors);

  // The entries as written, comments kept. Aliases cannot leave their document: a file that uses
  // them is copied as plain values instead (its comments are lost in the generated files).
  let aliases = false;
  visit(doc, {
    Alias: () => {
      aliases = true;
      return visit.BREAK;
    },
  });
  const copy = (key: (string | number)[]): unknown => {
    if (aliases) return doc.getIn(key);
    const node = doc.getIn(key, true);
    if (!node || typeof node !== "object" || !("clone" in node)) return node;
    const cloned = (node as { clone(): unknown }).clone();
    if (isNode(cloned))
      visit(cloned, {
        Node: (_, n) => {
          if ("anchor" in n) n.anchor = undefined;
        },
      });
    return cloned;
  };
  const sourceNodes = new Map<string, unknown>();
  stack.settings.sources.forEach((s, i) => {
    const node = copy(["sources", i]);
    // A bare 12-digit number is accepted; the generated files quote it.
    if (node && typeof node === "object" && "set" in node && "get" in node) {
      const map = node as { get(k: string, keep: true): unknown; set(k: string, v: unknown): void };
      const id = map.get("accountId", true);
      if (isScalar(id) && typeof id.value === "number") map.set("accountId", s.accountId);
    } else if (node && typeof node === "object") (node as Record<string, unknown>).accountId = s.accountId;
    sourceNodes.set(s.accountId, node);
  });

  return {
    ok: true,
    org: {
      path,
      name,
      organization: stacks.organization,
      project: stacks.project,
      ...(stacks.accountsPerShard !== undefined ? { accountsPerShard: stacks.accountsPerShard } : {}),
      ...(stacks.providerBudgetMiB !== undefined ? { providerBudgetMiB: stacks.providerBudgetMiB } : {}),
      namePrefix,
      settings: stack.settings,
      recipientNode: copy(["recipient"]),
      sourceNodes,
      allConfig,
    },
  };
}
