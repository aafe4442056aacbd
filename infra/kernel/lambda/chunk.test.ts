import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkBySize } from "./chunk";

const id = (n: number) => n;

describe("chunkBySize", () => {
  it("splits by count and by bytes, in order", () => {
    expect(chunkBySize([1, 1, 1, 1, 1], id, 2, 100)).toEqual([[1, 1], [1, 1], [1]]);
    expect(chunkBySize([4, 4, 4, 1], id, 10, 8)).toEqual([
      [4, 4],
      [4, 1],
    ]);
    expect(chunkBySize([], id, 10, 8)).toEqual([]);
  });

  it("gives an oversized item a batch of its own", () => {
    expect(chunkBySize([1, 20, 1], id, 10, 8)).toEqual([[1], [20], [1]]);
  });

  it("refuses a non-positive count bound", () => {
    expect(() => chunkBySize([1], id, 0, 8)).toThrow(RangeError);
  });

  it("keeps every item once, in order, within both bounds unless alone", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 120 }),
        (items, maxItems, maxBytes) => {
          const chunks = chunkBySize(items, id, maxItems, maxBytes);
          expect(chunks.flat()).toEqual(items);
          for (const c of chunks) {
            expect(c.length).toBeGreaterThan(0);
            expect(c.length).toBeLessThanOrEqual(maxItems);
            if (c.length > 1) expect(c.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(maxBytes);
          }
          // Greedy: the next chunk's first item did not fit into the previous chunk.
          for (let i = 1; i < chunks.length; i++) {
            const prev = chunks[i - 1]!;
            const sum = prev.reduce((a, b) => a + b, 0);
            expect(prev.length >= maxItems || sum + chunks[i]![0]! > maxBytes).toBe(true);
          }
        },
      ),
    );
  });
});
