/**
 * A config at the schema's limits in organization mode (limitConfigs.ts): every optional feature
 * on, the longest prefix and region names, an organization trail with a KMS key, many accounts.
 */
import { expect, it } from "vitest";
import { organizationConfig } from "./limitConfigs";
import { checkStack } from "./planTest";

it("the organization-mode limit config has no finding against AWS's data", async () => {
  const plan = await checkStack("limits", organizationConfig());
  expect(plan.resources.some((r) => r.type === "aws:kms/key:Key")).toBe(true);
  expect(plan.resources.some((r) => r.type === "aws:sns/topicPolicy:TopicPolicy")).toBe(true);
  expect(plan.lines).toEqual([]);
});
