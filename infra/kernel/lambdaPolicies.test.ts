import { describe, expect, it } from "vitest";
import { list, wire } from "../../tests/support/policy";
import { lambdaTrustPolicy, processorPermissions } from "./lambdaPolicies";
import { arn } from "./names";

const ACCOUNT = "999999999999";
const REGION = "ap-northeast-1";
const LOG_GROUP = arn.logGroup(REGION, ACCOUNT, "/aws/lambda/central-logging-prod-cwl-gunzip");
const STREAM = arn.stream(REGION, ACCOUNT, "central-logging-prod-logs");

describe("lambdaTrustPolicy", () => {
  it("only Lambda acting for this account may assume the role", () => {
    expect(wire(lambdaTrustPolicy(ACCOUNT))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        },
      ],
    });
  });
});

describe("processorPermissions", () => {
  const doc = wire(processorPermissions({ logGroupArn: LOG_GROUP, streamArn: STREAM }));

  it("writes its own pre-created log group and re-puts overflow into its source stream; nothing else", () => {
    expect(doc).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `${LOG_GROUP}:log-stream:*`,
        },
        { Sid: "ReingestOverflow", Effect: "Allow", Action: "kinesis:PutRecords", Resource: STREAM },
      ],
    });
  });

  it("cannot create log groups, read the stream, or reach any other resource", () => {
    const actions = doc.Statement.flatMap((s) => list(s.Action));
    const resources = doc.Statement.flatMap((s) => list(s.Resource));
    expect(actions).not.toContain("logs:CreateLogGroup");
    expect(actions.filter((a) => /^kinesis:(Get|Describe|List|SubscribeToShard)/.test(a))).toEqual([]);
    expect(actions).not.toContain("kinesis:PutRecord");
    expect(actions.filter((a) => a.includes("*"))).toEqual([]);
    expect(resources).not.toContain("*");
    expect(new Set(resources)).toEqual(new Set([`${LOG_GROUP}:log-stream:*`, STREAM]));
  });

  it("PutRecords applies to the source stream only; the log actions to the own group's streams only", () => {
    const byAction = (a: string) =>
      doc.Statement.filter((s) => list(s.Action).includes(a)).flatMap((s) => list(s.Resource));
    expect(byAction("kinesis:PutRecords")).toEqual([STREAM]);
    expect(byAction("logs:CreateLogStream")).toEqual([`${LOG_GROUP}:log-stream:*`]);
    expect(byAction("logs:PutLogEvents")).toEqual([`${LOG_GROUP}:log-stream:*`]);
  });
});
