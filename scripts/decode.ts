/**
 * `npm run decode -- [FILE|-] [--json]` or `--stream NAME|ARN [...]`: prints the CloudWatch Logs
 * envelopes (or EventBridge events) inside a record, a get-records answer, an archive object or a
 * live stream. The CLI (tools/decode/cli.ts) on this process's streams; exit 0 when everything
 * decoded, 1 when some record failed, 2 on a usage error or an input that cannot be read.
 */
import { decodeMain } from "../tools/decode/cli";

// `decode ... | head` closes the pipe early: that is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

decodeMain(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  stdin: process.stdin,
  // Only a stream read takes Ctrl-C over: elsewhere it ends the process as usual.
  interrupts: () => {
    const stop = new AbortController();
    process.once("SIGINT", () => stop.abort());
    return stop.signal;
  },
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`decode: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);
