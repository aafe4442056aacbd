/**
 * The whole run against local servers: kinesalite for the stream, s3rver for the archive, stubs
 * for the rest (tests/doubles/verifyPipeline.ts). Each source account's canary meets a different
 * fate, so one short run covers delivery and every stage's diagnosis.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RawConfig } from "../../infra/config";
import type { RoutingPlan } from "../../infra/plan";
import { resolveStack } from "../../infra/stack";
import {
  type AccountBehavior,
  ADMIN_LOGIN,
  type LocalServers,
  PipelineDouble,
  startLocalServers,
} from "../../tests/doubles/verifyPipeline";
import { planCanaries } from "./canaries";
import type { CanaryResult } from "./types";
import { runVerify } from "./verify";

const RECIPIENT = "999999999999";
const HOME = "ap-northeast-1";

function planOf(raw: RawConfig): RoutingPlan {
  const result = resolveStack(raw, "t");
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.plan;
}

function source(accountId: string, region = HOME, extra: Record<string, unknown> = {}) {
  return { accountId, regions: [region], subscriptions: [{ logGroup: "app", region }], ...extra };
}

let servers: LocalServers;
let double: PipelineDouble | undefined;

beforeAll(async () => {
  servers = await startLocalServers();
});
afterAll(async () => {
  await servers.close();
});
afterEach(() => {
  double?.close();
  double = undefined;
});

async function run(
  plan: RoutingPlan,
  behaviors: Record<string, AccountBehavior>,
  timeoutMs: number,
  timing = { streamMs: 50, archiveMs: 300, searchMs: 100 },
): Promise<{ results: CanaryResult[]; byAccount: Map<string, CanaryResult> }> {
  double = await PipelineDouble.start(plan, servers, behaviors, timing);
  let n = 0;
  const canaries = planCanaries(plan, () => `canary-${++n}-${Math.random().toString(36).slice(2, 8)}`);
  if (!canaries.ok) throw new Error(canaries.error);
  const results = await runVerify(plan, canaries.canaries, double.clients(), {
    timeoutMs,
    pollMs: 50,
    tickMs: 20,
    streamIdleMs: 20,
    runId: "test",
  });
  expect(double.failures).toEqual([]);
  return { results, byAccount: new Map(results.map((r) => [`${r.kind}/${r.accountId}`, r])) };
}

describe("runVerify, kinesis transport with search", () => {
  it("delivers one canary and names the first stage, and its cause, for each of the others", async () => {
    // A bucket of its own per scenario: s3rver keeps objects across tests.
    const plan = planOf({
      recipient: {
        accountId: RECIPIENT,
        region: HOME,
        transport: "kinesis",
        bucketName: "verify-kinesis-search",
        search: {},
      },
      sources: [
        source("111111111111"),
        source("222222222222"),
        source("333333333333", "us-east-2"),
        source("444444444444"),
        source("555555555555"),
      ],
    });
    const { byAccount, results } = await run(
      plan,
      {
        "222222222222": { drop: "no-filter" },
        "333333333333": { drop: "policy" },
        "444444444444": { firehoseFails: true },
        "555555555555": { search: "rejected" },
      },
      2600,
      // Over a second and a half: S3's LastModified is cut to whole seconds.
      { streamMs: 50, archiveMs: 1600, searchMs: 100 },
    );
    expect(results).toHaveLength(5);

    const delivered = byAccount.get("logs/111111111111")!;
    expect(delivered.ok).toBe(true);
    expect(delivered.key).toBe(
      "111111111111/ap-northeast-1//central-logging/central-logging-t/canary:central-logging-t-canary",
    );
    const seconds = Object.fromEntries(delivered.stages.map((s) => [s.stage, s.seconds]));
    expect(Object.keys(seconds)).toEqual(["stream", "archive", "search"]);
    // The archive object came 1.6 s after the write.
    expect(seconds.archive).toBeGreaterThanOrEqual(1);
    expect(seconds.stream).toBeLessThanOrEqual(seconds.archive!);
    expect(delivered.seconds).toBe(Math.max(...Object.values(seconds).map((s) => s ?? 0)));

    const noFilter = byAccount.get("logs/222222222222")!;
    expect(noFilter).toMatchObject({ ok: false, failedStage: "stream" });
    expect(noFilter.causes?.[0]?.code).toBe("no-subscription-filter");
    expect(noFilter.causes?.[0]?.message).toContain(
      "no subscription filter on /central-logging/central-logging-t/canary in 222222222222/ap-northeast-1",
    );

    const policy = byAccount.get("logs/333333333333")!;
    expect(policy).toMatchObject({ ok: false, failedStage: "stream", region: "us-east-2" });
    expect(policy.causes?.[0]?.code).toBe("destination-policy");
    expect(policy.causes?.[0]?.message).toContain("does not admit account 333333333333");

    const firehose = byAccount.get("logs/444444444444")!;
    expect(firehose).toMatchObject({ ok: false, failedStage: "archive" });
    expect(firehose.stages.find((s) => s.stage === "stream")?.seconds).toBeDefined();
    expect(firehose.causes?.map((c) => c.code)).toEqual([
      "firehose-delivery",
      "firehose-error-log",
      "error-objects",
    ]);
    expect(firehose.causes?.[1]?.message).toContain("S3.AccessDenied");
    expect(firehose.causes?.[2]?.message).toContain("errors/cloudwatch-logs/");
    expect(firehose.causes?.[2]?.message).toContain("(processing-failed)");

    const rejected = byAccount.get("logs/555555555555")!;
    expect(rejected).toMatchObject({ ok: false, failedStage: "search" });
    expect(rejected.stages.filter((s) => s.seconds !== undefined).map((s) => s.stage)).toEqual([
      "stream",
      "archive",
    ]);
    expect(rejected.causes?.[0]?.code).toBe("search-rejected");
    expect(rejected.causes?.[0]?.message).toContain("400 mapper_parsing_exception");

    // Search was asked as the master user whose login is in the admin secret.
    const auth = double!.searchRequests[0]?.headers.authorization;
    expect(auth).toBe(
      `Basic ${Buffer.from(`${ADMIN_LOGIN.username}:${ADMIN_LOGIN.password}`).toString("base64")}`,
    );
    expect(double!.searchRequests[0]?.path).toBe("/cwl-*/_search");
  });

  it("stops as soon as every canary is delivered, and reports a canary that could not be written", async () => {
    const plan = planOf({
      recipient: {
        accountId: RECIPIENT,
        region: HOME,
        transport: "kinesis",
        bucketName: "verify-kinesis-write",
      },
      sources: [source("111111111111"), source("222222222222")],
    });
    const started = Date.now();
    const { byAccount } = await run(
      plan,
      { "222222222222": { writeError: "ResourceNotFoundException" } },
      10_000,
    );
    // Far below the timeout: nothing was left to wait for.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(byAccount.get("logs/111111111111")).toMatchObject({ ok: true });
    const failed = byAccount.get("logs/222222222222")!;
    expect(failed).toMatchObject({ ok: false, failedStage: "canary" });
    expect(failed.causes?.[0]?.code).toBe("canary-not-written");
    expect(failed.causes?.[0]?.message).toContain(
      "canary log group /central-logging/central-logging-t/canary is missing",
    );
  });
});

describe("runVerify, a stage verify cannot read", () => {
  it("says so before any diagnosis: the pipeline may be fine", async () => {
    const plan = planOf({
      recipient: {
        accountId: RECIPIENT,
        region: HOME,
        transport: "kinesis",
        bucketName: "verify-unreadable",
      },
      sources: [source("111111111111")],
    });
    double = await PipelineDouble.start(plan, servers);
    const denied = Object.assign(new Error("User is not authorized to perform: kinesis:ListShards"), {
      name: "AccessDeniedException",
    });
    const clients = { ...double.clients(), kinesis: () => ({ send: () => Promise.reject(denied) }) };
    const canaries = planCanaries(plan, () => "unreadable-1");
    if (!canaries.ok) throw new Error(canaries.error);
    const [result] = await runVerify(plan, canaries.canaries, clients, {
      timeoutMs: 1000,
      pollMs: 50,
      tickMs: 20,
      runId: "test",
    });
    expect(result).toMatchObject({ ok: false, failedStage: "stream" });
    // The archive saw it: only the stream could not be read.
    expect(result!.stages.find((s) => s.stage === "archive")?.seconds).toBeDefined();
    expect(result!.causes?.[0]).toEqual({
      code: "stage-unreadable",
      message:
        "reading stream central-logging-t-logs: AccessDeniedException: User is not authorized to perform: kinesis:ListShards",
    });
  });
});

describe("runVerify, firehose transport and events", () => {
  it("follows log canaries straight to the archive and events to events/, with their diagnoses", async () => {
    const plan = planOf({
      recipient: {
        accountId: RECIPIENT,
        region: HOME,
        transport: "firehose",
        bucketName: "verify-firehose-events",
      },
      sources: [
        source("111111111111", HOME, { events: [{ name: "iam" }] }),
        source("222222222222", "us-east-2", { events: [{ name: "iam" }] }),
      ],
    });
    const { byAccount, results } = await run(
      plan,
      { "222222222222": { drop: "policy", events: "dead-letter" } },
      1000,
    );
    expect(results.map((r) => r.kind).sort()).toEqual(["events", "events", "logs", "logs"]);

    const logs = byAccount.get("logs/111111111111")!;
    expect(logs).toMatchObject({ ok: true });
    expect(logs.stages.map((s) => s.stage)).toEqual(["archive"]);

    const events = byAccount.get("events/111111111111")!;
    expect(events).toMatchObject({ ok: true, key: "111111111111/us-east-1/canary", region: "us-east-1" });

    // Without a stream, the archive is the first stage: the source side is checked first.
    const dropped = byAccount.get("logs/222222222222")!;
    expect(dropped).toMatchObject({ ok: false, failedStage: "archive" });
    expect(dropped.causes?.[0]?.code).toBe("destination-policy");

    const deadLetter = byAccount.get("events/222222222222")!;
    expect(deadLetter).toMatchObject({ ok: false, failedStage: "archive" });
    expect(deadLetter.causes?.[0]?.code).toBe("events-dead-letter");
    expect(deadLetter.causes?.[0]?.message).toContain("NO_PERMISSIONS");
  });
});
