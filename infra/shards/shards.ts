/**
 * Split stacks: a `sources` stack reads the recipient stack's outputs and, before it registers
 * anything, checks that the recipient serves every account and region of its shard. Pure.
 */
import type { Settings } from "../config";
import type { RoutingPlan } from "../plan";

/** What a recipient stack exports for its source stacks (`part: all` exports it too). */
export interface RecipientOutputs {
  recipientAccountId: string;
  namePrefix: string;
  organizationId?: string;
  bucketName: string;
  /** Region -> destination ARN. */
  destinationArns: Record<string, string>;
  /** Region -> the accounts its destination admits (account-list mode). */
  destinationSenders: Record<string, string[]>;
  /** Accounts whose trail the archive bucket's policy admits (under `AWSLogs/<account>/`). */
  trailAccounts?: string[];
  trailKeyArn?: string;
  eventBusArn?: string;
  eventsFirehoseArn?: string;
}

export const RECIPIENT_OUTPUT_KEYS = [
  "recipientAccountId",
  "namePrefix",
  "organizationId",
  "bucketName",
  "destinationArns",
  "destinationSenders",
  "trailAccounts",
  "trailKeyArn",
  "eventBusArn",
  "eventsFirehoseArn",
] as const satisfies readonly (keyof RecipientOutputs)[];

/**
 * One line per problem, each naming what this shard needs and what to do: a shard that deployed
 * against a recipient that does not admit it would fail account by account, halfway through.
 */
export function checkShard(
  settings: Settings,
  plan: RoutingPlan,
  outputs: Partial<RecipientOutputs>,
  recipientStack: string,
): string[] {
  const problems: string[] = [];
  const where = `recipientStack: '${recipientStack}'`;
  if (outputs.recipientAccountId === undefined || outputs.destinationArns === undefined) {
    return [`${where} has no recipient outputs: deploy it (part: recipient or all) with pulumi up first`];
  }
  const r = plan.recipient;
  if (outputs.recipientAccountId !== r.accountId)
    problems.push(
      `${where} is recipient ${outputs.recipientAccountId}, this stack's recipient.accountId is ${r.accountId}`,
    );
  if (outputs.namePrefix !== settings.namePrefix)
    problems.push(
      `${where} uses namePrefix '${outputs.namePrefix}', this stack '${settings.namePrefix}': set the same namePrefix`,
    );
  if ((outputs.organizationId ?? undefined) !== r.organizationId)
    problems.push(
      `${where} ${outputs.organizationId ? `admits organization ${outputs.organizationId}` : "lists accounts"}, this stack ${r.organizationId ? `has organizationId ${r.organizationId}` : "has no organizationId"}`,
    );
  if (problems.length > 0) return problems;

  const admitted = outputs.destinationSenders ?? {};
  const index = new Map(settings.sources.map((s, i) => [s.accountId, i]));
  const senders = plan.sources.flatMap((s) =>
    [...new Set([...s.routes, ...s.accountPolicies].map((x) => x.region))].map((region) => ({
      accountId: s.accountId,
      region,
      arn: plan.destinations.find((d) => d.region === region)?.arn,
    })),
  );
  for (const { accountId, region, arn } of senders) {
    const at = `sources[${index.get(accountId)}] (${accountId})`;
    const destination = outputs.destinationArns[region];
    if (destination === undefined)
      problems.push(
        `${at} forwards in ${region}, where ${recipientStack} has no destination: add the account to that stack's sources and run pulumi up there first`,
      );
    else if (destination !== arn)
      problems.push(`${at}: ${recipientStack}'s destination in ${region} is ${destination}, not ${arn}`);
    else if (!r.organizationId && !(admitted[region] ?? []).includes(accountId))
      problems.push(
        `${at} forwards in ${region}, but ${recipientStack}'s destination there does not admit it: add the account to that stack's sources and run pulumi up there first`,
      );
  }
  for (const s of plan.sources) {
    const at = `sources[${index.get(s.accountId)}] (${s.accountId})`;
    if (s.eventSenders.length > 0 && outputs.eventBusArn === undefined)
      problems.push(
        `${at} has event rules, but ${recipientStack} has no event bus: add its events to that stack's sources first`,
      );
    // CloudTrail checks the bucket policy when the trail is created: it must name the account.
    if (s.cloudTrail && !(outputs.trailAccounts ?? []).includes(s.accountId))
      problems.push(
        `${at} has a trail, but ${recipientStack}'s bucket policy does not admit it: add the account's cloudTrail to that stack's sources and run pulumi up there first`,
      );
    if (s.cloudTrail && r.trailKey && outputs.trailKeyArn === undefined)
      problems.push(`${at} has a trail to encrypt (trailKms), but ${recipientStack} exports no trail key`);
  }
  return problems;
}
