import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { actions, list, principalOf, wire } from "../../tests/support/policy";
import { arn } from "../kernel/names";
import {
  destinationAccessPolicy,
  destinationPermissions,
  destinationTrustPolicy,
} from "./destinationPolicies";

const RECIPIENT = "999999999999";
const A = "111111111111";
const B = "222222222222";
const STREAM = arn.stream("ap-northeast-1", RECIPIENT, "central-logging-prod-logs");
const FIREHOSE = arn.firehose("ap-northeast-1", RECIPIENT, "central-logging-prod-archive");

describe("destinationTrustPolicy", () => {
  // The write-ups' setup: A forwards only in ap-northeast-1, B only in us-east-2.
  const twoRegions = wire(
    destinationTrustPolicy({
      recipientAccountId: RECIPIENT,
      destinations: [
        { region: "us-east-2", senderAccountIds: [B] },
        { region: "ap-northeast-1", senderAccountIds: [A] },
      ],
    }),
  );

  it("two regions: one statement per region, each admitting only that region's senders", () => {
    expect(twoRegions).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "CloudWatchLogsapnortheast1",
          Effect: "Allow",
          Principal: { Service: "logs.ap-northeast-1.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringLike: {
              "aws:SourceArn": [
                "arn:aws:logs:ap-northeast-1:111111111111:*",
                "arn:aws:logs:ap-northeast-1:999999999999:*",
              ],
            },
          },
        },
        {
          Sid: "CloudWatchLogsuseast2",
          Effect: "Allow",
          Principal: { Service: "logs.us-east-2.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringLike: {
              "aws:SourceArn": [
                "arn:aws:logs:us-east-2:222222222222:*",
                "arn:aws:logs:us-east-2:999999999999:*",
              ],
            },
          },
        },
      ],
    });
  });

  it("does not admit a sender in a region it does not forward from", () => {
    for (const s of twoRegions.Statement) {
      const region = principalOf(s, "Service")[0]!.split(".")[1];
      const arns = list(s.Condition!.StringLike!["aws:SourceArn"]);
      // Each statement's source ARNs are of its own region only.
      expect(arns.every((a) => a.split(":")[3] === region)).toBe(true);
      expect(arns.filter((a) => a.split(":").slice(0, 5).includes("*"))).toEqual([]);
    }
    const all = twoRegions.Statement.flatMap((s) => list(s.Condition!.StringLike!["aws:SourceArn"]));
    expect(all).not.toContain("arn:aws:logs:us-east-2:111111111111:*");
    expect(all).not.toContain("arn:aws:logs:ap-northeast-1:222222222222:*");
  });

  it("names no global `logs.amazonaws.com` and no region without a destination", () => {
    const services = twoRegions.Statement.flatMap((s) => principalOf(s, "Service"));
    expect(services).toEqual(["logs.ap-northeast-1.amazonaws.com", "logs.us-east-2.amazonaws.com"]);
    expect(twoRegions.Statement.flatMap((s) => principalOf(s, "AWS"))).toEqual([]);
  });

  it("a recipient that also sends, or a repeated sender, is listed once", () => {
    const doc = wire(
      destinationTrustPolicy({
        recipientAccountId: RECIPIENT,
        destinations: [{ region: "eu-west-1", senderAccountIds: [A, RECIPIENT, A] }],
      }),
    );
    const s = doc.Statement[0]!;
    expect(principalOf(s, "Service")).toEqual(["logs.eu-west-1.amazonaws.com"]);
    expect(list(s.Condition!.StringLike!["aws:SourceArn"])).toEqual([
      "arn:aws:logs:eu-west-1:111111111111:*",
      "arn:aws:logs:eu-west-1:999999999999:*",
    ]);
  });

  const REGIONS = [
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-northeast-1",
    "ap-southeast-2",
    "sa-east-1",
  ];
  const account = fc.stringMatching(/^[0-9]{12}$/);

  it("property: principals and source ARNs are exactly those of each region's own senders", () => {
    fc.assert(
      fc.property(
        account,
        // Regions may repeat (the builder must merge them); senders may repeat or be the recipient.
        fc.array(
          fc.record({
            region: fc.constantFrom(...REGIONS),
            senderAccountIds: fc.array(account, { minLength: 1, maxLength: 6 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.boolean(),
        (recipientAccountId, destinations, recipientSends) => {
          const input = recipientSends
            ? destinations.map((d, i) =>
                i === 0 ? { ...d, senderAccountIds: [...d.senderAccountIds, recipientAccountId] } : d,
              )
            : destinations;
          const doc = wire(destinationTrustPolicy({ recipientAccountId, destinations: input }));

          const expected = new Map<string, Set<string>>();
          for (const d of input) {
            const set = expected.get(d.region) ?? new Set([recipientAccountId]);
            for (const a of d.senderAccountIds) set.add(a);
            expected.set(d.region, set);
          }

          expect(doc.Version).toBe("2012-10-17");
          // One statement per distinct region, in region order.
          expect(doc.Statement.map((s) => principalOf(s, "Service"))).toEqual(
            [...expected.keys()].sort().map((r) => [`logs.${r}.amazonaws.com`]),
          );
          for (const s of doc.Statement) {
            expect(s.Effect).toBe("Allow");
            expect(list(s.Action)).toEqual(["sts:AssumeRole"]);
            expect(Object.keys(s.Condition!)).toEqual(["StringLike"]);
            expect(Object.keys(s.Condition!.StringLike!)).toEqual(["aws:SourceArn"]);
            const region = principalOf(s, "Service")[0]!.split(".")[1]!;
            const arns = list(s.Condition!.StringLike!["aws:SourceArn"]);
            expect(new Set(arns).size).toBe(arns.length);
            // Exactly this region's senders plus the recipient, and nothing of another region.
            expect([...arns].sort()).toEqual(
              [...expected.get(region)!].map((a) => `arn:aws:logs:${region}:${a}:*`).sort(),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("destinationPermissions", () => {
  it("kinesis: only kinesis:PutRecord on the stream", () => {
    expect(wire(destinationPermissions("kinesis", STREAM))).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "PutIntoStream", Effect: "Allow", Action: "kinesis:PutRecord", Resource: STREAM }],
    });
  });

  it("firehose: only firehose:PutRecord and PutRecordBatch on the Firehose", () => {
    expect(wire(destinationPermissions("firehose", FIREHOSE))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "PutIntoFirehose",
          Effect: "Allow",
          Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
          Resource: FIREHOSE,
        },
      ],
    });
  });

  it("never the write-ups' firehose:* or iam:PassRole, never a wildcard", () => {
    for (const doc of [
      wire(destinationPermissions("kinesis", STREAM)),
      wire(destinationPermissions("firehose", FIREHOSE)),
    ]) {
      expect(actions(doc)).not.toContain("firehose:*");
      expect(actions(doc)).not.toContain("iam:PassRole");
      expect(actions(doc).filter((a) => a.includes("*"))).toEqual([]);
      expect(doc.Statement.flatMap((s) => list(s.Resource))).not.toContain("*");
      expect(doc.Statement.every((s) => s.Effect === "Allow" && s.Principal === undefined)).toBe(true);
    }
  });

  it("each transport touches only its own service", () => {
    expect(
      actions(wire(destinationPermissions("kinesis", STREAM))).every((a) => a.startsWith("kinesis:")),
    ).toBe(true);
    expect(
      actions(wire(destinationPermissions("firehose", FIREHOSE))).every((a) => a.startsWith("firehose:")),
    ).toBe(true);
  });
});

describe("destinationAccessPolicy", () => {
  const DESTINATION = arn.destination("ap-northeast-1", RECIPIENT, "central-logging-prod");

  it("lists a repeated account once (each costs bytes of the 5,120-byte limit)", () => {
    const doc = wire(destinationAccessPolicy(DESTINATION, [B, A, B, A]));
    expect(principalOf(doc.Statement[0]!, "AWS")).toEqual([A, B]);
  });

  it("exactly the sender accounts, sorted, may subscribe to exactly this destination", () => {
    expect(wire(destinationAccessPolicy(DESTINATION, ["333333333333", A, B]))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AllowSourceAccountsToSubscribe",
          Effect: "Allow",
          Principal: { AWS: [A, B, "333333333333"] },
          Action: "logs:PutSubscriptionFilter",
          Resource: DESTINATION,
        },
      ],
    });
  });

  it("does not reorder the caller's array", () => {
    const senders = [B, A];
    destinationAccessPolicy(DESTINATION, senders);
    expect(senders).toEqual([B, A]);
  });

  it("never admits everyone, and grants nothing but PutSubscriptionFilter", () => {
    const doc = wire(destinationAccessPolicy(DESTINATION, [A]));
    const s = doc.Statement[0]!;
    expect(s.Principal).not.toBe("*");
    expect(principalOf(s, "AWS")).toEqual([A]);
    expect(principalOf(s, "Service")).toEqual([]);
    expect(actions(doc)).toEqual(["logs:PutSubscriptionFilter"]);
    expect(list(s.Resource)).toEqual([DESTINATION]);
  });
});
