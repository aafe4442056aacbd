/**
 * `npm run verify -- --stack NAME | --file PATH [--timeout 15m] [--json]`: after `pulumi up`, writes
 * a canary into every canary log group and canary event rule of the stack, with the deploy's
 * credentials, and follows each through the stream, the archive and search; says where a canary
 * stopped and why. Exit 0 when every canary was delivered, 1 when some was not, 2 on a usage or
 * config error.
 */
import { verifyMain } from "../tools/verify/cli";

// `verify ... | head` closes the pipe early: that is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

verifyMain(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  tty: process.stderr.isTTY === true,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`verify: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);
