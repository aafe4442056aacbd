/** Each rule with a compliant and a non-compliant case, over the real IAM data for a few services. */
import { beforeAll, describe, expect, it } from "vitest";
import { lambdaPermissionStatement, type PolicyDocumentRef, type PolicyKind } from "../documents";
import { type IamData, loadIamData } from "../iamData";
import type { PlannedResource } from "../types";
import { enumFindings } from "./enumValues";
import { actionFindings } from "./iamActions";
import { conditionFindings, parseOperator } from "./iamConditions";
import { principalFindings, servicePrincipalProblem } from "./iamPrincipals";
import { resourceFindings } from "./iamResources";
import { alarmWindowProblem, rangeFindings } from "./numericRanges";
import { sizeFindings } from "./policySize";
import { bucketKeyFindings } from "./s3BucketKey";

let data: IamData;
beforeAll(async () => {
  data = await loadIamData(["s3", "kms", "logs", "kinesis", "sts", "sqs", "lambda", "events"]);
});

const resource = (type: string, inputs: Record<string, unknown> = {}): PlannedResource => ({
  type,
  name: "r",
  inputs,
  provider: { accountId: "111111111111", region: "us-east-1" },
});

function ref(kind: PolicyKind, ...statements: Record<string, unknown>[]): PolicyDocumentRef {
  const doc = { Version: "2012-10-17", Statement: statements };
  return {
    resource: resource("aws:iam/rolePolicy:RolePolicy"),
    kind,
    path: "policy",
    text: JSON.stringify(doc),
    doc,
  };
}

const allow = (action: unknown, res: unknown, extra: Record<string, unknown> = {}) => ({
  Effect: "Allow",
  Action: action,
  Resource: res,
  ...extra,
});
const paths = (fs: { path: string }[]) => fs.map((f) => f.path);

describe("iam-action-exists", () => {
  it("accepts real actions and wildcards that match", () => {
    expect(actionFindings(ref("inline", allow(["kinesis:PutRecord", "s3:Get*"], "*")), data)).toEqual([]);
  });
  it("reports a misspelt action, a wildcard matching nothing, an unknown service", () => {
    const found = actionFindings(
      ref("inline", allow(["kinesis:PutRecrod", "s3:Gte*", "nosuch:Do"], "*")),
      data,
    );
    expect(paths(found)).toEqual([
      "policy.Statement[0].Action[0]",
      "policy.Statement[0].Action[1]",
      "policy.Statement[0].Action[2]",
    ]);
  });
});

describe("iam-resource-type", () => {
  it("accepts a resource of a type the action takes", () => {
    expect(
      resourceFindings(
        ref("inline", allow("kinesis:PutRecord", "arn:aws:kinesis:us-east-1:111111111111:stream/s")),
        data,
      ),
    ).toEqual([]);
    expect(
      resourceFindings(
        ref("trust", {
          Effect: "Allow",
          Principal: { Service: "logs.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
        data,
      ),
    ).toEqual([]);
  });
  it("reports a resource of another type, a specific ARN on a '*'-only action, Resource in a trust policy", () => {
    const found = resourceFindings(
      ref(
        "inline",
        allow("kinesis:PutRecord", "arn:aws:firehose:us-east-1:111111111111:deliverystream/s"),
        allow("logs:DescribeLogGroups", "arn:aws:logs:us-east-1:111111111111:log-group:x"),
      ),
      data,
    );
    expect(paths(found)).toEqual([
      "policy.Statement[0].Action",
      "policy.Statement[0].Resource",
      "policy.Statement[1].Action",
      "policy.Statement[1].Resource",
    ]);
    expect(
      resourceFindings(ref("trust", { Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }), data),
    ).toHaveLength(1);
  });
});

describe("iam-condition", () => {
  it("accepts global keys, supported service keys and placeholder keys with fitting operators", () => {
    const ok = ref(
      "kms-key",
      allow("kms:GenerateDataKey*", "*", {
        Condition: {
          StringLike: {
            "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*",
          },
          ArnLike: { "aws:SourceArn": "arn:aws:cloudtrail:*:111111111111:trail/*" },
          "ForAnyValue:StringEquals": { "aws:PrincipalOrgPaths": ["o-1/r-1/"] },
          StringEqualsIfExists: { "aws:SourceOrgID": "o-a1b2c3d4e5" },
          Bool: { "aws:SecureTransport": "true" },
          Null: { "aws:SourceAccount": "false" },
        },
      }),
    );
    expect(conditionFindings(ok, data)).toEqual([]);
  });
  it("reports an unknown key, an unsupported service key, a wrong operator, a wrong value", () => {
    const bad = ref(
      "inline",
      allow("s3:GetObject", "arn:aws:s3:::b/*", {
        Condition: {
          StringEquals: { "aws:SourceAcount": "1", "kms:ViaService": "s3.us-east-1.amazonaws.com" },
          NumericLessThan: { "aws:SourceArn": "1" },
          StringEquals2: { "aws:SourceAccount": "1" },
          Bool: { "aws:SecureTransport": "yes" },
        },
      }),
    );
    expect(paths(conditionFindings(bad, data))).toEqual([
      "policy.Statement[0].Condition.StringEquals.aws:SourceAcount",
      "policy.Statement[0].Condition.StringEquals.kms:ViaService",
      "policy.Statement[0].Condition.NumericLessThan.aws:SourceArn",
      "policy.Statement[0].Condition.StringEquals2",
      "policy.Statement[0].Condition.Bool.aws:SecureTransport",
    ]);
  });
  it("parses operators with set prefixes and IfExists, and refuses made-up ones", () => {
    expect(parseOperator("ForAllValues:ArnLikeIfExists")).toEqual({
      family: "Arn",
      base: "ArnLike",
      ifExists: true,
      set: "ForAllValues",
    });
    expect(parseOperator("NullIfExists")).toBeUndefined();
    expect(parseOperator("StringMatches")).toBeUndefined();
  });
});

describe("iam-principal", () => {
  const trust = (principal: unknown) =>
    ref("trust", { Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" });
  it("accepts service, regional service, account and ARN principals", () => {
    expect(
      principalFindings(
        trust({ Service: ["logs.ap-southeast-2.amazonaws.com", "firehose.amazonaws.com"] }),
        data,
      ),
    ).toEqual([]);
    expect(
      principalFindings(trust({ AWS: ["111111111111", "arn:aws:iam::111111111111:role/x", "*"] }), data),
    ).toEqual([]);
  });
  it("reports a bad region, a malformed principal, a principal in an identity policy", () => {
    expect(servicePrincipalProblem("logs.us-east-9.amazonaws.com")).toMatch(/not an AWS region/);
    expect(principalFindings(trust({ AWS: "bob", Service: "logs" }), data)).toHaveLength(2);
    expect(
      principalFindings(ref("inline", allow("s3:GetObject", "*", { Principal: "*" })), data),
    ).toHaveLength(1);
    expect(principalFindings(ref("sqs-queue", allow("sqs:SendMessage", "*")), data)).toHaveLength(1);
  });
  it("reads a Lambda permission as the statement AddPermission writes", () => {
    const doc = lambdaPermissionStatement({
      action: "lambda:InvokeFunction",
      principal: "events.amazonaws.com",
      function: "f",
      sourceArn: "arn:aws:events:us-east-1:111111111111:rule/r",
    });
    const r: PolicyDocumentRef = { ...ref("lambda-permission"), doc, text: JSON.stringify(doc), path: "" };
    expect([
      ...actionFindings(r, data),
      ...resourceFindings(r, data),
      ...conditionFindings(r, data),
      ...principalFindings(r, data),
    ]).toEqual([]);
  });
});

describe("policy-size", () => {
  const sized = (kind: PolicyKind, n: number, role = "a") => {
    const r = ref(kind, allow("s3:GetObject", `arn:aws:s3:::${"b".repeat(n)}/*`));
    r.resource = resource(kind === "inline" ? "aws:iam/rolePolicy:RolePolicy" : "aws:iam/role:Role", {
      role,
    });
    return r;
  };
  it("accepts policies within their limits", () => {
    expect(sizeFindings([sized("trust", 1900), sized("inline", 5000), sized("inline", 5000, "b")])).toEqual(
      [],
    );
  });
  it("reports a trust policy over 2,048 characters and inline policies of one role over 10,240 together", () => {
    const found = sizeFindings([sized("trust", 2000), sized("inline", 5100), sized("inline", 5100)]);
    expect(found.map((f) => f.message)).toEqual([
      expect.stringMatching(/trust policy is \d+ characters .*AWS allows 2048/),
      expect.stringMatching(/inline policies of role a .* IAM allows 10240/),
    ]);
  });
});

describe("enum-value", () => {
  it("accepts SDK enum values and reports others with the property path", () => {
    const fn = resource("aws:lambda/function:Function", {
      runtime: "nodejs22.x",
      architectures: ["arm64", "arm65"],
    });
    expect(enumFindings([fn]).map((f) => [f.path, f.value])).toEqual([["architectures[1]", "arm65"]]);
  });
});

describe("numeric-range and alarm-window", () => {
  it("accepts values in range and reports those outside", () => {
    expect(rangeFindings([resource("aws:sqs/queue:Queue", { messageRetentionSeconds: 1_209_600 })])).toEqual(
      [],
    );
    expect(
      paths(rangeFindings([resource("aws:sqs/queue:Queue", { messageRetentionSeconds: 1_209_601 })])),
    ).toEqual(["messageRetentionSeconds"]);
  });
  it("limits period x evaluation periods to a day under an hour's period, a week otherwise", () => {
    expect(alarmWindowProblem(300, 288)).toBeUndefined();
    expect(alarmWindowProblem(300, 289)).toMatch(/86400/);
    expect(alarmWindowProblem(3600, 168)).toBeUndefined();
    expect(alarmWindowProblem(3600, 169)).toMatch(/604800/);
    expect(
      paths(
        rangeFindings([
          resource("aws:cloudwatch/metricAlarm:MetricAlarm", { period: 20, evaluationPeriods: 1 }),
        ]),
      ),
    ).toEqual([]);
    expect(
      paths(
        rangeFindings([
          resource("aws:cloudwatch/metricAlarm:MetricAlarm", { period: 45, evaluationPeriods: 1 }),
        ]),
      ),
    ).toEqual(["period"]);
    // A Metrics Insights alarm: the period is the query's.
    const query = (period: number, evaluationPeriods: number) =>
      resource("aws:cloudwatch/metricAlarm:MetricAlarm", {
        metricQueries: [{ id: "q", expression: "SELECT SUM(DeliveryErrors) FROM ...", period }],
        evaluationPeriods,
      });
    expect(paths(rangeFindings([query(300, 1)]))).toEqual([]);
    expect(paths(rangeFindings([query(45, 1)]))).toEqual(["metricQueries[0].period"]);
    expect(paths(rangeFindings([query(300, 289)]))).toEqual(["period"]);
  });
});

describe("s3-bucket-key-needs-kms", () => {
  const enc = (sseAlgorithm: string) =>
    resource("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", {
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm }, bucketKeyEnabled: true }],
    });
  it("accepts a bucket key with SSE-KMS and reports it with AES256", () => {
    expect(bucketKeyFindings([enc("aws:kms")])).toEqual([]);
    expect(paths(bucketKeyFindings([enc("AES256")]))).toEqual(["rules[0].bucketKeyEnabled"]);
  });
});
