import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cloudTrailEvent, kinesisData, seededRandom } from "../../../tests/doubles/cloudTrail";
import controlMessage from "../../../tests/fixtures/control-message.json";
import getRecords from "../../../tests/fixtures/kinesis-get-records.json";
import type { CloudWatchLogsEnvelope } from "../../archive/cwlToFirehose/transform";
import {
  bulkLines,
  decodeKinesisData,
  documentSource,
  envelopeDocuments,
  envelopeMembers,
  eventDocument,
  isoTimestamp,
  MAX_ID_BYTES,
  RESERVED_FIELDS,
  sizedBulkLines,
} from "./transform";

const TS = 1556373402311; // 2019-04-27T13:56:42.311Z
const envelope = (messages: string[]): CloudWatchLogsEnvelope => ({
  messageType: "DATA_MESSAGE",
  owner: "111111111111",
  logGroup: "CloudTrail/DefaultLogGroup",
  logStream: "111111111111_CloudTrail_ap-northeast-1",
  subscriptionFilters: ["central-logging-dev"],
  logEvents: messages.map((message, i) => ({
    id: `3456789012345678901234567890123456789012345678901234567${i}`,
    timestamp: TS,
    message,
  })),
});
const ID0 = "34567890123456789012345678901234567890123456789012345670";
const META = {
  "@timestamp": "2019-04-27T13:56:42.311Z",
  "@owner": "111111111111",
  "@log_group": "CloudTrail/DefaultLogGroup",
  "@log_stream": "111111111111_CloudTrail_ap-northeast-1",
};

function sourceOf(message: string): Record<string, unknown> {
  const [result] = envelopeDocuments(envelope([message]), "cwl");
  if (!result?.ok) throw new Error("expected a document");
  expect(result.document.source).not.toContain("\n");
  return JSON.parse(result.document.source);
}

describe("decodeKinesisData", () => {
  it("recognizes the blog's control message, as read from the stream", () => {
    expect(decodeKinesisData(getRecords.Records[0]!.Data)).toEqual({ kind: "control" });
    expect(decodeKinesisData(kinesisData(controlMessage))).toEqual({ kind: "control" });
  });

  it("decodes a data message", () => {
    const env = envelope(["hello"]);
    expect(decodeKinesisData(kinesisData(env))).toEqual({ kind: "data", envelope: env });
  });

  it.each([
    ["not base64", "%%%not-base64%%%", "data is not valid base64"],
    ["not gzip", Buffer.from("plain text, not gzip").toString("base64"), "gunzip failed"],
    ["not JSON", gzipSync("not json").toString("base64"), "decompressed data is not JSON"],
    [
      "not an envelope",
      kinesisData({ hello: "world" }),
      "JSON is not a CloudWatch Logs subscription envelope",
    ],
  ])("reports a record that is %s as malformed", (_, data, reason) => {
    const decoded = decodeKinesisData(data);
    expect(decoded.kind).toBe("malformed");
    expect(decoded.kind === "malformed" && decoded.reason).toContain(reason);
  });

  it("refuses to inflate beyond the bound (gzip bomb)", () => {
    const big = kinesisData(envelope(["x".repeat(2_000_000)]));
    expect(decodeKinesisData(big, 1_000_000).kind).toBe("malformed");
    expect(decodeKinesisData(big, 3_000_000).kind).toBe("data");
  });
});

describe("envelopeDocuments", () => {
  it("turns a CloudTrail event into its own fields plus the envelope's, without @message", () => {
    const event = cloudTrailEvent(seededRandom(1), TS);
    const [result] = envelopeDocuments(envelope([event]), "cwl");
    expect(result).toMatchObject({
      ok: true,
      document: { index: "cwl-2019.04.27", id: ID0 },
    });
    const source = sourceOf(event);
    expect(source).toEqual({ ...META, "@id": ID0, ...JSON.parse(event) });
    expect(source["@message"]).toBeUndefined();
    expect(source.eventName).toBe(JSON.parse(event).eventName);
  });

  it("keeps a plain-text message (a VPC flow log line) in @message", () => {
    const line =
      "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK";
    expect(sourceOf(line)).toEqual({ ...META, "@id": expect.any(String), "@message": line });
  });

  it.each(['["a", "b"]', '"a string"', "42", "null", "{not json", '{"a":1} trailing'])(
    "keeps a message that is no JSON object (%s) as text",
    (message) => {
      expect(sourceOf(message)["@message"]).toBe(message);
    },
  );

  it("keeps the message's own bytes (big integers are not rounded)", () => {
    const [result] = envelopeDocuments(envelope(['{"bytes":12345678901234567890,"f":1.10}']), "cwl");
    expect(result?.ok && result.document.source).toContain('"bytes":12345678901234567890,"f":1.10}');
  });

  it("handles an empty object, surrounding whitespace and pretty-printed JSON", () => {
    expect(sourceOf("{}")).toEqual({ ...META, "@id": expect.any(String) });
    expect(sourceOf('  {"a":1}\n')).toEqual({ ...META, "@id": expect.any(String), a: 1 });
    expect(sourceOf('{\n  "a": 1,\n  "b": {"c": [1, 2]}\n}')).toEqual({
      ...META,
      "@id": expect.any(String),
      a: 1,
      b: { c: [1, 2] },
    });
  });

  it("gives its own fields precedence and then keeps the raw message, so nothing is lost", () => {
    const message = '{"@timestamp":"yesterday","@id":"mine","level":"info"}';
    const source = sourceOf(message);
    expect(source).toEqual({
      ...META,
      "@id": ID0,
      "@message": message,
      level: "info",
    });
  });

  it("wraps a non-object value of a flat_object field, leaving objects and null alone", () => {
    const source = sourceOf(
      '{"eventName":"X","responseElements":"true","requestParameters":null,"additionalEventData":[1,2],"serviceEventDetails":{"a":1}}',
    );
    expect(source).toMatchObject({
      responseElements: { value: "true" },
      requestParameters: null,
      additionalEventData: { value: [1, 2] },
      serviceEventDetails: { a: 1 },
    });
  });

  it("keeps a __proto__ key as an ordinary field when rebuilding", () => {
    const source = sourceOf('{"__proto__":{"polluted":true},"responseElements":"x"}');
    expect(Object.hasOwn(source, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("rejects an event whose timestamp or id cannot be indexed", () => {
    const env = envelope(["a", "b"]);
    const bad: CloudWatchLogsEnvelope = {
      ...env,
      logEvents: [
        { id: "1", timestamp: 8.64e15, message: "far future" },
        { id: "", timestamp: TS, message: "no id" },
        { id: "x".repeat(513), timestamp: TS, message: "long id" },
      ],
    };
    const results = envelopeDocuments(bad, "cwl");
    expect(results.map((r) => (r.ok ? "ok" : r.reason))).toEqual([
      "timestamp 8640000000000000 is outside years 0000-9999",
      "event id is empty or longer than 512 bytes",
      "event id is empty or longer than 512 bytes",
    ]);
  });

  it("escapes the envelope's fields", () => {
    expect(envelopeMembers({ ...envelope([]), logGroup: 'a"b\\c' })).toContain('"@log_group":"a\\"b\\\\c"');
  });

  it("produces one JSON line holding the message's fields for any JSON object message", () => {
    const reserved = new Set<string>(RESERVED_FIELDS);
    const objects = fc
      .dictionary(fc.string(), fc.jsonValue())
      .filter((o) => Object.keys(o).every((k) => !reserved.has(k) && k !== "__proto__"));
    fc.assert(
      fc.property(objects, fc.constantFrom(undefined, 2), (object, indent) => {
        const message = JSON.stringify(object, null, indent);
        const source = sourceOf(message);
        const expected: Record<string, unknown> = { ...META, "@id": ID0 };
        for (const [k, v] of Object.entries(object)) {
          const flat = [
            "requestParameters",
            "responseElements",
            "additionalEventData",
            "serviceEventDetails",
          ];
          expected[k] =
            flat.includes(k) && v !== null && (typeof v !== "object" || Array.isArray(v)) ? { value: v } : v;
        }
        expect(JSON.parse(JSON.stringify(source))).toEqual(JSON.parse(JSON.stringify(expected)));
      }),
      { numRuns: 300 },
    );
  });

  it("produces one JSON line for any text message", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (message) => {
        const [result] = envelopeDocuments(envelope([message]), "cwl");
        expect(result?.ok).toBe(true);
        const source = result?.ok ? result.document.source : "";
        expect(source).not.toMatch(/[\n\r]/);
        expect(JSON.parse(source)["@timestamp"]).toBe(META["@timestamp"]);
      }),
      { numRuns: 300 },
    );
  });
});

describe("bulkLines", () => {
  it("writes an index action with the event id as _id, then the source", () => {
    const result = eventDocument(
      { id: "42", timestamp: TS, message: "m" },
      "cwl",
      envelopeMembers(envelope([])),
    );
    if (!result.ok) throw new Error("expected a document");
    const lines = bulkLines(result.document);
    expect(lines.endsWith("\n")).toBe(true);
    const [action, source, rest] = lines.split("\n");
    expect(JSON.parse(action!)).toEqual({ index: { _index: "cwl-2019.04.27", _id: "42" } });
    expect(JSON.parse(source!)).toEqual({ ...META, "@id": "42", "@message": "m" });
    expect(rest).toBe("");
    expect(documentSource("m", '"x":1')).toBe('{"x":1,"@message":"m"}');
  });
});

describe("sizedBulkLines", () => {
  it("property: the counted size is the UTF-8 size of the lines, for any message", () => {
    const message = fc.oneof(
      fc.string({ unit: "binary", maxLength: 200 }),
      fc
        .dictionary(fc.string({ unit: "binary", maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }))
        .map((o) => JSON.stringify(o)),
      fc.constantFrom("{}", " {} ", '{"@id":"x"}', '{\n "a": 1\n}', '{"requestParameters":"s"}'),
    );
    fc.assert(
      fc.property(message, fc.string({ unit: "binary", minLength: 1, maxLength: 20 }), (text, id) => {
        const [result] = envelopeDocuments(envelope([text]), "cwl");
        if (!result?.ok) return;
        const doc = { ...result.document, id: Buffer.byteLength(id) > MAX_ID_BYTES ? "x" : id };
        const { lines, bytes } = sizedBulkLines(doc);
        expect(lines).toBe(bulkLines(doc));
        expect(bytes).toBe(Buffer.byteLength(lines, "utf8"));
        expect(result.document.bytes).toBe(Buffer.byteLength(result.document.source, "utf8"));
      }),
      { numRuns: 300 },
    );
  });
});

describe("isoTimestamp", () => {
  it("is Date#toISOString over the indexable years, fractions and days before 1970 included", () => {
    const min = -62_167_219_200_000;
    const max = 253_402_300_799_999;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min, max }),
          fc.double({ min, max, noNaN: true }),
          fc.integer({ min: -2e11, max: 2e11 }),
        ),
        (ms) => {
          expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
        },
      ),
      { numRuns: 2000 },
    );
    for (const ms of [min, max, 0, -0, -1, -0.5, 86_399_999, 86_400_000, -86_400_000, -86_400_001]) {
      expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
    }
  });
});
