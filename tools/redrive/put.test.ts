import type { PutRecordBatchCommand, PutRecordBatchCommandOutput } from "@aws-sdk/client-firehose";
import type { PutRecordsCommand, PutRecordsCommandOutput } from "@aws-sdk/client-kinesis";
import { describe, expect, it } from "vitest";
import { firehoseSink, kinesisSink, type PutOptions } from "./put";

const $metadata = {};
const waits: number[] = [];
const options: PutOptions = {
  maxAttempts: 3,
  backoff: { baseMs: 100, capMs: 1_000 },
  sleep: async (ms) => {
    waits.push(ms);
  },
  random: () => 0.5,
};

const records = (n: number, size = 10) => Array.from({ length: n }, (_, i) => Buffer.alloc(size, i % 256));

/** A Kinesis client whose answer per record comes from `answer(data, request number)`. */
function kinesis(answer: (data: Uint8Array, request: number) => string | undefined | Error) {
  const requests: Uint8Array[][] = [];
  return {
    requests,
    client: {
      async send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput> {
        const entries = command.input.Records ?? [];
        requests.push(entries.map((e) => e.Data!));
        const answers = entries.map((e) => answer(e.Data!, requests.length));
        const thrown = answers.find((a) => a instanceof Error);
        if (thrown) throw thrown;
        return {
          $metadata,
          FailedRecordCount: answers.filter(Boolean).length,
          Records: answers.map((a, i) =>
            a === undefined
              ? { SequenceNumber: `${requests.length}-${i}`, ShardId: "shardId-000000000000" }
              : { ErrorCode: a as string, ErrorMessage: "msg" },
          ),
        };
      },
    },
  };
}

const serviceError = (name: string, status: number) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });

describe("kinesisSink", () => {
  it("sends again only the records that failed, with backoff", async () => {
    waits.length = 0;
    const k = kinesis((data, n) =>
      data[0] === 1 && n === 1 ? "ProvisionedThroughputExceededException" : undefined,
    );
    const outcomes = await kinesisSink(k.client, "s", options)(records(3));
    expect(outcomes).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(k.requests.map((r) => r.map((d) => d[0]))).toEqual([[0, 1, 2], [1]]);
    expect(waits).toEqual([75]);
  });

  it("gives up after maxAttempts and says why, per record", async () => {
    const k = kinesis((data) => (data[0] === 2 ? "InternalFailure" : undefined));
    const outcomes = await kinesisSink(k.client, "s", options)(records(3));
    expect(outcomes[2]).toEqual({ ok: false, reason: "after 3 attempts: InternalFailure: msg" });
    expect(outcomes.slice(0, 2)).toEqual([{ ok: true }, { ok: true }]);
    expect(k.requests).toHaveLength(3);
  });

  it("fails a chunk at once on an error retrying cannot help; retries a throttled or 5xx request", async () => {
    const denied = kinesis(() => serviceError("AccessDeniedException", 400));
    expect(await kinesisSink(denied.client, "s", options)(records(2))).toEqual([
      { ok: false, reason: "AccessDeniedException: AccessDeniedException happened" },
      { ok: false, reason: "AccessDeniedException: AccessDeniedException happened" },
    ]);
    expect(denied.requests).toHaveLength(1);
    const flaky = kinesis((_, n) => (n === 1 ? serviceError("InternalFailure", 500) : undefined));
    expect(await kinesisSink(flaky.client, "s", options)(records(2))).toEqual([{ ok: true }, { ok: true }]);
    expect(flaky.requests).toHaveLength(2);
  });

  it("splits at 500 records and refuses a record over 1 MiB without sending it", async () => {
    const k = kinesis(() => undefined);
    const input = [...records(501), Buffer.alloc(1024 * 1024)];
    const outcomes = await kinesisSink(k.client, "s", options)(input);
    expect(k.requests.map((r) => r.length)).toEqual([500, 1]);
    expect(outcomes.slice(0, 501).every((o) => o.ok)).toBe(true);
    expect(outcomes[501]).toEqual({ ok: false, reason: "record of 1048576 bytes exceeds 1048576" });
  });

  it("counts a missing result as failed", async () => {
    const client = {
      send: async (): Promise<PutRecordsCommandOutput> => ({ $metadata, FailedRecordCount: 0, Records: [] }),
    };
    const [o] = await kinesisSink(client, "s", { ...options, maxAttempts: 1 })(records(1));
    expect(o).toEqual({ ok: false, reason: "after 1 attempts: no result for the record" });
  });
});

describe("firehoseSink", () => {
  it("reads RequestResponses and retries FailedPutCount records", async () => {
    const requests: number[][] = [];
    const client = {
      async send(command: PutRecordBatchCommand): Promise<PutRecordBatchCommandOutput> {
        const data = (command.input.Records ?? []).map((r) => (r.Data as Uint8Array)[0]!);
        requests.push(data);
        const first = requests.length === 1;
        return {
          $metadata,
          FailedPutCount: first ? 1 : 0,
          RequestResponses: data.map((d) =>
            first && d === 0
              ? { ErrorCode: "ServiceUnavailableException", ErrorMessage: "slow down" }
              : { RecordId: "r" },
          ),
        };
      },
    };
    const outcomes = await firehoseSink(client, "f", options)(records(2));
    expect(outcomes).toEqual([{ ok: true }, { ok: true }]);
    expect(requests).toEqual([[0, 1], [0]]);
  });
});
