import { describe, expect, it } from "vitest";
import type { RawConfig, Settings } from "../config";
import { planRouting } from "../plan";
import { resolveStack as parseSettings } from "../stack";
import { checkShard, type RecipientOutputs } from "./shards";

const STACK = "acme/central-logging/recipient";
const A = "111111111111";
const B = "222222222222";

function settingsOf(raw: RawConfig): Settings {
  const result = parseSettings(raw, "shard");
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.settings;
}

const shard = (recipient: Record<string, unknown> = {}, sources?: unknown[]) =>
  settingsOf({
    namePrefix: "org",
    part: "sources",
    recipientStack: STACK,
    recipient: { accountId: "999999999999", region: "us-east-1", ...recipient },
    sources: sources ?? [
      { accountId: A, regions: ["us-east-1"], subscriptions: [{ logGroup: "app" }], events: [{}] },
      { accountId: B, regions: ["eu-west-1"], subscriptions: [{ logGroup: "app" }] },
    ],
  });

const outputs = (extra: Partial<RecipientOutputs> = {}): RecipientOutputs => ({
  recipientAccountId: "999999999999",
  namePrefix: "org",
  bucketName: "org-archive-999999999999-us-east-1",
  destinationArns: {
    "us-east-1": "arn:aws:logs:us-east-1:999999999999:destination:org",
    "eu-west-1": "arn:aws:logs:eu-west-1:999999999999:destination:org",
  },
  destinationSenders: { "us-east-1": [A], "eu-west-1": [B] },
  eventBusArn: "arn:aws:events:us-east-1:999999999999:event-bus/org-events",
  eventsFirehoseArn: "arn:aws:firehose:us-east-1:999999999999:deliverystream/org-events",
  ...extra,
});

const check = (settings: Settings, out: Partial<RecipientOutputs>) =>
  checkShard(settings, planRouting(settings), out, STACK);

describe("checkShard", () => {
  it("accepts a shard the recipient stack serves", () => {
    expect(check(shard(), outputs())).toEqual([]);
  });

  it("wants the recipient stack deployed first", () => {
    expect(check(shard(), {})).toEqual([
      `recipientStack: '${STACK}' has no recipient outputs: deploy it (part: recipient or all) with pulumi up first`,
    ]);
  });

  it("refuses a recipient stack of another account, name prefix or mode", () => {
    expect(check(shard(), outputs({ recipientAccountId: "888888888888", namePrefix: "other" }))).toEqual([
      `recipientStack: '${STACK}' is recipient 888888888888, this stack's recipient.accountId is 999999999999`,
      `recipientStack: '${STACK}' uses namePrefix 'other', this stack 'org': set the same namePrefix`,
    ]);
    expect(check(shard(), outputs({ organizationId: "o-a1b2c3d4e5" }))).toEqual([
      `recipientStack: '${STACK}' admits organization o-a1b2c3d4e5, this stack has no organizationId`,
    ]);
  });

  it("names each account and region the recipient does not admit yet (account-list mode)", () => {
    const out = outputs({
      destinationArns: { "us-east-1": "arn:aws:logs:us-east-1:999999999999:destination:org" },
      destinationSenders: { "us-east-1": [] },
    });
    expect(check(shard(), out)).toEqual([
      `sources[0] (${A}) forwards in us-east-1, but ${STACK}'s destination there does not admit it: add the account to that stack's sources and run pulumi up there first`,
      `sources[1] (${B}) forwards in eu-west-1, where ${STACK} has no destination: add the account to that stack's sources and run pulumi up there first`,
    ]);
  });

  it("needs no admission by name in organization mode, only the destinations", () => {
    const org = shard({ organizationId: "o-a1b2c3d4e5" });
    expect(check(org, outputs({ organizationId: "o-a1b2c3d4e5", destinationSenders: {} }))).toEqual([]);
  });

  it("refuses event rules without the recipient's bus, and a trail to encrypt without its key", () => {
    const settings = shard({ trailKms: true }, [
      { accountId: A, regions: ["us-east-1"], events: [{}], cloudTrail: {} },
    ]);
    const { eventBusArn: _bus, eventsFirehoseArn: _firehose, ...rest } = outputs({ trailAccounts: [A] });
    expect(check(settings, rest)).toEqual([
      `sources[0] (${A}) has event rules, but ${STACK} has no event bus: add its events to that stack's sources first`,
      `sources[0] (${A}) has a trail to encrypt (trailKms), but ${STACK} exports no trail key`,
    ]);
  });

  it("refuses a trail the recipient's bucket policy does not admit (CloudTrail checks it at creation)", () => {
    const settings = shard({}, [{ accountId: A, regions: ["us-east-1"], cloudTrail: {} }]);
    expect(check(settings, outputs())).toEqual([
      `sources[0] (${A}) has a trail, but ${STACK}'s bucket policy does not admit it: add the account's cloudTrail to that stack's sources and run pulumi up there first`,
    ]);
    expect(check(settings, outputs({ trailAccounts: [A] }))).toEqual([]);
  });

  it("catches a destination of another name", () => {
    const out = outputs();
    out.destinationArns["eu-west-1"] = "arn:aws:logs:eu-west-1:999999999999:destination:renamed";
    expect(check(shard(), out)).toEqual([
      `sources[1] (${B}): ${STACK}'s destination in eu-west-1 is arn:aws:logs:eu-west-1:999999999999:destination:renamed, not arn:aws:logs:eu-west-1:999999999999:destination:org`,
    ]);
  });
});

describe("part and recipientStack in the config", () => {
  const errors = (raw: RawConfig) => {
    const result = parseSettings(raw, "x");
    return result.ok ? [] : result.errors;
  };
  const recipient = { accountId: "999999999999", region: "us-east-1" };

  it("defaults to all", () => {
    expect(settingsOf({ recipient }).part).toBe("all");
  });

  it.each<[RawConfig, string]>([
    [{ recipient, part: "source" }, "part: 'source' must be all, recipient or sources"],
    [{ recipient, part: "sources" }, "recipientStack: is required with part: sources"],
    [
      { recipient, part: "recipient", recipientStack: STACK },
      `recipientStack: '${STACK}' only applies with part: sources (this stack's part is recipient)`,
    ],
    [
      { recipient, part: "sources", recipientStack: "recipient" },
      "recipientStack: 'recipient' is not a stack reference (<organization>/<project>/<stack>)",
    ],
  ])("refuses %j", (raw, message) => {
    expect(errors(raw)[0]).toContain(message);
  });
});
