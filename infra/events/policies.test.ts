import { describe, expect, it } from "vitest";
import { wire } from "../../tests/support/policy";
import { arn } from "../kernel/names";
import {
  eventBusPolicy,
  eventsDeadLetterQueuePolicy,
  eventsTrustPolicy,
  firehosePutPermissions,
  putEventsPermissions,
} from "./policies";

const BUS = arn.eventBus("ap-northeast-1", "999999999999", "p-events");
const RULE_A = arn.eventRule("us-east-1", "111111111111", "p-iam");
const RULE_B = arn.eventRule("eu-west-1", "222222222222", "p-guardduty");

describe("eventBusPolicy", () => {
  it("admits exactly the listed accounts, and only events their configured rules matched", () => {
    const doc = wire(
      eventBusPolicy({
        busArn: BUS,
        senderAccountIds: ["222222222222", "111111111111", "111111111111"],
        senderRuleArns: [RULE_B, RULE_A],
        namePrefix: "p",
      }),
    );
    expect(doc.Statement).toEqual([
      {
        Sid: "AllowSourceAccountRules",
        Effect: "Allow",
        Principal: { AWS: ["arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"] },
        Action: "events:PutEvents",
        Resource: BUS,
        Condition: { ArnEquals: { "aws:SourceArn": [RULE_B, RULE_A].sort() } },
      },
    ]);
  });

  it("admits the organization's rules of this stack in organization mode, listing no account", () => {
    const doc = wire(
      eventBusPolicy({
        busArn: BUS,
        senderAccountIds: ["1"],
        senderRuleArns: [RULE_A],
        organizationId: "o-abcdefghij",
        namePrefix: "p",
      }),
    );
    expect(doc.Statement).toEqual([
      {
        Sid: "AllowOrganizationRules",
        Effect: "Allow",
        Principal: "*",
        Action: "events:PutEvents",
        Resource: BUS,
        Condition: {
          StringEquals: { "aws:PrincipalOrgID": "o-abcdefghij" },
          ArnLike: { "aws:SourceArn": "arn:aws:events:*:*:rule/p-*" },
        },
      },
    ]);
  });
});

describe("the EventBridge roles", () => {
  it("trust EventBridge for the given rules of the given account only", () => {
    expect(wire(eventsTrustPolicy("111111111111", [RULE_A, RULE_A])).Statement[0]?.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "111111111111" },
      ArnEquals: { "aws:SourceArn": [RULE_A] },
    });
  });

  it("may put events on the bus, or records into one Firehose, and nothing else", () => {
    expect(wire(putEventsPermissions(BUS)).Statement).toEqual([
      { Sid: "PutEventsOnRecipientBus", Effect: "Allow", Action: "events:PutEvents", Resource: BUS },
    ]);
    const firehose = arn.firehose("ap-northeast-1", "999999999999", "p-events");
    expect(wire(firehosePutPermissions(firehose)).Statement).toEqual([
      {
        Sid: "PutIntoEventsFirehose",
        Effect: "Allow",
        Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
        Resource: firehose,
      },
    ]);
  });
});

describe("eventsDeadLetterQueuePolicy", () => {
  it("lets EventBridge send dead letters for these rules, and nobody else anything", () => {
    const queue = arn.queue("us-east-1", "111111111111", "p-events-dlq");
    expect(wire(eventsDeadLetterQueuePolicy(queue, [RULE_A])).Statement).toEqual([
      {
        Sid: "EventBridgeDeadLetters",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queue,
        Condition: { ArnEquals: { "aws:SourceArn": [RULE_A] } },
      },
    ]);
  });
});
