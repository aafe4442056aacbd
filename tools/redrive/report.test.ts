import { describe, expect, it } from "vitest";
import { progressLine, streamProgress } from "./progress";
import { exitCode, type RedriveReport, renderJson, renderText, Tally } from "./report";

function report(mode: RedriveReport["mode"], edit: (t: Tally) => void = () => undefined): RedriveReport {
  const search = new Tally("search", "queue q (999999999999 ap-northeast-1)", "messages");
  search.found("rejected-event", 2);
  search.found("malformed-record");
  const errors = new Tally("errors", "s3://b/errors/cloudwatch-logs/", "records", true);
  errors.found("processing-failed/Lambda.FunctionError", 3);
  errors.report.objects!.found = 1;
  if (mode === "apply") {
    search.settle("replayed", undefined, 2);
    search.settle("stillFailing", "still malformed: gunzip failed");
    errors.settle("replayed", undefined, 3);
    errors.object("deleted");
  } else {
    search.settle("replayable", undefined, 2);
    search.settle("stillFailing", "still malformed: gunzip failed");
    errors.settle("replayable", undefined, 3);
  }
  edit(errors);
  return {
    stack: "dev",
    mode,
    interrupted: false,
    sources: [search.report, errors.report],
    notConfigured: ["events (sources[].events)"],
  };
}

describe("report", () => {
  it("prints what a dry run would do", () => {
    expect(renderText(report("dry-run"))).toBe(
      [
        "redrive dev: dry run (nothing changed; --apply replays)",
        "",
        "search: queue q (999999999999 ap-northeast-1)",
        "  found 3 messages: malformed-record 1, rejected-event 2",
        "  would replay 2, would still fail 1, cannot replay 0",
        "    1 x still malformed: gunzip failed",
        "",
        "errors: s3://b/errors/cloudwatch-logs/",
        "  found 3 records in 1 object(s): processing-failed/Lambda.FunctionError 3",
        "  would replay 3, would still fail 0, cannot replay 0",
        "",
        "events (sources[].events): not configured in this stack",
        "",
        "summary: would replay 5, would still fail 1, cannot replay 0",
      ].join("\n"),
    );
  });

  it("prints what an apply did, objects included", () => {
    const text = renderText(report("apply"));
    expect(text).toContain("  replayed 2, still failing 1, left 0\n    1 x still malformed: gunzip failed");
    expect(text).toContain("  objects: 1 deleted, 0 rewritten, 0 untouched");
    expect(text).toMatch(/summary: replayed 5, still failing 1, left 0$/);
  });

  it("exits 1 only for what is still failing after an apply, or a source that could not be read", () => {
    expect(exitCode(report("dry-run"))).toBe(0);
    expect(exitCode(report("apply"))).toBe(1);
    expect(exitCode(report("dry-run", (t) => t.fail("AccessDenied")))).toBe(1);
    const json = JSON.parse(renderJson(report("apply")));
    expect(json.totals).toEqual({ replayed: 5, replayable: 0, stillFailing: 1, left: 0, unreadable: 0 });
    expect(json.exitCode).toBe(1);
  });
});

describe("progress", () => {
  it("draws a bar, or a count when the total is unknown", () => {
    expect(progressLine("errors", 3, 12, "objects")).toBe(
      "errors [########......................] 3/12 objects 25%",
    );
    expect(progressLine("search q", 14, 10, "messages")).toContain("14/10 messages 100%");
    expect(progressLine("search q", 7, undefined, "messages")).toBe("search q: 7 messages");
  });

  it("redraws in place on a terminal, writes a line now and then otherwise", () => {
    let t = 0;
    const tty: string[] = [];
    const bar = streamProgress({ isTTY: true, write: (s) => tty.push(s) }, { now: () => t }).start(
      "x",
      2,
      "u",
    );
    t = 200;
    bar.tick(1);
    bar.tick(1);
    bar.done();
    expect(tty.every((s) => s.startsWith("\r"))).toBe(true);
    expect(tty.at(-1)).toMatch(/2\/2 u 100%\n$/);
    expect(tty).toHaveLength(3);

    const log: string[] = [];
    const plain = streamProgress({ write: (s) => log.push(s) }, { now: () => t }).start("x", 3, "u");
    for (let i = 0; i < 3; i++) plain.tick(1);
    t = 10_000;
    plain.tick(0);
    plain.done();
    expect(log).toEqual(["x [##############################] 3/3 u 100%\n"]);
  });
});
