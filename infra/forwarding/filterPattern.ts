/**
 * Offline syntax check for CloudWatch Logs filter patterns (metric filters, subscription filters,
 * FilterLogEvents, Live Tail).
 *
 * CloudWatch only rejects a malformed pattern at deploy time (PutMetricFilter /
 * PutSubscriptionFilter -> InvalidParameterException), typically half-way through a multi-account
 * rollout. This module catches the syntax errors up front. It is pure and dependency-free: a tiny
 * hand-written scanner + recursive-descent parser.
 *
 * Grammar (after leading whitespace; whitespace is allowed between any two tokens):
 *
 *   pattern   := ""                                   -> kind "all" (whitespace only counts too)
 *              | '{' or '}' trailing-ws EOF            -> kind "json"
 *              | '[' fields ']' trailing-ws EOF        -> kind "space-delimited"
 *              | term*                                 -> kind "terms"
 *
 *   term      := ('?' | '-')? body                      ?x = OR, -x = exclude
 *   body      := (quoted | regex | non-space char)+     regex only at the start of the body
 *   quoted    := '"' (('\' any) | [^"\\])* '"'
 *   regex     := '%' (('\' any) | [^%])* '%'            no '(' ')' '!' or multi-byte characters
 *
 *   or        := and ('||' and)*                        && binds tighter than ||
 *   and       := unary ('&&' unary)*
 *   unary     := '(' or ')' | condition
 *   condition := subject op value
 *              | selector 'IS' ('TRUE' | 'FALSE' | 'NULL')        (JSON only)
 *              | selector 'NOT' 'EXISTS' | selector 'EXISTS'      (JSON only)
 *   subject   := selector (JSON) | field name [A-Za-z0-9_-]+ (space-delimited)
 *   selector  := '$' ('.' name ('[' (digits | '*') ']')*)+     name := [A-Za-z0-9_*-]+
 *   op        := '=' | '!=' | '<' | '<=' | '>' | '>='
 *   value     := quoted | regex | bare                  '<' '<=' '>' '>=' need a number
 *   bare      := run of characters up to whitespace or one of ( ) { } [ ] " & | = ! < >
 *                (and ',' in space-delimited patterns); '@', '$', '\' and non-ASCII must be quoted
 *   number    := [+-]? (digits ('.' digits?)? | '.' digits) ([eE] [+-]? digits)?
 *
 *   fields    := (field (',' field)* ','?)?             a trailing comma is in the AWS examples
 *   field     := '...' | quoted | name | or             (conditions: `status_code = 4* || status_code = 5*`)
 *
 * Facts relied on (AWS "Filter pattern syntax for metric filters, subscription filters, filter log
 * events, and Live Tail" and the archived awsdocs/amazon-cloudwatch-logs-user-guide source):
 *   - "" matches everything; terms are ANDed, `?term` is OR, `-term` excludes; phrases in quotes.
 *   - regex terms are surrounded by '%'; '(' and ')' are not supported in them, '%something!%' is
 *     rejected, multi-byte characters are not supported; at most 2 regexes in one JSON or
 *     space-delimited pattern.
 *   - JSON: `{ SELECTOR OPERATOR VALUE }`; selectors start with '$', are alphanumeric plus '-'/'_',
 *     array elements are `[NUMBER]` after a property (`$.coordinates[0][1]` is an AWS example);
 *     operators = != < > <= >=; numeric operators take an integer/decimal/scientific number with an
 *     optional sign (`10e-3`, `+1000`); strings may be unquoted when alphanumeric, '*' is a
 *     wildcard, '@' '$' '\' and unicode need double quotes; `IS NULL`, `IS TRUE`, `IS FALSE`,
 *     `NOT EXISTS`; && and || with parentheses, precedence () > && > ||.
 *   - space-delimited: `[ip, user, ..., status_code = 4*, bytes > 1000]`, `...` for any number of
 *     fields, && and || between conditions inside one field, `[..., request=*.html*, status_code=4*,]`.
 *
 * Lenient on purpose (not confirmed either way; a false rejection blocks a valid deployment, and the
 * real service stays the last word):
 *   - keywords IS/NOT/EXISTS/TRUE/FALSE/NULL are matched case-insensitively (the docs only show
 *     upper case); bare `EXISTS` (CDK renders "exists" as `= *`) is accepted.
 *   - '*' inside selector names and `[*]` indexes are accepted (not in the docs).
 *   - unstructured terms: any non-space characters are accepted unquoted (the docs say to quote
 *     non-alphanumeric terms but that is not known to be enforced), a lone '?'/'-' is accepted
 *     (an old AWS example reads `"ERROR" - "Exiting"`), and '%' only starts a regex at the start of
 *     a term.
 *   - inside a regex only the characters the docs explicitly reject ('(', ')', '!', multi-byte) are
 *     rejected; the documented allow-list is incomplete (AWS/CDK examples use ' ' and ':').
 *     A backslash escapes the next character, so `\%` does not end the regex.
 *   - space-delimited: several '...' fields, an empty `[]`, quoted-string fields and conditions on
 *     different fields joined by && in one slot (an AWS example; reported invalid in
 *     awsdocs/amazon-cloudwatch-logs-user-guide#21) are all accepted.
 */

export type PatternCheck =
  | { ok: true; kind: "all" | "terms" | "json" | "space-delimited" }
  | { ok: false; position: number; message: string };

type Kind = Extract<PatternCheck, { ok: true }>["kind"];

/** "There is a limit of 2 regex for each filter pattern when creating a delimited or JSON filter pattern." */
const MAX_REGEX_PER_STRUCTURED_PATTERN = 2;

const OPERATORS = new Set(["=", "!=", "<", "<=", ">", ">="]);
const NUMERIC_OPERATORS = new Set(["<", "<=", ">", ">="]);
const JSON_OPERATOR_LIST = "=, !=, <, <=, >, >=, IS, NOT EXISTS";
const FIELD_OPERATOR_LIST = "=, !=, <, <=, >, >=";

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const SELECTOR_NAME = /[A-Za-z0-9_*-]+/y;
const FIELD_NAME = /[A-Za-z0-9_-]+/y;
const ARRAY_INDEX = /\d+|\*/y;
const OPERATOR_RUN = /[=!<>]+/y;
const WORD = /[A-Za-z]+/y;
const WHITESPACE = /\s/;
/** Characters that end an unquoted value (',' too, but only in space-delimited patterns). */
const VALUE_STOP = new Set(["(", ")", "{", "}", "[", "]", '"', "&", "|", "=", "!", "<", ">"]);
/** "Strings that have unicode and other characters such as '@', '$', '\' must be enclosed in double quotes." */
const MUST_BE_QUOTED = new Set(["@", "$", "\\"]);
/** Characters the regex section rejects explicitly ("The ( and ) operators are not supported", "%something!%"). */
const REGEX_FORBIDDEN = new Set(["(", ")", "!"]);

class PatternError extends Error {
  constructor(
    readonly position: number,
    message: string,
  ) {
    super(message);
  }
}

type Context = {
  mode: "json" | "space-delimited";
  /** Characters that end the enclosing construct (used to report an unclosed '('). */
  closers: string;
};

const JSON_CONTEXT: Context = { mode: "json", closers: "}" };
const FIELD_CONTEXT: Context = { mode: "space-delimited", closers: ",]" };

/**
 * Checks the syntax of a CloudWatch Logs filter pattern. Never throws for any string input.
 * `position` is a 0-based offset into `pattern` (a JavaScript string index); `message` ends with
 * "at position N" so it reads well after e.g. `"<value>" is not a valid filter pattern: `.
 */
export function checkFilterPattern(pattern: string): PatternCheck {
  try {
    return { ok: true, kind: new Parser(pattern).parse() };
  } catch (error) {
    if (error instanceof PatternError) {
      return { ok: false, position: error.position, message: error.message };
    }
    throw error;
  }
}

class Parser {
  private pos = 0;
  private regexCount = 0;

  constructor(private readonly src: string) {}

  parse(): Kind {
    this.skipWs();
    if (this.atEnd()) return "all";
    if (this.cur() === "{") {
      this.parseJson();
      return "json";
    }
    if (this.cur() === "[") {
      this.parseSpaceDelimited();
      return "space-delimited";
    }
    this.parseTerms();
    return "terms";
  }

  // ---- unstructured terms -------------------------------------------------------------------

  private parseTerms(): void {
    for (;;) {
      this.skipWs();
      if (this.atEnd()) return;
      if (this.cur() === "?" || this.cur() === "-") this.pos++;
      const bodyStart = this.pos;
      while (!this.atEnd() && !WHITESPACE.test(this.cur())) {
        if (this.cur() === '"') this.readQuoted();
        else if (this.cur() === "%" && this.pos === bodyStart) this.readRegex(false);
        else this.pos++;
      }
    }
  }

  // ---- JSON ---------------------------------------------------------------------------------

  private parseJson(): void {
    const open = this.pos;
    this.pos++; // '{'
    this.parseOr(JSON_CONTEXT);
    this.skipWs();
    if (this.atEnd()) {
      throw this.error(`unbalanced '{' opened at position ${open}: expected '}' at position ${this.pos}`);
    }
    if (this.cur() === ")") {
      throw this.error(`unbalanced ')' at position ${this.pos}: no matching '('`);
    }
    if (this.cur() !== "}") {
      throw this.error(`expected '&&', '||' or '}' at position ${this.pos}, found ${this.found()}`);
    }
    this.pos++;
    this.expectEnd("}");
  }

  // ---- space-delimited ----------------------------------------------------------------------

  private parseSpaceDelimited(): void {
    const open = this.pos;
    this.pos++; // '['
    this.skipWs();
    if (this.cur() === "]") {
      this.pos++;
      this.expectEnd("]");
      return;
    }
    for (;;) {
      this.parseField(open);
      this.skipWs();
      if (this.cur() === ",") {
        this.pos++;
        this.skipWs();
        if (this.cur() === "]") break; // trailing comma, as in `[..., request=*.html*, status_code=4*,]`
        continue;
      }
      if (this.cur() === "]") break;
      if (this.atEnd()) {
        throw this.error(
          `unbalanced '[' opened at position ${open}: expected ',' or ']' at position ${this.pos}`,
        );
      }
      throw this.error(`expected ',' or ']' at position ${this.pos}, found ${this.found()}`);
    }
    this.pos++; // ']'
    this.expectEnd("]");
  }

  private parseField(open: number): void {
    this.skipWs();
    if (this.atEnd()) {
      throw this.error(`unbalanced '[' opened at position ${open}: expected a field at position ${this.pos}`);
    }
    if (this.src.startsWith("...", this.pos)) {
      this.pos += 3;
      return;
    }
    if (this.cur() === '"') {
      this.readQuoted();
      return;
    }
    if (this.cur() === "(") {
      this.parseOr(FIELD_CONTEXT);
      return;
    }
    const nameStart = this.pos;
    const name = this.match(FIELD_NAME);
    if (name === "") {
      throw this.error(`expected a field name or '...' at position ${this.pos}, found ${this.found()}`);
    }
    this.skipWs();
    if (this.atEnd() || this.cur() === "," || this.cur() === "]") return;
    if (!"=!<>".includes(this.cur())) {
      throw this.error(
        `expected ',', ']' or an operator (${FIELD_OPERATOR_LIST}) after ${name} at position ${this.pos}, found ${this.found()}`,
      );
    }
    this.pos = nameStart;
    this.parseOr(FIELD_CONTEXT);
  }

  // ---- conditions (shared by JSON and space-delimited) --------------------------------------

  private parseOr(ctx: Context, after?: string): void {
    this.parseAnd(ctx, after);
    for (;;) {
      this.skipWs();
      if (!this.src.startsWith("||", this.pos)) return;
      this.pos += 2;
      this.parseAnd(ctx, "'||'");
    }
  }

  private parseAnd(ctx: Context, after?: string): void {
    this.parseUnary(ctx, after);
    for (;;) {
      this.skipWs();
      if (!this.src.startsWith("&&", this.pos)) return;
      this.pos += 2;
      this.parseUnary(ctx, "'&&'");
    }
  }

  private parseUnary(ctx: Context, after?: string): void {
    this.skipWs();
    if (this.cur() !== "(") {
      this.parseCondition(ctx, after);
      return;
    }
    const open = this.pos;
    this.pos++;
    this.parseOr(ctx, "'('");
    this.skipWs();
    if (this.cur() === ")") {
      this.pos++;
      return;
    }
    if (this.atEnd() || ctx.closers.includes(this.cur())) {
      throw this.error(
        `unbalanced '(' opened at position ${open}: expected ')' at position ${this.pos}, found ${this.found()}`,
      );
    }
    throw this.error(`expected '&&', '||' or ')' at position ${this.pos}, found ${this.found()}`);
  }

  private parseCondition(ctx: Context, after?: string): void {
    this.skipWs();
    const subject = ctx.mode === "json" ? this.parseSelector(after) : this.parseFieldName(after);
    this.skipWs();
    const opStart = this.pos;
    const op = this.match(OPERATOR_RUN);
    if (op !== "") {
      if (!OPERATORS.has(op)) {
        this.pos = opStart;
        throw this.error(
          `unknown operator '${op}' after ${subject} at position ${opStart}: expected one of ${
            ctx.mode === "json" ? JSON_OPERATOR_LIST : FIELD_OPERATOR_LIST
          }`,
        );
      }
      this.parseValue(ctx, op);
      return;
    }
    if (ctx.mode === "json") {
      const word = this.match(WORD).toUpperCase();
      if (word === "IS") {
        this.skipWs();
        const valueStart = this.pos;
        const value = this.match(WORD).toUpperCase();
        if (value !== "TRUE" && value !== "FALSE" && value !== "NULL") {
          this.pos = valueStart;
          throw this.error(
            `expected TRUE, FALSE or NULL after IS at position ${valueStart}, found ${this.found()}`,
          );
        }
        return;
      }
      if (word === "NOT") {
        this.skipWs();
        const existsStart = this.pos;
        if (this.match(WORD).toUpperCase() !== "EXISTS") {
          this.pos = existsStart;
          throw this.error(`expected EXISTS after NOT at position ${existsStart}, found ${this.found()}`);
        }
        return;
      }
      if (word === "EXISTS") return; // undocumented; accepted (see header)
      this.pos = opStart;
    }
    throw this.error(
      `expected an operator (${
        ctx.mode === "json" ? JSON_OPERATOR_LIST : FIELD_OPERATOR_LIST
      }) after ${subject} at position ${opStart}, found ${this.found()}`,
    );
  }

  private parseSelector(after?: string): string {
    const start = this.pos;
    if (this.cur() !== "$") {
      throw this.error(
        after === undefined
          ? `expected a selector starting with '$.' at position ${this.pos}, found ${this.found()}`
          : `expected a condition (a selector starting with '$.' or '(') after ${after} at position ${this.pos}, found ${this.found()}`,
      );
    }
    this.pos++;
    if (this.cur() !== ".") {
      throw this.error(
        `expected '.' after '$' at position ${this.pos} (selectors start with '$.'), found ${this.found()}`,
      );
    }
    while (this.cur() === ".") {
      this.pos++;
      if (this.match(SELECTOR_NAME) === "") {
        throw this.error(`expected a property name after '.' at position ${this.pos}, found ${this.found()}`);
      }
      while (this.cur() === "[") {
        const open = this.pos;
        this.pos++;
        if (this.match(ARRAY_INDEX) === "") {
          throw this.error(
            `expected an array index (a number) after '[' at position ${this.pos}, found ${this.found()}`,
          );
        }
        if (this.cur() !== "]") {
          throw this.error(
            `unbalanced '[' opened at position ${open}: expected ']' at position ${this.pos}, found ${this.found()}`,
          );
        }
        this.pos++;
      }
    }
    return this.src.slice(start, this.pos);
  }

  private parseFieldName(after?: string): string {
    const name = this.match(FIELD_NAME);
    if (name === "") {
      throw this.error(
        `expected a field name${after === undefined ? "" : ` or '(' after ${after}`} at position ${this.pos}, found ${this.found()}`,
      );
    }
    return name;
  }

  private parseValue(ctx: Context, op: string): void {
    this.skipWs();
    const start = this.pos;
    const numeric = NUMERIC_OPERATORS.has(op);
    const c = this.cur();
    if (c === '"' || c === "%") {
      if (numeric)
        throw this.error(`expected a number after '${op}' at position ${start}, found ${this.found()}`);
      if (c === '"') this.readQuoted();
      else this.readRegex(true);
      return;
    }
    while (!this.atEnd()) {
      const ch = this.cur();
      if (WHITESPACE.test(ch) || VALUE_STOP.has(ch) || (ctx.mode === "space-delimited" && ch === ",")) break;
      if (MUST_BE_QUOTED.has(ch) || ch.charCodeAt(0) > 0x7e) {
        throw this.error(
          `'${ch}' is not allowed in an unquoted value at position ${this.pos}: enclose the value in double quotes`,
        );
      }
      this.pos++;
    }
    const value = this.src.slice(start, this.pos);
    if (value === "") {
      throw this.error(`expected a value after '${op}' at position ${start}, found ${this.found()}`);
    }
    if (numeric && !NUMBER.test(value)) {
      this.pos = start;
      throw this.error(`expected a number after '${op}' at position ${start}, found '${value}'`);
    }
  }

  // ---- lexical helpers ------------------------------------------------------------------------

  private readQuoted(): void {
    const start = this.pos;
    this.pos++;
    while (!this.atEnd()) {
      const c = this.cur();
      if (c === "\\") this.pos += 2;
      else if (c === '"') {
        this.pos++;
        return;
      } else this.pos++;
    }
    throw new PatternError(start, `unterminated string starting at position ${start}`);
  }

  private readRegex(structured: boolean): void {
    const start = this.pos;
    if (structured && ++this.regexCount > MAX_REGEX_PER_STRUCTURED_PATTERN) {
      throw this.error(
        `too many regular expressions at position ${start}: at most ${MAX_REGEX_PER_STRUCTURED_PATTERN} are allowed in a JSON or space-delimited pattern`,
      );
    }
    this.pos++;
    while (!this.atEnd()) {
      const c = this.cur();
      if (c === "%") {
        this.pos++;
        return;
      }
      if (c === "\\") this.pos++;
      else if (REGEX_FORBIDDEN.has(c)) {
        throw this.error(`'${c}' is not supported in a regular expression at position ${this.pos}`);
      }
      if (this.pos < this.src.length && this.src.charCodeAt(this.pos) > 0x7e) {
        throw this.error(
          `multi-byte characters are not supported in a regular expression at position ${this.pos}`,
        );
      }
      this.pos++;
    }
    throw new PatternError(start, `unterminated regular expression starting at position ${start}`);
  }

  private expectEnd(closer: string): void {
    this.skipWs();
    if (!this.atEnd()) {
      throw this.error(`unexpected ${this.found()} after the closing '${closer}' at position ${this.pos}`);
    }
  }

  /** Consumes a sticky-regex match at the current position; returns "" when there is none. */
  private match(re: RegExp): string {
    re.lastIndex = this.pos;
    const m = re.exec(this.src);
    if (m === null) return "";
    this.pos += m[0].length;
    return m[0];
  }

  private skipWs(): void {
    while (!this.atEnd() && WHITESPACE.test(this.cur())) this.pos++;
  }

  private atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  private cur(): string {
    return this.src.charAt(this.pos);
  }

  /** Short description of the token at the current position, for messages. */
  private found(): string {
    if (this.atEnd()) return "end of pattern";
    const rest = this.src.slice(this.pos);
    const two = rest.slice(0, 2);
    if (two === "&&" || two === "||") return `'${two}'`;
    const word = /^[^\s(){}[\]",&|=!<>]+/.exec(rest);
    if (word === null) return `'${rest.charAt(0)}'`;
    return word[0].length > 24 ? `'${word[0].slice(0, 24)}...'` : `'${word[0]}'`;
  }

  private error(message: string): PatternError {
    return new PatternError(this.pos, message);
  }
}
