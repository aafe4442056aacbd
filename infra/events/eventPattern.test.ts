import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkEventPattern,
  DEFAULT_EVENT_PATTERN,
  EVENT_PATTERN_MAX_LENGTH,
  eventPatternJson,
} from "./eventPattern";

const fails = (pattern: unknown) => {
  const check = checkEventPattern(pattern);
  if (check.ok) throw new Error(`accepted ${JSON.stringify(pattern)}`);
  return check.message;
};

describe("checkEventPattern", () => {
  it("accepts the EventBridge write-up's pattern, as a map and as JSON text", () => {
    expect(checkEventPattern(DEFAULT_EVENT_PATTERN)).toEqual({ ok: true });
    expect(checkEventPattern('{"source":["aws.iam"],"detail-type":["AWS API Call via CloudTrail"]}')).toEqual(
      { ok: true },
    );
  });

  it.each([
    [{ source: ["aws.iam", "aws.sts"], detail: { eventName: ["CreateUser", "DeleteUser"] } }],
    [{ detail: { errorCode: [{ exists: true }], readOnly: [false] } }],
    [{ detail: { eventName: [{ prefix: "Delete" }, { suffix: { "equals-ignore-case": "policy" } }] } }],
    [{ detail: { awsRegion: [{ "anything-but": ["us-east-1", "eu-west-1"] }] } }],
    [{ detail: { eventName: [{ "anything-but": { prefix: "Describe" } }] } }],
    [{ detail: { count: [{ numeric: [">", 0, "<=", 5] }], value: [null, 3, true] } }],
    [{ detail: { sourceIPAddress: [{ cidr: "10.0.0.0/8" }, { cidr: "2001:db8::/32" }] } }],
    [{ detail: { userName: [{ wildcard: "admin-*" }, { "equals-ignore-case": "Root" }] } }],
    [{ source: ["aws.iam"], $or: [{ detail: { eventName: ["CreateRole"] } }, { "detail-type": ["x"] }] }],
  ])("accepts %j", (pattern) => {
    expect(checkEventPattern(pattern)).toEqual({ ok: true });
  });

  it.each<[unknown, string]>([
    ["{source: [aws.iam]}", "is not JSON"],
    [["aws.iam"], "must be a JSON object (a map)"],
    ["[]", "must be a JSON object (a map)"],
    [{}, "is an empty object; it would match nothing useful"],
    [
      { source: "aws.iam" },
      "at source: must be a list of values or a nested pattern, not the string 'aws.iam'",
    ],
    [{ source: [] }, "at source: is an empty list; it would never match"],
    [{ detail: {} }, "at detail: is an empty object; it would match nothing useful"],
    [
      { detail: { eventName: [["CreateUser"]] } },
      'at detail.eventName[0]: must be a value or a filter such as {"prefix": "..."}',
    ],
    [{ source: [{ prefix: "aws.", suffix: "iam" }] }, "at source[0]: must hold exactly one filter, not 2"],
    [{ source: [{ startsWith: "aws." }] }, "at source[0]: 'startsWith' is not an EventBridge filter"],
    [{ source: [{ prefix: 3 }] }, 'at source[0]: prefix takes a string or {"equals-ignore-case": "..."}'],
    [{ detail: { n: [{ numeric: [">", "0"] }] } }, "at detail.n[0]: numeric takes operator/number pairs"],
    [{ detail: { n: [{ numeric: ["!=", 0] }] } }, "at detail.n[0]: numeric takes operator/number pairs"],
    [{ detail: { n: [{ numeric: [">", 0, "<"] }] } }, "at detail.n[0]: numeric takes operator/number pairs"],
    [{ detail: { x: [{ exists: "true" }] } }, "at detail.x[0]: exists takes true or false"],
    [{ detail: { ip: [{ cidr: "10.0.0.0" }] } }, "at detail.ip[0]: cidr takes an IP range"],
    [{ detail: { ip: [{ cidr: "300.0.0.0/8" }] } }, "at detail.ip[0]: cidr takes an IP range"],
    [{ detail: { a: [{ "anything-but": [] }] } }, "at detail.a[0]: anything-but takes a non-empty list"],
    [
      { detail: { a: [{ "anything-but": ["x", 1] }] } },
      "at detail.a[0]: anything-but takes a non-empty list",
    ],
    [{ detail: { a: [{ "anything-but": { exists: true } }] } }, "at detail.a[0]: anything-but takes a value"],
    [{ $or: [{ source: ["a"] }] }, "at $or: must be a list of at least two patterns"],
    [{ $or: [{ source: ["a"] }, "b"] }, "at $or[1]: must be a pattern (a map)"],
    [{ $or: [{ source: ["a"] }, { source: [] }] }, "at $or[1].source: is an empty list"],
  ])("refuses %j", (pattern, message) => {
    expect(fails(pattern)).toContain(message);
  });

  it("refuses a pattern longer than PutRule accepts, and names both lengths", () => {
    const long = { detail: { eventName: Array.from({ length: 400 }, (_, i) => `Event${i}`) } };
    expect(fails(long)).toMatch(
      new RegExp(`^is \\d+ characters; EventBridge allows ${EVENT_PATTERN_MAX_LENGTH}$`),
    );
  });

  it("accepts every pattern built from the grammar, and refuses it once a leaf list is emptied", () => {
    const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));
    const filter = fc.oneof(
      fc.record({ prefix: fc.string({ maxLength: 8 }) }),
      fc.record({ suffix: fc.string({ maxLength: 8 }) }),
      fc.record({ exists: fc.boolean() }),
      fc.record({ "anything-but": fc.array(fc.string({ maxLength: 5 }), { minLength: 1, maxLength: 3 }) }),
      fc.record({ numeric: fc.tuple(fc.constantFrom("<", "<=", "=", ">", ">="), fc.integer()) }),
    );
    const leaf = fc.array(fc.oneof(scalar, filter), { minLength: 1, maxLength: 4 });
    const key = fc.stringMatching(/^[a-z][a-zA-Z-]{0,8}$/);
    const pattern = fc
      .letrec((tie) => ({
        node: fc.dictionary(key, fc.oneof({ depthSize: "small" }, leaf, tie("node")), {
          minKeys: 1,
          maxKeys: 3,
        }),
      }))
      .node.filter((p) => JSON.stringify(p).length <= EVENT_PATTERN_MAX_LENGTH) as fc.Arbitrary<
      Record<string, unknown>
    >;
    fc.assert(
      fc.property(pattern, (p) => {
        expect(checkEventPattern(p)).toEqual({ ok: true });
        expect(checkEventPattern(JSON.stringify(p))).toEqual({ ok: true });
        const emptied = structuredClone(p);
        emptyFirstLeaf(emptied);
        expect(checkEventPattern(emptied).ok).toBe(false);
      }),
    );
  });
});

describe("eventPatternJson", () => {
  it("is the compact JSON of the map or of the text, keys in the given order", () => {
    expect(eventPatternJson(DEFAULT_EVENT_PATTERN)).toBe(
      '{"source":["aws.iam"],"detail-type":["AWS API Call via CloudTrail"]}',
    );
    expect(eventPatternJson('{ "source" : [ "aws.iam" ] }')).toBe('{"source":["aws.iam"]}');
  });
});

function emptyFirstLeaf(node: Record<string, unknown>): boolean {
  for (const [key, child] of Object.entries(node)) {
    if (Array.isArray(child)) {
      node[key] = [];
      return true;
    }
    if (typeof child === "object" && child !== null && emptyFirstLeaf(child as Record<string, unknown>))
      return true;
  }
  return false;
}
