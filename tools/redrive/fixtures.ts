/**
 * Test data in the pipeline's own formats: CloudWatch Logs envelopes, the search forwarder's dead
 * letters (built by its own deadLetterBody), EventBridge events and Firehose error records.
 */
import { gzipSync } from "node:zlib";
import type { CloudWatchLogsEnvelope } from "../../infra/archive/cwlToFirehose/transform";
import { deadLetterBody, type RecordRef } from "../../infra/search/forwarder/deadLetter";
import { envelopeMembers, eventDocument } from "../../infra/search/forwarder/transform";

export const OWNER = "222222222222";

export const REF: RecordRef = {
  eventSourceArn: "arn:aws:kinesis:ap-northeast-1:999999999999:stream/central-logging-dev-logs",
  shardId: "shardId-000000000000",
  sequenceNumber: "49590338271490256608559692538361571095921575989136588898",
  partitionKey: "b1946ac92492d2347c6235b4d2611184",
  approximateArrivalTimestamp: 1748779200,
};

export function envelope(
  ids: readonly string[],
  logGroup = "/aws/lambda/orders-api",
): CloudWatchLogsEnvelope {
  return {
    messageType: "DATA_MESSAGE",
    owner: OWNER,
    logGroup,
    logStream: "2025/06/01/[$LATEST]0123456789abcdef",
    subscriptionFilters: ["central-logging-dev"],
    logEvents: ids.map((id, i) => ({
      id,
      timestamp: Date.UTC(2025, 5, 1, 12, 0, i),
      message: JSON.stringify({ eventName: "CreateUser", eventSource: "iam.amazonaws.com", n: i }),
    })),
  };
}

/** A record as CloudWatch Logs writes it: gzip of the envelope. */
export const gz = (e: CloudWatchLogsEnvelope): Buffer => gzipSync(JSON.stringify(e));

export function malformedLetter(data: Buffer | string): string {
  return deadLetterBody({
    kind: "malformed-record",
    reason: "gunzip failed: incorrect header check",
    record: REF,
    data: typeof data === "string" ? data : data.toString("base64"),
  });
}

/** The forwarder's dead letter for an event OpenSearch rejected, with its document. */
export function rejectedLetter(id: string, indexPrefix: string): string {
  const env = envelope([id]);
  const result = eventDocument(env.logEvents[0]!, indexPrefix, envelopeMembers(env));
  if (!result.ok) throw new Error(result.reason);
  const d = result.document;
  return deadLetterBody({
    kind: "rejected-event",
    reason: "OpenSearch rejected the document (400)",
    record: REF,
    owner: env.owner,
    logGroup: env.logGroup,
    logStream: env.logStream,
    eventId: d.id,
    index: d.index,
    status: 400,
    error: { type: "mapper_parsing_exception", reason: "failed to parse" },
    document: d.source,
  });
}

/** An EventBridge event (CloudTrail via EventBridge), as JSON text. */
export function event(id: string, account = "111111111111"): string {
  return JSON.stringify({
    version: "0",
    id,
    "detail-type": "AWS API Call via CloudTrail",
    source: "aws.iam",
    account,
    time: "2025-06-01T12:00:00Z",
    region: "us-east-1",
    resources: [],
    detail: { eventSource: "iam.amazonaws.com", eventName: "CreateUser" },
  });
}

/** One record of a Firehose error object (the processing-failed form, Lambda processor). */
export function errorLine(raw: Buffer, errorCode = "Lambda.FunctionError"): string {
  return JSON.stringify({
    attemptsMade: 4,
    arrivalTimestamp: 1748779200000,
    errorCode,
    errorMessage: "The Lambda function was successfully invoked but it returned an error result.",
    attemptEndingTimestamp: 1748779260000,
    rawData: raw.toString("base64"),
    lambdaArn: "arn:aws:lambda:ap-northeast-1:999999999999:function:central-logging-dev-cwl-gunzip:$LATEST",
  });
}

/** An error object as Firehose writes it: GZIP (the Firehoses compress), one record a line. */
export const errorObject = (lines: readonly string[]): Buffer =>
  gzipSync(lines.map((l) => `${l}\n`).join(""));
