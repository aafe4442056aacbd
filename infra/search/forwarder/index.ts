/**
 * The OpenSearch forwarder Lambda: reads the central Kinesis stream (event source mapping with
 * `ReportBatchItemFailures`) and bulk-indexes CloudWatch Logs events into daily indices.
 *
 * Environment: `OPENSEARCH_ENDPOINT` (https://<domain endpoint>), `INDEX_PREFIX`,
 * `DEAD_LETTER_QUEUE_URL`, `AWS_REGION` (set by Lambda), and optional tuning (see `envSchema`).
 */
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Client } from "@opensearch-project/opensearch";
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import { z } from "zod";
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from "../../archive/cwlToFirehose/transform";
import { type Backoff, sleep as realSleep } from "../../kernel/lambda/backoff";
import { indexPrefixSchema, normalizeEndpoint } from "../indexName";
import { createSearchClient } from "../opensearchClient";
import type { BulkSend } from "./bulk";
import { type SendMessageBatchClient, SQS_DEFAULT_MAX_MESSAGE_BYTES, sqsDeadLetterSink } from "./deadLetter";
import { type ForwardConfig, forwardRecords } from "./forward";

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const endpoint = z.string().transform((value, ctx) => {
  try {
    return normalizeEndpoint(value);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: err instanceof Error ? err.message : String(err) });
    return z.NEVER;
  }
});

export const envSchema = z.object({
  OPENSEARCH_ENDPOINT: endpoint,
  INDEX_PREFIX: indexPrefixSchema,
  DEAD_LETTER_QUEUE_URL: z.url({ protocol: /^https$/ }),
  AWS_REGION: z.string().min(1),
  /** Bound of one bulk request body. OpenSearch Service accepts 10 MiB on the smallest instances. */
  MAX_BULK_BYTES: int(100_000, 100_000_000, 5_000_000),
  MAX_BULK_DOCUMENTS: int(1, 100_000, 5_000),
  /** Attempts per bulk request (and per dead-letter batch), the first included. */
  MAX_ATTEMPTS: int(1, 10, 3),
  RETRY_BASE_MS: int(10, 60_000, 200),
  RETRY_CAP_MS: int(10, 300_000, 5_000),
  REQUEST_TIMEOUT_MS: int(1_000, 600_000, 30_000),
  /** Set to the queue's MaximumMessageSize when it was raised above the 256 KiB default. */
  DEAD_LETTER_MAX_BYTES: int(16_384, 1_048_576, SQS_DEFAULT_MAX_MESSAGE_BYTES),
  MAX_DECOMPRESSED_BYTES: int(1_000_000, 100_000_000, DEFAULT_MAX_DECOMPRESSED_BYTES),
});

export interface ForwarderSettings extends ForwardConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly deadLetterQueueUrl: string;
  readonly requestTimeoutMs: number;
}

export function parseForwarderEnv(env: NodeJS.ProcessEnv): ForwarderSettings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`search forwarder configuration: ${problems}`);
  }
  const e = parsed.data;
  const backoff: Backoff = { baseMs: e.RETRY_BASE_MS, capMs: e.RETRY_CAP_MS };
  return {
    endpoint: e.OPENSEARCH_ENDPOINT,
    region: e.AWS_REGION,
    deadLetterQueueUrl: e.DEAD_LETTER_QUEUE_URL,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    indexPrefix: e.INDEX_PREFIX,
    maxBulkBytes: e.MAX_BULK_BYTES,
    maxBulkDocuments: e.MAX_BULK_DOCUMENTS,
    maxAttempts: e.MAX_ATTEMPTS,
    backoff,
    deadLetterMaxBytes: e.DEAD_LETTER_MAX_BYTES,
    maxDecompressedBytes: e.MAX_DECOMPRESSED_BYTES,
  };
}

export interface HandlerDeps {
  /** Default: parsed from the environment on the first invocation. */
  readonly settings?: ForwarderSettings;
  readonly search?: Client;
  readonly sqs?: SendMessageBatchClient;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly log?: (line: string) => void;
}

/** `_bulk` through the client's transport: the body is already ndjson, sent as is. */
export function bulkSender(client: Client, requestTimeoutMs: number): BulkSend {
  return async (body) => {
    const response = await client.transport.request(
      { method: "POST", path: "/_bulk", bulkBody: body },
      { requestTimeout: requestTimeoutMs },
    );
    return response.body;
  };
}

interface Runtime {
  readonly settings: ForwarderSettings;
  readonly send: BulkSend;
  readonly sqs: SendMessageBatchClient;
}

export type ForwarderHandler = (
  event: KinesisStreamEvent,
  context?: Pick<Context, "getRemainingTimeInMillis">,
) => Promise<KinesisStreamBatchResponse>;

export function createHandler(deps: HandlerDeps = {}): ForwarderHandler {
  // Clients live as long as the container, so connections and credentials are reused.
  let runtime: Runtime | undefined;
  const sleep = deps.sleep ?? realSleep;
  const log = deps.log ?? ((line: string) => console.log(line));

  return async (event, context) => {
    if (runtime === undefined) {
      const settings = deps.settings ?? parseForwarderEnv(process.env);
      const search =
        deps.search ??
        createSearchClient({
          endpoint: settings.endpoint,
          region: settings.region,
          requestTimeoutMs: settings.requestTimeoutMs,
        });
      runtime = {
        settings,
        send: bulkSender(search, settings.requestTimeoutMs),
        sqs: deps.sqs ?? new SQSClient({ region: settings.region }),
      };
    }
    const { settings, send, sqs } = runtime;
    const { batchItemFailures, summary } = await forwardRecords(event.Records, settings, {
      send,
      deadLetters: sqsDeadLetterSink(sqs, settings.deadLetterQueueUrl, {
        maxBytes: settings.deadLetterMaxBytes,
        maxAttempts: settings.maxAttempts,
        backoff: settings.backoff,
        sleep,
        ...(deps.random ? { random: deps.random } : {}),
      }),
      sleep,
      ...(deps.random ? { random: deps.random } : {}),
      ...(context ? { timeLeftMs: () => context.getRemainingTimeInMillis() } : {}),
      // A bulk attempt may take the whole request timeout; the dead letters still need a moment after it.
      reserveMs: settings.requestTimeoutMs + 5_000,
    });
    log(JSON.stringify({ message: "search forwarder batch", ...summary }));
    return { batchItemFailures };
  };
}

export const handler = createHandler();
