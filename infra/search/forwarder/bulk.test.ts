import { errors } from "@opensearch-project/opensearch";
import { describe, expect, it } from "vitest";
import { fakeSearchClient } from "../../../tests/doubles/fakeOpenSearch";
import { type BulkItem, type BulkOptions, bulkIndex, itemDisposition, parseBulkResponse } from "./bulk";

/** An item whose action line names `id`; `bytes` pads it so size bounds can be exercised. */
function item(id: string, bytes = 0): BulkItem {
  const lines = `{"index":{"_index":"cwl-2019.04.27","_id":"${id}"}}\n{"@message":"${"x".repeat(bytes)}"}\n`;
  return { lines, bytes: Buffer.byteLength(lines) };
}

const idsOf = (body: string): string[] =>
  body
    .trim()
    .split("\n")
    .filter((_, i) => i % 2 === 0)
    .map((l) => JSON.parse(l).index._id);

const result = (status: number, error?: unknown) => ({
  index: { _index: "cwl-2019.04.27", status, ...(error ? { error } : {}) },
});
const mappingError = {
  type: "mapper_parsing_exception",
  reason: "failed to parse field [eventTime] of type [date]",
};
const rejected = {
  type: "es_rejected_execution_exception",
  reason: "rejected execution of coordinating operation",
};

function options(overrides: Partial<BulkOptions> = {}): BulkOptions & { waits: number[] } {
  const waits: number[] = [];
  return {
    maxBytes: 5_000_000,
    maxDocuments: 1000,
    maxAttempts: 3,
    backoff: { baseMs: 100, capMs: 1000 },
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 1,
    waits,
    ...overrides,
  };
}

describe("itemDisposition", () => {
  it("sorts item statuses", () => {
    expect([200, 201, 400, 401, 403, 404, 409, 413, 429, 500, 503].map(itemDisposition)).toEqual([
      "ok",
      "ok",
      "reject",
      "fail",
      "fail",
      "fail",
      "reject",
      "reject",
      "retry",
      "retry",
      "retry",
    ]);
  });
});

describe("parseBulkResponse", () => {
  it("trusts errors=false without walking the items", () => {
    expect(parseBulkResponse({ took: 3, errors: false, items: [] }, 5)).toEqual({});
  });

  it("returns per-item statuses when some failed", () => {
    expect(parseBulkResponse({ errors: true, items: [result(201), result(400, mappingError)] }, 2)).toEqual({
      items: [{ status: 201 }, { status: 400, error: mappingError }],
    });
  });

  it("refuses an unreadable response or one with the wrong number of items", () => {
    expect(parseBulkResponse("<html>", 1)).toEqual({ invalid: "unreadable bulk response: <html>" });
    expect(parseBulkResponse({ errors: true, items: [result(201)] }, 2)).toEqual({
      invalid: "bulk response has 1 items for 2 documents",
    });
    expect(parseBulkResponse({ errors: true, items: [{}] }, 1)).toEqual({
      invalid: "bulk response has 1 items for 1 documents",
    });
  });
});

describe("bulkIndex", () => {
  it("indexes everything in one request when all succeed", async () => {
    const bodies: string[] = [];
    const out = await bulkIndex(
      [item("a"), item("b")],
      async (body) => {
        bodies.push(body);
        return { errors: false, items: [result(201), result(201)] };
      },
      options(),
    );
    expect(out).toEqual({
      outcomes: [{ status: "indexed" }, { status: "indexed" }],
      requests: 1,
      retries: 0,
    });
    expect(bodies.map(idsOf)).toEqual([["a", "b"]]);
  });

  it("retries only the throttled items, with backoff, and dead-letters the rejected one", async () => {
    const bodies: string[] = [];
    const replies = [
      { errors: true, items: [result(201), result(429, rejected), result(400, mappingError), result(503)] },
      { errors: true, items: [result(429, rejected), result(201)] },
      { errors: false, items: [result(201)] },
    ];
    const opts = options();
    const out = await bulkIndex(
      [item("a"), item("b"), item("c"), item("d")],
      async (body) => {
        bodies.push(body);
        return replies[bodies.length - 1];
      },
      opts,
    );
    expect(bodies.map(idsOf)).toEqual([["a", "b", "c", "d"], ["b", "d"], ["b"]]);
    expect(out.outcomes).toEqual([
      { status: "indexed" },
      { status: "indexed" },
      { status: "rejected", httpStatus: 400, error: mappingError },
      { status: "indexed" },
    ]);
    expect(out).toMatchObject({ requests: 3, retries: 2 });
    expect(opts.waits).toEqual([100, 200]);
  });

  it("fails items still throttled after the last attempt", async () => {
    let calls = 0;
    const out = await bulkIndex(
      [item("a"), item("b")],
      async () => {
        calls++;
        return { errors: true, items: [result(201), result(429, rejected)].slice(calls > 1 ? 1 : 0) };
      },
      options({ maxAttempts: 3 }),
    );
    expect(calls).toBe(3);
    expect(out.outcomes).toEqual([
      { status: "indexed" },
      {
        status: "failed",
        reason:
          "after 3 attempts: 429 es_rejected_execution_exception: rejected execution of coordinating operation",
      },
    ]);
  });

  it("fails, without retrying, items refused for permissions", async () => {
    const forbidden = { type: "security_exception", reason: "no permissions for [indices:admin/create]" };
    const out = await bulkIndex(
      [item("a")],
      async () => ({ errors: true, items: [result(403, forbidden)] }),
      options(),
    );
    expect(out).toEqual({
      outcomes: [
        { status: "failed", reason: "403 security_exception: no permissions for [indices:admin/create]" },
      ],
      requests: 1,
      retries: 0,
    });
  });

  it("retries a request that failed as a whole for a transient reason", async () => {
    let calls = 0;
    const out = await bulkIndex(
      [item("a")],
      async () => {
        calls++;
        if (calls === 1) throw new errors.ConnectionError("socket hang up");
        return { errors: false, items: [result(201)] };
      },
      options(),
    );
    expect(out).toEqual({ outcomes: [{ status: "indexed" }], requests: 2, retries: 1 });
  });

  it("fails all documents of a request refused as a whole, through the real client", async () => {
    let calls = 0;
    const client = fakeSearchClient(() => {
      calls++;
      return {
        status: 403,
        body: { message: "User: arn:aws:sts::999999999999:assumed-role/x is not authorized" },
      };
    });
    const send = async (body: string) =>
      (await client.transport.request({ method: "POST", path: "/_bulk", bulkBody: body })).body;
    const out = await bulkIndex([item("a"), item("b")], send, options());
    expect(calls).toBe(1);
    const reason =
      "bulk request failed: 403 User: arn:aws:sts::999999999999:assumed-role/x is not authorized";
    expect(out.outcomes).toEqual([
      { status: "failed", reason },
      { status: "failed", reason },
    ]);
  });

  it("fails all documents when the response cannot be read", async () => {
    const out = await bulkIndex([item("a")], async () => "oops", options());
    expect(out.outcomes).toEqual([{ status: "failed", reason: "unreadable bulk response: oops" }]);
  });

  it("splits requests under the size and count bounds", async () => {
    const bodies: string[] = [];
    const items = [item("a", 100), item("b", 100), item("c", 100), item("d"), item("e"), item("f")];
    const send = async (body: string) => {
      bodies.push(body);
      return { errors: false };
    };
    await bulkIndex(items, send, options({ maxBytes: 2 * items[0]!.bytes, maxDocuments: 2 }));
    expect(bodies.map(idsOf)).toEqual([
      ["a", "b"],
      ["c", "d"],
      ["e", "f"],
    ]);
    for (const b of bodies) expect(Buffer.byteLength(b)).toBeLessThanOrEqual(2 * items[0]!.bytes);
  });

  it("does not start a retry the invocation has no time left for", async () => {
    let calls = 0;
    const out = await bulkIndex(
      [item("a")],
      async () => {
        calls++;
        return { errors: true, items: [result(503)] };
      },
      options({ timeLeftMs: () => 10_000, reserveMs: 30_000 }),
    );
    expect(calls).toBe(1);
    expect(out.outcomes).toEqual([{ status: "failed", reason: "out of time: 503" }]);
  });
});
