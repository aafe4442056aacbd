import { describe, expect, it } from "vitest";
import { wire } from "../../tests/support/policy";
import { archiveBucketPolicy } from "../archive/bucketPolicies";
import { arn } from "../kernel/names";
import { cloudTrailLogsPermissions, cloudTrailLogsTrustPolicy, cloudTrailTopicPolicy } from "./policies";

const A = "111111111111";
const B = "222222222222";
const TRAIL_A = arn.trail("us-east-1", A, "audit");
const TRAIL_B = arn.trail("eu-west-1", B, "audit");
const BUCKET = arn.bucket("central-logging-prod-archive-999999999999-us-west-2");
const GROUP = arn.logGroup("us-east-1", A, "CloudTrail/DefaultLogGroup");

describe("archiveBucketPolicy with trails", () => {
  // Given out of order: the statements come sorted by account, so the policy text is stable.
  const doc = wire(
    archiveBucketPolicy(BUCKET, [
      { accountId: B, trailArn: TRAIL_B },
      { accountId: A, trailArn: TRAIL_A },
    ]),
  );

  it("checks the ACL for exactly the configured trails", () => {
    expect(doc.Statement[2]).toEqual({
      Sid: "CloudTrailAclCheck",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:GetBucketAcl",
      Resource: BUCKET,
      Condition: { StringEquals: { "aws:SourceArn": [TRAIL_A, TRAIL_B] } },
    });
  });

  it("lets each trail put objects only under its own account's prefix", () => {
    expect(doc.Statement.slice(3)).toEqual(
      [
        [A, TRAIL_A],
        [B, TRAIL_B],
      ].map(([account, trail]) => ({
        Sid: `CloudTrailWrite${account}`,
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${BUCKET}/AWSLogs/${account}/*`,
        Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail } },
      })),
    );
  });

  it("grants CloudTrail nothing without trails", () => {
    expect(JSON.stringify(wire(archiveBucketPolicy(BUCKET)))).not.toContain("cloudtrail");
  });
});

describe("the trail's log role", () => {
  it("is assumable by CloudTrail for this trail of this account only", () => {
    expect(wire(cloudTrailLogsTrustPolicy(A, TRAIL_A)).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": A, "aws:SourceArn": TRAIL_A } },
      },
    ]);
  });

  it("may only create streams and put events in the trail's group", () => {
    expect(wire(cloudTrailLogsPermissions(GROUP)).Statement).toEqual([
      {
        Sid: "WriteTrailLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${GROUP}:log-stream:*`,
      },
    ]);
  });
});

describe("the delivery-notification topic", () => {
  it("lets CloudTrail publish for this trail only", () => {
    const topic = arn.topic("us-east-1", A, "central-logging-prod-cloudtrail");
    expect(wire(cloudTrailTopicPolicy(topic, TRAIL_A)).Statement).toEqual([
      {
        Sid: "CloudTrailNotifies",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topic,
        Condition: { StringEquals: { "aws:SourceArn": TRAIL_A } },
      },
    ]);
  });
});

describe("archiveBucketPolicy with an organization trail", () => {
  it("lets it write its management account's prefix and the organization's prefix", () => {
    const doc = wire(
      archiveBucketPolicy(BUCKET, [{ accountId: A, trailArn: TRAIL_A, organizationId: "o-a1b2c3d4e5" }]),
    );
    expect(doc.Statement.find((s) => s.Sid === `CloudTrailWrite${A}`)?.Resource).toEqual([
      `${BUCKET}/AWSLogs/${A}/*`,
      `${BUCKET}/AWSLogs/o-a1b2c3d4e5/*`,
    ]);
  });
});
