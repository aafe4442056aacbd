import { gunzipSync, gzipSync } from "node:zlib";
import type { FirehoseTransformationEventRecord, FirehoseTransformationResultRecord } from "aws-lambda";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import controlMessage from "../../../tests/fixtures/control-message.json";
import getRecords from "../../../tests/fixtures/kinesis-get-records.json";
import {
  base64Bytes,
  type CloudWatchLogsEnvelope,
  DEFAULT_RESPONSE_BUDGET_BYTES,
  decodeRecordData,
  gunzipChunkSize,
  isCloudWatchLogsEnvelope,
  type PlanInput,
  planResponse,
  processBatch,
  ResponseBudgetError,
  transformRecord,
} from "./transform";

const blogData = getRecords.Records[0]!.Data;

function dataEnvelope(overrides: Partial<CloudWatchLogsEnvelope> = {}): CloudWatchLogsEnvelope {
  return {
    messageType: "DATA_MESSAGE",
    owner: "111111111111",
    logGroup: "test-trail",
    logStream: "111111111111_CloudTrail_us-east-1",
    subscriptionFilters: ["central-logging-dev"],
    logEvents: [
      {
        id: "37483827948392034567890123456789012345678901234567890123",
        timestamp: 1556373402311,
        message: JSON.stringify({
          eventVersion: "1.08",
          eventSource: "s3.amazonaws.com",
          eventName: "GetBucketAcl",
          awsRegion: "us-east-1",
          sourceIPAddress: "203.0.113.10",
          recipientAccountId: "111111111111",
        }),
      },
    ],
    ...overrides,
  };
}

function gz(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return gzipSync(Buffer.from(text, "utf8")).toString("base64");
}

function rec(recordId: string, data: string): FirehoseTransformationEventRecord {
  return { recordId, approximateArrivalTimestamp: 1556373403028, data };
}

function decodeOk(result: FirehoseTransformationResultRecord): string {
  expect(result.result).toBe("Ok");
  return Buffer.from(result.data!, "base64").toString("utf8");
}

describe("fixtures", () => {
  it("the real get-records Data gunzips byte-for-byte to the control-message fixture", () => {
    const text = gunzipSync(Buffer.from(blogData, "base64")).toString("utf8");
    expect(text).toBe(JSON.stringify(controlMessage));
    expect(controlMessage.messageType).toBe("CONTROL_MESSAGE");
    expect(controlMessage.logGroup).toBe("");
  });
});

describe("decodeRecordData", () => {
  it("decodes the real blog record to the control-message envelope", () => {
    expect(decodeRecordData(blogData)).toEqual({ ok: true, envelope: controlMessage });
  });

  it.each([
    ["empty", ""],
    ["invalid base64 characters", "not base64!!"],
    ["base64 with wrong length", "H4sIAAA"],
  ])("rejects %s as not base64", (_, data) => {
    expect(decodeRecordData(data)).toEqual({
      ok: false,
      stage: "base64",
      reason: "data is not valid base64",
    });
  });

  it("rejects valid base64 that is not gzip", () => {
    const result = decodeRecordData(Buffer.from("plain text, no gzip").toString("base64"));
    expect(result).toMatchObject({ ok: false, stage: "gzip" });
    expect(result.ok ? "" : result.reason).toMatch(/^gunzip failed/);
  });

  it("rejects gzip of non-JSON", () => {
    expect(decodeRecordData(gz("this is { not json"))).toEqual({
      ok: false,
      stage: "json",
      reason: "decompressed data is not JSON",
    });
  });

  it("rejects gzip of JSON that is not an envelope", () => {
    expect(decodeRecordData(gz({ Records: [] }))).toEqual({
      ok: false,
      stage: "envelope",
      reason: "JSON is not a CloudWatch Logs subscription envelope",
    });
  });

  it("refuses to inflate past maxDecompressedBytes", () => {
    const result = decodeRecordData(gz(dataEnvelope()), { maxDecompressedBytes: 100 });
    expect(result).toMatchObject({ ok: false, stage: "gzip" });
    expect(result.ok ? "" : result.reason).toMatch(/^gunzip failed/);
  });

  it("decodes gzip whose trailer size understates the output (several members)", () => {
    const json = JSON.stringify(dataEnvelope());
    const half = json.length >> 1;
    const twoMembers = Buffer.concat([gzipSync(json.slice(0, half)), gzipSync(json.slice(half))]);
    expect(decodeRecordData(twoMembers.toString("base64"))).toEqual({ ok: true, envelope: dataEnvelope() });
  });
});

describe("base64Bytes", () => {
  // The definition: the standard alphabet, a length that is a multiple of 4, at most two `=` last.
  const strict = (data: string) =>
    data.length > 0 && data.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(data);
  // Mostly base64, with what Buffer.from skips or reads leniently: `=` anywhere, URL-safe, junk.
  const chars = fc.constantFrom(
    ..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".split(""),
    "=",
    "-",
    "_",
    " ",
    "\n",
    ".",
    "é",
    // Past U+00FF: Buffer.from reads these by their low byte (A, Q, a, A).
    "\u0141",
    "\u0151",
    "\u0161",
    "\u4e41",
  );

  it("accepts exactly strict base64, and then gives Buffer.from's bytes", () => {
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 24 }), fc.integer({ min: 0, max: 2 }), (cs, pad) => {
        const data = cs.join("") + "=".repeat(pad);
        const bytes = base64Bytes(data);
        expect(bytes !== undefined, JSON.stringify(data)).toBe(strict(data));
        if (bytes) expect(bytes.equals(Buffer.from(data, "base64"))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it("accepts any bytes' own base64, including non-canonical padding bits", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (raw) => {
        const data = Buffer.from(raw).toString("base64");
        if (data.length > 0) expect(base64Bytes(data)?.equals(Buffer.from(raw))).toBe(true);
      }),
    );
    // "QR==" decodes to "A" with bits left over: base64 all the same, as before.
    expect(base64Bytes("QR==")).toEqual(Buffer.from("A"));
    expect(base64Bytes("QQ==QQ==")).toBeUndefined();
    expect(base64Bytes("QQ-_")).toBeUndefined();
    expect(Buffer.from("QUJ\u0141", "base64").length).toBe(3);
    expect(base64Bytes("QUJ\u0141")).toBeUndefined();
  });
});

describe("gunzipChunkSize", () => {
  const withTrailerSize = (size: number) => {
    const bytes = Buffer.alloc(32);
    bytes.writeUInt32LE(size, 28);
    return bytes;
  };

  it("holds the whole output named by the trailer, plus one byte", () => {
    expect(gunzipChunkSize(withTrailerSize(80_000), 6_000_000)).toBe(80_001);
  });

  it("is bounded whatever the (untrusted) trailer says", () => {
    expect(gunzipChunkSize(withTrailerSize(0xffffffff), 6_000_000)).toBe(4 * 1024 * 1024);
    expect(gunzipChunkSize(withTrailerSize(0xffffffff), 100_000)).toBe(100_001);
    expect(gunzipChunkSize(withTrailerSize(0), 6_000_000)).toBe(16 * 1024);
    expect(gunzipChunkSize(Buffer.alloc(4), 6_000_000)).toBe(16 * 1024);
  });
});

describe("isCloudWatchLogsEnvelope", () => {
  it("accepts both message types and extra fields", () => {
    expect(isCloudWatchLogsEnvelope(dataEnvelope())).toBe(true);
    expect(isCloudWatchLogsEnvelope(controlMessage)).toBe(true);
    expect(isCloudWatchLogsEnvelope({ ...dataEnvelope(), policyLevel: "ACCOUNT_LEVEL_POLICY" })).toBe(true);
  });

  it.each<[string, unknown]>([
    ["null", null],
    ["an array", [dataEnvelope()]],
    ["unknown messageType", { ...dataEnvelope(), messageType: "OTHER" }],
    ["missing owner", { ...dataEnvelope(), owner: undefined }],
    ["numeric logGroup", { ...dataEnvelope(), logGroup: 5 }],
    ["missing logStream", { ...dataEnvelope(), logStream: undefined }],
    ["non-string subscription filter", { ...dataEnvelope(), subscriptionFilters: [1] }],
    ["logEvents not an array", { ...dataEnvelope(), logEvents: {} }],
    [
      "event with string timestamp",
      { ...dataEnvelope(), logEvents: [{ id: "1", timestamp: "x", message: "m" }] },
    ],
    ["event without message", { ...dataEnvelope(), logEvents: [{ id: "1", timestamp: 1 }] }],
    [
      "event with NaN timestamp",
      dataEnvelope({ logEvents: [{ id: "1", timestamp: Number.NaN, message: "m" }] }),
    ],
  ])("rejects %s", (_, value) => {
    expect(isCloudWatchLogsEnvelope(value)).toBe(false);
  });
});

describe("transformRecord", () => {
  it("keeps the real CONTROL_MESSAGE record, un-gzipped, for the partitioning query to file apart", () => {
    const result = transformRecord(rec("r-1", blogData));
    expect(result.result).toBe("Ok");
    const line = Buffer.from(result.data ?? "", "base64").toString("utf8");
    expect(line.endsWith("\n")).toBe(true);
    expect(JSON.parse(line)).toEqual(controlMessage);
  });

  it("keeps a CONTROL_MESSAGE whatever its logGroup", () => {
    const control = { ...dataEnvelope(), messageType: "CONTROL_MESSAGE" };
    const result = transformRecord(rec("c", gz(control)));
    expect(JSON.parse(Buffer.from(result.data ?? "", "base64").toString("utf8"))).toEqual(control);
  });

  it("returns a DATA_MESSAGE as one newline-terminated compact JSON line", () => {
    const envelope = dataEnvelope();
    // Pretty-printed input proves the output is re-serialized, not copied.
    const result = transformRecord(rec("r-2", gz(JSON.stringify(envelope, null, 2))));
    const text = decodeOk(result);
    expect(result.recordId).toBe("r-2");
    expect(text).toBe(`${JSON.stringify(envelope)}\n`);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.indexOf("\n")).toBe(text.length - 1);
    expect(JSON.parse(text)).toEqual(envelope);
  });

  it("keeps unknown envelope fields and non-ASCII messages intact", () => {
    const envelope = {
      ...dataEnvelope({ logEvents: [{ id: "1", timestamp: 2, message: "zürich ✓ 東京" }] }),
      policyLevel: "ACCOUNT_LEVEL_POLICY",
    };
    expect(JSON.parse(decodeOk(transformRecord(rec("u", gz(envelope)))))).toEqual(envelope);
  });

  it.each([
    ["garbage", "%%%garbage%%%"],
    ["non-gzip base64", Buffer.from('{"messageType":"DATA_MESSAGE"}').toString("base64")],
    ["gzip of non-JSON", gz("hello world")],
    ["JSON that is not an envelope", gz({ hello: "world" })],
    ["a JSON array", gz([dataEnvelope()])],
    ["an envelope with unknown messageType", gz({ ...dataEnvelope(), messageType: "NOPE" })],
  ])("fails %s with the original data", (_, data) => {
    expect(transformRecord(rec("bad", data))).toEqual({ recordId: "bad", result: "ProcessingFailed", data });
  });
});

describe("processBatch", () => {
  it("answers every recordId exactly once, in input order", () => {
    const records = [
      rec("a", gz(dataEnvelope())),
      rec("b", blogData),
      rec("c", "garbage"),
      rec("d", gz({ not: "an envelope" })),
      rec("e", gz(dataEnvelope({ logGroup: "other" }))),
    ];
    const plan = processBatch(records);
    expect(plan.response.records.map((r) => [r.recordId, r.result])).toEqual([
      ["a", "Ok"],
      ["b", "Ok"],
      ["c", "ProcessingFailed"],
      ["d", "ProcessingFailed"],
      ["e", "Ok"],
    ]);
    expect(plan.reingest).toEqual([]);
    expect(plan.responseBytes).toBe(Buffer.byteLength(JSON.stringify(plan.response)));
  });

  it("handles an empty batch", () => {
    expect(processBatch([])).toEqual({ response: { records: [] }, reingest: [], responseBytes: 14 });
  });
});

// Payloads of a known size: `n` log events make the Ok entry grow linearly.
function sizedRecord(recordId: string, events: number): FirehoseTransformationEventRecord {
  const logEvents = Array.from({ length: events }, (_, i) => ({ id: String(i), timestamp: i, message: "x" }));
  return rec(recordId, gz(dataEnvelope({ logEvents })));
}

function inputsOf(records: FirehoseTransformationEventRecord[]): PlanInput[] {
  return records.map((record) => ({ record, result: transformRecord(record) }));
}

function bytesOf(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

describe("planResponse", () => {
  it("defaults to a 6,000,000-byte budget", () => {
    expect(DEFAULT_RESPONSE_BUDGET_BYTES).toBe(6_000_000);
  });

  it("keeps the prefix that fits and re-ingests exactly the overflow with its original data", () => {
    const records = ["r0", "r1", "r2", "r3", "r4"].map((id) => sizedRecord(id, 5));
    const inputs = inputsOf(records);
    const okEntry = bytesOf(inputs[0]!.result);
    const droppedEntry = bytesOf({ recordId: "r0", result: "Dropped" });
    // Room for exactly two Ok entries and three Dropped ones.
    const budget = 14 + 4 + 2 * okEntry + 3 * droppedEntry;

    const plan = planResponse(inputs, budget);
    expect(plan.response.records.map((r) => r.result)).toEqual(["Ok", "Ok", "Dropped", "Dropped", "Dropped"]);
    expect(plan.response.records.slice(0, 2)).toEqual([inputs[0]!.result, inputs[1]!.result]);
    expect(plan.response.records[2]).toEqual({ recordId: "r2", result: "Dropped" });
    expect(plan.reingest).toEqual([
      { recordId: "r2", data: records[2]!.data },
      { recordId: "r3", data: records[3]!.data },
      { recordId: "r4", data: records[4]!.data },
    ]);
    expect(plan.responseBytes).toBe(budget);
    expect(bytesOf(plan.response)).toBe(budget);

    // One byte less pushes r1 out as well.
    const tighter = planResponse(inputs, budget - 1);
    expect(tighter.reingest.map((r) => r.recordId)).toEqual(["r1", "r2", "r3", "r4"]);
  });

  it("stops at the first record that does not fit, even if a later smaller one would", () => {
    const records = [sizedRecord("small", 1), sizedRecord("big", 50), sizedRecord("tiny", 1)];
    const inputs = inputsOf(records);
    const budget = bytesOf({
      records: [inputs[0]!.result, inputs[2]!.result, { recordId: "big", result: "Dropped" }],
    });
    const plan = planResponse(inputs, budget);
    expect(plan.response.records.map((r) => r.result)).toEqual(["Ok", "Dropped", "Dropped"]);
    expect(plan.reingest.map((r) => r.recordId)).toEqual(["big", "tiny"]);
  });

  it("does not re-ingest records that were Dropped anyway, and re-ingests overflowing failures", () => {
    const records = [
      sizedRecord("ok", 20),
      rec("ctl", blogData),
      rec("bad", "garbage"),
      sizedRecord("ok2", 1),
    ];
    // A result that is Dropped on its own account (planResponse takes any transformation's results).
    const inputs = inputsOf(records).map((input) =>
      input.record.recordId === "ctl"
        ? { ...input, result: { recordId: "ctl", result: "Dropped" as const } }
        : input,
    );
    const budget = bytesOf({
      records: [
        inputs[0]!.result,
        ...records.slice(1).map((r) => ({ recordId: r.recordId, result: "Dropped" })),
      ],
    });
    const plan = planResponse(inputs, budget);
    expect(plan.response.records).toEqual([
      inputs[0]!.result,
      { recordId: "ctl", result: "Dropped" },
      { recordId: "bad", result: "Dropped" },
      { recordId: "ok2", result: "Dropped" },
    ]);
    expect(plan.reingest).toEqual([
      { recordId: "bad", data: "garbage" },
      { recordId: "ok2", data: records[3]!.data },
    ]);
  });

  it("fails a record whose transformed form can never fit, instead of re-ingesting it forever", () => {
    const big = sizedRecord("big", 200);
    const inputs = inputsOf([big]);
    const failedEntry = { recordId: "big", result: "ProcessingFailed", data: big.data };
    const budget = bytesOf({ records: [failedEntry] });
    expect(bytesOf({ records: [inputs[0]!.result] })).toBeGreaterThan(budget);
    const plan = planResponse(inputs, budget);
    expect(plan.response.records).toEqual([failedEntry]);
    expect(plan.reingest).toEqual([]);
  });

  it("throws when even an all-Dropped response or a lone failed record cannot fit", () => {
    const inputs = inputsOf([sizedRecord("a", 1), sizedRecord("b", 1)]);
    expect(() => planResponse(inputs, 40)).toThrow(ResponseBudgetError);
    expect(() => planResponse(inputsOf([rec("x", "garbage")]), 20)).toThrow(ResponseBudgetError);
  });

  it("rejects mismatched record/result pairs", () => {
    const [a, b] = inputsOf([sizedRecord("a", 1), sizedRecord("b", 1)]);
    expect(() => planResponse([{ record: a!.record, result: b!.result }])).toThrow(/not a/);
  });

  it("property: under budget, every id once in order, overflow = re-ingested suffix with original data", () => {
    const kinds = fc.constantFrom("ok", "control", "bad");
    const arb = fc.record({
      batch: fc.array(fc.tuple(kinds, fc.integer({ min: 0, max: 30 })), { maxLength: 40 }),
      budget: fc.integer({ min: 14, max: 40_000 }),
    });
    fc.assert(
      fc.property(arb, ({ batch, budget }) => {
        const records = batch.map(([kind, size], i) => {
          const id = `id-${i}-${"é".repeat(i % 3)}`;
          if (kind === "control") return rec(id, blogData);
          if (kind === "bad") return rec(id, Buffer.from("x".repeat(size + 1)).toString("base64"));
          return sizedRecord(id, size);
        });
        const inputs = inputsOf(records);
        let plan: ReturnType<typeof planResponse>;
        try {
          plan = planResponse(inputs, budget);
        } catch (err) {
          expect(err).toBeInstanceOf(ResponseBudgetError);
          return;
        }
        const out = plan.response.records;
        const size = bytesOf(plan.response);
        expect(plan.responseBytes).toBe(size);
        expect(size).toBeLessThanOrEqual(budget);
        expect(out.map((r) => r.recordId)).toEqual(records.map((r) => r.recordId));

        const reingested = new Set(plan.reingest.map((r) => r.recordId));
        let seenOverflow = false;
        out.forEach((entry, i) => {
          const original = inputs[i]!.result;
          if (reingested.has(entry.recordId)) {
            seenOverflow = true;
            expect(entry).toEqual({ recordId: entry.recordId, result: "Dropped" });
            expect(original.result).not.toBe("Dropped");
          } else if (original.result === "Dropped") {
            expect(entry).toEqual(original);
          } else {
            // Kept records form a prefix; a kept Ok may only have been downgraded to a failure.
            expect(seenOverflow).toBe(false);
            expect(entry.result === original.result || entry.result === "ProcessingFailed").toBe(true);
            if (entry.result === "ProcessingFailed") expect(entry.data).toBe(records[i]!.data);
            else expect(entry).toEqual(original);
          }
        });
        expect(plan.reingest).toEqual(
          records
            .filter((r) => reingested.has(r.recordId))
            .map((r) => ({ recordId: r.recordId, data: r.data })),
        );
      }),
      { numRuns: 300 },
    );
  });
});
