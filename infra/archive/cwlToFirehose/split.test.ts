/**
 * processBatch's size arithmetic (no entry is serialized to be measured), its pass-through of the
 * decoded bytes, and the splitting of a record too large to return even alone.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import type { FirehoseTransformationEventRecord, FirehoseTransformationResultRecord } from "aws-lambda";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  base64Length,
  type CloudWatchLogsEnvelope,
  entryBytes,
  entryBytesFrom,
  fitsAlone,
  isCloudWatchLogsEnvelope,
  jsonStringBytes,
  KINESIS_MAX_RECORD_BYTES,
  planResponse,
  processBatch,
  ResponseBudgetError,
  splitEnvelope,
  transformRecord,
} from "./transform";

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), "utf8");

function envelope(messages: readonly string[], extra: Record<string, unknown> = {}): CloudWatchLogsEnvelope {
  return {
    messageType: "DATA_MESSAGE",
    owner: "111111111111",
    logGroup: "CloudTrail/DefaultLogGroup",
    logStream: "111111111111_CloudTrail_us-east-1",
    subscriptionFilters: ["central-logging-dev"],
    logEvents: messages.map((message, i) => ({ id: `id-${i}`, timestamp: 1556373402311 + i, message })),
    ...extra,
  };
}

const gz = (text: string) => gzipSync(Buffer.from(text, "utf8")).toString("base64");
const rec = (recordId: string, data: string): FirehoseTransformationEventRecord => ({
  recordId,
  approximateArrivalTimestamp: 1556373403028,
  data,
});
const lineOf = (result: FirehoseTransformationResultRecord | undefined) =>
  Buffer.from(result?.data ?? "", "base64").toString("utf8");
const decodePiece = (data: string): unknown =>
  JSON.parse(gunzipSync(Buffer.from(data, "base64")).toString("utf8"));

describe("size arithmetic", () => {
  it("property: base64Length(n) is the length of n bytes' base64", () => {
    fc.assert(
      fc.property(fc.nat({ max: 5000 }), (n) => {
        expect(base64Length(n)).toBe(Buffer.alloc(n).toString("base64").length);
      }),
    );
  });

  it("property: the computed size of any entry is the UTF-8 size of its JSON", () => {
    const anyString = fc.string({ unit: "binary", maxLength: 80 });
    const entries = fc.record(
      {
        recordId: fc.oneof(anyString, fc.stringMatching(/^[0-9]{1,70}$/)),
        result: fc.constantFrom("Ok" as const, "Dropped" as const, "ProcessingFailed" as const),
        data: fc.oneof(
          anyString,
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString("base64")),
        ),
      },
      { requiredKeys: ["recordId", "result"] },
    );
    fc.assert(
      fc.property(entries, (entry) => {
        expect(entryBytes(entry)).toBe(bytesOf(entry));
        expect(jsonStringBytes(entry.recordId)).toBe(bytesOf(entry.recordId));
        if (entry.data !== undefined) {
          expect(
            entryBytesFrom(jsonStringBytes(entry.recordId), entry.result, jsonStringBytes(entry.data)),
          ).toBe(bytesOf(entry));
        }
      }),
      { numRuns: 500 },
    );
  });

  it("measures entries with members beyond the three by serializing them", () => {
    const entry = { recordId: "r", result: "Ok" as const, data: "", metadata: { partitionKeys: { a: "é" } } };
    expect(entryBytes(entry)).toBe(bytesOf(entry));
  });

  it("property: processBatch answers within budget, every id once in order, its size counted exactly", () => {
    const batch = fc.array(
      fc.tuple(
        fc.constantFrom("ok", "bad", "pretty"),
        fc.array(fc.string({ maxLength: 60 }), { maxLength: 12 }),
      ),
      { maxLength: 25 },
    );
    fc.assert(
      fc.property(batch, fc.integer({ min: 14, max: 60_000 }), (specs, budget) => {
        const records = specs.map(([kind, messages], i) => {
          const env = envelope(messages);
          if (kind === "bad") return rec(`r-${i}`, Buffer.from(messages.join("")).toString("base64"));
          return rec(`r-${i}-é`, gz(kind === "pretty" ? JSON.stringify(env, null, 1) : JSON.stringify(env)));
        });
        let plan: ReturnType<typeof processBatch>;
        try {
          plan = processBatch(records, budget);
        } catch (err) {
          expect(err).toBeInstanceOf(ResponseBudgetError);
          return;
        }
        expect(plan.responseBytes).toBe(bytesOf(plan.response));
        expect(plan.responseBytes).toBeLessThanOrEqual(budget);
        expect(plan.response.records.map((r) => r.recordId)).toEqual(records.map((r) => r.recordId));
        // Whatever is kept Ok is what transformRecord makes of it.
        plan.response.records.forEach((entry, i) => {
          if (entry.result === "Ok") expect(entry).toEqual(transformRecord(records[i]!));
          if (entry.result === "ProcessingFailed") expect(entry.data).toBe(records[i]!.data);
        });
      }),
      { numRuns: 200 },
    );
  });

  it("agrees with transformRecord + planResponse when every record fits alone", () => {
    const records = Array.from({ length: 30 }, (_, i) =>
      rec(
        `r-${i}`,
        gz(JSON.stringify(envelope(Array.from({ length: i }, (_, j) => `message ${j} of ${i}`)))),
      ),
    );
    for (const budget of [6_000_000, 20_000, 5_000]) {
      const inputs = records.map((record) => ({ record, result: transformRecord(record) }));
      expect(processBatch(records, budget)).toEqual(planResponse(inputs, budget));
    }
  });
});

describe("pass-through", () => {
  it("returns compact decoded bytes as they are, numbers and escapes included", () => {
    const text =
      '{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s","subscriptionFilters":[],' +
      '"logEvents":[{"id":"1","timestamp":1556373402311,"message":"caf\\u00e9 \\/ ok"}],"big":12345678901234567890}';
    const [entry] = processBatch([rec("a", gz(text))]).response.records;
    expect(lineOf(entry)).toBe(`${text}\n`);
  });

  it("re-serializes an envelope carrying a raw CR between tokens, so the S3 line stays one line", () => {
    const env = envelope(["a"]);
    const text = JSON.stringify(env).replace(',"owner"', ',\r"owner"');
    const [entry] = processBatch([rec("a", gz(text))]).response.records;
    expect(lineOf(entry)).toBe(`${JSON.stringify(env)}\n`);
  });
});

describe("splitting a record too large to return", () => {
  it("re-puts it as pieces holding every log event once, in order, each a valid record that fits alone", () => {
    const budget = 20_000;
    const messages = Array.from(
      { length: 200 },
      (_, i) => `{"eventName":"Get${i}","n":${i},"pad":"${"x".repeat(i % 97)}"}`,
    );
    const env = envelope(messages, { policyLevel: "ACCOUNT_LEVEL_POLICY" });
    const small = rec("small", gz(JSON.stringify(envelope(["first"]))));
    const big = rec("big", gz(JSON.stringify(env)));
    const plan = processBatch([small, big], budget);

    expect(plan.response.records).toEqual([transformRecord(small), { recordId: "big", result: "Dropped" }]);
    expect(plan.reingest.length).toBeGreaterThan(1);
    expect(plan.reingest.map((r) => r.piece)).toEqual(plan.reingest.map((_, i) => i + 1));
    const pieces = plan.reingest.map((r) => decodePiece(r.data) as CloudWatchLogsEnvelope);
    for (const piece of pieces) {
      expect(isCloudWatchLogsEnvelope(piece)).toBe(true);
      expect({ ...piece, logEvents: [] }).toEqual({ ...env, logEvents: [] });
      // Delivered next time round, under a record id of its own.
      const again = processBatch(
        [rec("4959518907414618842615621320775935535774957368981952", gz(JSON.stringify(piece)))],
        budget,
      );
      expect(again.response.records[0]?.result).toBe("Ok");
    }
    expect(pieces.flatMap((p) => p.logEvents)).toEqual(env.logEvents);
  });

  it("property: any split keeps every event exactly once, in order, and each piece fits", () => {
    const arb = fc.record({
      messages: fc.array(fc.string({ unit: "binary", maxLength: 400 }), { minLength: 2, maxLength: 60 }),
      budget: fc.integer({ min: 3_000, max: 40_000 }),
    });
    fc.assert(
      fc.property(arb, ({ messages, budget }) => {
        const env = envelope(messages);
        const pieces = splitEnvelope(env, budget);
        if (pieces === undefined) {
          // Only when some event cannot fit even alone.
          expect(
            env.logEvents.some(
              (e) => !fitsAlone(Buffer.byteLength(JSON.stringify({ ...env, logEvents: [e] })), budget),
            ),
          ).toBe(true);
          return;
        }
        expect(pieces.length).toBeGreaterThanOrEqual(2);
        expect(pieces.flatMap((p) => p.envelope.logEvents)).toEqual(env.logEvents);
        for (const p of pieces) {
          const json = gunzipSync(p.gzipped);
          expect(JSON.parse(json.toString("utf8"))).toEqual(p.envelope);
          expect(fitsAlone(json.length, budget)).toBe(true);
          expect(p.gzipped.length).toBeLessThanOrEqual(KINESIS_MAX_RECORD_BYTES);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("fails a record with its original data when a single event cannot fit, and one of a single event", () => {
    const budget = 4_000;
    const huge = "y".repeat(5_000);
    for (const messages of [["a", huge, "b"], [huge]]) {
      const record = rec("r", gz(JSON.stringify(envelope(messages))));
      const plan = processBatch([record], budget);
      expect(plan.response.records).toEqual([
        { recordId: "r", result: "ProcessingFailed", data: record.data },
      ]);
      expect(plan.reingest).toEqual([]);
    }
  });

  it("splits records that inflate past the forwarder's 6 MB bound, up to the batch's own", () => {
    const messages = Array.from({ length: 4000 }, (_, i) => `${i} ${"z".repeat(2_000)}`);
    const record = rec("huge", gz(JSON.stringify(envelope(messages))));
    const plan = processBatch([record]);
    expect(plan.response.records).toEqual([{ recordId: "huge", result: "Dropped" }]);
    const events = plan.reingest.flatMap((r) => (decodePiece(r.data) as CloudWatchLogsEnvelope).logEvents);
    expect(events.map((e) => e.message)).toEqual(messages);
  });
});
