/**
 * A real deploy starts one plugin process per provider: one AWS provider per account (issue 12).
 * An organization of 300 accounts in 3 regions needs 300 AWS providers (and the recipient's),
 * never 900; over the budget it is refused before anything is registered, with the numbers.
 */
import { describe, expect, it } from "vitest";
import { orgStackConfig } from "../../tools/bench/orgConfig";
import { rawConfigFrom } from "../config";
import { resolveStack } from "../stack";
import { stackDeployCost } from "./deployCost";

const ORG = { accounts: 300, regions: 3 };

describe("a 300-account x 3-region organization", () => {
  it("needs one AWS provider per account, whatever the regions", () => {
    const resolved = resolveStack(rawConfigFrom(orgStackConfig(ORG)), "bench");
    if (!resolved.ok) throw new Error(resolved.errors.join("\n"));
    expect(stackDeployCost(resolved.settings, resolved.plan)).toEqual({
      awsProviders: 301,
      otherProviders: 0,
      estimatedMiB: 301 * 400,
    });
    // Its plan places resources in 903 (account, region) pairs: the old one-provider-per-pair count.
    expect(resolved.plan.placements).toHaveLength(903);
  });

  it("is refused as one stack on the default budget, with the numbers and how to shard", () => {
    const config = orgStackConfig(ORG);
    delete config["central-logging:providerBudgetMiB"];
    const resolved = resolveStack(rawConfigFrom(config), "bench");
    expect(resolved.ok ? [] : resolved.errors).toEqual([
      "providerBudgetMiB: this stack would start 301 provider processes (301 AWS, one per account), about 120400 MiB at 400 MiB each, over the budget of 5632 MiB: split the organization into a recipient stack and shards of at most 14 accounts (npm run shards -- --org <file> --provider-budget 5632), or raise providerBudgetMiB on a larger machine",
    ]);
  });

  it("fits as shards: the recipient stack, and sources stacks of at most 14 accounts", () => {
    const config = orgStackConfig(ORG);
    delete config["central-logging:providerBudgetMiB"];
    const recipient = resolveStack(rawConfigFrom({ ...config, "central-logging:part": "recipient" }), "r");
    expect(recipient.ok).toBe(true);
    const sources = config["central-logging:sources"] as unknown[];
    const shard = resolveStack(
      rawConfigFrom({
        ...config,
        "central-logging:part": "sources",
        "central-logging:recipientStack": "acme/central-logging/r",
        "central-logging:sources": sources.slice(0, 14),
      }),
      "s",
    );
    expect(shard.ok).toBe(true);
  });
});
