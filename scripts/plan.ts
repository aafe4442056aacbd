/**
 * `npm run plan -- --stack dev [--format text|json|mermaid]` (`--json` = `--format json`) or
 * `--file path/Pulumi.x.yaml`: runs the real program under mocks with that stack's config (no AWS
 * credentials, no Pulumi CLI) and prints what would be created per account and region, the
 * forwarding routes and totals; or the routing plan as a Mermaid flowchart. Exit 1 on a bad config.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseSettings, rawConfigFrom } from "../infra/config";
import { renderMermaid } from "../infra/offline/mermaid";
import { formatPlan, placeResources } from "../infra/offline/report";
import { runProgram } from "../infra/offline/run";
import { readStackFile } from "../infra/offline/stackFile";
import { planRouting } from "../infra/routing";

const FORMATS = ["text", "json", "mermaid"] as const;
type Format = (typeof FORMATS)[number];
const USAGE =
  "usage: npm run plan -- --stack <name> | --file <Pulumi.name.yaml> [--format text|json|mermaid] [--json]";

function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string" },
      file: { type: "string" },
      json: { type: "boolean", default: false },
      format: { type: "string" },
    },
  });
  if (!values.stack && !values.file) {
    console.error(USAGE);
    return 2;
  }
  const format = values.format ?? (values.json ? "json" : "text");
  if (!isFormat(format) || (values.json && format !== "json")) {
    console.error(
      isFormat(format)
        ? `--json contradicts --format ${format}\n${USAGE}`
        : `unknown --format ${format}\n${USAGE}`,
    );
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
  if (format === "mermaid") {
    console.log(renderMermaid(plan));
  } else if (format === "json") {
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
