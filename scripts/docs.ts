/**
 * `npm run docs`: rewrites every `<!-- plan:mermaid:<stack>:start/end -->` block of README.md with
 * the diagram of `Pulumi.<stack>.yaml` (what `npm run plan -- --stack <stack> --format mermaid`
 * prints). `tests/readmeDiagram.test.ts` fails while a block is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { diagramStacks, regenerateDiagrams, stackDiagram } from "../tools/offline/readmeDiagram";

function main(): number {
  const path = resolve("README.md");
  const readme = readFileSync(path, "utf8");
  const stacks = diagramStacks(readme);
  if (stacks.length === 0) {
    console.error("docs: README.md has no <!-- plan:mermaid:<stack>:start --> block");
    return 1;
  }
  const updated = regenerateDiagrams(readme, (stack) => stackDiagram(resolve(`Pulumi.${stack}.yaml`)));
  if (updated === readme) {
    console.log(`docs: README.md is up to date (${stacks.join(", ")})`);
    return 0;
  }
  writeFileSync(path, updated);
  console.log(`docs: README.md updated (${stacks.join(", ")})`);
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(`docs: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
