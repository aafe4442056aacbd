import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arnFormatPattern, intersects, matches, placeholderRegExp, policyPattern } from "./glob";

const LOG_GROUP = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}";

describe("intersects", () => {
  it("a policy resource fits the ARN format of its type", () => {
    expect(
      intersects(
        policyPattern("arn:aws:logs:us-east-1:111111111111:log-group:/a/b:*"),
        arnFormatPattern(LOG_GROUP),
      ),
    ).toBe(true);
    expect(
      intersects(policyPattern("arn:aws:logs:us-east-1:111111111111:*"), arnFormatPattern(LOG_GROUP)),
    ).toBe(true);
    expect(
      intersects(
        policyPattern("arn:aws:s3:::bucket/*"),
        arnFormatPattern("arn:${Partition}:s3:::${BucketName}/${ObjectName}"),
      ),
    ).toBe(true);
  });

  it("a resource of another service or type does not", () => {
    expect(
      intersects(policyPattern("arn:aws:sqs:us-east-1:111111111111:q"), arnFormatPattern(LOG_GROUP)),
    ).toBe(false);
    expect(
      intersects(
        policyPattern("arn:aws:logs:us-east-1:111111111111:destination:d"),
        arnFormatPattern(LOG_GROUP),
      ),
    ).toBe(false);
    // An account id never contains a colon.
    expect(
      intersects(policyPattern("arn:aws:logs:us-east-1:1:2:log-group:x"), arnFormatPattern(LOG_GROUP)),
    ).toBe(false);
  });

  it("finds a common string whenever one exists (checked against concrete strings)", () => {
    const alphabet = fc.constantFrom("a", "b", ":", "*", "?");
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 6 }),
        fc.array(alphabet, { maxLength: 6 }),
        fc.string({ unit: fc.constantFrom("a", "b", ":"), maxLength: 6 }),
        (a, b, s) => {
          const pa = policyPattern(a.join(""));
          const pb = policyPattern(b.join(""));
          // A string both match proves an intersection; intersection is symmetric.
          if (matches(pa, s) && matches(pb, s)) expect(intersects(pa, pb)).toBe(true);
          expect(intersects(pa, pb)).toBe(intersects(pb, pa));
        },
      ),
    );
  });
});

it("placeholderRegExp matches condition keys through ${...} and <...>", () => {
  expect(
    placeholderRegExp("kms:EncryptionContext:${EncryptionContextKey}").test(
      "kms:EncryptionContext:aws:cloudtrail:arn",
    ),
  ).toBe(true);
  expect(placeholderRegExp("s3:RequestObjectTag/<key>").test("s3:RequestObjectTag/team")).toBe(true);
  expect(
    placeholderRegExp("kms:EncryptionContext:${EncryptionContextKey}").test("kms:EncryptionContextKeys"),
  ).toBe(false);
});
