import type { Transport } from "../config";
import { arn, logsPrincipal } from "../names";
import { document, type PolicyDocument, serviceTrust } from "./document";

export interface DestinationTrustArgs {
  recipientAccountId: string;
  /**
   * Organization mode: CloudWatch Logs of any account of the organization (`aws:SourceOrgID`),
   * so that adding an account leaves the role alone.
   */
  organizationId?: string;
  /** Each region with a destination, and the accounts that send to it. */
  destinations: { region: string; senderAccountIds: string[] }[];
}

/**
 * CloudWatch Logs of exactly the destination regions may assume the destination role, each only
 * on behalf of the senders of ITS region or the recipient itself (`aws:SourceArn`). One statement
 * per region, so `logs.us-east-2` cannot assume the role for an ap-northeast-1 sender.
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
              StringEquals: { "aws:SourceOrgID": org },
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
