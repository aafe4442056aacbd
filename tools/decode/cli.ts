/**
 * `npm run decode`: from the command line to an exit code. The streams, stdin and the Kinesis
 * client are injected: scripts/decode.ts gives the process's own, tests give buffers.
 */
import { readFile } from "node:fs/promises";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { type DecodedItem, decodeInput, decodeRecord, type OutputMode, renderItem } from "./decode";
import { DECODE_USAGE, type DecodeCommand, parseDecodeArgs } from "./decodeArgs";
import { type KinesisReadClient, readStream } from "./kinesisStream";

export interface DecodeIo {
  /** One line of data (the newline is the caller's). */
  out: (line: string) => void;
  /** One line of failures, notes and usage. */
  err: (line: string) => void;
  /** What `-` (or no FILE) reads. */
  stdin: AsyncIterable<Uint8Array | string> & { isTTY?: boolean };
  /** What ends `--stream --follow`, asked for only then (the script wires Ctrl-C to it). */
  interrupts?: () => AbortSignal;
  /** Default: an SDK client for the region (or the SDK's own resolution). */
  kinesis?: (region: string | undefined) => KinesisReadClient;
}

class UnreadableInput extends Error {
  override name = "UnreadableInput";
}

function emit(item: DecodedItem, mode: OutputMode, io: DecodeIo): boolean {
  const rendered = renderItem(item, mode);
  if (rendered.stream === "stdout") io.out(rendered.text);
  else io.err(rendered.text);
  return item.kind !== "failure";
}

async function readAll(path: string, io: DecodeIo): Promise<Buffer> {
  if (path !== "-") {
    return readFile(path).catch((err: unknown) => {
      throw new UnreadableInput(err instanceof Error ? err.message : String(err));
    });
  }
  if (io.stdin.isTTY) {
    throw new UnreadableInput("nothing on stdin: pass a FILE, pipe something in, or use --stream");
  }
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function decodeFile(path: string, mode: OutputMode, io: DecodeIo): Promise<number> {
  const { items } = decodeInput(await readAll(path, io));
  let ok = true;
  for (const item of items) ok = emit(item, mode, io) && ok;
  return ok ? 0 : 1;
}

async function decodeStream(
  command: Extract<DecodeCommand, { kind: "stream" }>,
  io: DecodeIo,
): Promise<number> {
  const client =
    io.kinesis?.(command.region) ?? new KinesisClient(command.region ? { region: command.region } : {});
  const signal = io.interrupts?.();
  let ok = true;
  let count = 0;
  try {
    for await (const record of readStream(client, { ...command, ...(signal ? { signal } : {}) })) {
      count++;
      ok =
        emit(
          decodeRecord(record.data, `${record.shardId} sequence ${record.sequenceNumber}`),
          command.mode,
          io,
        ) && ok;
    }
  } catch (err) {
    const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const hint = command.region ? "" : " (pass --region or set AWS_REGION)";
    throw new UnreadableInput(`reading stream ${command.stream}: ${what}${/region/i.test(what) ? hint : ""}`);
  }
  if (count === 0) io.err(`decode: no records in ${command.stream} (${command.from})`);
  return ok ? 0 : 1;
}

/**
 * Exit 0 when everything decoded, 1 when some record failed, 2 on a usage error or an input that
 * cannot be read (missing file, unreachable stream).
 */
export async function decodeMain(argv: readonly string[], io: DecodeIo): Promise<number> {
  const parsed = parseDecodeArgs(argv);
  if (!parsed.ok) {
    io.err(`decode: ${parsed.error}\n${DECODE_USAGE}`);
    return 2;
  }
  const { command } = parsed;
  try {
    switch (command.kind) {
      case "help":
        io.out(DECODE_USAGE);
        return 0;
      case "file":
        return await decodeFile(command.path, command.mode, io);
      case "stream":
        return await decodeStream(command, io);
    }
  } catch (err) {
    io.err(`decode: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
}
