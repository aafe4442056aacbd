import { document, type PolicyDocument, serviceTrust } from "../kernel/policyDocument";

/** CloudTrail may assume the log-delivery role for this one trail only. */
export function cloudTrailLogsTrustPolicy(accountId: string, trailArn: string): PolicyDocument {
  return document(
    serviceTrust("cloudtrail.amazonaws.com", {
      StringEquals: { "aws:SourceAccount": accountId, "aws:SourceArn": trailArn },
    }),
  );
}

/** Create streams and put events in the trail's log group; nothing else. */
export function cloudTrailLogsPermissions(logGroupArn: string): PolicyDocument {
  return document({
    Sid: "WriteTrailLogGroup",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `${logGroupArn}:log-stream:*`,
  });
}

/** The delivery-notification topic: CloudTrail may publish to it for this trail only. */
export function cloudTrailTopicPolicy(topicArn: string, trailArn: string): PolicyDocument {
  return document({
    Sid: "CloudTrailNotifies",
    Effect: "Allow",
    Principal: { Service: "cloudtrail.amazonaws.com" },
    Action: "sns:Publish",
    Resource: topicArn,
    Condition: { StringEquals: { "aws:SourceArn": trailArn } },
  });
}
