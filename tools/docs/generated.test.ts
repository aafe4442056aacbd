/** The committed stack-config reference and JSON Schema are what the schema gives now. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generatedFiles } from "./generated";

describe("generated from infra/config.ts", () => {
  it.each(generatedFiles().map((f) => [f.path, f.content] as const))("%s is current", (path, content) => {
    const committed = readFileSync(path, "utf8");
    expect(committed === content, `${path} is stale: run \`npm run docs\``).toBe(true);
  });
});
