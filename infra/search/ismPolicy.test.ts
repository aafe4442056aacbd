import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ismPolicy, ismPolicyId, ismPolicyRevision } from "./ismPolicy";

describe("ismPolicy", () => {
  it("deletes an index retentionDays after creation and attaches itself to new daily indices", () => {
    const body = JSON.parse(JSON.stringify(ismPolicy("cwl", 30)));
    expect(ismPolicyId("cwl")).toBe("cwl-retention");
    expect(body.policy.default_state).toBe("hot");
    expect(body.policy.states).toEqual([
      {
        name: "hot",
        actions: [],
        transitions: [{ state_name: "delete", conditions: { min_index_age: "30d" } }],
      },
      { name: "delete", actions: [{ delete: {} }], transitions: [] },
    ]);
    expect(body.policy.ism_template).toEqual([{ index_patterns: ["cwl-*"], priority: 100 }]);
    expect(Object.keys(body.policy).sort()).toEqual([
      "default_state",
      "description",
      "ism_template",
      "states",
    ]);
  });

  it("carries a revision that changes exactly when the rules change", () => {
    const a = ismPolicyRevision(ismPolicy("cwl", 30).policy.description);
    expect(a).toMatch(/^[0-9a-f]{12}$/);
    expect(ismPolicyRevision(ismPolicy("cwl", 30).policy.description)).toBe(a);
    expect(ismPolicyRevision(ismPolicy("cwl", 31).policy.description)).not.toBe(a);
    expect(ismPolicyRevision(ismPolicy("logs", 30).policy.description)).not.toBe(a);
  });

  it("finds no revision in a foreign description", () => {
    expect(ismPolicyRevision("hand-written policy")).toBeUndefined();
    expect(ismPolicyRevision(undefined)).toBeUndefined();
    expect(ismPolicyRevision(42)).toBeUndefined();
  });

  it("has distinct revisions for distinct retention periods", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 36_500 }), fc.integer({ min: 1, max: 36_500 }), (a, b) => {
        const ra = ismPolicyRevision(ismPolicy("cwl", a).policy.description);
        const rb = ismPolicyRevision(ismPolicy("cwl", b).policy.description);
        expect(ra === rb).toBe(a === b);
      }),
      { numRuns: 200 },
    );
  });

  it.each([0, -1, 1.5, 36_501, Number.NaN])("refuses retentionDays %s", (days) => {
    expect(() => ismPolicy("cwl", days)).toThrow(/retentionDays/);
  });
});
