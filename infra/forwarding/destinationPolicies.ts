import { arn, logsPrincipal } from "../kernel/names";
import { document, type PolicyDocument, serviceTrust } from "../kernel/policyDocument";
import type { Transport } from "../kernel/schema";

export interface DestinationTrustArgs {
  recipientAccountId: string;
  /**
   * Organization mode: CloudWatch Logs of the destination regions for any sender, so that adding
   * an account leaves the role alone (see below for how the organization is still checked).
   */
  organizationId?: string;
  /** Each region with a destination, and the accounts that send to it. */
  destinations: { region: string; senderAccountIds: string[] }[];
}

/**
 * CloudWatch Logs of exactly the destination regions may assume the destination role, one
 * statement per region, so `logs.us-east-2` cannot assume it for an ap-northeast-1 sender.
 *
 * Account list: each region's statement admits only the senders of ITS region and the recipient
 * (`aws:SourceArn` `arn:aws:logs:<region>:<account>:*`, the form the CloudWatch Logs guide gives
 * for a destination role, "Create a destination"). Its size grows with the senders, so
 * `checkPolicySizes` (config.ts) measures it against IAM's trust-policy quota before deploy.
 *
 * Organization mode: a size that does not grow. `aws:SourceArn` keeps the region scoping with a
 * wildcard account (the guide's advice for unknown parts of the ARN, "Confused deputy
 * prevention"). `aws:SourceOrgID` is a global key, but nothing in the CloudWatch Logs guide says
 * it is present when CloudWatch Logs assumes a destination role; a plain `StringEquals` on an
 * absent key would refuse every delivery, silently (AccessDenied is not retried). So it is
 * `StringEqualsIfExists`: a request that carries another organization is refused, one that
 * carries none is not. What still confines the role to the organization: only a destination in
 * the recipient account can pass it (iam:PassRole does not cross accounts), and that destination's
 * access policy admits only the organization (`aws:PrincipalOrgID`, documented for it).
 */
export function destinationTrustPolicy(args: DestinationTrustArgs): PolicyDocument {
  const senders = new Map<string, Set<string>>();
  for (const d of args.destinations) {
    const set = senders.get(d.region) ?? new Set([args.recipientAccountId]);
    for (const account of d.senderAccountIds) set.add(account);
    senders.set(d.region, set);
  }
  const org = args.organizationId;
  return document(
    ...[...senders.keys()].sort().map((region) => ({
      Sid: `CloudWatchLogs${region.replaceAll("-", "")}`,
      ...serviceTrust(
        logsPrincipal(region),
        org
          ? {
              StringLike: { "aws:SourceArn": arn.logsIn(region, "*") },
              StringEqualsIfExists: { "aws:SourceOrgID": org },
            }
          : {
              StringLike: {
                "aws:SourceArn": [...(senders.get(region) ?? [])].sort().map((a) => arn.logsIn(region, a)),
              },
            },
      ),
    })),
  );
}

/** Put records into the stream or the Firehose the destinations target; nothing else. */
export function destinationPermissions(transport: Transport, targetArn: string): PolicyDocument {
  return document(
    transport === "kinesis"
      ? { Sid: "PutIntoStream", Effect: "Allow", Action: "kinesis:PutRecord", Resource: targetArn }
      : {
          Sid: "PutIntoFirehose",
          Effect: "Allow",
          Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
          Resource: targetArn,
        },
  );
}

/**
 * Organization mode: any account of the organization may subscribe, per log group or account-wide
 * (`logs:PutAccountPolicy`); its size does not grow with the number of accounts.
 */
export function destinationOrgAccessPolicy(destinationArn: string, organizationId: string): PolicyDocument {
  return document({
    Sid: "AllowOrganizationToSubscribe",
    Effect: "Allow",
    Principal: "*",
    Action: ["logs:PutSubscriptionFilter", "logs:PutAccountPolicy"],
    Resource: destinationArn,
    Condition: { StringEquals: { "aws:PrincipalOrgID": organizationId } },
  });
}

/**
 * Exactly the source accounts that forward in this region may subscribe to its destination;
 * account-wide (`logs:PutAccountPolicy`) only where some sender forwards account-wide.
 */
export function destinationAccessPolicy(
  destinationArn: string,
  senderAccountIds: string[],
  accountPolicies = false,
): PolicyDocument {
  return document({
    Sid: "AllowSourceAccountsToSubscribe",
    Effect: "Allow",
    Principal: { AWS: [...new Set(senderAccountIds)].sort() },
    Action: accountPolicies
      ? ["logs:PutSubscriptionFilter", "logs:PutAccountPolicy"]
      : "logs:PutSubscriptionFilter",
    Resource: destinationArn,
  });
}
