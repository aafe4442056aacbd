/**
 * The README embeds each stack's diagram between `<!-- plan:mermaid:<stack>:start -->` and
 * `<!-- plan:mermaid:<stack>:end -->`; `npm run docs` rewrites those blocks and a test fails when
 * one is stale. The diagram needs only the plan (`resolveStack`, as the program computes it), so no
 * program run (and no mocks) is needed.
 */
import { rawConfigFrom } from "../../infra/config";
import type { RoutingPlan } from "../../infra/plan";
import { resolveStack } from "../../infra/stack";
import { renderMermaid } from "./mermaid";
import { readStackFile } from "./stackFile";

export function diagramMarkers(stack: string): { start: string; end: string } {
  return { start: `<!-- plan:mermaid:${stack}:start -->`, end: `<!-- plan:mermaid:${stack}:end -->` };
}

/** Stacks that have a diagram block, in the order of the README. */
export function diagramStacks(readme: string): string[] {
  return [...readme.matchAll(/<!-- plan:mermaid:([A-Za-z0-9_.-]+):start -->/g)].map((m) => m[1] ?? "");
}

export function diagramBlock(diagram: string): string {
  return ["```mermaid", diagram, "```"].join("\n");
}

function blockBounds(readme: string, stack: string): { from: number; to: number } {
  const { start, end } = diagramMarkers(stack);
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`no ${start} ... ${end} block`);
  if (readme.indexOf(start, from + 1) >= 0 || readme.indexOf(end, to + 1) >= 0) {
    throw new Error(`the ${stack} diagram markers appear more than once`);
  }
  if (to < from) throw new Error(`${end} comes before ${start}`);
  return { from: from + start.length, to };
}

/** The fenced block between the markers, exactly as `embedDiagram` writes it. */
export function readDiagramBlock(readme: string, stack: string): string {
  const { from, to } = blockBounds(readme, stack);
  return readme.slice(from, to).replace(/^\n/, "").replace(/\n$/, "");
}

export function embedDiagram(readme: string, stack: string, diagram: string): string {
  const { from, to } = blockBounds(readme, stack);
  return `${readme.slice(0, from)}\n${diagramBlock(diagram)}\n${readme.slice(to)}`;
}

/** The routing plan of `Pulumi.<stack>.yaml`; throws with the config errors when it is refused. */
export function planStackFile(path: string): RoutingPlan {
  const { stack, config } = readStackFile(path);
  const resolved = resolveStack(rawConfigFrom(config), stack);
  if (!resolved.ok) throw new Error(`${path}:\n${resolved.errors.join("\n")}`);
  return resolved.plan;
}

/** Every diagram block of the README, each rewritten with `diagramOf(stack)`. */
export function regenerateDiagrams(readme: string, diagramOf: (stack: string) => string): string {
  return diagramStacks(readme).reduce((text, stack) => embedDiagram(text, stack, diagramOf(stack)), readme);
}

export function stackDiagram(path: string): string {
  return renderMermaid(planStackFile(path));
}
