import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { envelope, errorLine, errorObject, event, gz } from "./fixtures";
import {
  errorTypeOf,
  parseErrorObject,
  planErrorEntry,
  planEventMessage,
  type RecordAction,
  remainderObject,
} from "./records";

const parsed = (bytes: Buffer) => {
  const p = parseErrorObject(bytes);
  if (!p.ok) throw new Error(p.reason);
  return p;
};

const data = (a: RecordAction) => {
  if (a.action !== "put") throw new Error(`${a.action}: ${"reason" in a ? a.reason : ""}`);
  return Buffer.from(a.data);
};

describe("planEventMessage", () => {
  it("puts the body as it is, the error code as its kind", () => {
    const body = event("ev-1");
    const a = planEventMessage(body, { ERROR_CODE: "ResourceNotFound", RULE_ARN: "arn:..." });
    expect(a.kind).toBe("ResourceNotFound");
    expect(data(a).toString("utf8")).toBe(body);
    expect(planEventMessage(body, {}).kind).toBe("event");
  });

  it("leaves what is not an event", () => {
    expect(planEventMessage("[1]", {})).toMatchObject({ action: "leave" });
    expect(planEventMessage('{"id":"x"}', {})).toMatchObject({ action: "leave" });
    expect(planEventMessage("{", {})).toMatchObject({ action: "leave" });
  });
});

describe("parseErrorObject", () => {
  it("reads GZIP and plain objects, one record a line or written back to back", () => {
    const a = errorLine(gz(envelope(["a"])));
    const b = errorLine(gz(envelope(["b"])));
    for (const bytes of [errorObject([a, b]), Buffer.from(`${a}\n${b}`), gzipSync(`${a}${b}\n`)]) {
      const p = parsed(bytes);
      expect(p.entries.map((e) => e.text)).toEqual([a, b]);
      expect(p.entries[0]!.rawData!.equals(gz(envelope(["a"])))).toBe(true);
      expect(p.entries[0]!.errorCode).toBe("Lambda.FunctionError");
    }
    expect(parsed(errorObject([a])).gzip).toBe(true);
    expect(parsed(Buffer.from(a)).gzip).toBe(false);
  });

  it("keeps lines it cannot read as entries without a record", () => {
    const p = parsed(Buffer.from('not json\n{"no":"rawData"}\n{"rawData":"***"}\n'));
    expect(p.entries.map((e) => e.problem)).toEqual([
      "not JSON",
      "not a Firehose error record (no rawData)",
      "rawData is not base64",
    ]);
  });

  it("refuses a damaged GZIP object as a whole", () => {
    const bytes = errorObject(["{}"]).subarray(0, 15);
    expect(parseErrorObject(bytes)).toMatchObject({ ok: false, reason: expect.stringMatching(/gunzip/) });
  });
});

describe("planErrorEntry", () => {
  const entry = (raw: Buffer, code?: string) => parsed(Buffer.from(errorLine(raw, code))).entries[0]!;

  it("puts a gzipped envelope back as it is", () => {
    const raw = gz(envelope(["a"]));
    const a = planErrorEntry("logs", "processing-failed", entry(raw));
    expect(a.kind).toBe("processing-failed/Lambda.FunctionError");
    expect(data(a).equals(raw)).toBe(true);
  });

  it("gzips an envelope the processor already un-gzipped (failures after processing)", () => {
    const line = `${JSON.stringify(envelope(["a"]))}\n`;
    const a = planErrorEntry("logs", "activePartitionExceeded", entry(Buffer.from(line), "x"));
    expect(JSON.parse(gunzipSync(data(a)).toString())).toEqual(envelope(["a"]));
  });

  it("keeps as still failing what the pipeline's decoder refuses", () => {
    for (const raw of [
      Buffer.from("garbage"),
      gzipSync("not json"),
      gzipSync('{"a":1}'),
      Buffer.from('{"a":1}'),
    ]) {
      expect(planErrorEntry("logs", "processing-failed", entry(raw))).toMatchObject({ action: "fail" });
    }
  });

  it("puts events without the delimiter the Firehose appended", () => {
    const body = event("ev-1");
    expect(data(planErrorEntry("events", "x", entry(Buffer.from(`${body}\n`)))).toString()).toBe(body);
    expect(data(planErrorEntry("events", "x", entry(Buffer.from(body)))).toString()).toBe(body);
    expect(planErrorEntry("events", "x", entry(Buffer.from("[]")))).toMatchObject({ action: "fail" });
  });

  it("leaves an entry without a record", () => {
    const e = parsed(Buffer.from("oops\n")).entries[0]!;
    expect(planErrorEntry("logs", "processing-failed", e)).toEqual({
      kind: "processing-failed",
      action: "leave",
      reason: "not JSON",
    });
  });
});

describe("errorTypeOf and remainderObject", () => {
  it("reads the error output type from the key", () => {
    const prefix = "errors/cloudwatch-logs/";
    expect(errorTypeOf(`${prefix}processing-failed/2025/06/01/x.gz`, prefix)).toBe("processing-failed");
    expect(errorTypeOf(`${prefix}x.gz`, prefix)).toBe("unknown");
  });

  it("writes the kept entries as they were, one a line, compressed as before", () => {
    const p = parsed(errorObject(["{}", "oops", '{"b":1}']));
    const kept = [p.entries[1]!, p.entries[2]!];
    expect(gunzipSync(remainderObject(true, kept)).toString()).toBe('oops\n{"b":1}\n');
    expect(remainderObject(false, kept).toString()).toBe('oops\n{"b":1}\n');
  });
});
