import { document, type PolicyDocument, serviceTrust } from "../kernel/policyDocument";

export interface EventBusPolicyArgs {
  busArn: string;
  /** Other accounts whose rules deliver to the bus. */
  senderAccountIds: string[];
  /** Those rules: only events they matched are admitted (`aws:SourceArn`). */
  senderRuleArns: string[];
  /** Organization mode: admit the organization's rules of this stack instead of listing them. */
  organizationId?: string;
  /** The stack's name prefix: organization mode admits rules named `<namePrefix>-*` only. */
  namePrefix: string;
}

/**
 * The recipient's event bus admits `events:PutEvents` from exactly the configured rules of the
 * source accounts (the EventBridge guide's "send events from specific rules" policy), or, in
 * organization mode, from this stack's rules in any account of the organization.
 */
export function eventBusPolicy(args: EventBusPolicyArgs): PolicyDocument {
  if (args.organizationId)
    return document({
      Sid: "AllowOrganizationRules",
      Effect: "Allow",
      Principal: "*",
      Action: "events:PutEvents",
      Resource: args.busArn,
      Condition: {
        StringEquals: { "aws:PrincipalOrgID": args.organizationId },
        ArnLike: { "aws:SourceArn": `arn:aws:events:*:*:rule/${args.namePrefix}-*` },
      },
    });
  return document({
    Sid: "AllowSourceAccountRules",
    Effect: "Allow",
    Principal: { AWS: [...new Set(args.senderAccountIds)].sort().map((a) => `arn:aws:iam::${a}:root`) },
    Action: "events:PutEvents",
    Resource: args.busArn,
    Condition: { ArnEquals: { "aws:SourceArn": [...new Set(args.senderRuleArns)].sort() } },
  });
}

/** EventBridge may assume the role only for these rules of this account. */
export function eventsTrustPolicy(accountId: string, ruleArns: string[]): PolicyDocument {
  return document(
    serviceTrust("events.amazonaws.com", {
      StringEquals: { "aws:SourceAccount": accountId },
      ArnEquals: { "aws:SourceArn": [...new Set(ruleArns)].sort() },
    }),
  );
}

/** Deliver matched events to the recipient's bus, and nothing else. */
export function putEventsPermissions(busArn: string): PolicyDocument {
  return document({
    Sid: "PutEventsOnRecipientBus",
    Effect: "Allow",
    Action: "events:PutEvents",
    Resource: busArn,
  });
}

/** Put records into one Firehose (what an EventBridge target needs), and nothing else. */
export function firehosePutPermissions(firehoseArn: string): PolicyDocument {
  return document({
    Sid: "PutIntoEventsFirehose",
    Effect: "Allow",
    Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
    Resource: firehoseArn,
  });
}

/** The dead-letter queue of these rules: EventBridge sends what it could not deliver, nobody else. */
export function eventsDeadLetterQueuePolicy(queueArn: string, ruleArns: string[]): PolicyDocument {
  return document({
    Sid: "EventBridgeDeadLetters",
    Effect: "Allow",
    Principal: { Service: "events.amazonaws.com" },
    Action: "sqs:SendMessage",
    Resource: queueArn,
    Condition: { ArnEquals: { "aws:SourceArn": [...new Set(ruleArns)].sort() } },
  });
}
