/**
 * Whether two wildcard patterns can match one common string. IAM resource strings use `*` (any
 * run of characters, colons included) and `?` (one character); the service authorization
 * reference writes ARN formats with `${Variable}` placeholders. A policy resource fits a resource
 * type when some ARN matches both.
 */

/** A literal character, any run (`*`), any run without `:` (an ARN segment), or one character. */
export type Token = { lit: string } | { any: true } | { seg: true } | { one: true };

/** A policy resource: `*` and `?` are wildcards, everything else literal. */
export function policyPattern(text: string): Token[] {
  return [...text].map((c) => (c === "*" ? { any: true } : c === "?" ? { one: true } : { lit: c }));
}

/**
 * An ARN format from the reference (`arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}`):
 * partition, region and account stay within their segment; other placeholders match anything.
 */
export function arnFormatPattern(format: string): Token[] {
  const tokens: Token[] = [];
  const re = /\$\{([^}]*)\}/g;
  let last = 0;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    for (const c of format.slice(last, m.index)) tokens.push({ lit: c });
    tokens.push(/^(Partition|Region|Account)$/i.test(m[1] ?? "") ? { seg: true } : { any: true });
    last = m.index + m[0].length;
  }
  for (const c of format.slice(last)) tokens.push({ lit: c });
  return tokens;
}

const isRun = (t: Token | undefined): t is { any: true } | { seg: true } =>
  t !== undefined && ("any" in t || "seg" in t);

/** Can a run token produce the literal character `c`? */
const runTakes = (run: { any: true } | { seg: true }, c: string) => "any" in run || c !== ":";

/** True when some string matches both patterns. Dynamic programming over positions: O(|a|·|b|). */
export function intersects(a: readonly Token[], b: readonly Token[]): boolean {
  const seen = new Set<number>();
  const width = b.length + 1;
  const stack: [number, number][] = [[0, 0]];
  while (stack.length > 0) {
    const [i, j] = stack.pop()!;
    const key = i * width + j;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === a.length && j === b.length) return true;
    const x = a[i];
    const y = b[j];
    // A run may match nothing.
    if (isRun(x)) stack.push([i + 1, j]);
    if (isRun(y)) stack.push([i, j + 1]);
    if (x === undefined || y === undefined) continue;
    // A run absorbs one character the other side fixes (a literal or a `?`).
    if (isRun(x) && !isRun(y) && ("one" in y || runTakes(x, y.lit))) stack.push([i, j + 1]);
    if (isRun(y) && !isRun(x) && ("one" in x || runTakes(y, x.lit))) stack.push([i + 1, j]);
    // Both fix one character: equal literals, or a `?` on either side.
    if (!isRun(x) && !isRun(y) && ("one" in x || "one" in y || x.lit === y.lit)) stack.push([i + 1, j + 1]);
  }
  return false;
}

/** Does the literal string `s` match the pattern? (Used by tests as an oracle.) */
export function matches(pattern: readonly Token[], s: string): boolean {
  return intersects(
    pattern,
    [...s].map((c) => ({ lit: c })),
  );
}

/**
 * A condition key from the reference with `${...}` (or `<...>`) placeholders as a case-insensitive
 * regular expression: `kms:EncryptionContext:${EncryptionContextKey}` matches `kms:EncryptionContext:aws:cloudtrail:arn`.
 */
export function placeholderRegExp(pattern: string): RegExp {
  const parts = pattern.split(/\$\{[^}]*\}|<[^>]*>/).map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
  return new RegExp(`^${parts.join(".+")}$`, "i");
}
