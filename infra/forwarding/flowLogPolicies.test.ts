import { describe, expect, it } from "vitest";
import { list, wire } from "../../tests/support/policy";
import { arn } from "../kernel/names";
import { flowLogsPermissions, flowLogsTrustPolicy } from "./flowLogPolicies";

const ACCOUNT = "111111111111";

describe("flowLogsTrustPolicy", () => {
  it("only VPC Flow Logs of this account and region may assume the role", () => {
    expect(wire(flowLogsTrustPolicy(ACCOUNT, "us-east-2"))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "vpc-flow-logs.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": ACCOUNT },
            ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-east-2:111111111111:vpc-flow-log/*" },
          },
        },
      ],
    });
  });

  it("the region and account are the ones given", () => {
    const s = wire(flowLogsTrustPolicy("222222222222", "ap-northeast-1")).Statement[0]!;
    expect(s.Condition!.StringEquals!["aws:SourceAccount"]).toBe("222222222222");
    expect(s.Condition!.ArnLike!["aws:SourceArn"]).toBe(
      "arn:aws:ec2:ap-northeast-1:222222222222:vpc-flow-log/*",
    );
  });
});

describe("flowLogsPermissions", () => {
  const g1 = arn.logGroup("us-east-2", ACCOUNT, "vpc-flow-logs");
  const g2 = arn.logGroup("us-east-2", ACCOUNT, "another/flow-logs");

  it("writes exactly the given groups and their streams", () => {
    expect(wire(flowLogsPermissions([g1, g2, g1]))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "WriteFlowLogGroups",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: [g2, `${g2}:log-stream:*`, g1, `${g1}:log-stream:*`],
        },
      ],
    });
  });

  it("one group: that group and its streams, nothing else", () => {
    const doc = wire(flowLogsPermissions([g1]));
    expect(doc.Statement).toHaveLength(1);
    expect(list(doc.Statement[0]!.Resource)).toEqual([g1, `${g1}:log-stream:*`]);
  });

  it("no CreateLogGroup / DescribeLogGroups, no wildcard action or resource", () => {
    const doc = wire(flowLogsPermissions([g1, g2]));
    const actions = doc.Statement.flatMap((s) => list(s.Action));
    const resources = doc.Statement.flatMap((s) => list(s.Resource));
    expect([...actions].sort()).toEqual([
      "logs:CreateLogStream",
      "logs:DescribeLogStreams",
      "logs:PutLogEvents",
    ]);
    expect(actions).not.toContain("logs:CreateLogGroup");
    expect(actions).not.toContain("logs:DescribeLogGroups");
    expect(actions.filter((a) => a.includes("*"))).toEqual([]);
    expect(resources).not.toContain("*");
    // Every resource is one of the groups or its streams: no account- or region-wide pattern.
    expect(resources.every((r) => [g1, g2].some((g) => r === g || r === `${g}:log-stream:*`))).toBe(true);
  });
});
