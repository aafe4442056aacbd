/**
 * Command line of `npm run decode`: pure, so every usage error is tested without spawning.
 */
import { parseCommandLine } from "../cli/args";
import type { OutputMode } from "./decode";
import type { StartPosition } from "./kinesisStream";

export const DECODE_USAGE = [
  "usage: npm run decode -- [FILE|-] [--json]",
  "       npm run decode -- --stream NAME|ARN [--region R] [--from TRIM_HORIZON|LATEST] [--limit N] [--follow] [--json]",
  "",
  "FILE (or - / nothing: stdin) may be a base64 record, `aws kinesis get-records` output, a Lambda",
  "Kinesis event, or a Firehose / EventBridge archive object from S3 (gzip or plain).",
].join("\n");

export type DecodeCommand =
  | { readonly kind: "help" }
  | { readonly kind: "file"; readonly path: string; readonly mode: OutputMode }
  | {
      readonly kind: "stream";
      /** Name or ARN. */
      readonly stream: string;
      /** From --region, else from the ARN, else the SDK's own resolution (AWS_REGION, profile). */
      readonly region?: string;
      readonly from: StartPosition;
      readonly limit?: number;
      readonly follow: boolean;
      readonly mode: OutputMode;
    };

export type ParsedDecodeArgs = { ok: true; command: DecodeCommand } | { ok: false; error: string };

const STREAM_ARN = /^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):\d{12}:stream\/[A-Za-z0-9_.-]+$/;

export function parseDecodeArgs(argv: readonly string[]): ParsedDecodeArgs {
  const parsed = parseCommandLine(argv, {
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
    stream: { type: "string" },
    region: { type: "string" },
    from: { type: "string" },
    limit: { type: "string" },
    follow: { type: "boolean" },
  });
  if (!parsed.ok) return parsed;
  const { values, positionals } = parsed;
  if (values.help) return { ok: true, command: { kind: "help" } };
  const mode: OutputMode = values.json ? "json" : "text";

  if (values.stream === undefined) {
    const streamOnly = (["region", "from", "limit", "follow"] as const).filter(
      (k) => values[k] !== undefined,
    );
    if (streamOnly.length > 0) {
      return { ok: false, error: `--${streamOnly.join(", --")}: only with --stream` };
    }
    if (positionals.length > 1)
      return { ok: false, error: `one input at a time, got ${positionals.join(" ")}` };
    return { ok: true, command: { kind: "file", path: positionals[0] ?? "-", mode } };
  }

  if (positionals.length > 0) {
    return { ok: false, error: `--stream reads the stream; drop ${positionals.join(" ")}` };
  }
  const stream = values.stream;
  if (stream === "") return { ok: false, error: "--stream needs a stream name or ARN" };
  const arnRegion = stream.startsWith("arn:") ? STREAM_ARN.exec(stream)?.[1] : undefined;
  if (stream.startsWith("arn:") && arnRegion === undefined) {
    return { ok: false, error: `--stream ${stream} is not a Kinesis stream ARN` };
  }
  if (values.region !== undefined && arnRegion !== undefined && values.region !== arnRegion) {
    return { ok: false, error: `--region ${values.region} contradicts the ARN's region ${arnRegion}` };
  }
  const from = (values.from ?? "TRIM_HORIZON").toUpperCase();
  if (from !== "TRIM_HORIZON" && from !== "LATEST") {
    return { ok: false, error: `--from must be TRIM_HORIZON or LATEST, not ${values.from}` };
  }
  // LATEST starts after the newest record, so without --follow there would be nothing to read.
  if (from === "LATEST" && !values.follow) {
    return { ok: false, error: "--from LATEST reads only what arrives later: add --follow" };
  }
  let limit: number | undefined;
  if (values.limit !== undefined) {
    if (!/^[1-9][0-9]*$/.test(values.limit) || !Number.isSafeInteger(Number(values.limit))) {
      return { ok: false, error: `--limit must be a positive whole number, not ${values.limit}` };
    }
    limit = Number(values.limit);
  }
  const region = values.region ?? arnRegion;
  return {
    ok: true,
    command: {
      kind: "stream",
      stream,
      ...(region !== undefined ? { region } : {}),
      from,
      ...(limit !== undefined ? { limit } : {}),
      follow: values.follow === true,
      mode,
    },
  };
}
