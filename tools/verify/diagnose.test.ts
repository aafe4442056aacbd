import { describe, expect, it } from "vitest";
import type { RawConfig } from "../../infra/config";
import {
  destinationAccessPolicy,
  destinationOrgAccessPolicy,
} from "../../infra/forwarding/destinationPolicies";
import type { RoutingPlan } from "../../infra/plan";
import { deadLetterBody } from "../../infra/search/forwarder/deadLetter";
import { resolveStack } from "../../infra/stack";
import { type Canary, planCanaries } from "./canaries";
import {
  checksFor,
  diagnoseDestination,
  diagnoseErrorObjects,
  diagnoseEventDeadLetters,
  diagnoseEventRule,
  diagnoseFirehoseErrorLog,
  diagnoseFirehoseMetrics,
  diagnoseSearchDeadLetters,
  diagnoseSubscriptionFilters,
  diagnoseWriteFailure,
  noCauseHint,
  orderCauses,
  policyAdmits,
} from "./diagnose";

const ROUTE = {
  accountId: "222222222222",
  region: "us-east-2",
  logGroup: "/central-logging/p/canary",
  filterName: "p-canary",
  destinationArn: "arn:aws:logs:us-east-2:999999999999:destination:p",
};

describe("diagnoseSubscriptionFilters", () => {
  it("finds nothing wrong when a filter sends to the destination", () => {
    expect(
      diagnoseSubscriptionFilters(ROUTE, [
        { filterName: "other", destinationArn: "arn:aws:lambda:us-east-2:2:function:x" },
        { filterName: "p-canary", destinationArn: ROUTE.destinationArn },
      ]),
    ).toBeUndefined();
  });

  it("names a missing log group, a missing filter and a filter to elsewhere", () => {
    expect(diagnoseSubscriptionFilters(ROUTE, undefined)).toEqual({
      code: "log-group-missing",
      message:
        "log group /central-logging/p/canary does not exist in 222222222222/us-east-2: pulumi up (operations.canary) creates it",
    });
    expect(diagnoseSubscriptionFilters(ROUTE, [])).toEqual({
      code: "no-subscription-filter",
      message:
        "no subscription filter on /central-logging/p/canary in 222222222222/us-east-2: pulumi up creates p-canary",
    });
    const wrong = diagnoseSubscriptionFilters(ROUTE, [
      { filterName: "p-canary", destinationArn: "arn:elsewhere" },
      {},
    ]);
    expect(wrong?.code).toBe("filter-wrong-destination");
    expect(wrong?.message).toContain("(p-canary -> arn:elsewhere, (unnamed) -> (none))");
  });
});

describe("policyAdmits", () => {
  const arn = ROUTE.destinationArn;
  const text = (doc: unknown) => JSON.stringify(doc);

  it("reads the program's own account-list policy", () => {
    const policy = text(destinationAccessPolicy(arn, ["111111111111", "222222222222"]));
    expect(policyAdmits(policy, "222222222222")).toEqual({ ok: true });
    expect(policyAdmits(text(destinationAccessPolicy(arn, ["111111111111"], true)), "222222222222")).toEqual({
      ok: false,
      reason: "the account is not in Principal.AWS (pulumi up on the recipient adds it)",
    });
  });

  it("reads the program's own organization policy", () => {
    const policy = text(destinationOrgAccessPolicy(arn, "o-abc123"));
    expect(policyAdmits(policy, "222222222222", "o-abc123")).toEqual({ ok: true });
    // Membership cannot be checked here: without the stack's organization the condition counts.
    expect(policyAdmits(policy, "222222222222")).toEqual({ ok: true });
    expect(policyAdmits(policy, "222222222222", "o-other")).toEqual({
      ok: false,
      reason: "it admits organization o-abc123, the stack's is o-other",
    });
  });

  it("accepts account ARNs, a single principal, wildcard actions and a bare * principal", () => {
    const allow = (Principal: unknown, Action: unknown = "logs:PutSubscriptionFilter") =>
      text({ Version: "2012-10-17", Statement: { Effect: "Allow", Principal, Action, Resource: arn } });
    expect(policyAdmits(allow({ AWS: "arn:aws:iam::222222222222:root" }), "222222222222").ok).toBe(true);
    expect(policyAdmits(allow({ AWS: "222222222222" }, "logs:*"), "222222222222").ok).toBe(true);
    expect(policyAdmits(allow({ AWS: ["222222222222"] }, ["logs:Put*"]), "222222222222").ok).toBe(true);
    expect(policyAdmits(allow("*"), "222222222222").ok).toBe(true);
    expect(policyAdmits(allow({ AWS: "*" }), "222222222222").ok).toBe(true);
    expect(policyAdmits(allow({ AWS: "arn:aws:iam::122222222222:root" }), "222222222222").ok).toBe(false);
    expect(policyAdmits(allow({ Service: "logs.amazonaws.com" }), "222222222222").ok).toBe(false);
    expect(policyAdmits(allow({ AWS: "222222222222" }, "logs:PutAccountPolicy"), "222222222222")).toEqual({
      ok: false,
      reason: "no statement allows logs:PutSubscriptionFilter",
    });
  });

  it("lets a Deny naming the account win", () => {
    const policy = text({
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "logs:PutSubscriptionFilter" },
        { Effect: "Deny", Principal: { AWS: "222222222222" }, Action: "logs:PutSubscriptionFilter" },
      ],
    });
    expect(policyAdmits(policy, "222222222222")).toEqual({
      ok: false,
      reason: "a Deny statement names logs:PutSubscriptionFilter for it",
    });
    expect(policyAdmits(policy, "111111111111").ok).toBe(true);
  });

  it("names a missing or unreadable policy", () => {
    expect(policyAdmits(undefined, "2")).toEqual({
      ok: false,
      reason: "the destination has no access policy",
    });
    expect(policyAdmits(" ", "2")).toEqual({ ok: false, reason: "the destination has no access policy" });
    expect(policyAdmits("{", "2")).toEqual({ ok: false, reason: "the access policy is not JSON" });
    expect(policyAdmits("null", "2")).toEqual({
      ok: false,
      reason: "no statement allows logs:PutSubscriptionFilter",
    });
  });
});

describe("diagnoseDestination", () => {
  const expected = {
    name: "p",
    region: "us-east-2",
    recipientAccountId: "999999999999",
    targetArn: "arn:aws:kinesis:ap-northeast-1:999999999999:stream/p-logs",
    accountId: "222222222222",
  };
  const policy = (accounts: string[]) =>
    JSON.stringify(destinationAccessPolicy(ROUTE.destinationArn, accounts));

  it("finds nothing wrong with the planned destination", () => {
    expect(
      diagnoseDestination(expected, [
        { destinationName: "p-other" },
        { destinationName: "p", targetArn: expected.targetArn, accessPolicy: policy(["222222222222"]) },
      ]),
    ).toBeUndefined();
  });

  it("names a missing destination, another target and a policy without the account", () => {
    expect(diagnoseDestination(expected, [{ destinationName: "p-other" }])).toEqual({
      code: "destination-missing",
      message:
        "destination p does not exist in us-east-2 of the recipient 999999999999: pulumi up on the recipient",
    });
    expect(
      diagnoseDestination(expected, [{ destinationName: "p", targetArn: "arn:x", accessPolicy: policy([]) }])
        ?.code,
    ).toBe("destination-target");
    expect(
      diagnoseDestination(expected, [
        { destinationName: "p", targetArn: expected.targetArn, accessPolicy: policy(["1"]) },
      ]),
    ).toEqual({
      code: "destination-policy",
      message:
        "the access policy of destination p in us-east-2 does not admit account 222222222222: the account is not in Principal.AWS (pulumi up on the recipient adds it)",
    });
    expect(
      diagnoseDestination({ ...expected, organizationId: "o-1" }, [
        {
          destinationName: "p",
          accessPolicy: JSON.stringify(destinationOrgAccessPolicy(ROUTE.destinationArn, "o-2")),
        },
      ])?.message,
    ).toContain("it admits organization o-2, the stack's is o-1");
  });
});

describe("Firehose checks", () => {
  it("flags DeliveryToS3.Success below 1", () => {
    expect(diagnoseFirehoseMetrics("p-archive", [])).toBeUndefined();
    expect(diagnoseFirehoseMetrics("p-archive", [1, 1])).toBeUndefined();
    expect(diagnoseFirehoseMetrics("p-archive", [1, 0.5, 0])).toEqual({
      code: "firehose-delivery",
      message:
        "Firehose p-archive is failing to deliver to S3 (DeliveryToS3.Success 0.00 in 2 of 3 minutes): see its error log",
    });
  });

  it("reports the latest error of the error log, JSON or plain", () => {
    const group = "/aws/kinesisfirehose/p-archive";
    expect(diagnoseFirehoseErrorLog("p-archive", group, [])).toBeUndefined();
    expect(diagnoseFirehoseErrorLog("p-archive", group, [{ message: "  " }, {}])).toBeUndefined();
    const json = (errorCode: string) => JSON.stringify({ errorCode, message: `${errorCode} happened` });
    expect(
      diagnoseFirehoseErrorLog("p-archive", group, [
        { timestamp: 1, message: json("S3.AccessDenied") },
        { timestamp: 3, message: json("Lambda.FunctionError") },
        { timestamp: 2, message: json("S3.KMS.AccessDenied") },
      ]),
    ).toEqual({
      code: "firehose-error-log",
      message: `Firehose p-archive logged 3 error(s) since the start in ${group}, latest: Lambda.FunctionError: Lambda.FunctionError happened`,
    });
    expect(diagnoseFirehoseErrorLog("p", group, [{ message: " plain text \n" }])?.message).toMatch(
      /latest: plain text$/,
    );
    expect(diagnoseFirehoseErrorLog("p", group, [{ message: "x".repeat(400) }])?.message).toMatch(
      /x{300}\.\.\.$/,
    );
    expect(diagnoseFirehoseErrorLog("p", group, [{ message: "{}" }])?.message).toMatch(/latest: \{\}$/);
  });

  it("counts objects under errors/ written since the start, by error type", () => {
    const since = new Date("2025-06-01T12:00:00Z");
    const area = "errors/cloudwatch-logs/";
    expect(diagnoseErrorObjects("b", area, [], since)).toBeUndefined();
    expect(
      diagnoseErrorObjects(
        "b",
        area,
        [
          { key: `${area}processing-failed/2025/06/01/old`, lastModified: new Date("2025-06-01T11:00:00Z") },
          { key: `${area}x` },
        ],
        since,
      ),
    ).toBeUndefined();
    expect(
      diagnoseErrorObjects(
        "b",
        area,
        [
          {
            key: `${area}processing-failed/2025/06/01/a`,
            lastModified: new Date("2025-06-01T11:59:59.500Z"),
          },
          {
            key: `${area}activePartitionExceeded/2025/06/01/b`,
            lastModified: new Date("2025-06-01T12:05:00Z"),
          },
        ],
        since,
      ),
    ).toEqual({
      code: "error-objects",
      message:
        "Firehose wrote 2 object(s) under s3://b/errors/cloudwatch-logs/ since the start (activePartitionExceeded, processing-failed), e.g. errors/cloudwatch-logs/processing-failed/2025/06/01/a: npm run redrive replays them once fixed",
    });
  });
});

describe("dead letters and the event rule", () => {
  const record = {
    eventSourceArn: "arn:aws:kinesis:ap-northeast-1:9:stream/s",
    shardId: "shardId-0",
    sequenceNumber: "1",
    partitionKey: "k",
    approximateArrivalTimestamp: 0,
  };

  it("finds the canary's document among the search forwarder's dead letters", () => {
    const rejected = deadLetterBody({
      kind: "rejected-event",
      reason: "mapper_parsing_exception: failed",
      status: 400,
      index: "cwl-2025.06.01",
      record,
      owner: "2",
      logGroup: "g",
      logStream: "s",
      eventId: "e",
      document: '{"centralLoggingCanary":"the-id"}',
    });
    expect(
      diagnoseSearchDeadLetters("p-search-dlq", "the-id", [{ body: "other" }, { body: rejected }]),
    ).toEqual({
      code: "search-rejected",
      message:
        "the search forwarder could not index it and put it in p-search-dlq: 400 mapper_parsing_exception: failed (index cwl-2025.06.01)",
    });
    expect(diagnoseSearchDeadLetters("q", "other-id", [{ body: rejected }])).toBeUndefined();
    expect(diagnoseSearchDeadLetters("q", "the-id", [{ body: "not json the-id" }])?.message).toContain(
      "(the message is not JSON)",
    );
    expect(diagnoseSearchDeadLetters("q", "the-id", [{ body: '{"x":"the-id"}' }])?.message).toContain(
      "(no reason given)",
    );
  });

  it("reads EventBridge's error attributes", () => {
    expect(diagnoseEventDeadLetters("q", "the-id", [{ body: "{}" }])).toBeUndefined();
    expect(
      diagnoseEventDeadLetters("p-events-dlq", "the-id", [
        {
          body: '{"detail":{"centralLoggingCanary":"the-id"}}',
          attributes: { ERROR_CODE: "NO_PERMISSIONS", ERROR_MESSAGE: "denied", TARGET_ARN: "arn:bus" },
        },
      ]),
    ).toEqual({
      code: "events-dead-letter",
      message:
        "EventBridge gave up delivering to arn:bus and put the event in p-events-dlq: NO_PERMISSIONS: denied",
    });
    expect(diagnoseEventDeadLetters("q", "the-id", [{ body: "the-id" }])?.message).toBe(
      "EventBridge gave up and put the event in q: (no error attributes)",
    );
  });

  it("names a missing or disabled canary rule", () => {
    const rule = { name: "p-canary", accountId: "2", region: "us-east-1" };
    expect(diagnoseEventRule(rule, "ENABLED")).toBeUndefined();
    expect(diagnoseEventRule(rule, undefined)?.message).toBe(
      "the canary rule p-canary does not exist in 2/us-east-1: pulumi up (operations.canary)",
    );
    expect(diagnoseEventRule(rule, "DISABLED")?.message).toBe(
      "the canary rule p-canary in 2/us-east-1 is DISABLED",
    );
  });
});

describe("diagnoseWriteFailure", () => {
  const logs = { kind: "logs" as const, logGroup: "/g", accountId: "2", region: "r" };
  it("adds a hint for a missing log group and for access denied", () => {
    expect(diagnoseWriteFailure(logs, { name: "ResourceNotFoundException", message: "gone" }).message).toBe(
      "ResourceNotFoundException: gone: the canary log group /g is missing in 2/r; pulumi up with central-logging:operations canary: true",
    );
    expect(diagnoseWriteFailure(logs, { name: "AccessDeniedException", message: "no" }).message).toContain(
      "may not logs:CreateLogStream / logs:PutLogEvents",
    );
    expect(
      diagnoseWriteFailure({ kind: "events", accountId: "2", region: "r" }, { name: "AccessDeniedException" })
        .message,
    ).toBe("AccessDeniedException: the credentials for 2 may not events:PutEvents");
    expect(diagnoseWriteFailure(logs, { name: "CredentialsProviderError", message: "none" }).message).toBe(
      "CredentialsProviderError: none: verify needs the credentials pulumi up uses (AWS_PROFILE, or the environment's)",
    );
    expect(diagnoseWriteFailure(logs, { message: "boom" })).toEqual({
      code: "canary-not-written",
      message: "Error: boom",
    });
  });
});

describe("which checks, in which order", () => {
  it("checks the source side for the first hop, Firehose for the archive, the dead letters for search", () => {
    expect(checksFor("logs", "canary", "kinesis")).toEqual([]);
    expect(checksFor("logs", "stream", "kinesis")).toEqual(["subscriptionFilter", "destination"]);
    expect(checksFor("logs", "archive", "kinesis")).toEqual([
      "firehoseMetrics",
      "firehoseErrorLog",
      "errorObjects",
    ]);
    expect(checksFor("logs", "archive", "firehose")).toEqual([
      "subscriptionFilter",
      "destination",
      "firehoseMetrics",
      "firehoseErrorLog",
      "errorObjects",
    ]);
    expect(checksFor("logs", "search", "kinesis")).toEqual(["searchDeadLetters"]);
    expect(checksFor("events", "archive", "kinesis")).toEqual([
      "eventRule",
      "eventDeadLetters",
      "firehoseMetrics",
      "firehoseErrorLog",
      "errorObjects",
    ]);
  });

  it("puts found causes first, failed checks after them, and says when nothing was found", () => {
    const found = { code: "destination-policy" as const, message: "p" };
    const unchecked = { code: "unchecked" as const, message: "could not check x" };
    expect(orderCauses([undefined, unchecked, found], "hint")).toEqual([found, unchecked]);
    expect(orderCauses([undefined, unchecked], "check y")).toEqual([
      { code: "none", message: "no cause found: check y" },
      unchecked,
    ]);
    expect(orderCauses([], "check y")).toEqual([{ code: "none", message: "no cause found: check y" }]);
  });
});

describe("noCauseHint", () => {
  function canariesOf(raw: RawConfig): { plan: RoutingPlan; canaries: Canary[] } {
    const result = resolveStack(raw, "dev");
    if (!result.ok) throw new Error(result.errors.join("\n"));
    const plan = result.plan;
    const planned = planCanaries(plan, () => "id");
    if (!planned.ok) throw new Error(planned.error);
    return { plan, canaries: planned.canaries };
  }
  const sources = [
    {
      accountId: "111111111111",
      regions: ["us-east-2"],
      subscriptions: [{ logGroup: "a" }],
      events: [{ name: "iam" }],
    },
  ];

  it("points at the next thing to look at, per stage", () => {
    const kinesis = canariesOf({
      recipient: { accountId: "999999999999", region: "us-east-2", search: {} },
      sources,
    });
    const logs = kinesis.canaries.find((c) => c.kind === "logs")!;
    const events = kinesis.canaries.find((c) => c.kind === "events")!;
    expect(noCauseHint(logs, "stream", kinesis.plan)).toBe(
      "check the destination role central-logging-dev-cwl-destination (kinesis:PutRecord on central-logging-dev-logs) and the stream's IncomingRecords metric",
    );
    expect(noCauseHint(logs, "archive", kinesis.plan)).toContain(
      "check the gunzip Lambda's log group /aws/lambda/central-logging-dev-cwl-gunzip",
    );
    expect(noCauseHint(logs, "archive", kinesis.plan)).toContain("1.5 x the buffer interval (300 s)");
    expect(noCauseHint(logs, "search", kinesis.plan)).toBe(
      "check the forwarder's log group /aws/lambda/central-logging-dev-search-forwarder and its event source mapping",
    );
    expect(noCauseHint(logs, "canary", kinesis.plan)).toBe("the canary was not written");
    expect(noCauseHint(events, "archive", kinesis.plan)).toMatch(
      /^check rule central-logging-dev-canary in 111111111111\/us-east-1 \(FailedInvocations\); the bus central-logging-dev-events and Firehose central-logging-dev-events; /,
    );

    const firehose = canariesOf({
      recipient: { accountId: "999999999999", region: "us-east-2", transport: "firehose" },
      sources,
    });
    expect(noCauseHint(firehose.canaries[0]!, "archive", firehose.plan)).toContain("(firehose:PutRecord)");
  });
});
