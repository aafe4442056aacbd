/**
 * README.md is the front door and stays short (under 400 lines); everything else lives in
 * `docs/*.md`. This fails when the README grows past that, or when a relative link of README.md
 * or of a docs page points at a file that does not exist, or at a `#anchor` that is not a heading
 * of its target (GitHub's slugs: lower case, punctuation dropped, spaces to hyphens, `-1`, `-2`
 * for repeats). Headings and links inside fenced code blocks do not count.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";

const README_MAX_LINES = 400;

const pages = [
  "README.md",
  ...readdirSync("docs")
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** The lines of a Markdown file outside fenced code blocks. */
function proseLines(text: string): string[] {
  let fenced = false;
  return text.split("\n").filter((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}

/** GitHub's anchor for a heading's text (github-slugger). */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor a Markdown file has: one per heading, repeats numbered as GitHub does. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of proseLines(text)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1] ?? "");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The relative link targets of a Markdown file (no scheme, no `mailto:`), with their line. */
function relativeLinks(text: string): { target: string; line: string }[] {
  const links: { target: string; line: string }[] = [];
  for (const line of proseLines(text)) {
    const withoutCode = line.replace(/`[^`]*`/g, "code");
    for (const m of withoutCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1] ?? "";
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      links.push({ target, line: line.trim() });
    }
  }
  return links;
}

describe("README.md", () => {
  it(`stays under ${README_MAX_LINES} lines`, () => {
    const lines = readFileSync("README.md", "utf8").replace(/\n$/, "").split("\n").length;
    expect(lines, "move detail into docs/*.md").toBeLessThan(README_MAX_LINES);
  });

  it("links to every docs page", () => {
    const targets = new Set(
      relativeLinks(readFileSync("README.md", "utf8")).map((l) => l.target.split("#")[0]),
    );
    const unlinked = pages.filter((page) => page !== "README.md" && !targets.has(page));
    expect(unlinked, "list it under 'Where to read more'").toEqual([]);
  });
});

describe("relative links", () => {
  it.each(pages)("every relative link of %s resolves", (page) => {
    const broken: string[] = [];
    for (const { target, line } of relativeLinks(readFileSync(page, "utf8"))) {
      const [rawPath = "", anchor] = target.split("#", 2);
      const path = rawPath === "" ? page : normalize(join(dirname(page), decodeURIComponent(rawPath)));
      if (!existsSync(path)) {
        broken.push(`${target}: no file ${path} (${line})`);
        continue;
      }
      if (anchor === undefined || !path.endsWith(".md")) continue;
      if (!anchors(readFileSync(path, "utf8")).has(anchor.toLowerCase())) {
        broken.push(`${target}: no heading #${anchor} in ${path} (${line})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("slugs headings as GitHub does", () => {
    expect(slug("`central-logging:sources` (list, default `[]`)")).toBe(
      "central-loggingsources-list-default-",
    );
    expect(slug("Scale benchmark (`npm run bench:scale`)")).toBe("scale-benchmark-npm-run-benchscale");
    expect(slug("`recipient.athena`")).toBe("recipientathena");
    expect(slug("Set-up: two commands")).toBe("set-up-two-commands");
    expect(slug("The deployer role (`CentralLoggingDeployer`)")).toBe(
      "the-deployer-role-centralloggingdeployer",
    );
  });

  it("finds a broken link and a broken anchor", () => {
    const text =
      "# Title\n\n## Part one\n\n[a](#part-one) [b](#part-two) [c](missing.md)\n\n```\n[d](#nowhere)\n```\n";
    const links = relativeLinks(text).map((l) => l.target);
    expect(links).toEqual(["#part-one", "#part-two", "missing.md"]);
    expect([...anchors(text)]).toEqual(["title", "part-one"]);
  });
});
