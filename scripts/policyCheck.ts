/**
 * `npm run policy:check -- --stack dev [--json]` or `--file path/Pulumi.x.yaml`: runs the real
 * program under mocks with that stack's config (no AWS credentials, no Pulumi CLI), hands every
 * registered resource and provider to the CrossGuard pack in policy/, and prints what it reports.
 * Exit 1 on a mandatory violation or a bad config; advisory findings are printed only.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { policyInputs } from "../policy/offline";
import { policies } from "../policy/policies";
import { checkAll } from "../policy/validation";
import { runProgram } from "../tools/offline/run";
import { readStackFile } from "../tools/offline/stackFile";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string" },
      file: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  if (!values.stack && !values.file) {
    console.error("usage: npm run policy:check -- --stack <name> | --file <Pulumi.name.yaml> [--json]");
    return 2;
  }
  const { stack, config } = readStackFile(resolve(values.file ?? `Pulumi.${values.stack}.yaml`));
  const run = await runProgram(stack, config);
  if (!run.ok) {
    console.error(run.errors.join("\n"));
    return 1;
  }
  const resources = policyInputs(run.mocks, stack);
  const findings = await checkAll(policies, resources, stack);
  const mandatory = findings.filter((f) => f.enforcementLevel === "mandatory");
  if (values.json) {
    console.log(JSON.stringify({ stack, checked: resources.length, findings }, null, 2));
  } else {
    for (const f of findings) console.log(`${f.enforcementLevel} ${f.policy}: ${f.resource}: ${f.message}`);
    console.log(
      `central-logging policy check for stack '${stack}': ${resources.length} resources and providers, ` +
        `${policies.length} policies, ${mandatory.length} mandatory and ${findings.length - mandatory.length} advisory findings.`,
    );
  }
  return mandatory.length > 0 ? 1 : 0;
}

// Exit only once stdout is flushed: a large plan piped to another program would be cut short.
// (Exit at all: the Pulumi runtime under mocks can keep the event loop alive.)
const exit = (code: number) => process.stdout.write("", () => process.exit(code));

main().then(
  (code) => exit(code),
  (err: unknown) => {
    console.error(`central-logging policy check: ${err instanceof Error ? err.message : String(err)}`);
    exit(2);
  },
);
