// The plan of one recorded config is exactly its fixture (tests/support/recordedPlan.ts).
import { expect, it } from "vitest";
import { planOf } from "../support/recordedPlan";

it("plans exactly the recorded resources, placements, inputs and outputs (limits-accounts)", async () => {
  const { actual, recorded } = await planOf("limits-accounts");
  expect(actual.resources.map((r) => `${r.type}::${r.name}`)).toEqual(
    recorded.resources.map((r) => `${r.type}::${r.name}`),
  );
  expect(actual).toEqual(recorded);
});
