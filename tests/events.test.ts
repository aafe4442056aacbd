/**
 * The EventBridge write-up (seeds/002): IAM API calls picked by an EventBridge rule, written by
 * Firehose as JSON Lines under a date prefix Athena can project. Here across accounts: the rule
 * lives in source account 111111111111 (us-east-1, where IAM events surface) and reaches the
 * recipient's Firehose through the recipient's event bus; the recipient's own rules in its home
 * region target the Firehose directly. The write-up's roles had no confused-deputy condition.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { EVENTS_PARTITION_QUERY } from "../infra/archive/layout";
import { input, list, policyOf, type Registered, runStack, stackConfig, T } from "./support/program";

const RECIPIENT = "999999999999";
const SOURCE = "111111111111";
const HOME = "ap-northeast-1";
const P = "central-logging-ev";
const BUS_ARN = `arn:aws:events:${HOME}:${RECIPIENT}:event-bus/${P}-events`;
const FIREHOSE_ARN = `arn:aws:firehose:${HOME}:${RECIPIENT}:deliverystream/${P}-events`;
const BUS_RULE_ARN = `arn:aws:events:${HOME}:${RECIPIENT}:rule/${P}-events/${P}-archive`;
const SOURCE_RULE_ARN = `arn:aws:events:us-east-1:${SOURCE}:rule/${P}-iam`;
// operations.canary (on by default): a rule `{p}-canary` beside the configured ones, same target.
const SOURCE_CANARY_RULE_ARN = `arn:aws:events:us-east-1:${SOURCE}:rule/${P}-canary`;
const BUCKET = `${P}-archive-${RECIPIENT}-${HOME}`;
const ROOT_LOGINS = {
  "detail-type": ["AWS Console Sign In via CloudTrail"],
  detail: { userIdentity: { type: ["Root"] } },
};

const EV = {
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  bus: "aws:cloudwatch/eventBus:EventBus",
  busPolicy: "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
  queue: "aws:sqs/queue:Queue",
  queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
} as const;

let p: Registered;

beforeAll(async () => {
  p = await runStack(
    "ev",
    stackConfig({ accountId: RECIPIENT, region: HOME }, [
      // The write-up in a few lines: the default pattern is its rule, in us-east-1.
      { accountId: SOURCE, regions: [HOME], events: [{}] },
      {
        accountId: RECIPIENT,
        regions: [HOME],
        events: [{ name: "root-logins", pattern: ROOT_LOGINS }, { name: "iam" }],
      },
    ]),
  );
});

describe("source account 111111111111, us-east-1", () => {
  it("has the write-up's rule, with its pattern, in us-east-1 (where IAM events surface)", () => {
    const rule = p.one(EV.rule, "source-111111111111-us-east-1-events-iam");
    expect(p.where(rule)).toBe(`${SOURCE}/us-east-1`);
    expect(input(rule, "name")).toBe(`${P}-iam`);
    expect(JSON.parse(input<string>(rule, "eventPattern"))).toEqual({
      source: ["aws.iam"],
      "detail-type": ["AWS API Call via CloudTrail"],
    });
    expect(input(rule, "state")).toBe("ENABLED");
    expect(input(rule, "eventBusName")).toBeUndefined();
  });

  it("targets the recipient's bus (not a Firehose in another account), with a role and a dead-letter queue", () => {
    const target = p.one(EV.target, "source-111111111111-us-east-1-events-iam-target");
    expect(p.where(target)).toBe(`${SOURCE}/us-east-1`);
    expect(target.inputs).toMatchObject({
      rule: `${P}-iam`,
      arn: BUS_ARN,
      roleArn: `arn:aws:iam::${SOURCE}:role/${P}-events-us-east-1`,
      deadLetterConfig: { arn: `arn:aws:sqs:us-east-1:${SOURCE}:${P}-events-dlq` },
      retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 },
    });
  });

  it("lets EventBridge assume the role only for its own rule, and the role only put events on the bus", () => {
    const role = p.one(T.role, "source-111111111111-us-east-1-events-role");
    // IAM is global: the role is in the account (its name and trust name the region).
    expect(p.where(role)).toBe(SOURCE);
    expect(policyOf(role, "assumeRolePolicy").Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": SOURCE },
          ArnEquals: { "aws:SourceArn": [SOURCE_CANARY_RULE_ARN, SOURCE_RULE_ARN] },
        },
      },
    ]);
    expect(
      policyOf(p.one(T.rolePolicy, "source-111111111111-us-east-1-events-role-policy")).Statement,
    ).toEqual([
      { Sid: "PutEventsOnRecipientBus", Effect: "Allow", Action: "events:PutEvents", Resource: BUS_ARN },
    ]);
  });

  it("keeps what EventBridge gives up on in an encrypted queue only its rule may write", () => {
    const queue = p.one(EV.queue, "source-111111111111-us-east-1-events-dlq");
    expect(p.where(queue)).toBe(`${SOURCE}/us-east-1`);
    expect(queue.inputs).toMatchObject({ sqsManagedSseEnabled: true, messageRetentionSeconds: 1209600 });
    const doc = policyOf(p.one(EV.queuePolicy, "source-111111111111-us-east-1-events-dlq-policy"));
    expect(doc.Statement).toEqual([
      {
        Sid: "EventBridgeDeadLetters",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: `arn:aws:sqs:us-east-1:${SOURCE}:${P}-events-dlq`,
        Condition: { ArnEquals: { "aws:SourceArn": [SOURCE_CANARY_RULE_ARN, SOURCE_RULE_ARN] } },
      },
    ]);
  });

  it("has the canary rule beside it, for npm run verify's events, on the same target", () => {
    const rule = p.one(EV.rule, "source-111111111111-us-east-1-events-canary");
    expect(p.where(rule)).toBe(`${SOURCE}/us-east-1`);
    expect(input(rule, "name")).toBe(`${P}-canary`);
    expect(JSON.parse(input<string>(rule, "eventPattern"))).toEqual({ source: ["central-logging.canary"] });
    expect(p.one(EV.target, "source-111111111111-us-east-1-events-canary-target").inputs).toMatchObject({
      rule: `${P}-canary`,
      arn: BUS_ARN,
      roleArn: `arn:aws:iam::${SOURCE}:role/${P}-events-us-east-1`,
      deadLetterConfig: { arn: `arn:aws:sqs:us-east-1:${SOURCE}:${P}-events-dlq` },
    });
  });

  it("waits for the bus policy before pointing a target at the bus", () => {
    const target = p.one(EV.target, "source-111111111111-us-east-1-events-iam-target");
    expect(target.dependsOn).toContain(`${EV.busPolicy}::recipient-events-bus-policy`);
  });

  it("puts its rules in us-east-1 although its log regions are elsewhere, with its one provider", () => {
    const rule = p.one(EV.rule, "source-111111111111-us-east-1-events-iam");
    expect(p.where(rule)).toBe(`${SOURCE}/us-east-1`);
    expect(rule.provider?.name).toBe(`aws-${SOURCE}`);
  });
});

describe("recipient account 999999999999", () => {
  it("has a bus in the home region that admits exactly the source account's rule", () => {
    const bus = p.one(EV.bus);
    expect(p.where(bus)).toBe(`${RECIPIENT}/${HOME}`);
    expect(input(bus, "name")).toBe(`${P}-events`);
    const policy = p.one(EV.busPolicy);
    expect(p.where(policy)).toBe(`${RECIPIENT}/${HOME}`);
    expect(policyOf(policy).Statement).toEqual([
      {
        Sid: "AllowSourceAccountRules",
        Effect: "Allow",
        Principal: { AWS: [`arn:aws:iam::${SOURCE}:root`] },
        Action: "events:PutEvents",
        Resource: BUS_ARN,
        // The recipient's own rules need no grant: only the other account's rules are named.
        Condition: { ArnEquals: { "aws:SourceArn": [SOURCE_CANARY_RULE_ARN, SOURCE_RULE_ARN] } },
      },
    ]);
  });

  it("delivers everything on the bus to the events Firehose through a role only that rule may use", () => {
    const rule = p.one(EV.rule, "recipient-events-rule");
    expect(input(rule, "eventBusName")).toBe(`${P}-events`);
    expect(JSON.parse(input<string>(rule, "eventPattern"))).toEqual({ source: [{ prefix: "" }] });
    // Read-only events forwarded by a source rule (readOnlyEvents) pass the bus rule too.
    expect(input(rule, "state")).toBe("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
    const target = p.one(EV.target, "recipient-events-target");
    expect(p.where(target)).toBe(`${RECIPIENT}/${HOME}`);
    expect(target.inputs).toMatchObject({
      eventBusName: `${P}-events`,
      arn: FIREHOSE_ARN,
      roleArn: `arn:aws:iam::${RECIPIENT}:role/${P}-events-delivery`,
      deadLetterConfig: { arn: `arn:aws:sqs:${HOME}:${RECIPIENT}:${P}-events-bus-dlq` },
    });
    const trust = policyOf(p.one(T.role, "recipient-events-delivery-role"), "assumeRolePolicy");
    expect(trust.Statement[0]?.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": RECIPIENT },
      ArnEquals: { "aws:SourceArn": [BUS_RULE_ARN] },
    });
    expect(policyOf(p.one(T.rolePolicy, "recipient-events-delivery-role-policy")).Statement).toEqual([
      {
        Sid: "PutIntoEventsFirehose",
        Effect: "Allow",
        Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
        Resource: FIREHOSE_ARN,
      },
    ]);
  });

  it("writes JSON Lines, gzip'd as .json.gz, partitioned by account and day, failures by error type", () => {
    const firehose = p.one(T.firehose, "recipient-events-firehose");
    expect(p.where(firehose)).toBe(`${RECIPIENT}/${HOME}`);
    expect(input(firehose, "name")).toBe(`${P}-events`);
    expect(input(firehose, "serverSideEncryption")).toEqual({ enabled: true, keyType: "AWS_OWNED_CMK" });
    expect(input(firehose, "extendedS3Configuration")).toEqual({
      roleArn: `arn:aws:iam::${RECIPIENT}:role/${P}-events-firehose`,
      bucketArn: `arn:aws:s3:::${BUCKET}`,
      prefix:
        "events/account=!{partitionKeyFromQuery:account}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/",
      errorOutputPrefix:
        "errors/events/!{firehose:error-output-type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/",
      bufferingSize: 64,
      bufferingInterval: 300,
      compressionFormat: "GZIP",
      fileExtension: ".json.gz",
      customTimeZone: "UTC",
      dynamicPartitioningConfiguration: { enabled: true, retryDuration: 300 },
      processingConfiguration: {
        enabled: true,
        processors: [
          {
            type: "MetadataExtraction",
            parameters: [
              { parameterName: "MetadataExtractionQuery", parameterValue: EVENTS_PARTITION_QUERY },
              { parameterName: "JsonParsingEngine", parameterValue: "JQ-1.6" },
            ],
          },
          { type: "AppendDelimiterToRecord", parameters: [] },
        ],
      },
      cloudwatchLoggingOptions: {
        enabled: true,
        logGroupName: `/aws/kinesisfirehose/${P}-events`,
        logStreamName: "DestinationDelivery",
      },
    });
  });

  it("lets the events Firehose write its own prefixes of the bucket and nothing else", () => {
    const trust = policyOf(p.one(T.role, "recipient-events-firehose-role"), "assumeRolePolicy");
    expect(trust.Statement[0]?.Condition).toEqual({ StringEquals: { "sts:ExternalId": RECIPIENT } });
    const doc = policyOf(p.one(T.rolePolicy, "recipient-events-firehose-role-policy"));
    // The bucket, and its own error log (checked in "the Firehoses' error logs").
    expect(doc.Statement).toHaveLength(2);
    expect(list(doc.Statement[0]?.Resource)).toEqual([
      `arn:aws:s3:::${BUCKET}`,
      `arn:aws:s3:::${BUCKET}/errors/events/*`,
      `arn:aws:s3:::${BUCKET}/events/*`,
    ]);
  });

  it("points its own home-region rule at the Firehose directly, with a role that may only put records", () => {
    const rule = p.one(EV.rule, "source-999999999999-ap-northeast-1-events-root-logins");
    expect(p.where(rule)).toBe(`${RECIPIENT}/${HOME}`);
    expect(JSON.parse(input<string>(rule, "eventPattern"))).toEqual(ROOT_LOGINS);
    expect(
      p.one(EV.target, "source-999999999999-ap-northeast-1-events-root-logins-target").inputs,
    ).toMatchObject({
      arn: FIREHOSE_ARN,
      roleArn: `arn:aws:iam::${RECIPIENT}:role/${P}-events-${HOME}`,
    });
    expect(
      policyOf(p.one(T.rolePolicy, "source-999999999999-ap-northeast-1-events-role-policy")).Statement,
    ).toEqual([
      {
        Sid: "PutIntoEventsFirehose",
        Effect: "Allow",
        Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
        Resource: FIREHOSE_ARN,
      },
    ]);
  });

  it("sends its own us-east-1 IAM rule through its bus (EventBridge reaches a Firehose only in its region)", () => {
    const target = p.one(EV.target, "source-999999999999-us-east-1-events-iam-target");
    expect(p.where(target)).toBe(`${RECIPIENT}/us-east-1`);
    expect(input(target, "arn")).toBe(BUS_ARN);
  });

  it("exports the bus and the events Firehose", () => {
    expect(p.run.outputs.eventBusArn).toBe(BUS_ARN);
    expect(p.run.outputs.eventsFirehoseArn).toBe(FIREHOSE_ARN);
  });
});

// Pipeline health (issue 13): a failing delivery or transformation must show somewhere people
// look, not only as objects under the bucket's error prefix.
describe("the Firehoses' error logs", () => {
  it.each([
    ["recipient-delivery", `${P}-archive`],
    ["recipient-events-firehose", `${P}-events`],
  ])("%s logs its errors to a log group of its own, with retention, in its region", (firehoseName, name) => {
    const group = p.one(T.logGroup, `${firehoseName}-error-log`);
    expect(p.where(group)).toBe(`${RECIPIENT}/${HOME}`);
    expect(group.inputs).toMatchObject({ name: `/aws/kinesisfirehose/${name}`, retentionInDays: 30 });
    const stream = p.one("aws:cloudwatch/logStream:LogStream", `${firehoseName}-error-log-stream`);
    expect(stream.inputs).toMatchObject({
      name: "DestinationDelivery",
      logGroupName: `/aws/kinesisfirehose/${name}`,
    });
    const firehose = p.one(T.firehose, firehoseName);
    expect(
      input<Record<string, unknown>>(firehose, "extendedS3Configuration").cloudwatchLoggingOptions,
    ).toEqual({
      enabled: true,
      logGroupName: `/aws/kinesisfirehose/${name}`,
      logStreamName: "DestinationDelivery",
    });
    // Firehose may write that group's streams, nothing else of CloudWatch Logs.
    const role =
      firehoseName === "recipient-delivery"
        ? "recipient-delivery-role-policy"
        : "recipient-events-firehose-role-policy";
    const logs = policyOf(p.one(T.rolePolicy, role)).Statement.filter((s) =>
      list(s.Action).some((a) => a.startsWith("logs:")),
    );
    expect(logs).toEqual([
      {
        Sid: "WriteErrorLog",
        Effect: "Allow",
        Action: "logs:PutLogEvents",
        Resource: `arn:aws:logs:${HOME}:${RECIPIENT}:log-group:/aws/kinesisfirehose/${name}:log-stream:*`,
      },
    ]);
    expect(firehose.dependsOn).toContain(
      `aws:cloudwatch/logStream:LogStream::${firehoseName}-error-log-stream`,
    );
  });
});
