/**
 * `npm run docs`: rewrites every `<!-- plan:mermaid:<stack>:start/end -->` block of README.md with
 * the diagram of `Pulumi.<stack>.yaml` (what `npm run plan -- --stack <stack> --format mermaid`
 * prints), and writes the stack-config reference (`docs/configuration.md`) and the stack file's
 * JSON Schema (`schema/stack-config.schema.json`) from the schema in `infra/config.ts`.
 * `tests/readmeDiagram.test.ts` and `tools/docs/generated.test.ts` fail while one is stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { generatedFiles } from "../tools/docs/generated";
import { diagramStacks, regenerateDiagrams, stackDiagram } from "../tools/offline/readmeDiagram";

function writeGenerated(): void {
  for (const { path, content } of generatedFiles()) {
    const full = resolve(path);
    if (existsSync(full) && readFileSync(full, "utf8") === content) {
      console.log(`docs: ${path} is up to date`);
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    console.log(`docs: ${path} updated`);
  }
}

function main(): number {
  writeGenerated();
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
