/**
 * `npm run plan -- --stack dev [--format text|json|mermaid]` (`--json` = `--format json`) or
 * `--file path/Pulumi.x.yaml`: the plan CLI (tools/offline/planCli.ts) on this process's streams.
 */
import { planMain } from "../tools/offline/planCli";

// Exit only once stdout is flushed: a large plan piped to another program would be cut short.
// (Exit at all: the Pulumi runtime under mocks can keep the event loop alive.)
const exit = (code: number) => process.stdout.write("", () => process.exit(code));

planMain(process.argv.slice(2), { log: (t) => console.log(t), error: (t) => console.error(t) }).then(
  (code) => exit(code),
  (err: unknown) => {
    console.error(`central-logging plan: ${err instanceof Error ? err.message : String(err)}`);
    exit(2);
  },
);
