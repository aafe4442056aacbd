/**
 * `npm run decode -- [FILE|-] [--json]` or `--stream NAME|ARN [...]`: prints the CloudWatch Logs
 * envelopes (or EventBridge events) inside a record, a get-records answer, an archive object or a
 * live stream. Exit 0 when everything decoded, 1 when some record failed, 2 on a usage error or an
 * input that cannot be read (missing file, unreachable stream).
 */
import { readFile } from "node:fs/promises";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import {
  type DecodedItem,
  decodeInput,
  decodeRecord,
  type OutputMode,
  renderItem,
} from "../tools/decode/decode";
import { DECODE_USAGE, type DecodeCommand, parseDecodeArgs } from "../tools/decode/decodeArgs";
import { readStream } from "../tools/decode/kinesisStream";

class UnreadableInput extends Error {
  override name = "UnreadableInput";
}

function emit(item: DecodedItem, mode: OutputMode): boolean {
  const rendered = renderItem(item, mode);
  if (rendered.stream === "stdout") console.log(rendered.text);
  else console.error(rendered.text);
  return item.kind !== "failure";
}

async function readAll(path: string): Promise<Buffer> {
  if (path !== "-") {
    return readFile(path).catch((err: unknown) => {
      throw new UnreadableInput(err instanceof Error ? err.message : String(err));
    });
  }
  if (process.stdin.isTTY) {
    throw new UnreadableInput("nothing on stdin: pass a FILE, pipe something in, or use --stream");
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function decodeFile(path: string, mode: OutputMode): Promise<number> {
  const input = await readAll(path);
  const { items } = decodeInput(input);
  let ok = true;
  for (const item of items) ok = emit(item, mode) && ok;
  return ok ? 0 : 1;
}

async function decodeStream(command: Extract<DecodeCommand, { kind: "stream" }>): Promise<number> {
  const client = new KinesisClient(command.region ? { region: command.region } : {});
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  let ok = true;
  let count = 0;
  try {
    for await (const record of readStream(client, { ...command, signal: stop.signal })) {
      count++;
      ok =
        emit(
          decodeRecord(record.data, `${record.shardId} sequence ${record.sequenceNumber}`),
          command.mode,
        ) && ok;
    }
  } catch (err) {
    const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const hint = command.region ? "" : " (pass --region or set AWS_REGION)";
    throw new UnreadableInput(`reading stream ${command.stream}: ${what}${/region/i.test(what) ? hint : ""}`);
  }
  if (count === 0) console.error(`decode: no records in ${command.stream} (${command.from})`);
  return ok ? 0 : 1;
}

async function main(): Promise<number> {
  const parsed = parseDecodeArgs(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`decode: ${parsed.error}\n${DECODE_USAGE}`);
    return 2;
  }
  const { command } = parsed;
  switch (command.kind) {
    case "help":
      console.log(DECODE_USAGE);
      return 0;
    case "file":
      return decodeFile(command.path, command.mode);
    case "stream":
      return decodeStream(command);
  }
}

// `decode ... | head` closes the pipe early: that is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`decode: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);
