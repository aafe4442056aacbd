/**
 * Retention for the daily indices: an Index State Management policy
 * (`PUT _plugins/_ism/policies/<id>`) that deletes an index `retentionDays` after its creation.
 * Its `ism_template` attaches it to every new `<prefix>-*` index; indices that existed before the
 * policy are attached by the provisioner.
 */
import { createHash } from "node:crypto";
import { assertIndexPrefix, indexPattern } from "./indexName";

export const MAX_RETENTION_DAYS = 36_500;

export interface IsmPolicyBody {
  readonly policy: {
    readonly description: string;
    readonly default_state: string;
    readonly states: readonly IsmState[];
    readonly ism_template: readonly {
      readonly index_patterns: readonly string[];
      readonly priority: number;
    }[];
  };
}

interface IsmState {
  readonly name: string;
  readonly actions: readonly Record<string, unknown>[];
  readonly transitions: readonly {
    readonly state_name: string;
    readonly conditions: { readonly min_index_age: string };
  }[];
}

export function ismPolicyId(prefix: string): string {
  return `${assertIndexPrefix(prefix)}-retention`;
}

/** `rev <hash>` at the end of a description: the provisioner compares it to skip no-op updates. */
const REVISION = / \(rev ([0-9a-f]{12})\)$/;

export function ismPolicy(prefix: string, retentionDays: number): IsmPolicyBody {
  if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > MAX_RETENTION_DAYS) {
    throw new Error(
      `retentionDays must be a whole number from 1 to ${MAX_RETENTION_DAYS}, got ${retentionDays}`,
    );
  }
  const pattern = indexPattern(prefix);
  const rules = {
    default_state: "hot",
    states: [
      {
        name: "hot",
        actions: [],
        transitions: [{ state_name: "delete", conditions: { min_index_age: `${retentionDays}d` } }],
      },
      { name: "delete", actions: [{ delete: {} }], transitions: [] },
    ],
    ism_template: [{ index_patterns: [pattern], priority: 100 }],
  };
  const revision = createHash("sha256").update(JSON.stringify(rules)).digest("hex").slice(0, 12);
  return {
    policy: {
      description: `Deletes ${pattern} indices ${retentionDays} days after creation (central-logging) (rev ${revision})`,
      ...rules,
    },
  };
}

/** The revision embedded in a policy description, or undefined (a policy someone else wrote). */
export function ismPolicyRevision(description: unknown): string | undefined {
  return typeof description === "string" ? REVISION.exec(description)?.[1] : undefined;
}
