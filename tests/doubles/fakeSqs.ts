/**
 * In-memory SQS behind aws-sdk-client-mock: queues by account, region and name; receive hides a
 * message until it is deleted or made visible again (no clock: a received message stays hidden).
 * Enough for code that drains dead-letter queues.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";

export interface FakeMessage {
  readonly id: string;
  readonly body: string;
  readonly attributes: Record<string, string>;
  hidden: boolean;
  receipt?: string;
  receives: number;
}

export class FakeSqs {
  readonly mock = mockClient(SQSClient);
  private readonly queues = new Map<string, FakeMessage[]>();
  private next = 0;
  /** Message ids whose DeleteMessage fails (once each). */
  readonly failDeleteOnce = new Set<string>();

  constructor() {
    this.mock.on(GetQueueUrlCommand).callsFake(async (input, getClient) => {
      const region = await getClient().config.region();
      const url = this.url(input.QueueOwnerAWSAccountId, region, input.QueueName);
      if (!this.queues.has(url)) {
        throw Object.assign(new Error("The specified queue does not exist."), {
          name: "QueueDoesNotExist",
          $metadata: { httpStatusCode: 400 },
        });
      }
      return { QueueUrl: url };
    });
    this.mock.on(GetQueueAttributesCommand).callsFake((input) => ({
      Attributes: {
        ApproximateNumberOfMessages: String(this.queue(input.QueueUrl).filter((m) => !m.hidden).length),
      },
    }));
    this.mock.on(ReceiveMessageCommand).callsFake((input) => {
      const visible = this.queue(input.QueueUrl)
        .filter((m) => !m.hidden)
        .slice(0, input.MaxNumberOfMessages ?? 1);
      return {
        Messages: visible.map((m) => {
          m.hidden = true;
          m.receives++;
          m.receipt = `rh-${m.id}-${m.receives}`;
          const attrs: Record<string, MessageAttributeValue> = {};
          for (const [k, v] of Object.entries(m.attributes))
            attrs[k] = { DataType: "String", StringValue: v };
          return { MessageId: m.id, ReceiptHandle: m.receipt, Body: m.body, MessageAttributes: attrs };
        }),
      };
    });
    this.mock.on(DeleteMessageBatchCommand).callsFake((input) => {
      const q = this.queue(input.QueueUrl);
      const Successful: { Id: string }[] = [];
      const Failed: { Id: string; Code: string; SenderFault: boolean; Message?: string }[] = [];
      for (const e of input.Entries as { Id: string; ReceiptHandle: string }[]) {
        const at = q.findIndex((m) => m.receipt === e.ReceiptHandle);
        const m = q[at];
        if (m && this.failDeleteOnce.delete(m.id)) {
          Failed.push({ Id: e.Id, Code: "InternalError", SenderFault: false, Message: "injected" });
        } else if (m) {
          q.splice(at, 1);
          Successful.push({ Id: e.Id });
        } else {
          Failed.push({ Id: e.Id, Code: "ReceiptHandleIsInvalid", SenderFault: true });
        }
      }
      return { Successful, Failed };
    });
    this.mock.on(ChangeMessageVisibilityBatchCommand).callsFake((input) => {
      const q = this.queue(input.QueueUrl);
      for (const e of input.Entries as { ReceiptHandle: string; VisibilityTimeout?: number }[]) {
        const m = q.find((x) => x.receipt === e.ReceiptHandle);
        if (m && (e.VisibilityTimeout ?? 0) === 0) m.hidden = false;
      }
      return { Successful: [], Failed: [] };
    });
  }

  url(accountId: string, region: string, name: string): string {
    return `https://sqs.${region}.amazonaws.com/${accountId}/${name}`;
  }

  create(accountId: string, region: string, name: string): string {
    const url = this.url(accountId, region, name);
    if (!this.queues.has(url)) this.queues.set(url, []);
    return url;
  }

  sendMessage(url: string, body: string, attributes: Record<string, string> = {}): string {
    const id = `msg-${++this.next}`;
    this.queue(url).push({ id, body, attributes, hidden: false, receives: 0 });
    return id;
  }

  /** Every message still in the queue, hidden or not. */
  messages(url: string): FakeMessage[] {
    return [...this.queue(url)];
  }

  restore(): void {
    this.mock.restore();
  }

  private queue(url: string | undefined): FakeMessage[] {
    const q = url === undefined ? undefined : this.queues.get(url);
    if (!q) throw new Error(`no fake queue ${url}`);
    return q;
  }
}
