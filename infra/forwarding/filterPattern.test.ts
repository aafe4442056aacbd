import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkFilterPattern } from "./filterPattern";

// The 15 CIS AWS Foundations Benchmark monitoring patterns, verbatim from
// /work/shared/facts/cis-metric-filters.md (4.1 in its CIS v5 form; 4.3 uses NOT EXISTS).
const CIS_PATTERNS: ReadonlyArray<readonly [string, string]> = [
  [
    "4.1 unauthorized API calls (CIS v5)",
    '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket")}',
  ],
  [
    "4.2 console sign-in without MFA",
    '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  ],
  [
    "4.3 root usage",
    '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
  ],
  [
    "4.4 IAM policy changes",
    "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}",
  ],
  [
    "4.5 CloudTrail changes",
    "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}",
  ],
  ["4.6 console auth failures", '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}'],
  [
    "4.7 disable / delete CMK",
    "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
  ],
  [
    "4.8 S3 bucket policy changes",
    "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}",
  ],
  [
    "4.9 AWS Config changes",
    "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}",
  ],
  [
    "4.10 security groups",
    "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}",
  ],
  [
    "4.11 NACLs",
    "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}",
  ],
  [
    "4.12 network gateways",
    "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
  ],
  [
    "4.13 route tables",
    "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}",
  ],
  [
    "4.14 VPC changes",
    "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}",
  ],
  [
    "4.15 Organizations changes",
    '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }',
  ],
];

type Kind = "all" | "terms" | "json" | "space-delimited";

// Patterns CloudWatch accepts, with the kind we expect. Mostly taken from the AWS filter-pattern
// documentation and from what the AWS CDK renders.
const VALID: ReadonlyArray<readonly [string, Kind]> = [
  ["", "all"],
  ["   ", "all"],
  // unstructured terms
  ["ERROR", "terms"],
  ["ERROR Exception", "terms"],
  ["?ERROR ?WARN", "terms"],
  ['"?ERROR ?WARN"', "terms"],
  ["ERROR -DEBUG", "terms"],
  ["-DEBUG", "terms"],
  ['"Failed authentication"', "terms"],
  ['"Failed to process the request"', "terms"],
  ['"say \\"hi\\" twice"', "terms"],
  ['"ERROR" - "Exiting"', "terms"],
  ['?"ERROR" ?"WARN"', "terms"],
  ["%AUTHORIZED%", "terms"],
  ["%[Ee]rror|[Ff]ail%", "terms"],
  ["%\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}%", "terms"],
  ["ERROR 404", "terms"],
  // JSON
  ["{$.userIdentity.type = tada}", "json"],
  ['{ $.eventName = "DescribeTrails" }', "json"],
  ["{ $.latency > 1000 }", "json"],
  ['{ $.level = "ERROR" }', "json"],
  ["{ ($.a = 1) && (($.b = 2) || ($.c IS TRUE)) }", "json"],
  ['{ $.arr[0].x = "y" }', "json"],
  ['{ $.eventType = "UpdateTrail" }', "json"],
  ["{ $.sourceIPAddress != 123.123.* }", "json"],
  ['{ $.arrayKey[0] = "value" }', "json"],
  ["{ $.objectList[1].id = 2 }", "json"],
  ["{ $.SomeObject IS NULL }", "json"],
  ["{ $.SomeOtherObject NOT EXISTS }", "json"],
  ["{ $.ThisFlag IS TRUE }", "json"],
  ["{ $.ThisFlag IS FALSE }", "json"],
  ["{ $.latency = * }", "json"],
  ["{ $.latency >= 500 }", "json"],
  ["{ $.numbers[0] < 10e3 }", "json"],
  ["{ $.numbers[0] < 10e-3 }", "json"],
  ["{ $.processes[4].averageRuntime <= 55.5 }", "json"],
  ["{ $.errorCode != 500 }", "json"],
  ["{ $.latency > +1000 }", "json"],
  ["{ $.temperature < -12.5 }", "json"],
  ["{ $.foo = bar || $.foo = baz }", "json"],
  ['{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', "json"],
  [
    '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }',
    "json",
  ],
  ["{ $.eventName = *Event }", "json"],
  ["{ $.request-id = abc_def-1 }", "json"],
  ["{ $.eventType = %Update[A-Za-z]+% }", "json"],
  ['{ $.message = "bind: address already in use" }', "json"],
  ['{ $.path = "C:\\\\temp\\\\x" }', "json"],
  ['{ $.email = "a@b.c" }', "json"],
  ['{ ($.component = "HttpServer") && (($.error IS TRUE) || ($.latency > 1000)) }', "json"],
  ["{\n  $.a = 1\n  &&\n  $.b != 2\n}", "json"],
  ["  { $.a = 1 }  ", "json"],
  // space-delimited
  ["[ip, user, username, timestamp, request, status_code = 404, bytes]", "space-delimited"],
  ["[ip, user, ..., status_code = 4* || status_code = 5*, bytes]", "space-delimited"],
  ["[ip, user, username, timestamp, request, status_code, bytes]", "space-delimited"],
  ["[..., status_code, bytes]", "space-delimited"],
  ["[ip, user, ...]", "space-delimited"],
  ["[ip, user, username, timestamp, request, status_code, bytes > 1000]", "space-delimited"],
  ["[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]", "space-delimited"],
  ["[ip, user, username, timestamp, request, status_code = 4* && bytes > 1000]", "space-delimited"],
  [
    "[ip, user, username, timestamp, request, status_code = 403 || status_code = 404, bytes]",
    "space-delimited",
  ],
  ["[..., request=*.html*, status_code=4*,]", "space-delimited"],
  ["[w1=ERROR, w2]", "space-delimited"],
  ["[w1=ERROR || w1=WARN, w2]", "space-delimited"],
  ["[w1!=ERROR&&w1!=WARN, w2]", "space-delimited"],
  ["[ip, status_code != 2*, size = %[0-9]+%]", "space-delimited"],
  ['[time, component = "HttpServer", ..., result_code != 200, latency]', "space-delimited"],
];

describe("checkFilterPattern accepts valid patterns", () => {
  it.each(CIS_PATTERNS)("CIS %s", (_name, pattern) => {
    expect(checkFilterPattern(pattern)).toEqual({ ok: true, kind: "json" });
  });

  it.each(VALID)("%j -> %s", (pattern, kind) => {
    expect(checkFilterPattern(pattern)).toEqual({ ok: true, kind });
  });

  it("copies all 15 CIS patterns", () => {
    expect(CIS_PATTERNS).toHaveLength(15);
  });
});

// [pattern, position, fragment of the message]
const INVALID: ReadonlyArray<readonly [string, number, string]> = [
  ["{$.userIdentity.type = tada", 27, "unbalanced '{' opened at position 0: expected '}' at position 27"],
  ["{ userIdentity.type = tada }", 2, "expected a selector starting with '$.' at position 2"],
  [
    "{ $.eventName }",
    14,
    "expected an operator (=, !=, <, <=, >, >=, IS, NOT EXISTS) after $.eventName at position 14",
  ],
  ["{ $.eventName = }", 16, "expected a value after '=' at position 16, found '}'"],
  ["{ $.a = 1 && }", 13, "after '&&' at position 13"],
  ["{ $.a = 1 || }", 13, "after '||' at position 13"],
  ["{ ($.a = 1 }", 11, "unbalanced '(' opened at position 2: expected ')' at position 11"],
  ["[ip, user", 9, "unbalanced '[' opened at position 0: expected ',' or ']' at position 9"],
  ['"unterminated', 0, "unterminated string starting at position 0"],
  ['ERROR "Failed auth', 6, "unterminated string starting at position 6"],
  ["{ $.a = 1 } trailing", 12, "unexpected 'trailing' after the closing '}' at position 12"],
  ["{ $.a === 1 }", 6, "unknown operator '===' after $.a at position 6"],
  ["{ $.a == 1 }", 6, "unknown operator '=='"],
  ["{ $ = 1 }", 3, "expected '.' after '$' at position 3"],
  ["{ $[0] = 1 }", 3, "expected '.' after '$' at position 3"],
  ["{ $.a. = 1 }", 6, "expected a property name after '.' at position 6"],
  ["{ $.a[x] = 1 }", 6, "expected an array index (a number) after '[' at position 6"],
  ["{ $.a[0 = 1 }", 7, "unbalanced '[' opened at position 5: expected ']' at position 7"],
  ["{}", 1, "expected a selector starting with '$.' at position 1"],
  ["{ $.a = 1 }}", 11, "unexpected '}' after the closing '}' at position 11"],
  ["{ $.a = 1 ) }", 10, "unbalanced ')' at position 10"],
  ["{ $.a = 1 $.b = 2 }", 10, "expected '&&', '||' or '}' at position 10"],
  ["{ $.a = 1 & $.b = 2 }", 10, "expected '&&', '||' or '}' at position 10, found '&'"],
  ["{ $.a > abc }", 8, "expected a number after '>' at position 8, found 'abc'"],
  ['{ $.a <= "5" }', 9, "expected a number after '<=' at position 9"],
  ["{ $.a IS MAYBE }", 9, "expected TRUE, FALSE or NULL after IS at position 9"],
  ["{ $.a NOT THERE }", 10, "expected EXISTS after NOT at position 10"],
  ["{ $.a = foo@bar }", 11, "'@' is not allowed in an unquoted value at position 11"],
  ['{ $.a = "x" }{', 13, "unexpected '{' after the closing '}' at position 13"],
  ['{ $.a = "oops }', 8, "unterminated string starting at position 8"],
  ["{ (($.a = 1) || $.b = 2 }", 24, "unbalanced '(' opened at position 2"],
  ["{ $.a = %(x)% }", 9, "'(' is not supported in a regular expression at position 9"],
  ["%something!%", 10, "'!' is not supported in a regular expression at position 10"],
  ["%unterminated", 0, "unterminated regular expression starting at position 0"],
  ["{ $.a = %x% || $.b = %y% || $.c = %z% }", 34, "too many regular expressions at position 34"],
  ["[a b]", 3, "expected ',', ']' or an operator (=, !=, <, <=, >, >=) after a at position 3"],
  ["[ip, = 404]", 5, "expected a field name or '...' at position 5"],
  ["[..., status_code = ]", 20, "expected a value after '=' at position 20"],
  ["[ip, bytes > lots]", 13, "expected a number after '>' at position 13"],
  ["[ip, status = 4* &&]", 19, "expected a field name or '(' after '&&' at position 19"],
  ["[ip,", 4, "unbalanced '[' opened at position 0: expected a field at position 4"],
  ["[ip] extra", 5, "unexpected 'extra' after the closing ']' at position 5"],
  ["[(a = 1, b]", 7, "unbalanced '(' opened at position 1: expected ')' at position 7"],
];

describe("checkFilterPattern rejects malformed patterns", () => {
  it.each(INVALID)("%j fails at %i", (pattern, position, fragment) => {
    const result = checkFilterPattern(pattern);
    expect(result).toMatchObject({ ok: false, position });
    if (result.ok) throw new Error("unreachable");
    expect(result.message).toContain(fragment);
  });

  it("produces messages that read well after the config layer's prefix", () => {
    const result = checkFilterPattern("{ $.eventName }");
    if (result.ok) throw new Error("expected a failure");
    expect(`"{ $.eventName }" is not a valid filter pattern: ${result.message}`).toBe(
      "\"{ $.eventName }\" is not a valid filter pattern: expected an operator (=, !=, <, <=, >, >=, IS, NOT EXISTS) after $.eventName at position 14, found '}'",
    );
  });

  it("allows two regular expressions in a JSON pattern but not three", () => {
    expect(checkFilterPattern("{ $.a = %x% || $.b = %y% }")).toEqual({ ok: true, kind: "json" });
    expect(checkFilterPattern("[a = %x%, b = %y%, c = %z%]")).toMatchObject({ ok: false, position: 23 });
  });
});

// ---- property-based -------------------------------------------------------------------------

/** A piece of a generated pattern; `closer` marks a structural '}', ')' or closing '"'. */
type Piece = { text: string; closer?: boolean; regex?: boolean };

const ws = fc.constantFrom("", " ", "  ", "\t", "\n  ");
const ws1 = fc.constantFrom(" ", "  ", "\t", "\n");
const piece = (text: string): Piece => ({ text });

const selector = fc
  .array(
    fc.tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/), fc.array(fc.nat({ max: 30 }), { maxLength: 2 })),
    { minLength: 1, maxLength: 4 },
  )
  .map(
    (segments) =>
      `$${segments.map(([name, idx]) => `.${name}${idx.map((i) => `[${i}]`).join("")}`).join("")}`,
  );

const digits = fc.stringMatching(/^\d{1,6}$/);
const number = fc
  .tuple(
    fc.constantFrom("", "-", "+"),
    digits,
    fc.option(digits, { nil: undefined }),
    fc.option(fc.tuple(fc.constantFrom("e", "E"), fc.constantFrom("", "-", "+"), digits), { nil: undefined }),
  )
  .map(
    ([sign, int, frac, exp]) =>
      `${sign}${int}${frac === undefined ? "" : `.${frac}`}${exp === undefined ? "" : exp.join("")}`,
  );

// Printable ASCII, including the characters that must be escaped or that look structural.
const quotedContent = fc
  .string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 16 })
  .map((s) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"'));
const quoted = quotedContent.map((s): Piece[] => [piece(`"${s}`), { text: '"', closer: true }]);
const bare = fc.stringMatching(/^[A-Za-z0-9_.:/*+-]{1,12}$/).map((s): Piece[] => [piece(s)]);
const regex = fc
  .stringMatching(/^[A-Za-z0-9_#=@/;,^$?[\]{}|*+. -]{0,10}$/)
  .map((s): Piece[] => [{ text: `%${s}%`, regex: true }]);

const equalityValue = fc.oneof(
  quoted,
  bare,
  number.map((n) => [piece(n)]),
  fc.constant([piece("*")]),
  regex,
);

const condition: fc.Arbitrary<Piece[]> = fc.oneof(
  fc
    .tuple(selector, ws, fc.constantFrom("=", "!="), ws, equalityValue)
    .map(([sel, w1, op, w2, value]) => [piece(`${sel}${w1}${op}${w2}`), ...value]),
  fc
    .tuple(selector, ws, fc.constantFrom("<", "<=", ">", ">="), ws, number)
    .map(([sel, w1, op, w2, n]) => [piece(`${sel}${w1}${op}${w2}${n}`)]),
  fc
    .tuple(selector, ws1, ws1, fc.constantFrom("TRUE", "FALSE", "NULL"))
    .map(([sel, w1, w2, v]) => [piece(`${sel}${w1}IS${w2}${v}`)]),
  fc.tuple(selector, ws1, ws1).map(([sel, w1, w2]) => [piece(`${sel}${w1}NOT${w2}EXISTS`)]),
);

const { expr } = fc.letrec<{ expr: Piece[] }>((tie) => ({
  expr: fc.oneof(
    { maxDepth: 4, depthIdentifier: "expr" },
    { arbitrary: condition, weight: 3 },
    fc
      .tuple(tie("expr"), ws, fc.constantFrom("&&", "||"), ws, tie("expr"))
      .map(([left, w1, op, w2, right]) => [...left, piece(`${w1}${op}${w2}`), ...right]),
    fc
      .tuple(ws, tie("expr"), ws)
      .map(([w1, inner, w2]) => [piece(`(${w1}`), ...inner, piece(w2), { text: ")", closer: true }]),
  ),
}));

const jsonPattern = fc
  .tuple(ws, ws, expr, ws, ws)
  .map(([outer1, inner1, body, inner2, outer2]): Piece[] => [
    piece(`${outer1}{${inner1}`),
    ...body,
    piece(inner2),
    { text: "}", closer: true },
    piece(outer2),
  ])
  .filter((pieces) => pieces.filter((p) => p.regex).length <= 2)
  .map((pieces) => {
    let text = "";
    const closers: number[] = [];
    for (const p of pieces) {
      if (p.closer) closers.push(text.length);
      text += p.text;
    }
    return { text, closers };
  });

describe("checkFilterPattern properties", () => {
  it("accepts every well-formed generated JSON pattern", () => {
    fc.assert(
      fc.property(jsonPattern, ({ text }) => {
        expect(checkFilterPattern(text)).toEqual({ ok: true, kind: "json" });
      }),
      { numRuns: 500 },
    );
  });

  it("rejects a generated JSON pattern with one closing '}', ')' or '\"' deleted", () => {
    fc.assert(
      fc.property(jsonPattern, fc.nat(), ({ text, closers }, pick) => {
        const at = closers[pick % closers.length];
        expect(["}", ")", '"']).toContain(text[at]);
        const broken = text.slice(0, at) + text.slice(at + 1);
        const result = checkFilterPattern(broken);
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.position).toBeGreaterThanOrEqual(0);
          expect(result.position).toBeLessThanOrEqual(broken.length);
          expect(result.message).toMatch(/at position \d+/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("never throws and reports in-range positions for arbitrary input", () => {
    const alphabet = fc.constantFrom(...'{}[]()"%$.=!<>&|,?- aZ09*\\@\té'.split(""));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 40 })), (input) => {
        const result = checkFilterPattern(input);
        if (!result.ok) {
          expect(result.position).toBeGreaterThanOrEqual(0);
          expect(result.position).toBeLessThanOrEqual(input.length);
          expect(result.message).toMatch(/at position \d+/);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
