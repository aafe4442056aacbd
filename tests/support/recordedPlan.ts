/**
 * A plan as the engine would see it, in a form that can be committed and compared: every provider
 * and resource with its account, region, parent, dependencies and inputs, and the stack outputs.
 * Sorted by type and name, so that registration order does not matter; Lambda bundles stand as
 * their SHA-256 (the code is compared, not stored).
 *
 * `npm run record-plans` writes tests/fixtures/plans/<name>.json; tests/recordedPlan.test.ts fails
 * when the program's plan for the same config differs. Refactors keep it; a deliberate change
 * re-records it, and the diff of the fixture is what reviewers read.
 */
import { createHash } from "node:crypto";
import { accountListConfig, organizationConfig } from "../../tools/awsData/limitConfigs";
import { isGlobalType } from "../../tools/offline/mocks";
import type { ProgramRun, StackConfig } from "../../tools/offline/run";
import { readStackFile } from "../../tools/offline/stackFile";

export interface RecordedPlan {
  providers: { name: string; accountId: string; region: string; inputs: unknown }[];
  resources: {
    type: string;
    name: string;
    custom: boolean;
    where?: string;
    provider?: string;
    parent?: string;
    dependsOn: string[];
    inputs: unknown;
  }[];
  outputs: unknown;
}

/** The configs whose plans are recorded: the example stacks and the two limit configs. */
export function recordedConfigs(): { name: string; stack: string; config: StackConfig }[] {
  const file = (stack: string) => ({ name: stack, ...readStackFile(`Pulumi.${stack}.yaml`) });
  return [
    file("dev"),
    file("prod"),
    { name: "limits-organization", stack: "limits", config: organizationConfig() },
    { name: "limits-accounts", stack: "limits", config: accountListConfig(12) },
  ];
}

export function fixturePath(name: string): string {
  return `tests/fixtures/plans/${name}.json`;
}

const BIG = 2_000;

/** Large strings (bundled Lambda code) as their hash; everything else as it is. */
function compact(value: unknown): unknown {
  if (typeof value === "string")
    return value.length > BIG ? `sha256:${createHash("sha256").update(value).digest("hex")}` : value;
  if (Array.isArray(value)) return value.map(compact);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v)]));
  return value;
}

export function recordPlan(run: ProgramRun): RecordedPlan {
  const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;
  return {
    providers: [...run.mocks.providers.values()]
      .map((p) => ({ name: p.name, accountId: p.accountId, region: p.region, inputs: compact(p.inputs) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    resources: [...run.mocks.resources]
      .sort((a, b) => key(a).localeCompare(key(b)))
      .map((r) => ({
        type: r.type,
        name: r.name,
        custom: r.custom,
        ...(r.provider
          ? { where: `${r.provider.accountId}/${r.region ?? r.provider.region}`, provider: r.provider.name }
          : {}),
        ...(r.packageProvider ? { provider: r.packageProvider.name } : {}),
        ...(r.parent ? { parent: r.parent } : {}),
        dependsOn: r.dependsOn,
        inputs: compact(r.inputs),
      })),
    outputs: compact(run.outputs),
  };
}

/**
 * Where each resource is deployed: its provider's account, and its own `region` input or else its
 * provider's region. IAM is global: its resources have no region (compared on the account alone).
 */
export function placementOf(run: ProgramRun): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of run.mocks.resources) {
    if (!r.custom || !r.provider) continue;
    // The mocks record where it went: its own `region`, else its provider's.
    out[`${r.type}::${r.name}`] = isGlobalType(r.type)
      ? r.provider.accountId
      : `${r.provider.accountId}/${r.region}`;
  }
  return out;
}

/** The recorded placement (tests/fixtures/placements), global resources on their account alone. */
export function recordedPlacement(name: string, readFile: (path: string) => string): Record<string, string> {
  const where = JSON.parse(readFile(`tests/fixtures/placements/${name}.json`)) as Record<string, string>;
  return Object.fromEntries(
    Object.entries(where).map(([key, w]) => [key, isGlobalType(key) ? (w.split("/")[0] ?? w) : w]),
  );
}

/** The test body: the program's plan for a recorded config equals its fixture. */
export async function planOf(
  name: string,
): Promise<{ actual: RecordedPlan; recorded: RecordedPlan; placement: Record<string, string> }> {
  const { readFileSync } = await import("node:fs");
  const { runProgram } = await import("../../tools/offline/run");
  const entry = recordedConfigs().find((c) => c.name === name);
  if (!entry) throw new Error(`no recorded config named ${name}`);
  const run = await runProgram(entry.stack, entry.config);
  if (!run.ok) throw new Error(`${name}: the program failed:\n${run.errors.join("\n")}`);
  // Through JSON, as recorded: undefined values drop out the same way.
  const actual = JSON.parse(JSON.stringify(recordPlan(run))) as RecordedPlan;
  const recorded = JSON.parse(readFileSync(fixturePath(name), "utf8")) as RecordedPlan;
  return { actual, recorded, placement: placementOf(run) };
}
