/**
 * `npm run decode -- --stream` end to end with the real AWS SDK against a local HTTP/2 stand-in for
 * Kinesis (the SDK's Kinesis client speaks HTTP/2, JSON 1.1): no network, dummy credentials. Checks
 * the calls the CLI makes, that record bytes reach the decoder intact, and the exit code.
 */
import { spawn } from "node:child_process";
import { createServer, type Http2Server } from "node:http2";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import getRecords from "./fixtures/kinesis-get-records.json";

const calls: { target: string; input: Record<string, unknown> }[] = [];
let server: Http2Server;

function answer(target: string, input: Record<string, unknown>): unknown {
  if (target === "ListShards") {
    return {
      Shards: [{ ShardId: "shardId-000000000000", SequenceNumberRange: { StartingSequenceNumber: "1" } }],
    };
  }
  if (target === "GetShardIterator") return { ShardIterator: "iterator-0" };
  if (input.ShardIterator === "iterator-0") {
    const blog = getRecords.Records[0]!;
    return {
      Records: [
        { Data: blog.Data, PartitionKey: "k", SequenceNumber: blog.SequenceNumber },
        { Data: Buffer.from("not gzip").toString("base64"), PartitionKey: "k", SequenceNumber: "4960" },
      ],
      NextShardIterator: "iterator-1",
      MillisBehindLatest: 0,
    };
  }
  return { Records: [], NextShardIterator: "iterator-1", MillisBehindLatest: 0 };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "").replace(/^Kinesis_20131202\./, "");
      const input = JSON.parse(body || "{}") as Record<string, unknown>;
      calls.push({ target, input });
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify(answer(target, input)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function decode(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { port } = server.address() as AddressInfo;
  const child = spawn(process.execPath, ["--no-warnings", "--import", "tsx", "scripts/decode.ts", ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: tmpdir(),
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "not-a-secret",
      AWS_ENDPOINT_URL_KINESIS: `http://127.0.0.1:${port}`,
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString("utf8");
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString("utf8");
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

describe("npm run decode -- --stream", () => {
  it("reads the shard until caught up, prints the blog's control message and fails the bad record", async () => {
    const { code, stdout, stderr } = await decode([
      "--stream",
      "central-logging-dev-logs",
      "--region",
      "ap-northeast-1",
    ]);
    expect(calls).toEqual([
      { target: "ListShards", input: { StreamName: "central-logging-dev-logs" } },
      {
        target: "GetShardIterator",
        input: {
          StreamName: "central-logging-dev-logs",
          ShardId: "shardId-000000000000",
          ShardIteratorType: "TRIM_HORIZON",
        },
      },
      { target: "GetRecords", input: { ShardIterator: "iterator-0", Limit: 10_000 } },
    ]);
    expect(stdout).toContain(
      `=== shardId-000000000000 sequence ${getRecords.Records[0]!.SequenceNumber}\nmessageType: CONTROL_MESSAGE (control message:`,
    );
    expect(stdout).toContain("CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.");
    expect(stderr).toBe(
      "decode: shardId-000000000000 sequence 4960: not gzip: gunzip failed: incorrect header check\n",
    );
    expect(code).toBe(1);
  });
});
