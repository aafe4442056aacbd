import { describe, expect, it } from "vitest";
import { parseDecodeArgs } from "./decodeArgs";

const ARN = "arn:aws:kinesis:ap-northeast-1:999999999999:stream/central-logging-dev-logs";

describe("parseDecodeArgs", () => {
  it.each<[string[], unknown]>([
    [[], { kind: "file", path: "-", mode: "text" }],
    [["-"], { kind: "file", path: "-", mode: "text" }],
    [["object.gz", "--json"], { kind: "file", path: "object.gz", mode: "json" }],
    [["--help"], { kind: "help" }],
    [
      ["--stream", "central-logging-dev-logs"],
      {
        kind: "stream",
        stream: "central-logging-dev-logs",
        from: "TRIM_HORIZON",
        follow: false,
        mode: "text",
      },
    ],
    [
      ["--stream", "s", "--region", "us-east-2", "--from", "latest", "--follow", "--limit", "25", "--json"],
      {
        kind: "stream",
        stream: "s",
        region: "us-east-2",
        from: "LATEST",
        limit: 25,
        follow: true,
        mode: "json",
      },
    ],
    [
      ["--stream", ARN],
      {
        kind: "stream",
        stream: ARN,
        region: "ap-northeast-1",
        from: "TRIM_HORIZON",
        follow: false,
        mode: "text",
      },
    ],
    [
      ["--stream", ARN, "--region", "ap-northeast-1"],
      {
        kind: "stream",
        stream: ARN,
        region: "ap-northeast-1",
        from: "TRIM_HORIZON",
        follow: false,
        mode: "text",
      },
    ],
  ])("%j", (argv, command) => {
    expect(parseDecodeArgs(argv)).toEqual({ ok: true, command });
  });

  it.each<[string[], string]>([
    [["a", "b"], "one input at a time, got a b"],
    [["--limit", "3"], "--limit: only with --stream"],
    [["x", "--region", "us-east-1", "--follow"], "--region, --follow: only with --stream"],
    [["x", "--stream", "s"], "--stream reads the stream; drop x"],
    [["--stream", ""], "--stream needs a stream name or ARN"],
    [
      ["--stream", "arn:aws:sqs:us-east-1:999999999999:q"],
      "--stream arn:aws:sqs:us-east-1:999999999999:q is not a Kinesis stream ARN",
    ],
    [
      ["--stream", ARN, "--region", "us-east-1"],
      "--region us-east-1 contradicts the ARN's region ap-northeast-1",
    ],
    [["--stream", "s", "--from", "AT_TIMESTAMP"], "--from must be TRIM_HORIZON or LATEST, not AT_TIMESTAMP"],
    [["--stream", "s", "--from", "LATEST"], "--from LATEST reads only what arrives later: add --follow"],
    [["--stream", "s", "--limit", "0"], "--limit must be a positive whole number, not 0"],
    [["--stream", "s", "--limit", "2.5"], "--limit must be a positive whole number, not 2.5"],
    [
      ["--stream", "s", "--limit", "99999999999999999999"],
      "--limit must be a positive whole number, not 99999999999999999999",
    ],
  ])("refuses %j", (argv, error) => {
    expect(parseDecodeArgs(argv)).toEqual({ ok: false, error });
  });

  it("refuses unknown options with node's message", () => {
    const parsed = parseDecodeArgs(["--jsn"]);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.error).toContain("--jsn");
  });
});
