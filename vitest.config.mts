import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts", "infra/**/*.test.ts", "policy/**/*.test.ts", "tools/**/*.test.ts"],
    // One fork per core (Vitest's default leaves one core idle: half of a 2-core machine). Files share their
    // worker: @pulumi/aws, @pulumi/pulumi and the Lambda bundles load once per worker, not once per
    // file. Pulumi's mock runtime is process-global: tools/offline/run.ts runs one program at a
    // time and resets it for each run, so runs in one worker are as independent as runs in two.
    pool: "forks",
    maxWorkers: availableParallelism(),
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
