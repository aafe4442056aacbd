/**
 * Bulk indexing with bounded retries. Documents are split into requests under a size bound; each
 * request's items are sorted by their status:
 * - 2xx: indexed;
 * - 429 / 5xx: sent again (only those items) with backoff, a bounded number of times;
 * - 401 / 403 / 404: a permission or missing-index problem of the domain, not of the document:
 *   failed, so the Kinesis record is retried later;
 * - any other (400 mapping errors, ...): rejected, the document goes to the dead-letter queue.
 * A request that fails as a whole is retried when the failure is transient, else all its
 * documents are failed. Whatever is still pending when attempts or time run out is failed.
 */
import { z } from "zod";
import { type Backoff, backoffMs } from "../../kernel/lambda/backoff";
import { chunkBySize } from "../../kernel/lambda/chunk";
import { describeRequestError, errorSummary, isRetryableStatus } from "../opensearchClient";

/** A request body: ndjson text, or its UTF-8 bytes. */
export type BulkBody = string | Buffer;

export interface BulkItem<Body extends BulkBody = string> {
  /** Action and source lines, newline-terminated (as text, or already UTF-8 encoded). */
  readonly lines: Body;
  readonly bytes: number;
}

export type ItemOutcome =
  | { readonly status: "indexed" }
  | { readonly status: "rejected"; readonly httpStatus: number; readonly error: unknown }
  | { readonly status: "failed"; readonly reason: string };

/** Sends an ndjson body to `_bulk`; resolves to the response body, rejects like the client does. */
export type BulkSend<Body extends BulkBody = BulkBody> = (body: Body) => Promise<unknown>;

/** The request body of `items`, in order. */
function joinLines<Body extends BulkBody>(
  items: readonly BulkItem<Body>[],
  indexes: readonly number[],
): Body {
  if (indexes.length > 0 && typeof items[indexes[0]!]!.lines === "string") {
    return indexes.map((i) => items[i]!.lines).join("") as Body;
  }
  let bytes = 0;
  for (const i of indexes) bytes += (items[i]!.lines as Buffer).length;
  const body = Buffer.allocUnsafe(bytes);
  let offset = 0;
  for (const i of indexes) {
    const lines = items[i]!.lines as Buffer;
    lines.copy(body, offset);
    offset += lines.length;
  }
  return body as Body;
}

/**
 * Bulk lines UTF-8 encoded as they are made, into large shared buffers: the document strings (and
 * the decoded messages they slice) then die young instead of living, and being copied by the
 * garbage collector, until the batch's requests are sent; and the request body is bytes already,
 * which the signer hashes and the connection sends without encoding it again.
 */
export class BulkLineEncoder {
  private slab: Buffer = Buffer.alloc(0);
  private used = 0;

  constructor(private readonly slabBytes: number = 1024 * 1024) {}

  encode(lines: string): Buffer {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const most = lines.length * 3;
    if (this.used + most > this.slab.length) {
      this.slab = Buffer.allocUnsafe(Math.max(this.slabBytes, most));
      this.used = 0;
    }
    const start = this.used;
    this.used += this.slab.write(lines, start, "utf8");
    return this.slab.subarray(start, this.used);
  }
}

export interface BulkOptions {
  readonly maxBytes: number;
  readonly maxDocuments: number;
  /** Attempts per request, the first included. */
  readonly maxAttempts: number;
  readonly backoff: Backoff;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Milliseconds the invocation has left; no retry starts unless `reserveMs` remain after its wait. */
  readonly timeLeftMs?: () => number;
  readonly reserveMs?: number;
}

export interface BulkResult {
  /** One outcome per item, in item order. */
  readonly outcomes: ItemOutcome[];
  readonly requests: number;
  readonly retries: number;
}

export type Disposition = "ok" | "retry" | "fail" | "reject";

export function itemDisposition(status: number): Disposition {
  if (status >= 200 && status < 300) return "ok";
  if (isRetryableStatus(status)) return "retry";
  if (status === 401 || status === 403 || status === 404) return "fail";
  return "reject";
}

const bulkResponseSchema = z.object({
  errors: z.boolean(),
  items: z
    .array(z.record(z.string(), z.object({ status: z.number().int(), error: z.unknown().optional() })))
    .optional(),
});

interface ItemStatus {
  readonly status: number;
  readonly error?: unknown;
}

/** Per-item statuses (undefined when all succeeded), or why the response is unusable. */
export function parseBulkResponse(
  body: unknown,
  sent: number,
): { readonly items?: ItemStatus[] } | { readonly invalid: string } {
  const parsed = bulkResponseSchema.safeParse(body);
  if (!parsed.success) {
    return { invalid: `unreadable bulk response: ${errorSummary(body)}` };
  }
  // errors=false means every item succeeded: no need to walk thousands of items.
  if (!parsed.data.errors) {
    return {};
  }
  const items = (parsed.data.items ?? []).map((item) => Object.values(item)[0]);
  if (items.length !== sent || items.some((i) => i === undefined)) {
    return { invalid: `bulk response has ${items.length} items for ${sent} documents` };
  }
  return { items: items as ItemStatus[] };
}

function failureReason(item: ItemStatus): string {
  return item.error === undefined
    ? String(item.status)
    : `${item.status} ${errorSummary({ error: item.error })}`;
}

export async function bulkIndex<Body extends BulkBody>(
  items: readonly BulkItem<Body>[],
  send: BulkSend<Body>,
  options: BulkOptions,
): Promise<BulkResult> {
  const outcomes: ItemOutcome[] = new Array(items.length);
  const random = options.random ?? Math.random;
  const reserve = options.reserveMs ?? 0;
  const hasTime = (waitMs: number): boolean =>
    options.timeLeftMs === undefined || options.timeLeftMs() - waitMs >= reserve;
  let requests = 0;
  let retries = 0;

  const indexes = items.map((_, i) => i);
  for (const chunk of chunkBySize(indexes, (i) => items[i]!.bytes, options.maxDocuments, options.maxBytes)) {
    let pending = chunk;
    let lastReason = "";
    for (let attempt = 1; pending.length > 0; attempt++) {
      const wait = attempt === 1 ? 0 : backoffMs(attempt - 1, options.backoff, random);
      if (attempt > options.maxAttempts || (attempt > 1 && !hasTime(wait))) {
        const why = attempt > options.maxAttempts ? `after ${options.maxAttempts} attempts` : "out of time";
        for (const i of pending) outcomes[i] = { status: "failed", reason: `${why}: ${lastReason}`.trim() };
        break;
      }
      if (attempt > 1) {
        retries++;
        await options.sleep(wait);
      }
      requests++;
      let body: unknown;
      try {
        body = await send(joinLines(items, pending));
      } catch (err) {
        const failure = describeRequestError(err);
        lastReason = `bulk request failed: ${failure.reason}`;
        if (failure.retryable) continue;
        for (const i of pending) outcomes[i] = { status: "failed", reason: lastReason };
        break;
      }
      const parsed = parseBulkResponse(body, pending.length);
      if ("invalid" in parsed) {
        for (const i of pending) outcomes[i] = { status: "failed", reason: parsed.invalid };
        break;
      }
      if (parsed.items === undefined) {
        for (const i of pending) outcomes[i] = { status: "indexed" };
        break;
      }
      const again: number[] = [];
      parsed.items.forEach((item, j) => {
        const i = pending[j]!;
        switch (itemDisposition(item.status)) {
          case "ok":
            outcomes[i] = { status: "indexed" };
            break;
          case "retry":
            lastReason = failureReason(item);
            again.push(i);
            break;
          case "fail":
            outcomes[i] = { status: "failed", reason: failureReason(item) };
            break;
          case "reject":
            outcomes[i] = { status: "rejected", httpStatus: item.status, error: item.error };
            break;
        }
      });
      pending = again;
    }
  }
  return { outcomes, requests, retries };
}
