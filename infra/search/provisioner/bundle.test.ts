import { describe, expect, it } from "vitest";
import { evaluateBundle } from "../../../tests/doubles/bundle";
import { bundleFunction } from "../../kernel/lambda/bundle";

describe("searchProvisioner bundle", () => {
  it("is self-contained CommonJS with the OpenSearch and Secrets Manager clients inlined", () => {
    const code = bundleFunction("search/provisioner/index.ts");
    expect(code).toContain("opensearch-js/");
    expect(code).toContain("secretsmanager");
    expect(code).not.toContain("sourceMappingURL");
    const exports = evaluateBundle(code);
    expect(typeof exports.handler).toBe("function");
    expect(typeof exports.createHandler).toBe("function");
  });

  it("rejects bad input with the step's message, as Pulumi will show it", async () => {
    const exports = evaluateBundle(bundleFunction("search/provisioner/index.ts"));
    const handler = exports.handler as (event: unknown) => Promise<unknown>;
    await expect(handler({})).rejects.toThrow(/^step 'input' failed: endpoint: /);
  });
});
