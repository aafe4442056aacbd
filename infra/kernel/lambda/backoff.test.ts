import { describe, expect, it } from "vitest";
import { backoffMs } from "./backoff";

describe("backoffMs", () => {
  const policy = { baseMs: 100, capMs: 1000 };

  it("doubles per retry up to the cap, jittered within the upper half", () => {
    expect([1, 2, 3, 4, 5, 6].map((r) => backoffMs(r, policy, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect([1, 2, 3, 4, 5, 6].map((r) => backoffMs(r, policy, () => 0))).toEqual([
      50, 100, 200, 400, 500, 500,
    ]);
    expect(backoffMs(3, policy, () => 0.5)).toBe(300);
  });
});
