/**
 * Reads a dead-letter queue to the end, ten messages at a time, hands each batch to a handler and
 * deletes exactly the messages the handler replayed. SQS has no peek: every message is received,
 * and those not deleted are made visible again at the end (they stay invisible meanwhile, so one
 * run never sees a message twice; receiving one again means the scan wrapped around). The queues
 * are dead-letter queues themselves, with no redrive policy, so receiving costs nothing but the
 * receive count.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Outcome, Tally } from "./report";
import type { QueueTarget } from "./targets";

export type SqsLike = Pick<SQSClient, "send">;

export interface QueueMessage {
  readonly id: string;
  readonly receiptHandle: string;
  readonly body: string;
  /** String message attributes (EventBridge puts ERROR_CODE, ERROR_MESSAGE, RULE_ARN, ...). */
  readonly attributes: Readonly<Record<string, string>>;
}

export interface Settled {
  readonly kind: string;
  readonly outcome: Outcome;
  readonly reason?: string;
}

/** One `Settled` per message, in order. `replayed` ones are deleted. */
export type BatchHandler = (messages: readonly QueueMessage[]) => Promise<Settled[]>;

export interface DrainOptions {
  /** Long enough to replay one batch; a message not deleted reappears after it otherwise. */
  readonly visibilityTimeoutSeconds: number;
  /** Long polling asks every SQS server: an empty answer then means the queue is drained. */
  readonly waitTimeSeconds: number;
  readonly shouldStop?: () => boolean;
  readonly onMessages?: (count: number) => void;
}

export const DEFAULT_DRAIN_OPTIONS: DrainOptions = { visibilityTimeoutSeconds: 300, waitTimeSeconds: 2 };

export async function queueUrl(sqs: SqsLike, queue: QueueTarget): Promise<string> {
  const out = await sqs.send(
    new GetQueueUrlCommand({ QueueName: queue.name, QueueOwnerAWSAccountId: queue.accountId }),
  );
  if (!out.QueueUrl) throw new Error(`no URL for queue ${queue.name}`);
  return out.QueueUrl;
}

/** For the progress bar only: SQS's approximate count, or undefined. */
export async function approximateCount(sqs: SqsLike, url: string): Promise<number | undefined> {
  try {
    const out = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    const n = Number(out.Attributes?.ApproximateNumberOfMessages);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

function toMessage(m: Message): QueueMessage | undefined {
  if (!m.MessageId || !m.ReceiptHandle) return undefined;
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.MessageAttributes ?? {})) {
    if (v.StringValue !== undefined) attributes[k] = v.StringValue;
  }
  return { id: m.MessageId, receiptHandle: m.ReceiptHandle, body: m.Body ?? "", attributes };
}

const describe = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/** Returns whether it stopped early (`shouldStop`). */
export async function drainQueue(
  sqs: SqsLike,
  url: string,
  tally: Tally,
  handle: BatchHandler,
  options: DrainOptions = DEFAULT_DRAIN_OPTIONS,
): Promise<{ interrupted: boolean }> {
  const seen = new Set<string>();
  // Message id -> its latest receipt handle (an earlier one no longer changes visibility).
  const toRelease = new Map<string, string>();
  let interrupted = false;
  try {
    for (;;) {
      if (options.shouldStop?.()) {
        interrupted = true;
        break;
      }
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: options.visibilityTimeoutSeconds,
          WaitTimeSeconds: options.waitTimeSeconds,
          MessageAttributeNames: ["All"],
        }),
      );
      const received = (out.Messages ?? []).map(toMessage).filter((m) => m !== undefined);
      if (received.length === 0) break;
      const fresh = received.filter((m) => !seen.has(m.id));
      for (const m of received) if (seen.has(m.id)) toRelease.set(m.id, m.receiptHandle);
      if (fresh.length === 0) break;
      // Kept unless deleted below, even if the handler throws.
      for (const m of fresh) {
        seen.add(m.id);
        toRelease.set(m.id, m.receiptHandle);
      }

      const settled = await handle(fresh);
      const replayed: QueueMessage[] = [];
      fresh.forEach((m, i) => {
        const s = settled[i]!;
        tally.found(s.kind);
        if (s.outcome === "replayed") replayed.push(m);
        else tally.settle(s.outcome, s.reason);
      });
      const failed =
        replayed.length > 0 ? await deleteMessages(sqs, url, replayed) : new Map<string, string>();
      for (const m of replayed) {
        const why = failed.get(m.id);
        if (why === undefined) {
          tally.settle("replayed");
          toRelease.delete(m.id);
        } else {
          // Replayed but still in the queue: a later run replays it again (search: same _id).
          tally.settle("stillFailing", `replayed, but DeleteMessage failed: ${why}`);
        }
      }
      options.onMessages?.(fresh.length);
    }
  } finally {
    await release(sqs, url, toRelease);
  }
  return { interrupted };
}

/** Message id -> why it could not be deleted. */
async function deleteMessages(
  sqs: SqsLike,
  url: string,
  messages: readonly QueueMessage[],
): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  try {
    const out = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: messages.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.receiptHandle })),
      }),
    );
    for (const f of out.Failed ?? []) {
      const m = messages[Number(f.Id?.slice(1))];
      if (m) failed.set(m.id, `${f.Code ?? "error"}: ${f.Message ?? ""}`.trim());
    }
  } catch (err) {
    for (const m of messages) failed.set(m.id, describe(err));
  }
  return failed;
}

/** Makes kept messages visible again at once, for the next run (best effort). */
async function release(sqs: SqsLike, url: string, handles: Map<string, string>): Promise<void> {
  const entries = [...handles.values()];
  for (let i = 0; i < entries.length; i += 10) {
    try {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: entries
            .slice(i, i + 10)
            .map((h, k) => ({ Id: `m${k}`, ReceiptHandle: h, VisibilityTimeout: 0 })),
        }),
      );
    } catch {
      // They reappear when their visibility timeout ends anyway.
    }
  }
}
