/** SQS queues (the dead-letter queue among them) are encrypted at rest: SSE-SQS or SSE-KMS. */
import type { ResourceValidationPolicy } from "@pulumi/policy";

export const QUEUE_TYPE = "aws:sqs/queue:Queue";

export function queueEncryptionViolations(props: Record<string, unknown>): string[] {
  const kmsKey = props.kmsMasterKeyId;
  if ((typeof kmsKey === "string" && kmsKey !== "") || props.sqsManagedSseEnabled === true) return [];
  return ["queue is not encrypted at rest: set sqsManagedSseEnabled (SSE-SQS) or kmsMasterKeyId (SSE-KMS)"];
}

export const sqsQueueEncrypted: ResourceValidationPolicy = {
  name: "sqs-queue-encrypted",
  description: "Every SQS queue sets sqsManagedSseEnabled or kmsMasterKeyId.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== QUEUE_TYPE) return;
    for (const message of queueEncryptionViolations(args.props)) reportViolation(message);
  },
};
