import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assertIndexPrefix,
  dailyIndexName,
  indexPattern,
  indexPrefixSchema,
  isIndexableTimestamp,
  normalizeEndpoint,
} from "./indexName";

describe("index prefix", () => {
  it.each(["cwl", "audit-logs", "a", "0logs", "x_y"])("accepts %s", (prefix) => {
    expect(assertIndexPrefix(prefix)).toBe(prefix);
    expect(indexPrefixSchema.safeParse(prefix).success).toBe(true);
  });

  it.each(["", "CWL", "-cwl", "_cwl", "cwl*", "cwl logs", "cwl,x", "cwl.x", "c".repeat(101)])(
    "refuses %j",
    (prefix) => {
      expect(() => assertIndexPrefix(prefix)).toThrow(/not a valid index prefix/);
      expect(indexPrefixSchema.safeParse(prefix).success).toBe(false);
    },
  );

  it("builds the pattern the template, the ISM policy and Dashboards share", () => {
    expect(indexPattern("cwl")).toBe("cwl-*");
  });
});

describe("dailyIndexName", () => {
  it("names the UTC day of the event (the blog's control message time)", () => {
    expect(dailyIndexName("cwl", 1556373402311)).toBe("cwl-2019.04.27");
  });

  it("switches at midnight UTC, not local time", () => {
    expect(dailyIndexName("cwl", Date.UTC(2024, 11, 31, 23, 59, 59, 999))).toBe("cwl-2024.12.31");
    expect(dailyIndexName("cwl", Date.UTC(2025, 0, 1, 0, 0, 0, 0))).toBe("cwl-2025.01.01");
  });

  it("covers years 0000-9999 and refuses the rest", () => {
    expect(dailyIndexName("cwl", -62_167_219_200_000)).toBe("cwl-0000.01.01");
    expect(dailyIndexName("cwl", 253_402_300_799_999)).toBe("cwl-9999.12.31");
    for (const bad of [-62_167_219_200_001, 253_402_300_800_000, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(isIndexableTimestamp(bad)).toBe(false);
      expect(() => dailyIndexName("cwl", bad)).toThrow(RangeError);
    }
  });

  it("agrees with the UTC calendar for any indexable timestamp", () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        const d = new Date(ms);
        const expected = `cwl-${String(d.getUTCFullYear()).padStart(4, "0")}.${String(d.getUTCMonth() + 1).padStart(2, "0")}.${String(d.getUTCDate()).padStart(2, "0")}`;
        expect(dailyIndexName("cwl", ms)).toBe(expected);
      }),
    );
  });
});

describe("normalizeEndpoint", () => {
  it("accepts the bare host the Domain resource outputs and an https URL", () => {
    const host = "search-central-logging-abc123.ap-northeast-1.es.amazonaws.com";
    expect(normalizeEndpoint(host)).toBe(`https://${host}`);
    expect(normalizeEndpoint(`https://${host}`)).toBe(`https://${host}`);
    expect(normalizeEndpoint(`https://${host}/`)).toBe(`https://${host}`);
    expect(normalizeEndpoint("https://localhost:9200")).toBe("https://localhost:9200");
  });

  it.each([
    ["http://search-x.us-east-1.es.amazonaws.com", /must use https/],
    ["https://search-x.us-east-1.es.amazonaws.com/_dashboards", /bare endpoint/],
    ["https://user:pw@search-x.us-east-1.es.amazonaws.com", /bare endpoint/],
    ["https://search-x.us-east-1.es.amazonaws.com?x=1", /bare endpoint/],
    ["https://", /not a domain endpoint/],
  ])("refuses %s", (endpoint, message) => {
    expect(() => normalizeEndpoint(endpoint)).toThrow(message);
  });
});
