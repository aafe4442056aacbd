/**
 * `npm run plan -- --stack dev [--json]` or `--file path/Pulumi.x.yaml`: runs the real program
 * under mocks with that stack's config (no AWS credentials, no Pulumi CLI) and prints what would
 * be created per account and region, the forwarding routes and totals. Exit 1 on a bad config.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseSettings, rawConfigFrom } from "../infra/config";
import { formatPlan, placeResources } from "../infra/offline/report";
import { runProgram } from "../infra/offline/run";
import { readStackFile } from "../infra/offline/stackFile";
import { planRouting } from "../infra/routing";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string" },
      file: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  if (!values.stack && !values.file) {
    console.error("usage: npm run plan -- --stack <name> | --file <Pulumi.name.yaml> [--json]");
    return 2;
  }
  const path = resolve(values.file ?? `Pulumi.${values.stack}.yaml`);
  const { stack, config } = readStackFile(path);
  const run = await runProgram(stack, config);
  if (!run.ok) {
    console.error(run.configError ? run.errors.join("\n") : `central-logging: ${run.errors.join("\n")}`);
    return 1;
  }
  const raw = rawConfigFrom(config);
  const parsed = parseSettings(raw, stack);
  if (!parsed.ok) throw new Error("the program accepted a config that parseSettings refuses");
  const plan = planRouting(parsed.settings);
  if (values.json) {
    console.log(
      JSON.stringify(
        { stack, plan, resources: placeResources(run.mocks.resources), outputs: run.outputs },
        null,
        2,
      ),
    );
  } else {
    console.log(formatPlan(stack, plan, run.mocks.resources));
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`central-logging plan: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
