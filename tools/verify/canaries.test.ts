import { describe, expect, it } from "vitest";
import { AREAS, EVENTS_LAYOUT, errorPrefix, firehosePrefix, LOGS_LAYOUT } from "../../infra/archive/layout";
import type { RawConfig } from "../../infra/config";
import { CANARY_ID_KEY } from "../../infra/operations/names";
import type { RoutingPlan } from "../../infra/plan";
import { resolveStack } from "../../infra/stack";
import { renderFirehosePrefix } from "../../tests/doubles/verifyPipeline";
import type { DecodedItem } from "../decode/decode";
import {
  archivePrefix,
  archivePrefixes,
  type Canary,
  canaryDetail,
  canaryIdOfMessage,
  canaryIdsIn,
  canaryMessage,
  errorArea,
  errorDayPrefix,
  isCanaryRoute,
  NO_CANARIES,
  planCanaries,
  renderLayout,
  utcDays,
} from "./canaries";

function planOf(raw: RawConfig): RoutingPlan {
  const result = resolveStack(raw, "dev");
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.plan;
}

const recipient = (extra: Record<string, unknown> = {}) => ({
  accountId: "999999999999",
  region: "ap-northeast-1",
  ...extra,
});
const source = (accountId: string, regions: string[], extra: Record<string, unknown> = {}) => ({
  accountId,
  regions,
  subscriptions: regions.map((region) => ({ logGroup: "/aws/lambda/orders", region })),
  ...extra,
});

function ids(): () => string {
  let n = 0;
  return () => `id-${++n}`;
}

describe("planCanaries", () => {
  it("follows a log canary through the stream, the archive and search with kinesis and search", () => {
    const plan = planOf({
      recipient: recipient({ transport: "kinesis", search: {} }),
      sources: [source("111111111111", ["ap-northeast-1", "us-east-2"])],
    });
    const result = planCanaries(plan, ids());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.canaries.map((c) => [c.kind, c.key, c.id, c.stages])).toEqual([
      [
        "logs",
        "111111111111/ap-northeast-1//central-logging/central-logging-dev/canary:central-logging-dev-canary",
        "id-1",
        ["stream", "archive", "search"],
      ],
      [
        "logs",
        "111111111111/us-east-2//central-logging/central-logging-dev/canary:central-logging-dev-canary",
        "id-2",
        ["stream", "archive", "search"],
      ],
    ]);
  });

  it("has no stream stage with the firehose transport, and follows events to the archive", () => {
    const plan = planOf({
      recipient: recipient({ transport: "firehose" }),
      sources: [
        source("111111111111", ["us-east-2"], {
          events: [{ name: "iam" }, { name: "ec2", region: "us-east-2" }],
        }),
      ],
    });
    const result = planCanaries(plan, ids());
    if (!result.ok) throw new Error(result.error);
    expect(result.canaries.map((c) => [c.kind, c.key, c.region, c.stages])).toEqual([
      [
        "logs",
        "111111111111/us-east-2//central-logging/central-logging-dev/canary:central-logging-dev-canary",
        "us-east-2",
        ["archive"],
      ],
      ["events", "111111111111/us-east-1/canary", "us-east-1", ["archive"]],
      ["events", "111111111111/us-east-2/canary", "us-east-2", ["archive"]],
    ]);
  });

  it("only selects canary routes, never the configured ones", () => {
    const plan = planOf({ recipient: recipient(), sources: [source("111111111111", ["us-east-2"])] });
    const routes = plan.sources[0]!.routes;
    expect(routes.filter(isCanaryRoute).map((r) => r.logGroup)).toEqual([
      "/central-logging/central-logging-dev/canary",
    ]);
    expect(routes.filter((r) => !isCanaryRoute(r)).map((r) => r.logGroup)).toEqual(["/aws/lambda/orders"]);
  });

  it("refuses a plan without canaries, naming the key to set", () => {
    const plan = planOf({
      recipient: recipient(),
      sources: [source("111111111111", ["us-east-2"], { events: [{ name: "iam" }] })],
      operations: { canary: false },
    });
    expect(planCanaries(plan, ids())).toEqual({ ok: false, error: NO_CANARIES });
    expect(NO_CANARIES).toContain("central-logging:operations canary: true");
  });
});

describe("canary ids", () => {
  const at = new Date("2025-06-01T12:00:00.000Z");

  it("writes and finds the id in a log message and an event's detail", () => {
    const message = canaryMessage("abc-1", "111111111111/us-east-2/g:f", at);
    expect(JSON.parse(message)).toEqual({
      [CANARY_ID_KEY]: "abc-1",
      route: "111111111111/us-east-2/g:f",
      at: at.toISOString(),
    });
    expect(canaryIdOfMessage(message)).toBe("abc-1");
    expect(JSON.parse(canaryDetail("abc-2"))).toEqual({ [CANARY_ID_KEY]: "abc-2" });
  });

  it("ignores other messages", () => {
    expect(canaryIdOfMessage("plain text")).toBeUndefined();
    expect(canaryIdOfMessage(`{"${CANARY_ID_KEY}": 5}`)).toBeUndefined();
    expect(canaryIdOfMessage(`not json ${CANARY_ID_KEY}`)).toBeUndefined();
    expect(canaryIdOfMessage(`"${CANARY_ID_KEY}"`)).toBeUndefined();
  });

  it("collects ids from envelopes and events, skipping failures", () => {
    const items: DecodedItem[] = [
      {
        kind: "envelope",
        ref: "r1",
        envelope: {
          messageType: "DATA_MESSAGE",
          owner: "1",
          logGroup: "g",
          logStream: "s",
          subscriptionFilters: [],
          logEvents: [
            { id: "1", timestamp: 0, message: canaryMessage("a", "k", at) },
            { id: "2", timestamp: 0, message: "noise" },
            { id: "3", timestamp: 0, message: canaryMessage("b", "k", at) },
          ],
        },
      },
      {
        kind: "event",
        ref: "r2",
        event: {
          id: "e",
          "detail-type": "t",
          source: "s",
          account: "1",
          time: "",
          region: "r",
          detail: { [CANARY_ID_KEY]: "c" },
        },
      },
      {
        kind: "event",
        ref: "r3",
        event: {
          id: "e",
          "detail-type": "t",
          source: "s",
          account: "1",
          time: "",
          region: "r",
          detail: null,
        },
      },
      { kind: "failure", ref: "r4", stage: "gzip", reason: "bad" },
    ];
    expect(canaryIdsIn(items)).toEqual(["a", "b", "c"]);
  });
});

describe("archive prefixes", () => {
  const plan = planOf({
    recipient: recipient({ transport: "firehose" }),
    sources: [source("222222222222", ["us-east-2"], { events: [{ name: "iam" }] })],
  });
  const result = planCanaries(plan, ids());
  if (!result.ok) throw new Error(result.error);
  const [logs, events] = result.canaries as [Canary, Canary];
  const at = new Date("2025-06-01T23:59:59.000Z");

  it("is the path Firehose renders from its own prefix for the canary's record", () => {
    expect(archivePrefix(logs, at)).toBe(
      "cloudwatch-logs/account=222222222222/logGroup=central-logging.central-logging-dev.canary/year=2025/month=06/day=01/",
    );
    expect(archivePrefix(logs, at)).toBe(
      renderFirehosePrefix(
        firehosePrefix(LOGS_LAYOUT),
        { area: AREAS.logs, account: "222222222222", logGroup: "central-logging.central-logging-dev.canary" },
        at,
      ),
    );
    expect(archivePrefix(events, at)).toBe("events/account=222222222222/year=2025/month=06/day=01/");
    expect(archivePrefix(events, at)).toBe(
      renderFirehosePrefix(firehosePrefix(EVENTS_LAYOUT), { account: "222222222222" }, at),
    );
  });

  it("covers every arrival day of the run (it may cross midnight UTC)", () => {
    expect(archivePrefixes(events, at, new Date("2025-06-02T00:10:00.000Z"))).toEqual([
      "events/account=222222222222/year=2025/month=06/day=01/",
      "events/account=222222222222/year=2025/month=06/day=02/",
    ]);
    expect(utcDays(new Date("2025-12-31T10:00:00Z"), new Date("2025-12-31T11:00:00Z"))).toEqual([
      new Date("2025-12-31T00:00:00Z"),
    ]);
    expect(
      utcDays(new Date("2025-12-31T23:00:00Z"), new Date("2026-01-01T01:00:00Z")).map((d) => d.toISOString()),
    ).toEqual(["2025-12-31T00:00:00.000Z", "2026-01-01T00:00:00.000Z"]);
  });

  it("refuses a layout value it does not have, and AWS-written partitions", () => {
    expect(() => renderLayout(LOGS_LAYOUT, { area: "x" }, at)).toThrow("no value for partition key account");
    expect(() =>
      renderLayout(
        { segments: ["a/", { column: "dt", columnType: "string", source: { kind: "written-by-aws" } }] },
        {},
        at,
      ),
    ).toThrow("written by AWS");
  });

  it("lists error objects by the Firehoses' error prefixes", () => {
    expect(errorArea("logs")).toBe("errors/cloudwatch-logs/");
    expect(errorArea("events")).toBe("errors/events/");
    expect(errorDayPrefix("logs", "processing-failed", at)).toBe(
      "errors/cloudwatch-logs/processing-failed/2025/06/01/",
    );
    expect(errorDayPrefix("events", "activePartitionExceeded", at)).toBe(
      renderFirehosePrefix(errorPrefix(AREAS.events), {}, at).replace(
        "processing-failed",
        "activePartitionExceeded",
      ),
    );
  });
});
