import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts", "infra/**/*.test.ts", "policy/**/*.test.ts", "tools/**/*.test.ts"],
    // Pulumi's mock runtime is process-global: every test file gets its own process.
    pool: "forks",
    isolate: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
