/**
 * The CloudTrail write-ups (seeds/003, seeds/004): each account's multi-region trail into the
 * central bucket under AWSLogs/<account>/ and into a log group, a metric filter + alarm on
 * `{ $.eventName = "DescribeTrails" }`, the CIS monitoring set, and the trail's group forwarded.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CIS_CONTROLS } from "../infra/cloudtrail/cis";
import { input, list, policyOf, type Registered, runStack, stackConfig, T } from "./support/program";

const RECIPIENT = "999999999999";
const A = "111111111111";
const B = "222222222222";
const BUCKET = `central-logging-ct-archive-${RECIPIENT}-ap-northeast-1`;
const TRAIL_A = `arn:aws:cloudtrail:us-east-1:${A}:trail/central-logging-ct`;
const TRAIL_B = `arn:aws:cloudtrail:us-east-2:${B}:trail/org-audit`;
const GROUP_A = `arn:aws:logs:us-east-1:${A}:log-group:CloudTrail/DefaultLogGroup`;
const TRAIL_TYPE = "aws:cloudtrail/trail:Trail";
const FILTER_TYPE = "aws:cloudwatch/logMetricFilter:LogMetricFilter";
const ALARM_TYPE = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC_TYPE = "aws:sns/topic:Topic";
const SUBSCRIPTION_TYPE = "aws:sns/topicSubscription:TopicSubscription";
const QUEUE = "arn:aws:sqs:us-east-1:111111111111:security-alerts";

let p: Registered;

beforeAll(async () => {
  p = await runStack(
    "ct",
    stackConfig({ accountId: RECIPIENT, region: "ap-northeast-1", trailKms: true }, [
      {
        accountId: A,
        regions: ["ap-northeast-1", "us-east-1"],
        cloudTrail: {
          region: "us-east-1",
          snsTopic: true,
          forward: { filterPattern: '{ $.eventSource = "iam.amazonaws.com" }' },
        },
        alarms: [{ name: "describe-trails", filterPattern: '{ $.eventName = "DescribeTrails" }' }],
        cisAlarms: true,
        alarmNotifications: { emails: ["security@example.com"], sqsQueueArns: [QUEUE] },
      },
      { accountId: B, regions: ["us-east-2"], cloudTrail: { name: "org-audit", retentionDays: 30 } },
    ]),
  );
});

describe("trails", () => {
  it("creates a multi-region, validated trail per account in its region, into the archive", () => {
    const a = p.one(TRAIL_TYPE, `source-${A}-trail`);
    expect(p.where(a)).toBe(`${A}/us-east-1`);
    expect(a.inputs).toMatchObject({
      name: "central-logging-ct",
      s3BucketName: BUCKET,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      cloudWatchLogsGroupArn: `${GROUP_A}:*`,
      cloudWatchLogsRoleArn: `arn:aws:iam::${A}:role/central-logging-ct-cloudtrail-logs`,
      snsTopicName: "central-logging-ct-cloudtrail",
    });
    // No key prefix: CloudTrail writes AWSLogs/<account>/ itself, which the bucket policy admits.
    expect(input(a, "s3KeyPrefix")).toBeUndefined();
    const b = p.one(TRAIL_TYPE, `source-${B}-trail`);
    expect(p.where(b)).toBe(`${B}/us-east-2`);
    expect(input(b, "name")).toBe("org-audit");
    expect(input(b, "snsTopicName")).toBeUndefined();
  });

  it("creates each trail after the bucket policy, its role policy and its topic policy", () => {
    expect(p.one(TRAIL_TYPE, `source-${A}-trail`).dependsOn).toEqual(
      expect.arrayContaining([
        "aws:s3/bucketPolicy:BucketPolicy::recipient-archive-policy",
        `aws:iam/rolePolicy:RolePolicy::source-${A}-trail-logs-role-policy`,
        `aws:sns/topicPolicy:TopicPolicy::source-${A}-trail-topic-policy`,
      ]),
    );
  });

  it("gives each trail a log group with the configured retention (default 7 days)", () => {
    const a = p.one(T.logGroup, `source-${A}-trail-logs`);
    expect(p.where(a)).toBe(`${A}/us-east-1`);
    expect(a.inputs).toMatchObject({ name: "CloudTrail/DefaultLogGroup", retentionInDays: 7 });
    expect(input(p.one(T.logGroup, `source-${B}-trail-logs`), "retentionInDays")).toBe(30);
  });

  it("lets CloudTrail assume the log role for its own trail only, to write that group only", () => {
    const role = p.one(T.role, `source-${A}-trail-logs-role`);
    expect(policyOf(role, "assumeRolePolicy").Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": A, "aws:SourceArn": TRAIL_A } },
      },
    ]);
    expect(policyOf(p.one(T.rolePolicy, `source-${A}-trail-logs-role-policy`)).Statement).toEqual([
      {
        Sid: "WriteTrailLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${GROUP_A}:log-stream:*`,
      },
    ]);
  });

  it("lets CloudTrail publish delivery notifications for that trail only", () => {
    const policy = p.one("aws:sns/topicPolicy:TopicPolicy");
    expect(p.where(policy)).toBe(`${A}/us-east-1`);
    expect(policyOf(policy).Statement).toEqual([
      {
        Sid: "CloudTrailNotifies",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "sns:Publish",
        Resource: `arn:aws:sns:us-east-1:${A}:central-logging-ct-cloudtrail`,
        Condition: { StringEquals: { "aws:SourceArn": TRAIL_A } },
      },
    ]);
  });
});

describe("the trails' KMS key", () => {
  const KEY = "aws:kms/key:Key";

  it("lives in the recipient account, in the bucket's region, with rotation on", () => {
    const key = p.one(KEY);
    expect(p.where(key)).toBe(`${RECIPIENT}/ap-northeast-1`);
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    const alias = p.one("aws:kms/alias:Alias");
    expect(p.where(alias)).toBe(`${RECIPIENT}/ap-northeast-1`);
    expect(input(alias, "name")).toBe("alias/central-logging-ct-cloudtrail");
  });

  it("lets CloudTrail encrypt for exactly the configured trails", () => {
    const encrypt = policyOf(p.one(KEY)).Statement.find(
      (s) => s.Sid === "CloudTrailEncryptsConfiguredTrails",
    );
    expect(encrypt).toEqual({
      Sid: "CloudTrailEncryptsConfiguredTrails",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "kms:GenerateDataKey",
      Resource: "*",
      Condition: {
        StringEquals: {
          "aws:SourceArn": [TRAIL_A, TRAIL_B],
          "kms:EncryptionContext:aws:cloudtrail:arn": [TRAIL_A, TRAIL_B],
        },
      },
    });
    for (const s of policyOf(p.one(KEY)).Statement)
      expect(list(s.Action).some((a) => a.includes("*"))).toBe(false);
  });

  it("encrypts every trail with it", () => {
    for (const trail of p.ofType(TRAIL_TYPE)) {
      expect(input<string>(trail, "kmsKeyId")).toMatch(/^arn:aws:kms:ap-northeast-1:999999999999:/);
    }
  });
});

describe("the archive bucket policy", () => {
  const statements = () => policyOf(p.one(T.bucketPolicy, "recipient-archive-policy")).Statement;

  it("keeps the TLS-only denies", () => {
    expect(
      statements()
        .filter((s) => s.Effect === "Deny")
        .map((s) => s.Sid),
    ).toEqual(["DenyInsecureTransport", "DenyOutdatedTls"]);
  });

  it("lets CloudTrail read the bucket ACL for the configured trails only", () => {
    expect(statements().find((s) => s.Sid === "CloudTrailAclCheck")).toEqual({
      Sid: "CloudTrailAclCheck",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:GetBucketAcl",
      Resource: `arn:aws:s3:::${BUCKET}`,
      Condition: { StringEquals: { "aws:SourceArn": [TRAIL_A, TRAIL_B] } },
    });
  });

  it("lets each trail write only its own account's prefix, as bucket-owner-full-control", () => {
    const writes = statements().filter((s) => list(s.Action).includes("s3:PutObject"));
    expect(writes).toEqual([
      {
        Sid: `CloudTrailWrite${A}`,
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/${A}/*`,
        Condition: {
          StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": TRAIL_A },
        },
      },
      {
        Sid: `CloudTrailWrite${B}`,
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/${B}/*`,
        Condition: {
          StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": TRAIL_B },
        },
      },
    ]);
  });
});

describe("alarms", () => {
  it("puts a metric filter with the write-up's exact pattern on the trail's group, with an alarm", () => {
    const filter = p.one(FILTER_TYPE, `source-${A}-alarms-describe-trails`);
    expect(p.where(filter)).toBe(`${A}/us-east-1`);
    expect(filter.inputs).toMatchObject({
      name: "describe-trails",
      logGroupName: "CloudTrail/DefaultLogGroup",
      pattern: '{ $.eventName = "DescribeTrails" }',
      metricTransformation: { name: "describe-trails", namespace: "CentralLogging", value: "1" },
    });
    const alarm = p.one(ALARM_TYPE, `source-${A}-alarms-describe-trails`);
    expect(alarm.inputs).toMatchObject({
      name: "central-logging-ct-describe-trails",
      namespace: "CentralLogging",
      metricName: "describe-trails",
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [`arn:aws:sns:us-east-1:${A}:central-logging-ct-alarms`],
    });
  });

  it("adds the 15 CIS controls with the benchmark's exact filter patterns", () => {
    const cis = p.ofType(FILTER_TYPE).filter((f) => f.name.includes("-alarms-cis-"));
    expect(cis).toHaveLength(15);
    for (const control of CIS_CONTROLS) {
      const filter = p.one(FILTER_TYPE, `source-${A}-alarms-cis-${control.name}`);
      expect(input(filter, "pattern")).toBe(control.filterPattern);
      expect(input(filter, "logGroupName")).toBe("CloudTrail/DefaultLogGroup");
      const alarm = p.one(ALARM_TYPE, `source-${A}-alarms-cis-${control.name}`);
      expect(input(alarm, "metricName")).toBe(control.metricName);
      expect(input(alarm, "alarmActions")).toEqual([`arn:aws:sns:us-east-1:${A}:central-logging-ct-alarms`]);
      expect(alarm.dependsOn).toContain(`${FILTER_TYPE}::source-${A}-alarms-cis-${control.name}`);
    }
    expect(input(p.one(FILTER_TYPE, `source-${A}-alarms-cis-root-usage`), "pattern")).toBe(
      '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    );
  });

  it("notifies a topic with at least one subscriber (Security Hub requires one)", () => {
    const topic = p.one(TOPIC_TYPE, `source-${A}-alarms-topic`);
    expect(p.where(topic)).toBe(`${A}/us-east-1`);
    const subscriptions = p
      .ofType(SUBSCRIPTION_TYPE)
      .map((s) => [input(s, "protocol"), input(s, "endpoint")]);
    expect(subscriptions.sort()).toEqual([
      ["email", "security@example.com"],
      ["sqs", QUEUE],
    ]);
  });

  it("creates no alarm, filter or topic for an account without alarms", () => {
    const ofB = p.resources.filter((r) => r.provider?.accountId === B).map((r) => r.type);
    expect(ofB).not.toContain(ALARM_TYPE);
    expect(ofB).not.toContain(FILTER_TYPE);
    expect(ofB).not.toContain(TOPIC_TYPE);
  });
});

describe("forwarding the trail's log group", () => {
  it("subscribes the created trail group, after it exists, to the destination of its region", () => {
    // The trail's group and, in the same region, the canary's (operations.canary): nothing else.
    expect(p.ofType(T.filter).map((f) => f.name)).toEqual([
      `source-${A}-us-east-1-CloudTrail/DefaultLogGroup:central-logging-ct`,
      `source-${A}-us-east-1-/central-logging/central-logging-ct/canary:central-logging-ct-canary`,
    ]);
    const filter = p.one(T.filter, `source-${A}-us-east-1-CloudTrail/DefaultLogGroup:central-logging-ct`);
    expect(p.where(filter)).toBe(`${A}/us-east-1`);
    expect(filter.inputs).toMatchObject({
      logGroup: "CloudTrail/DefaultLogGroup",
      filterPattern: '{ $.eventSource = "iam.amazonaws.com" }',
      destinationArn: `arn:aws:logs:us-east-1:${RECIPIENT}:destination:central-logging-ct`,
    });
    expect(filter.dependsOn).toContain(`${T.logGroup}::source-${A}-trail-logs`);
    expect(p.where(p.one(T.destination))).toBe(`${RECIPIENT}/us-east-1`);
  });
});
