/**
 * Every log group expires its events: CloudWatch Logs keeps them forever (and bills for them)
 * unless `retentionInDays` is set; 0 means the same as unset.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";

export const LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup";

export function retentionViolations(retentionInDays: unknown): string[] {
  if (retentionInDays === undefined || retentionInDays === null || retentionInDays === 0) {
    return ["log group keeps its events forever: set retentionInDays"];
  }
  if (typeof retentionInDays === "number" && Number.isInteger(retentionInDays) && retentionInDays > 0)
    return [];
  return [`retentionInDays ${JSON.stringify(retentionInDays)} is not a positive number of days`];
}

export const logGroupRetention: ResourceValidationPolicy = {
  name: "log-group-retention",
  description: "Every CloudWatch Logs log group sets retentionInDays > 0.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== LOG_GROUP_TYPE) return;
    for (const message of retentionViolations(args.props.retentionInDays)) reportViolation(message);
  },
};
