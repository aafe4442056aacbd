/**
 * `npm run redrive -- --stack <name> [--apply] [--only search|events|errors] [--json]`: counts
 * (dry run) or replays (--apply) what the pipeline failed to deliver: the search and events
 * dead-letter queues and the archive's `errors/` records. Exit 0 when nothing is still failing, 1
 * when something is (or a source could not be read), 2 on a usage or config error.
 */
import { sleep } from "../infra/kernel/lambda/backoff";
import { accountAccess, ClientFactory } from "../tools/aws/clients";
import { loadStackFile } from "../tools/cli/stack";
import { parseRedriveArgs, REDRIVE_USAGE } from "../tools/redrive/args";
import { streamProgress } from "../tools/redrive/progress";
import { runRedrive } from "../tools/redrive/redrive";
import { exitCode, renderJson, renderText } from "../tools/redrive/report";
import { connectSearch } from "../tools/redrive/searchClient";

async function main(): Promise<number> {
  const parsed = parseRedriveArgs(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`redrive: ${parsed.error}\n${REDRIVE_USAGE}`);
    return 2;
  }
  const { command } = parsed;
  if (command.kind === "help") {
    console.log(REDRIVE_USAGE);
    return 0;
  }
  const stack = loadStackFile(command.file);
  if (!stack.ok) {
    for (const [i, l] of stack.lines.entries()) console.error(i === 0 ? `redrive: ${l}` : l);
    return 2;
  }

  const clients = new ClientFactory(accountAccess(stack.settings, command.roleName), {
    sessionName: "central-logging-redrive",
  });
  // First Ctrl-C: finish the batch in hand (so nothing replayed stays undeleted), then summarize.
  let stop = false;
  process.on("SIGINT", () => {
    if (stop) process.exit(130);
    stop = true;
    console.error("\nredrive: stopping after the current batch (Ctrl-C again to quit at once)");
  });
  const report = await runRedrive(
    stack.plan,
    { stack: stack.stack, apply: command.apply, only: command.only },
    {
      clients,
      connectSearch: (search) =>
        connectSearch(search.domain, clients, {
          auth: command.searchAuth,
          ...(command.searchEndpoint ? { endpoint: command.searchEndpoint } : {}),
        }),
      progress: streamProgress(process.stderr),
      sleep,
      shouldStop: () => stop,
    },
  );
  console.log(command.json ? renderJson(report) : renderText(report));
  return exitCode(report);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`redrive: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);
