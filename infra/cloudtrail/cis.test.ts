/**
 * The CIS catalog against the published patterns. The fixture is a byte-for-byte copy of
 * /work/shared/facts/cis-metric-filters.md, kept in the repo so CI needs nothing outside it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CIS_4_1_V5_PATTERN, CIS_CONTROLS, CIS_METRIC_NAMESPACE, type CisControl } from "./cis";

const FIXTURE = join(__dirname, "..", "..", "tests", "fixtures", "cis-metric-filters.md");

interface PublishedRow {
  id: string;
  securityHub: string | undefined;
  pattern: string;
  /** Only 4.1: the terms CIS v5 appends, from the cell's "(CIS v5 adds ...)" note. */
  v5Addition?: string;
}

const V5_NOTE = "  (CIS v5 adds ";

/**
 * Rows look like `| 4.1 title | CloudWatch.2 | pattern |`. Patterns contain `||`, so the row is
 * split only at the column separators: the leading `| `, the first two ` | ` after it, and the
 * trailing ` |`. Everything between the second separator and the trailing one is the pattern cell,
 * untouched (no trimming beyond the single separator spaces).
 */
function parseRow(line: string): PublishedRow {
  if (!line.startsWith("| ") || !line.endsWith(" |")) throw new Error(`not a table row: ${line}`);
  const inner = line.slice(2, -2);
  const first = inner.indexOf(" | ");
  const second = inner.indexOf(" | ", first + 3);
  if (first < 0 || second < 0) throw new Error(`fewer than three cells: ${line}`);
  const cisCell = inner.slice(0, first);
  const shCell = inner.slice(first + 3, second);
  const patternCell = inner.slice(second + 3);

  const id = /^(4\.\d+) /.exec(cisCell)?.[1];
  if (id === undefined) throw new Error(`no CIS number in ${JSON.stringify(cisCell)}`);
  const securityHub = shCell === "(none)" ? undefined : shCell;

  const note = patternCell.indexOf(V5_NOTE);
  if (note < 0) return { id, securityHub, pattern: patternCell };
  if (!patternCell.endsWith(")")) throw new Error(`unterminated v5 note: ${patternCell}`);
  return {
    id,
    securityHub,
    pattern: patternCell.slice(0, note),
    v5Addition: patternCell.slice(note + V5_NOTE.length, -1),
  };
}

const published: PublishedRow[] = readFileSync(FIXTURE, "utf8")
  .split("\n")
  .filter((line) => line.startsWith("| 4."))
  .map(parseRow);
const publishedById = new Map(published.map((row) => [row.id, row]));

function control(id: string): CisControl {
  const found = CIS_CONTROLS.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no control ${id}`);
  return found;
}

describe("fixture parsing", () => {
  it("finds the 15 rows 4.1-4.15 in order", () => {
    expect(published.map((row) => row.id)).toEqual(Array.from({ length: 15 }, (_, i) => `4.${i + 1}`));
  });

  it("every pattern cell is one brace-delimited pattern with no stray padding", () => {
    for (const row of published) {
      expect(row.pattern, row.id).toMatch(/^\{.*\}$/);
      // `||` never contains " | ": finding one means a column separator leaked into the pattern.
      expect(row.pattern, row.id).not.toContain(" | ");
      if (row.securityHub !== undefined) expect(row.securityHub, row.id).toMatch(/^CloudWatch\.\d+$/);
    }
  });

  it("splits the 4.1 cell into the v1.4/v3.0 pattern and the v5 addition", () => {
    const row = publishedById.get("4.1")!;
    expect(row.pattern).toBe('{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}');
    expect(row.v5Addition).toBe(
      '&& ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket")',
    );
    expect(published.filter((r) => r.v5Addition !== undefined).map((r) => r.id)).toEqual(["4.1"]);
  });
});

describe("CIS_CONTROLS", () => {
  it("has exactly 15 controls, in CIS order, with unique ids, names and metric names", () => {
    expect(CIS_CONTROLS).toHaveLength(15);
    expect(CIS_CONTROLS.map((c) => c.id)).toEqual(published.map((row) => row.id));
    for (const key of ["id", "name", "metricName"] as const) {
      expect(new Set(CIS_CONTROLS.map((c) => c[key])).size, key).toBe(15);
    }
  });

  it("uses exactly the published pattern for every control, character for character", () => {
    for (const c of CIS_CONTROLS) {
      const row = publishedById.get(c.id);
      expect(row, c.id).toBeDefined();
      expect(c.filterPattern, c.id).toBe(row!.pattern);
    }
  });

  it("maps every control to the published Security Hub control (none for 4.15)", () => {
    for (const c of CIS_CONTROLS) {
      expect(c.securityHub, c.id).toBe(publishedById.get(c.id)!.securityHub);
    }
    expect(control("4.15").securityHub).toBeUndefined();
    expect(control("4.3").securityHub).toBe("CloudWatch.1");
    expect(control("4.1").securityHub).toBe("CloudWatch.2");
  });

  it("keeps names kebab-case and metric names alphanumeric, both pinned (they name resources)", () => {
    for (const c of CIS_CONTROLS) {
      expect(c.name, c.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(c.metricName, c.id).toMatch(/^[A-Za-z0-9]+$/);
      expect(c.title.trim(), c.id).not.toBe("");
    }
    expect(CIS_CONTROLS.map((c) => c.name)).toEqual([
      "unauthorized-api-calls",
      "console-signin-without-mfa",
      "root-usage",
      "iam-policy-changes",
      "cloudtrail-changes",
      "console-auth-failures",
      "cmk-disable-or-deletion",
      "s3-bucket-policy-changes",
      "aws-config-changes",
      "security-group-changes",
      "nacl-changes",
      "network-gateway-changes",
      "route-table-changes",
      "vpc-changes",
      "organizations-changes",
    ]);
    expect(CIS_CONTROLS.map((c) => c.metricName)).toEqual([
      "UnauthorizedAPICalls",
      "ConsoleSignInWithoutMFA",
      "RootAccountUsage",
      "IAMPolicyChanges",
      "CloudTrailChanges",
      "ConsoleAuthenticationFailures",
      "DisableOrDeleteCMK",
      "S3BucketPolicyChanges",
      "AWSConfigChanges",
      "SecurityGroupChanges",
      "NACLChanges",
      "NetworkGatewayChanges",
      "RouteTableChanges",
      "VPCChanges",
      "OrganizationsChanges",
    ]);
  });

  it("is frozen, entries included", () => {
    expect(Object.isFrozen(CIS_CONTROLS)).toBe(true);
    for (const c of CIS_CONTROLS) expect(Object.isFrozen(c), c.id).toBe(true);
    expect(() => {
      (CIS_CONTROLS as CisControl[]).push(control("4.1"));
    }).toThrow(TypeError);
    expect(() => {
      (control("4.3") as CisControl).filterPattern = "{$.userIdentity.type = Root}";
    }).toThrow(TypeError);
  });

  it("exports the metric namespace the CIS remediation steps use", () => {
    expect(CIS_METRIC_NAMESPACE).toBe("CISBenchmark");
  });
});

/**
 * Guards against "prettifying" (normalising spaces around operators, adding spaces inside braces,
 * quoting bare values): Security Hub compares the text, so any such edit fails the control even
 * though the filter still matches the same events. These pin the quirks independently of the
 * fixture, so a change to both the fixture and the catalog is caught too.
 */
describe("published patterns are not prettified", () => {
  const lengths: Record<string, number> = {
    "4.1": 73,
    "4.2": 164,
    "4.3": 102,
    "4.4": 535,
    "4.5": 144,
    "4.6": 72,
    "4.7": 102,
    "4.8": 354,
    "4.9": 200,
    "4.10": 252,
    "4.11": 230,
    "4.12": 232,
    "4.13": 240,
    "4.14": 417,
    "4.15": 758,
  };

  it("keeps every pattern at its published length", () => {
    for (const c of CIS_CONTROLS) {
      expect(c.filterPattern.length, c.id).toBe(lengths[c.id]);
      expect(c.filterPattern.length, c.id).toBe(publishedById.get(c.id)!.pattern.length);
    }
  });

  it("keeps the published spacing and quoting quirks", () => {
    const exact: [string, string[]][] = [
      ["4.1", ['{($.errorCode="*UnauthorizedOperation") || ', '($.errorCode="AccessDenied*")}']],
      [
        "4.2",
        [
          '{ ($.eventName = "ConsoleLogin") && ',
          '($.additionalEventData.MFAUsed != "Yes")',
          '($.responseElements.ConsoleLogin = "Success") }',
        ],
      ],
      [
        "4.3",
        [
          '{$.userIdentity.type="Root" && ',
          "$.userIdentity.invokedBy NOT EXISTS",
          '$.eventType !="AwsServiceEvent"}',
        ],
      ],
      ["4.6", ['($.errorMessage="Failed authentication")}']],
      ["4.7", ["{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || "]],
      ["4.15", ['{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake")']],
    ];
    for (const [id, substrings] of exact) {
      for (const s of substrings) expect(control(id).filterPattern, id).toContain(s);
    }
    // 4.3 has no parentheses around its terms and `!=` spaced on one side only.
    expect(control("4.3").filterPattern).not.toContain("(");
    expect(control("4.3").filterPattern).not.toContain('!= "AwsServiceEvent"');
  });

  it("has no whitespace other than single spaces, no non-ASCII, and balanced parentheses", () => {
    for (const c of CIS_CONTROLS) {
      const p = c.filterPattern;
      expect(p, c.id).not.toMatch(/[^\x20-\x7e]/);
      expect(p, c.id).not.toMatch(/ {2}/);
      expect(p, c.id).toBe(p.trim());
      let depth = 0;
      for (const ch of p) {
        depth += ch === "(" ? 1 : ch === ")" ? -1 : 0;
        expect(depth, c.id).toBeGreaterThanOrEqual(0);
      }
      expect(depth, c.id).toBe(0);
    }
  });

  it("would notice a re-spaced pattern through the pinned lengths", () => {
    const compact = (p: string) => p.replace(/\s*(!=|=|&&|\|\|)\s*/g, "$1");
    const spaced = (p: string) => compact(p).replace(/(!=|=|&&|\|\|)/g, " $1 ");
    for (const c of CIS_CONTROLS) {
      for (const variant of [compact(c.filterPattern), spaced(c.filterPattern)]) {
        if (variant !== c.filterPattern) expect(variant.length, c.id).not.toBe(lengths[c.id]);
      }
      // Every pattern has spaces around its operators somewhere, so compacting always shows.
      expect(compact(c.filterPattern), c.id).not.toBe(c.filterPattern);
    }
  });
});

describe("CIS_4_1_V5_PATTERN", () => {
  it("is the v1.4/v3.0 pattern with the published v5 addition appended inside the braces", () => {
    const row = publishedById.get("4.1")!;
    expect(CIS_4_1_V5_PATTERN).toBe(`${row.pattern.slice(0, -1)} ${row.v5Addition}}`);
    expect(CIS_4_1_V5_PATTERN).toHaveLength(158);
  });

  it("is not the pattern Security Hub CloudWatch.2 checks", () => {
    expect(control("4.1").filterPattern).not.toBe(CIS_4_1_V5_PATTERN);
    expect(control("4.1").filterPattern).not.toContain("HeadBucket");
  });
});
