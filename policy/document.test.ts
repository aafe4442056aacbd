import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  conditionEntries,
  isEveryone,
  parsePolicyDocument,
  type Statement,
  servicePrincipals,
  statementLabel,
} from "./document";

const parsed = (value: unknown) => {
  const result = parsePolicyDocument(value);
  if (!result.ok) throw new Error(result.error);
  return result.document;
};

describe("parsePolicyDocument", () => {
  it("reads JSON text and objects alike, lists everywhere", () => {
    const doc = {
      Version: "2012-10-17",
      Statement: {
        Sid: "One",
        Effect: "Allow",
        Principal: { Service: "logs.amazonaws.com" },
        Action: "sts:AssumeRole",
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceAccount": "111111111111" },
          Bool: { "aws:SecureTransport": false },
        },
      },
    };
    const expected = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "One",
          Effect: "Allow",
          Principal: { Service: ["logs.amazonaws.com"] },
          Action: ["sts:AssumeRole"],
          Resource: ["*"],
          Condition: {
            StringEquals: { "aws:SourceAccount": ["111111111111"] },
            Bool: { "aws:SecureTransport": ["false"] },
          },
        },
      ],
    };
    expect(parsed(doc)).toEqual(expected);
    expect(parsed(JSON.stringify(doc))).toEqual(expected);
  });

  it("keeps lists as they are and accepts Principal *", () => {
    const doc = parsed({
      Statement: [
        { Effect: "Deny", Principal: "*", NotAction: ["s3:GetObject", "s3:PutObject"], NotResource: "arn:x" },
        { Effect: "Allow", Action: ["a:B", "c:D"] },
      ],
    });
    expect(doc.Statement).toEqual([
      { Effect: "Deny", Principal: "*", NotAction: ["s3:GetObject", "s3:PutObject"], NotResource: ["arn:x"] },
      { Effect: "Allow", Action: ["a:B", "c:D"] },
    ]);
  });

  it.each([
    ["{not json", "not valid JSON"],
    [{ Version: "2012-10-17" }, "Statement: Invalid input: expected array, received undefined"],
    [
      { Statement: [{ Effect: "Permit", Action: "s3:GetObject" }] },
      'Statement.0.Effect: Invalid option: expected one of "Allow"|"Deny"',
    ],
    [
      { Statement: { Effect: "Allow", Action: 7 } },
      "Statement.0.Action.0: Invalid input: expected string, received number",
    ],
    [42, "document: Invalid input: expected object, received number"],
  ])("refuses %j, naming what is wrong", (value, error) => {
    expect(parsePolicyDocument(value)).toEqual({ ok: false, error });
  });

  it("reads a statement the same whether it comes alone, in a list, or as JSON text", () => {
    const action = fc.stringMatching(/^[a-z0-9-]{1,12}:[A-Za-z*]{1,16}$/);
    const statement = fc.record({
      Effect: fc.constantFrom("Allow", "Deny"),
      Action: fc.oneof(action, fc.array(action, { minLength: 1, maxLength: 4 })),
    });
    fc.assert(
      fc.property(statement, (s) => {
        const alone = parsed({ Statement: s });
        expect(parsed({ Statement: [s] })).toEqual(alone);
        expect(parsed(JSON.stringify({ Statement: s }))).toEqual(alone);
        expect(alone.Statement[0]?.Action).toEqual([s.Action].flat());
      }),
    );
  });
});

describe("statement accessors", () => {
  const statement = (s: object): Statement => parsed({ Statement: s }).Statement[0]!;

  it("labels by Sid, else by 1-based position", () => {
    expect(statementLabel(statement({ Sid: "Tls", Effect: "Deny" }), 0)).toBe("statement Tls");
    expect(statementLabel(statement({ Effect: "Deny" }), 2)).toBe("statement #3");
  });

  it("lists service principals only", () => {
    expect(
      servicePrincipals(statement({ Effect: "Allow", Principal: { Service: ["a.amazonaws.com"] } })),
    ).toEqual(["a.amazonaws.com"]);
    expect(servicePrincipals(statement({ Effect: "Allow", Principal: { AWS: "111111111111" } }))).toEqual([]);
    expect(servicePrincipals(statement({ Effect: "Allow", Principal: "*" }))).toEqual([]);
  });

  it("knows everyone", () => {
    expect(isEveryone("*")).toBe(true);
    expect(isEveryone({ AWS: ["*"] })).toBe(true);
    expect(isEveryone({ AWS: ["111111111111"] })).toBe(false);
    expect(isEveryone(undefined)).toBe(false);
  });

  it("flattens conditions into (operator, key, values)", () => {
    const s = statement({
      Effect: "Allow",
      Condition: {
        StringEquals: { "aws:SourceAccount": "1", "aws:SourceArn": ["a", "b"] },
        NumericLessThan: { x: 2 },
      },
    });
    expect(conditionEntries(s)).toEqual([
      { operator: "StringEquals", key: "aws:SourceAccount", values: ["1"] },
      { operator: "StringEquals", key: "aws:SourceArn", values: ["a", "b"] },
      { operator: "NumericLessThan", key: "x", values: ["2"] },
    ]);
  });
});
