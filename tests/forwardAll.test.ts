/**
 * Account-wide forwarding: one account-level subscription filter policy per (account, region),
 * every log group but the pipeline's own (no loop), those with an entry of their own (nothing
 * twice), kept-local flow logs and the configured exclusions.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { input, policyOf, type Registered, runStack, T } from "./support/program";

const RECIPIENT = "999999999999";
const A = "111111111111";
const POLICY = "aws:cloudwatch/logAccountPolicy:LogAccountPolicy";
// operations.canary (on by default): its group has a filter of its own in every sending region.
const CANARY = "/central-logging/central-logging-fa/canary";
const destination = (region: string) => `arn:aws:logs:${region}:${RECIPIENT}:destination:central-logging-fa`;

let p: Registered;

beforeAll(async () => {
  p = await runStack("fa", {
    "central-logging:recipient": { accountId: RECIPIENT, region: "ap-northeast-1" },
    "central-logging:sources": [
      {
        accountId: A,
        regions: ["ap-northeast-1", "us-east-2"],
        subscriptions: [
          { logGroup: "test-trail", region: "ap-northeast-1", filterPattern: "{$.userIdentity.type = tada}" },
        ],
        flowLogs: [{ vpcId: "vpc-12345678", region: "us-east-2", forward: false }],
        forwardAll: { exclude: ["/aws/lambda/noisy"] },
      },
      // The log-archive account forwards its own logs too: its gunzip Lambda's group must stay out.
      { accountId: RECIPIENT, regions: ["ap-northeast-1"], forwardAll: {} },
    ],
  });
});

const policyIn = (account: string, region: string) => {
  const found = p.ofType(POLICY).filter((x) => x.provider?.accountId === account && x.region === region);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe("account-level subscription filter policies", () => {
  it("creates one per account and region, in that account and region", () => {
    expect(
      p
        .ofType(POLICY)
        .map((x) => p.where(x))
        .sort(),
    ).toEqual([`${A}/ap-northeast-1`, `${A}/us-east-2`, `${RECIPIENT}/ap-northeast-1`]);
    for (const x of p.ofType(POLICY)) {
      expect(x.inputs).toMatchObject({
        policyName: "central-logging-fa-forward-all",
        policyType: "SUBSCRIPTION_FILTER_POLICY",
        scope: "ALL",
      });
    }
  });

  it("sends to the destination of its own region, spread over the stream's shards", () => {
    expect(JSON.parse(input<string>(policyIn(A, "us-east-2"), "policyDocument"))).toEqual({
      DestinationArn: destination("us-east-2"),
      FilterPattern: "",
      Distribution: "Random",
    });
  });

  it("leaves out groups forwarded on their own, kept-local flow logs and the configured exclusions", () => {
    expect(input(policyIn(A, "ap-northeast-1"), "selectionCriteria")).toBe(
      `LogGroupName NOT IN ["/aws/lambda/noisy", "${CANARY}", "test-trail"]`,
    );
    // us-east-2 is reached by the account-wide policy alone: the canary's filter is there too.
    expect(input(policyIn(A, "us-east-2"), "selectionCriteria")).toBe(
      `LogGroupName NOT IN ["/aws/lambda/noisy", "${CANARY}", "vpc-flow-logs/vpc-12345678"]`,
    );
    expect(
      p
        .ofType(T.filter)
        .filter((f) => input(f, "logGroup") === CANARY)
        .map((f) => p.where(f))
        .sort(),
    ).toEqual([`${A}/ap-northeast-1`, `${A}/us-east-2`, `${RECIPIENT}/ap-northeast-1`]);
  });

  it("always leaves out the pipeline's own log group (else it forwards its own logs in a loop)", () => {
    expect(input(policyIn(RECIPIENT, "ap-northeast-1"), "selectionCriteria")).toBe(
      `LogGroupName NOT IN ["/aws/lambda/central-logging-fa-cwl-gunzip", "${CANARY}"]`,
    );
  });

  it("is created after the destination admits the account", () => {
    expect(policyIn(A, "us-east-2").dependsOn).toContain(
      `${T.destinationPolicy}::recipient-destination-us-east-2-policy`,
    );
  });

  it("gets a destination in a region reached only by account-wide forwarding, admitting the account", () => {
    const access = p.ofType(T.destinationPolicy).find((x) => x.region === "us-east-2");
    expect(access && policyOf(access, "accessPolicy").Statement[0]?.Principal).toEqual({ AWS: [A] });
    const home = p.ofType(T.destinationPolicy).find((x) => x.region === "ap-northeast-1");
    expect(home && policyOf(home, "accessPolicy").Statement[0]?.Principal).toEqual({ AWS: [A, RECIPIENT] });
  });
});
