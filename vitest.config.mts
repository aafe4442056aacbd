import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The longest files (processes spawned, local AWS servers, many program runs), started first. With
 * no duration cache (CI's fresh clone) Vitest starts the largest files first, and these small ones
 * came last and ran alone on one core: about 7 s more than a run with the cache. Only the start
 * order: a file missing here just starts later.
 */
const SLOW_FIRST = [
  "tests/benchScale.test.ts",
  "tests/split.test.ts",
  "tools/verify/verify.test.ts",
  "policy/pack.test.ts",
  "tests/routing.test.ts",
  "tools/shards/plan.test.ts",
  "infra/archive/cwlToFirehose/split.test.ts",
  "tools/deployerRole/cli.test.ts",
];

class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.findIndex((suffix) => f.moduleId.endsWith(suffix));
      return i === -1 ? SLOW_FIRST.length : i;
    };
    // Array#sort is stable: the rest keep Vitest's own order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

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
    sequence: { sequencer: SlowFirst },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
