/**
 * README.md embeds the dev stack's diagram between `<!-- plan:mermaid:dev:start/end -->`; this
 * fails when the block is not what `npm run docs` would write today. The diagram needs only the
 * plan, so it is computed here with `resolveStack` (as the program computes it), no program run.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diagramBlock, diagramStacks, readDiagramBlock, stackDiagram } from "../tools/offline/readmeDiagram";

const readme = readFileSync("README.md", "utf8");

describe("README.md diagrams", () => {
  it("has the dev stack's block in the Data flow section", () => {
    expect(diagramStacks(readme)).toContain("dev");
    const dataFlow = readme.slice(readme.indexOf("## Data flow"), readme.indexOf("## Prerequisites"));
    expect(dataFlow).toContain("<!-- plan:mermaid:dev:start -->");
  });

  it.each(diagramStacks(readme))("the %s block is current (run `npm run docs` if not)", (stack) => {
    expect(readDiagramBlock(readme, stack), "stale: run `npm run docs`").toBe(
      diagramBlock(stackDiagram(`Pulumi.${stack}.yaml`)),
    );
  });
});
