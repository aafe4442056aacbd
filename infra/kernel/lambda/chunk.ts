/**
 * Greedy, order-preserving split of items into batches bounded by count and total size (bulk
 * requests, SQS batches). An item larger than `maxBytes` gets a batch of its own: callers that
 * cannot send it at all must filter it out first.
 */
export function chunkBySize<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  maxItems: number,
  maxBytes: number,
): T[][] {
  if (!Number.isInteger(maxItems) || maxItems < 1) {
    throw new RangeError(`maxItems must be a positive integer, got ${maxItems}`);
  }
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && (current.length >= maxItems || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) {
    chunks.push(current);
  }
  return chunks;
}
