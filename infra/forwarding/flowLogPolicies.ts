import { document, type PolicyDocument, serviceTrust } from "../kernel/policyDocument";

/** VPC Flow Logs of this account and region only (confused-deputy protection). */
export function flowLogsTrustPolicy(accountId: string, region: string): PolicyDocument {
  return document(
    serviceTrust("vpc-flow-logs.amazonaws.com", {
      StringEquals: { "aws:SourceAccount": accountId },
      ArnLike: { "aws:SourceArn": `arn:aws:ec2:${region}:${accountId}:vpc-flow-log/*` },
    }),
  );
}

/**
 * Write into the flow-log groups this program created. The write-up's `logs:CreateLogGroup` and
 * `DescribeLogGroups` on `*` are not needed: the groups exist before the flow logs do.
 */
export function flowLogsPermissions(logGroupArns: string[]): PolicyDocument {
  const groups = [...new Set(logGroupArns)].sort();
  return document({
    Sid: "WriteFlowLogGroups",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
    Resource: groups.flatMap((g) => [g, `${g}:log-stream:*`]),
  });
}
