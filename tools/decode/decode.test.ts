import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CloudWatchLogsEnvelope } from "../../infra/archive/cwlToFirehose/transform";
import controlMessage from "../../tests/fixtures/control-message.json";
import getRecords from "../../tests/fixtures/kinesis-get-records.json";
import {
  classifyValue,
  type DecodedItem,
  decodeInput,
  decodeRecord,
  type EventBridgeEvent,
  isoTime,
  normalizeBase64,
  renderItem,
  splitConcatenated,
} from "./decode";

const BLOG_DATA = getRecords.Records[0]!.Data;
const BLOG_SEQUENCE = getRecords.Records[0]!.SequenceNumber;
const CONTROL_LINE = "CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.";

const bytes = (text: string) => Buffer.from(text, "utf8");
const gz = (value: unknown) => gzipSync(bytes(typeof value === "string" ? value : JSON.stringify(value)));

function envelope(n: number, overrides: Partial<CloudWatchLogsEnvelope> = {}): CloudWatchLogsEnvelope {
  return {
    messageType: "DATA_MESSAGE",
    owner: "111111111111",
    logGroup: "test-trail",
    logStream: `111111111111_CloudTrail_ap-northeast-1_${n}`,
    subscriptionFilters: ["central-logging-dev"],
    logEvents: [
      {
        id: `3748382794839203456789012345678901234567890123456789012${n}`,
        timestamp: 1_700_000_000_000 + n,
        message: JSON.stringify({ eventName: "GetBucketAcl", note: `braces } { and "quotes" ${n}` }),
      },
    ],
    ...overrides,
  };
}

const EVENT: EventBridgeEvent = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "AWS Console Sign In via CloudTrail",
  source: "aws.signin",
  account: "111111111111",
  time: "2024-05-01T12:00:00Z",
  region: "us-east-1",
  resources: [],
  detail: { eventName: "ConsoleLogin", responseElements: { ConsoleLogin: "Success" } },
};

const envelopes = (items: DecodedItem[]) =>
  items.map((i) => (i.kind === "envelope" ? i.envelope : `${i.kind} ${i.ref}`));
const failures = (items: DecodedItem[]) =>
  items.flatMap((i) => (i.kind === "failure" ? [{ ref: i.ref, stage: i.stage }] : []));

describe("the blog's real record", () => {
  it("decodes `aws kinesis get-records` output to the control message", () => {
    const decoded = decodeInput(bytes(JSON.stringify(getRecords, null, 4)));
    expect(decoded.format).toBe("kinesis-get-records");
    expect(decoded.items).toEqual([
      { kind: "envelope", ref: `Records[0] (sequence ${BLOG_SEQUENCE})`, envelope: controlMessage },
    ]);
  });

  it("prints it marked as a control message, with the blog's text", () => {
    const [item] = decodeInput(bytes(JSON.stringify(getRecords))).items;
    expect(renderItem(item!, "text")).toEqual({
      stream: "stdout",
      text: [
        `=== Records[0] (sequence ${BLOG_SEQUENCE})`,
        "messageType: CONTROL_MESSAGE (control message: CloudWatch Logs checking the destination, no log data)",
        "owner:       CloudwatchLogs",
        "logGroup:    (none)",
        "logStream:   (none)",
        "filters:     (none)",
        "events:      1",
        `  2019-04-27T13:56:42.311Z  (no id)  ${CONTROL_LINE}`,
        "",
      ].join("\n"),
    });
  });

  it("--json prints the envelope exactly as CloudWatch Logs wrote it", () => {
    const [item] = decodeInput(bytes(JSON.stringify(getRecords))).items;
    expect(renderItem(item!, "json")).toEqual({ stream: "stdout", text: JSON.stringify(controlMessage) });
  });

  it.each([
    ["as pasted", BLOG_DATA],
    ["with a trailing newline", `${BLOG_DATA}\n`],
    ["wrapped at 76 columns with CRLF", BLOG_DATA.replace(/(.{76})/g, "$1\r\n")],
    ["wrapped at 20 columns with spaces", BLOG_DATA.replace(/(.{20})/g, "$1 ")],
    ["in the URL-safe alphabet", BLOG_DATA.replace(/\+/g, "-").replace(/\//g, "_")],
    ["without padding", BLOG_DATA.replace(/=+$/, "")],
  ])("decodes the bare base64 blob %s", (_, text) => {
    const decoded = decodeInput(bytes(text));
    expect(decoded.format).toBe("base64");
    expect(decoded.items).toEqual([{ kind: "envelope", ref: "input", envelope: controlMessage }]);
  });
});

describe("decodeInput: formats", () => {
  const e1 = envelope(1);
  const e2 = envelope(2);
  const record = (e: CloudWatchLogsEnvelope) => gz(e).toString("base64");

  it("splits whitespace-separated blobs (`--query 'Records[].Data' --output text`)", () => {
    const decoded = decodeInput(bytes(`${record(e1)}\t${record(e2)}\n`));
    expect(decoded.format).toBe("base64");
    expect(decoded.items.map((i) => i.ref)).toEqual(["blob 1", "blob 2"]);
    expect(envelopes(decoded.items)).toEqual([e1, e2]);
  });

  it("reads a Lambda Kinesis event", () => {
    const event = {
      Records: [e1, e2].map((e, i) => ({
        eventSource: "aws:kinesis",
        kinesis: { data: record(e), sequenceNumber: `4959${i}`, partitionKey: "k" },
      })),
    };
    const decoded = decodeInput(bytes(JSON.stringify(event)));
    expect(decoded.format).toBe("kinesis-event");
    expect(decoded.items.map((i) => i.ref)).toEqual([
      "Records[0] (sequence 49590)",
      "Records[1] (sequence 49591)",
    ]);
    expect(envelopes(decoded.items)).toEqual([e1, e2]);
  });

  it("reads an empty get-records answer as nothing", () => {
    expect(decodeInput(bytes('{"Records":[],"MillisBehindLatest":0}'))).toEqual({
      format: "kinesis-get-records",
      gzipLayers: 0,
      items: [],
    });
  });

  it("reads a gzip archive object of newline-delimited envelopes (what the gunzip Lambda makes)", () => {
    const decoded = decodeInput(gz(`${JSON.stringify(e1)}\n${JSON.stringify(e2)}\n`));
    expect(decoded).toMatchObject({ format: "json-lines", gzipLayers: 1 });
    expect(decoded.items.map((i) => i.ref)).toEqual(["line 1", "line 2"]);
    expect(envelopes(decoded.items)).toEqual([e1, e2]);
  });

  it("reads a plain archive object with CRLF line ends", () => {
    const decoded = decodeInput(bytes(`${JSON.stringify(e1)}\r\n${JSON.stringify(e2)}\r\n`));
    expect(decoded).toMatchObject({ format: "json-lines", gzipLayers: 0 });
    expect(envelopes(decoded.items)).toEqual([e1, e2]);
  });

  it("reads envelopes concatenated with no delimiter (`}{`)", () => {
    const decoded = decodeInput(gz(JSON.stringify(e1) + JSON.stringify(e2) + JSON.stringify(e1)));
    expect(decoded.format).toBe("json-lines");
    expect(decoded.items.map((i) => i.ref)).toEqual([
      "line 1, object 1",
      "line 1, object 2",
      "line 1, object 3",
    ]);
    expect(envelopes(decoded.items)).toEqual([e1, e2, e1]);
  });

  it("reads concatenated raw gzip records (Firehose with nothing un-gzipping, no compression)", () => {
    const decoded = decodeInput(Buffer.concat([gz(e1), gz(e2)]));
    expect(decoded).toMatchObject({ format: "json-lines", gzipLayers: 1 });
    expect(envelopes(decoded.items)).toEqual([e1, e2]);
  });

  it("reads gzip around concatenated raw gzip records (Firehose GZIP compression on top)", () => {
    const decoded = decodeInput(gzipSync(Buffer.concat([gz(e1), gz(e2)])));
    expect(decoded).toMatchObject({ format: "json-lines", gzipLayers: 2 });
    expect(envelopes(decoded.items)).toEqual([e1, e2]);
  });

  it("reads one raw gzip record", () => {
    const decoded = decodeInput(gz(e1));
    expect(decoded).toMatchObject({ format: "json", gzipLayers: 1 });
    expect(decoded.items).toEqual([{ kind: "envelope", ref: "input", envelope: e1 }]);
  });

  it("reads a pretty-printed envelope", () => {
    expect(decodeInput(bytes(JSON.stringify(e1, null, 2))).items).toEqual([
      { kind: "envelope", ref: "input", envelope: e1 },
    ]);
  });

  it("reads an EventBridge events archive object event by event", () => {
    const second = { ...EVENT, id: "second" };
    const decoded = decodeInput(gz(`${JSON.stringify(EVENT)}\n${JSON.stringify(second)}\n`));
    expect(decoded.items).toEqual([
      { kind: "event", ref: "line 1", event: EVENT },
      { kind: "event", ref: "line 2", event: second },
    ]);
  });

  it("keeps the envelopes of a truncated gzip object and reports the damage", () => {
    const archive = gz(
      Array.from({ length: 200 }, (_, n) => JSON.stringify(envelope(n, { logGroup: `g${n}` }))).join("\n"),
    );
    const decoded = decodeInput(archive.subarray(0, archive.length - 20));
    expect(decoded.items[0]).toMatchObject({ kind: "failure", ref: "input", stage: "gzip" });
    const good = decoded.items.filter((i) => i.kind === "envelope");
    expect(good.length).toBeGreaterThan(0);
    expect(good.map((i) => (i.kind === "envelope" ? i.envelope.logGroup : ""))).toEqual(
      Array.from({ length: good.length }, (_, n) => `g${n}`),
    );
  });
});

describe("decodeInput: failures name the record and the step", () => {
  const ok = gz(envelope(1)).toString("base64");

  it("reports each bad record of get-records output and still decodes the others", () => {
    const output = {
      Records: [
        { Data: ok, SequenceNumber: "1" },
        { Data: "not base64!!", SequenceNumber: "2" },
        { Data: bytes("plain text").toString("base64"), SequenceNumber: "3" },
        { Data: gz("{ nope").toString("base64"), SequenceNumber: "4" },
        { Data: gz({ hello: "world" }).toString("base64"), SequenceNumber: "5" },
        { Data: ok, SequenceNumber: "6" },
      ],
    };
    const { items } = decodeInput(bytes(JSON.stringify(output)));
    expect(failures(items)).toEqual([
      { ref: "Records[1] (sequence 2)", stage: "base64" },
      { ref: "Records[2] (sequence 3)", stage: "gzip" },
      { ref: "Records[3] (sequence 4)", stage: "json" },
      { ref: "Records[4] (sequence 5)", stage: "envelope" },
    ]);
    expect(envelopes(items)).toEqual([
      envelope(1),
      "failure Records[1] (sequence 2)",
      "failure Records[2] (sequence 3)",
      "failure Records[3] (sequence 4)",
      "failure Records[4] (sequence 5)",
      envelope(1),
    ]);
  });

  it("renders a failure on stderr as `decode: <ref>: <what failed>: <reason>`", () => {
    const { items } = decodeInput(
      bytes(JSON.stringify({ Records: [{ Data: "%%%%", SequenceNumber: "7" }] })),
    );
    expect(renderItem(items[0]!, "json")).toEqual({
      stream: "stderr",
      text: "decode: Records[0] (sequence 7): not base64: data is not valid base64",
    });
  });

  it("a damaged line costs only itself", () => {
    const text = [
      JSON.stringify(envelope(1)),
      '{"messageType":"DATA_MESSAGE","owner":',
      JSON.stringify({ some: "json" }),
      "not json at all",
      JSON.stringify(envelope(2)),
    ].join("\n");
    const { items } = decodeInput(bytes(text));
    expect(failures(items)).toEqual([
      { ref: "line 2", stage: "json" },
      { ref: "line 3", stage: "envelope" },
      { ref: "line 4", stage: "json" },
    ]);
    expect(envelopes(items).filter((e) => typeof e !== "string")).toEqual([envelope(1), envelope(2)]);
  });

  it("a truncated last object of a concatenated line fails alone", () => {
    const whole = JSON.stringify(envelope(1));
    const { items } = decodeInput(bytes(whole + whole.slice(0, 40)));
    expect(envelopes(items)).toEqual([envelope(1), "failure line 1, object 2"]);
    expect(failures(items)).toEqual([{ ref: "line 1, object 2", stage: "json" }]);
  });

  it.each([
    ["empty", ""],
    ["blank", " \n\t\n"],
  ])("refuses %s input", (_, text) => {
    expect(decodeInput(bytes(text))).toEqual({
      format: "empty",
      gzipLayers: 0,
      items: [{ kind: "failure", ref: "input", stage: "input", reason: "the input is empty" }],
    });
  });

  it("refuses text that is neither gzip, JSON nor base64", () => {
    expect(decodeInput(bytes("hello, world!\n")).items).toEqual([
      {
        kind: "failure",
        ref: "input",
        stage: "base64",
        reason: "the input is neither gzip, JSON nor base64",
      },
    ]);
  });

  it("refuses gzip that inflates past maxInputBytes", () => {
    const { items } = decodeInput(gz(JSON.stringify(envelope(1))), { maxInputBytes: 100 });
    expect(items).toEqual([
      { kind: "failure", ref: "input", stage: "gzip", reason: "inflates to more than 100 bytes" },
    ]);
  });

  it("refuses a record that inflates past maxRecordBytes, like the gunzip Lambda", () => {
    const item = decodeRecord(gz(envelope(1)), "r", { maxRecordBytes: 100 });
    expect(item).toMatchObject({ kind: "failure", ref: "r", stage: "gzip" });
  });

  it("refuses corrupt gzip with nothing to salvage", () => {
    const broken = Buffer.from(gz(envelope(1)));
    broken.fill(0xff, 10, 30);
    expect(failures(decodeInput(broken).items)).toEqual([{ ref: "input", stage: "gzip" }]);
  });
});

describe("decodeRecord (a live stream record's bytes)", () => {
  it("decodes the blog's record", () => {
    expect(decodeRecord(Buffer.from(BLOG_DATA, "base64"), "shard-0 sequence 1")).toEqual({
      kind: "envelope",
      ref: "shard-0 sequence 1",
      envelope: controlMessage,
    });
  });

  it("refuses a record that is not gzip", () => {
    expect(decodeRecord(bytes(JSON.stringify(envelope(1))), "r")).toMatchObject({
      kind: "failure",
      stage: "gzip",
    });
  });
});

describe("round trip over every archive layout", () => {
  const messageArb = fc.oneof(
    fc.string({ unit: "binary", maxLength: 60 }),
    fc.constantFrom('}{"', "{", "}", '\\"}{', "[{]}", "\n{}\n", '{"a":1}'),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 8 })).map((d) => JSON.stringify(d)),
  );
  const envelopeArb: fc.Arbitrary<CloudWatchLogsEnvelope> = fc.record({
    messageType: fc.constantFrom("DATA_MESSAGE" as const, "CONTROL_MESSAGE" as const),
    owner: fc.constantFrom("111111111111", "CloudwatchLogs"),
    logGroup: fc.string({ maxLength: 20 }),
    logStream: fc.string({ maxLength: 20 }),
    subscriptionFilters: fc.array(fc.string({ maxLength: 10 }), { maxLength: 2 }),
    logEvents: fc.array(
      fc.record({ id: fc.string({ maxLength: 8 }), timestamp: fc.nat(), message: messageArb }),
      { maxLength: 3 },
    ),
  });
  const layouts: Record<string, (es: CloudWatchLogsEnvelope[]) => Buffer> = {
    "newline-delimited": (es) => bytes(es.map((e) => `${JSON.stringify(e)}\n`).join("")),
    "gzip newline-delimited": (es) => gz(es.map((e) => `${JSON.stringify(e)}\n`).join("")),
    concatenated: (es) => bytes(es.map((e) => JSON.stringify(e)).join("")),
    "raw gzip members": (es) => Buffer.concat(es.map((e) => gz(e))),
    "get-records": (es) =>
      bytes(
        JSON.stringify({
          Records: es.map((e, i) => ({ Data: gz(e).toString("base64"), SequenceNumber: `${i}` })),
        }),
      ),
  };

  it.each(Object.keys(layouts))("%s gives back exactly the envelopes written", (layout) => {
    const encode = layouts[layout]!;
    fc.assert(
      fc.property(fc.array(envelopeArb, { minLength: 2, maxLength: 5 }), (es) => {
        const { items } = decodeInput(encode(es));
        expect(failures(items)).toEqual([]);
        expect(envelopes(items)).toEqual(es);
      }),
      { numRuns: 100 },
    );
  });
});

describe("splitConcatenated", () => {
  it("ignores braces and escaped quotes inside strings", () => {
    const a = '{"m":"}{ \\"}{\\" ]["}';
    const b = '[1,{"x":"{"}]';
    expect(splitConcatenated(`${a}${b} ${a}`)).toEqual([a, b, a]);
  });

  it("returns a non-container remainder whole, for the parser to refuse", () => {
    expect(splitConcatenated('{"a":1} garbage {"b":2}')).toEqual(['{"a":1}', 'garbage {"b":2}']);
  });

  it("returns an unterminated value as is", () => {
    expect(splitConcatenated('{"a":1}{"b":')).toEqual(['{"a":1}', '{"b":']);
  });
});

describe("normalizeBase64", () => {
  it.each([
    ["QUJD", "QUJD"],
    ["QUI", "QUI="],
    ["QQ", "QQ=="],
    ["Q U\nI=", "QUI="],
    ["-_-_", "+/+/"],
  ])("%j -> %j", (input, expected) => {
    expect(normalizeBase64(input)).toBe(expected);
  });

  it.each(["", "Q", "QUJDQ", "QU*D", "QU==QU=="])("refuses %j", (input) => {
    expect(normalizeBase64(input)).toBeUndefined();
  });
});

describe("classifyValue", () => {
  it.each<[string, unknown]>([
    ["an array", [envelope(1)]],
    [
      "an envelope with a bad event",
      { ...envelope(1), logEvents: [{ id: "x", timestamp: "now", message: "" }] },
    ],
    ["an event without detail", { ...EVENT, detail: undefined, id: "x" }],
    ["null", null],
  ])("refuses %s", (_, value) => {
    const item = classifyValue(JSON.parse(JSON.stringify(value) ?? "null"), "x");
    expect(item).toEqual({
      kind: "failure",
      ref: "x",
      stage: "envelope",
      reason: "JSON is neither a CloudWatch Logs envelope nor an EventBridge event",
    });
  });
});

describe("renderItem (text)", () => {
  it("prints a data envelope: header, extra keys, events, JSON messages pretty-printed", () => {
    const e: CloudWatchLogsEnvelope & { policyLevel: string } = {
      messageType: "DATA_MESSAGE",
      owner: "111111111111",
      logGroup: "/aws/lambda/orders-api",
      logStream: "2024/05/01/[$LATEST]abc",
      subscriptionFilters: ["central-logging-dev", "siem"],
      logEvents: [
        { id: "1", timestamp: 0, message: '{"level":"info","n":[1,2]}\n' },
        { id: "2", timestamp: 1_714_564_800_123, message: "START RequestId: x\n  more\n" },
        { id: "3", timestamp: 8.64e15 + 1, message: "{not json" },
      ],
      policyLevel: "ACCOUNT_LEVEL_POLICY",
    };
    expect(renderItem({ kind: "envelope", ref: "line 4", envelope: e }, "text").text).toBe(
      [
        "=== line 4",
        "messageType: DATA_MESSAGE",
        "owner:       111111111111",
        "logGroup:    /aws/lambda/orders-api",
        "logStream:   2024/05/01/[$LATEST]abc",
        "filters:     central-logging-dev, siem",
        "policyLevel: ACCOUNT_LEVEL_POLICY",
        "events:      3",
        "  1970-01-01T00:00:00.000Z  1",
        "    {",
        '      "level": "info",',
        '      "n": [',
        "        1,",
        "        2",
        "      ]",
        "    }",
        "  2024-05-01T12:00:00.123Z  2  START RequestId: x",
        "      more",
        "  8640000000000001 (not a valid time)  3  {not json",
        "",
      ].join("\n"),
    );
  });

  it("prints an EventBridge event with its detail", () => {
    expect(renderItem({ kind: "event", ref: "line 1", event: EVENT }, "text")).toEqual({
      stream: "stdout",
      text: [
        "=== line 1: EventBridge event 6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "time:        2024-05-01T12:00:00Z",
        "source:      aws.signin",
        "detail-type: AWS Console Sign In via CloudTrail",
        "account:     111111111111",
        "region:      us-east-1",
        "resources:   (none)",
        "detail:",
        "    {",
        '      "eventName": "ConsoleLogin",',
        '      "responseElements": {',
        '        "ConsoleLogin": "Success"',
        "      }",
        "    }",
        "",
      ].join("\n"),
    });
  });

  it("--json prints an event exactly", () => {
    expect(renderItem({ kind: "event", ref: "line 1", event: EVENT }, "json").text).toBe(
      JSON.stringify(EVENT),
    );
  });

  it("isoTime", () => {
    expect(isoTime(1556373402311)).toBe("2019-04-27T13:56:42.311Z");
    expect(isoTime(Number.NaN)).toBe("NaN (not a valid time)");
  });
});
