import type { Transport } from "../config";
import { arn, logsPrincipal } from "../names";
import { document, type PolicyDocument, serviceTrust } from "./document";

export interface DestinationTrustArgs {
  recipientAccountId: string;
  /** Each region with a destination, and the accounts that send to it. */
  destinations: { region: string; senderAccountIds: string[] }[];
}

/**
 * CloudWatch Logs of exactly the destination regions may assume the destination role, and only
 * on behalf of the senders of that region or the recipient itself (`aws:SourceArn`).
 */
export function destinationTrustPolicy(args: DestinationTrustArgs): PolicyDocument {
  const regions = [...new Set(args.destinations.map((d) => d.region))].sort();
  const sourceArns = args.destinations.flatMap((d) =>
    [...new Set([...d.senderAccountIds, args.recipientAccountId])].sort().map((a) => arn.logsIn(d.region, a)),
  );
  return document(
    serviceTrust(regions.map(logsPrincipal), {
      StringLike: { "aws:SourceArn": [...new Set(sourceArns)].sort() },
    }),
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

/** Exactly the source accounts that forward in this region may subscribe to its destination. */
export function destinationAccessPolicy(destinationArn: string, senderAccountIds: string[]): PolicyDocument {
  return document({
    Sid: "AllowSourceAccountsToSubscribe",
    Effect: "Allow",
    Principal: { AWS: [...senderAccountIds].sort() },
    Action: "logs:PutSubscriptionFilter",
    Resource: destinationArn,
  });
}
