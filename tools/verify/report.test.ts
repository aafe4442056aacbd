import { describe, expect, it } from "vitest";
import {
  formatDuration,
  likeliestCause,
  ProgressPrinter,
  progressLine,
  resultLine,
  resultsJson,
  summaryLine,
} from "./report";
import type { CanaryResult, Progress } from "./types";

const KEY = "222222222222/us-east-2//central-logging/p/canary:p-canary";
const base = {
  key: KEY,
  kind: "logs" as const,
  accountId: "222222222222",
  region: "us-east-2",
  canaryId: "c",
};

const delivered: CanaryResult = {
  ...base,
  ok: true,
  seconds: 80,
  stages: [
    { stage: "stream", seconds: 3 },
    { stage: "archive", seconds: 71 },
    { stage: "search", seconds: 80 },
  ],
};
const notArchived: CanaryResult = {
  ...base,
  ok: false,
  stages: [{ stage: "stream", seconds: 2 }, { stage: "archive" }, { stage: "search", seconds: 9 }],
  failedStage: "archive",
  causes: [
    { code: "firehose-error-log", message: "Firehose p-archive logged 1 error(s)" },
    { code: "error-objects", message: "Firehose wrote 1 object(s)" },
  ],
};

describe("formatDuration", () => {
  it("uses seconds below two minutes, then minutes and hours", () => {
    expect(
      [0, 400, 74_000, 119_400, 120_000, 125_000, 900_000, 3_600_000, 5_400_000, -5].map(formatDuration),
    ).toEqual(["0 s", "0 s", "74 s", "119 s", "2 min", "2 min 5 s", "15 min", "1 h", "1 h 30 min", "0 s"]);
  });
});

describe("resultLine", () => {
  it("prints a delivered canary with each stage's time", () => {
    expect(resultLine(delivered, 900_000)).toBe(
      `✔ ${KEY}  delivered in 80 s (stream 3 s, archive 71 s, search 80 s)`,
    );
  });

  it("prints the first stage not reached, what was seen, and the likeliest cause", () => {
    expect(resultLine(notArchived, 900_000)).toBe(
      `✘ ${KEY}  not seen in archive after 15 min (stream 2 s, search 9 s): Firehose p-archive logged 1 error(s)`,
    );
    const nothingSeen: CanaryResult = {
      ...base,
      ok: false,
      stages: [{ stage: "stream" }],
      failedStage: "stream",
      causes: [{ code: "no-subscription-filter", message: "no subscription filter on g" }],
    };
    expect(resultLine(nothingSeen, 60_000)).toBe(
      `✘ ${KEY}  not seen in stream after 60 s: no subscription filter on g`,
    );
  });

  it("prints a canary that could not be written", () => {
    const failed: CanaryResult = {
      ...base,
      ok: false,
      stages: [{ stage: "archive" }],
      failedStage: "canary",
      causes: [{ code: "canary-not-written", message: "AccessDeniedException: no" }],
    };
    expect(resultLine(failed, 60_000)).toBe(`✘ ${KEY}  canary not written: AccessDeniedException: no`);
  });

  it("adds what could not be checked when no cause was found", () => {
    const r: CanaryResult = {
      ...notArchived,
      causes: [
        { code: "none", message: "no cause found: check x" },
        { code: "unchecked", message: "could not check y: AccessDenied" },
      ],
    };
    expect(likeliestCause(r)).toBe("no cause found: check x (could not check y: AccessDenied)");
    expect(likeliestCause({ ...r, causes: [] })).toBe("no cause found");
  });
});

describe("resultsJson and summaryLine", () => {
  it("is an array of the results, failures with their cause spelled out", () => {
    const parsed = JSON.parse(resultsJson([delivered, notArchived])) as Record<string, unknown>[];
    expect(parsed[0]).toEqual(delivered);
    expect(parsed[1]).toEqual({ ...notArchived, cause: "Firehose p-archive logged 1 error(s)" });
    expect(summaryLine([delivered, notArchived])).toBe("verify: 1 of 2 canaries delivered");
  });
});

describe("progress", () => {
  const p = (elapsedMs: number, extra: Partial<Progress> = {}): Progress => ({
    elapsedMs,
    timeoutMs: 900_000,
    total: 5,
    delivered: 2,
    failed: 0,
    waiting: { archive: 2, stream: 1 },
    ...extra,
  });

  it("says how long, how many delivered and what each waits for", () => {
    expect(progressLine(p(74_000))).toBe(
      "verify: 74 s of 15 min: 2/5 delivered: waiting for stream 1, archive 2",
    );
    expect(progressLine(p(0, { failed: 1, delivered: 4, waiting: {} }))).toBe(
      "verify: 0 s of 15 min: 4/5 delivered, 1 not written",
    );
  });

  it("rewrites one line on a terminal and clears it at the end", () => {
    const out: string[] = [];
    const printer = new ProgressPrinter((t) => out.push(t), true);
    printer.finish();
    printer.update(p(0));
    printer.update(p(1000));
    printer.finish();
    expect(out).toEqual([`\r\x1b[2K${progressLine(p(0))}`, `\r\x1b[2K${progressLine(p(1000))}`, "\r\x1b[2K"]);
  });

  it("prints a whole line every interval otherwise", () => {
    const out: string[] = [];
    const printer = new ProgressPrinter((t) => out.push(t), false, 30_000);
    for (const ms of [0, 1000, 29_000, 30_500, 31_000, 95_000]) printer.update(p(ms));
    printer.finish();
    expect(out).toEqual([0, 30_500, 95_000].map((ms) => `${progressLine(p(ms))}\n`));
  });
});
