import { describe, expect, it } from "vitest";
import { diagramStacks, embedDiagram, readDiagramBlock, regenerateDiagrams } from "./readmeDiagram";

const README = [
  "# Title",
  "<!-- plan:mermaid:dev:start -->",
  "stale",
  "<!-- plan:mermaid:dev:end -->",
  "text",
  "<!-- plan:mermaid:prod:start -->",
  "<!-- plan:mermaid:prod:end -->",
  "",
].join("\n");

describe("README diagram blocks", () => {
  it("lists the stacks in README order", () => {
    expect(diagramStacks(README)).toEqual(["dev", "prod"]);
  });

  it("embeds a fenced mermaid block between the markers and nothing else changes", () => {
    const out = embedDiagram(README, "dev", "flowchart LR\n  a --> b");
    expect(out).toBe(
      [
        "# Title",
        "<!-- plan:mermaid:dev:start -->",
        "```mermaid",
        "flowchart LR",
        "  a --> b",
        "```",
        "<!-- plan:mermaid:dev:end -->",
        "text",
        "<!-- plan:mermaid:prod:start -->",
        "<!-- plan:mermaid:prod:end -->",
        "",
      ].join("\n"),
    );
    expect(readDiagramBlock(out, "dev")).toBe("```mermaid\nflowchart LR\n  a --> b\n```");
    expect(embedDiagram(out, "dev", "flowchart LR\n  a --> b")).toBe(out);
  });

  it("regenerates every block with its own stack's diagram", () => {
    const out = regenerateDiagrams(README, (stack) => `flowchart LR\n  ${stack}`);
    expect(readDiagramBlock(out, "dev")).toBe("```mermaid\nflowchart LR\n  dev\n```");
    expect(readDiagramBlock(out, "prod")).toBe("```mermaid\nflowchart LR\n  prod\n```");
  });

  it.each([
    ["missing", "no markers", "no <!-- plan:mermaid:dev:start --> ... <!-- plan:mermaid:dev:end --> block"],
    [
      "reversed",
      "<!-- plan:mermaid:dev:end -->\n<!-- plan:mermaid:dev:start -->",
      "<!-- plan:mermaid:dev:end --> comes before <!-- plan:mermaid:dev:start -->",
    ],
    [
      "duplicated",
      "<!-- plan:mermaid:dev:start --><!-- plan:mermaid:dev:end --><!-- plan:mermaid:dev:start -->",
      "the dev diagram markers appear more than once",
    ],
  ])("refuses %s markers", (_, readme, message) => {
    expect(() => embedDiagram(readme, "dev", "x")).toThrow(message);
  });
});
