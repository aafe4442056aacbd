import { describe, expect, it } from "vitest";
import { QUEUE_TYPE, sqsQueueEncrypted } from "./sqsEncryption";
import { resourceArgs, runResourcePolicy } from "./validation";

const check = (props: Record<string, unknown>, type = QUEUE_TYPE) =>
  runResourcePolicy(sqsQueueEncrypted, resourceArgs({ type, name: "dlq", props }));

const UNENCRYPTED =
  "queue is not encrypted at rest: set sqsManagedSseEnabled (SSE-SQS) or kmsMasterKeyId (SSE-KMS)";

describe("sqs-queue-encrypted", () => {
  it("passes SSE-SQS", async () => {
    expect(await check({ name: "central-logging-dev-dlq", sqsManagedSseEnabled: true })).toEqual([]);
  });

  it("passes SSE-KMS", async () => {
    expect(await check({ kmsMasterKeyId: "alias/aws/sqs" })).toEqual([]);
  });

  it("fails a queue that says nothing about encryption", async () => {
    expect(await check({ name: "dlq" })).toEqual([UNENCRYPTED]);
  });

  it("fails a queue with SSE-SQS turned off and no key", async () => {
    expect(await check({ sqsManagedSseEnabled: false, kmsMasterKeyId: "" })).toEqual([UNENCRYPTED]);
  });

  it("ignores queue policies", async () => {
    expect(await check({}, "aws:sqs/queuePolicy:QueuePolicy")).toEqual([]);
  });
});
