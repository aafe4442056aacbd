import { arn, logsPrincipal } from "../kernel/names";
import { document, type PolicyDocument, serviceTrust } from "../kernel/policyDocument";

/**
 * Organization mode: the role a sender's subscription filters pass. CloudWatch Logs of this
 * region, acting for this account only, may assume it.
 */
export function senderRoleTrustPolicy(accountId: string, region: string): PolicyDocument {
  return document(
    serviceTrust(logsPrincipal(region), { StringLike: { "aws:SourceArn": arn.logsIn(region, accountId) } }),
  );
}

/** Put events from exactly the forwarded log groups, as CloudWatch Logs checks on the sender side. */
export function senderRolePermissions(logGroupArns: string[]): PolicyDocument {
  return document({
    Sid: "SendForwardedGroups",
    Effect: "Allow",
    Action: "logs:PutLogEvents",
    Resource: [...new Set(logGroupArns)].sort().map((g) => `${g}:*`),
  });
}
