/**
 * `npm run plan -- --stack dev [--format text|json|mermaid]` (`--json` = `--format json`) or
 * `--file path/Pulumi.x.yaml`: runs the real program under mocks with that stack's config (no AWS
 * credentials, no Pulumi CLI) and prints what would be created per account and region, the
 * forwarding routes and totals; or the routing plan as a Mermaid flowchart. Exit 1 on a bad config.
 * The entry point is scripts/plan.ts; tests call `planMain` in-process.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { stackDeployCost } from "../../infra/checks/deployCost";
import { renderMermaid } from "./mermaid";
import { formatPlan, placeResources } from "./report";
import { readStackFile } from "./stackFile";

const FORMATS = ["text", "json", "mermaid"] as const;
type Format = (typeof FORMATS)[number];
const USAGE =
  "usage: npm run plan -- --stack <name> | --file <Pulumi.name.yaml> [--format text|json|mermaid] [--json] [--stack-outputs <org/project/stack>=<outputs.json>]";

function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

/** Where the CLI writes: the process's streams, or a test's buffers. */
export interface PlanIo {
  log: (text: string) => void;
  error: (text: string) => void;
}

/** The CLI without the process: its exit code, its output through `io`. */
export async function planMain(argv: readonly string[], io: PlanIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      stack: { type: "string" },
      file: { type: "string" },
      json: { type: "boolean", default: false },
      format: { type: "string" },
      // `org/project/stack=outputs.json`: what a `part: sources` stack's recipient stack exports
      // (`pulumi stack output --json`, or this CLI's --json "outputs" of the recipient stack).
      "stack-outputs": { type: "string", multiple: true },
    },
  });
  if (!values.stack && !values.file) {
    io.error(USAGE);
    return 2;
  }
  const format = values.format ?? (values.json ? "json" : "text");
  if (!isFormat(format) || (values.json && format !== "json")) {
    io.error(
      isFormat(format)
        ? `--json contradicts --format ${format}\n${USAGE}`
        : `unknown --format ${format}\n${USAGE}`,
    );
    return 2;
  }
  const path = resolve(values.file ?? `Pulumi.${values.stack}.yaml`);
  const { stack, config } = readStackFile(path);
  const stackReferences = Object.fromEntries(
    (values["stack-outputs"] ?? []).map((pair) => {
      const at = pair.indexOf("=");
      if (at < 1) throw new Error(`--stack-outputs ${pair}: expected <org/project/stack>=<file.json>`);
      return [
        pair.slice(0, at),
        JSON.parse(readFileSync(resolve(pair.slice(at + 1)), "utf8")) as Record<string, unknown>,
      ];
    }),
  );
  // Loaded only now: a usage error answers without loading the Pulumi SDK.
  const { runProgram } = await import("./run");
  const run = await runProgram(stack, config, { stackReferences });
  if (!run.ok) {
    io.error(run.configError ? run.errors.join("\n") : `central-logging: ${run.errors.join("\n")}`);
    return 1;
  }
  // The plan the program itself computed and realized: nothing is planned twice.
  const plan = run.plan;
  if (format === "mermaid") {
    io.log(renderMermaid(plan));
  } else if (format === "json") {
    io.log(
      JSON.stringify(
        { stack, plan, resources: placeResources(run.mocks.resources), outputs: run.outputs },
        null,
        2,
      ),
    );
  } else {
    const deploy = { ...stackDeployCost(run.settings, plan), budgetMiB: run.settings.providerBudgetMiB };
    io.log(formatPlan(stack, plan, run.mocks.resources, deploy));
    // The planned resources against AWS's published data (tools/awsData); all of it is offline.
    // Loaded only for the text format: the AWS SDK models and IAM data it reads are large.
    const { checkPlan, formatFinding } = await import("../awsData/check");
    const findings = await checkPlan(run.mocks.resources);
    io.log(
      findings.length === 0
        ? "\nAWS data check: no findings"
        : `\nAWS data check: ${findings.length} finding(s)\n${findings.map((f) => `  ${formatFinding(f)}`).join("\n")}`,
    );
  }
  return 0;
}
