// The plan of one recorded config is exactly its fixture (tests/support/recordedPlan.ts).

import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { planOf, recordedPlacement } from "../support/recordedPlan";

it("plans exactly the recorded resources, placements, inputs and outputs (limits-organization)", async () => {
  const { actual, recorded, placement } = await planOf("limits-organization");
  // Every resource stays in its account and region (issue 12 moved them onto one provider per account).
  expect(placement).toEqual(recordedPlacement("limits-organization", (path) => readFileSync(path, "utf8")));
  expect(actual.resources.map((r) => `${r.type}::${r.name}`)).toEqual(
    recorded.resources.map((r) => `${r.type}::${r.name}`),
  );
  expect(actual).toEqual(recorded);
});
