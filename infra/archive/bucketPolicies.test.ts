import { describe, expect, it } from "vitest";
import { list, wire } from "../../tests/support/policy";
import { arn } from "../kernel/names";
import { archiveBucketPolicy } from "./bucketPolicies";

const BUCKET = arn.bucket("central-logging-prod-archive-999999999999-ap-northeast-1");

describe("archiveBucketPolicy", () => {
  const doc = wire(archiveBucketPolicy(BUCKET));

  it("is exactly the two TLS denials, on the bucket and its objects", () => {
    expect(doc).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [BUCKET, `${BUCKET}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
          Sid: "DenyOutdatedTls",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [BUCKET, `${BUCKET}/*`],
          Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
        },
      ],
    });
  });

  it("grants nothing: no Allow statement at all", () => {
    expect(doc.Statement.filter((s) => s.Effect !== "Deny")).toEqual([]);
  });

  it("denies plain HTTP for everyone on both the bucket ARN and bucket/*", () => {
    const plain = doc.Statement.filter((s) => s.Condition?.Bool?.["aws:SecureTransport"] !== undefined);
    expect(plain).toHaveLength(1);
    const [s] = plain;
    expect(s!.Effect).toBe("Deny");
    expect(s!.Principal).toBe("*");
    // The string "false", as AWS documents it, not a JSON boolean.
    expect(s!.Condition!.Bool!["aws:SecureTransport"]).toBe("false");
    expect(list(s!.Resource).sort()).toEqual([BUCKET, `${BUCKET}/*`]);
    expect(list(s!.Action)).toEqual(["s3:*"]);
  });

  it("denies TLS older than 1.2 for everyone on both the bucket ARN and bucket/*", () => {
    const old = doc.Statement.filter((s) => s.Condition?.NumericLessThan?.["s3:TlsVersion"] !== undefined);
    expect(old).toHaveLength(1);
    const [s] = old;
    expect(s!.Effect).toBe("Deny");
    expect(s!.Principal).toBe("*");
    expect(s!.Condition).toEqual({ NumericLessThan: { "s3:TlsVersion": "1.2" } });
    expect(list(s!.Resource).sort()).toEqual([BUCKET, `${BUCKET}/*`]);
  });

  it("names only the bucket it is given", () => {
    const other = arn.bucket("someone-elses-bucket");
    const resources = wire(archiveBucketPolicy(other)).Statement.flatMap((s) => list(s.Resource));
    expect(new Set(resources)).toEqual(new Set([other, `${other}/*`]));
    expect(resources.some((r) => r.includes("central-logging"))).toBe(false);
  });
});
