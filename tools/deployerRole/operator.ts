/**
 * What `npm run verify` and `npm run redrive` call in each account, as one identity policy per
 * account: data-plane calls (canaries written, the stream and archive read, dead letters received,
 * replayed and deleted) that deploying never needs, so they are not in the deployer role. Built
 * from the plan's own names and ARNs, in the regions the plan uses them. Pure.
 *
 * Each grant names the tools that need it: a test holds every AWS SDK command the two tools send
 * against these grants, so a new call without a grant fails there and not on an operator's account.
 */
import { AREAS, logGroupPartition } from "../../infra/archive/layout";
import { arn } from "../../infra/kernel/names";
import { EVENTS_CANARY, operationsNames } from "../../infra/operations/names";
import type { RoutingPlan } from "../../infra/plan";
import type { PolicyDocument, Statement } from "./generate";

export type OperatorTool = "verify" | "redrive";

export interface OperatorGrant {
  sid: string;
  tools: readonly OperatorTool[];
  actions: readonly string[];
  resources: readonly string[];
}

/** The five SQS calls of a dead-letter queue that redrive empties (verify only peeks). */
const REDRIVE_QUEUE_ACTIONS = [
  "sqs:GetQueueUrl",
  "sqs:GetQueueAttributes",
  "sqs:ReceiveMessage",
  "sqs:DeleteMessage",
  "sqs:ChangeMessageVisibility",
] as const;
const PEEK_QUEUE_ACTIONS = ["sqs:GetQueueUrl", "sqs:ReceiveMessage"] as const;

/**
 * The archive objects verify reads: the canary log group's folder (`LOGS_LAYOUT`, any account and
 * day) and, with events, the events area (`EVENTS_LAYOUT`). A test holds every prefix verify
 * computes for a canary against these patterns.
 */
function canaryObjectArns(plan: RoutingPlan): string[] {
  const r = plan.recipient;
  const group = logGroupPartition(operationsNames(plan.namePrefix).canaryLogGroup);
  return [
    `${r.bucketArn}/${AREAS.logs}/account=*/logGroup=${group}/*`,
    ...(r.events ? [`${r.bucketArn}/${AREAS.events}/*`] : []),
  ];
}

/** Log streams of a log group: PutLogEvents acts on the stream, CreateLogStream on the group. */
const logStreams = (logGroupArn: string) => `${logGroupArn}:log-stream:*`;

function recipientGrants(plan: RoutingPlan): OperatorGrant[] {
  const r = plan.recipient;
  const acct = r.accountId;
  const home = r.homeRegion;
  const grants: OperatorGrant[] = [];
  if (r.stream) {
    grants.push(
      {
        sid: "ReadStream",
        tools: ["verify"],
        actions: ["kinesis:ListShards", "kinesis:GetShardIterator", "kinesis:GetRecords"],
        resources: [r.stream.arn],
      },
      {
        sid: "ReplayIntoStream",
        tools: ["redrive"],
        actions: ["kinesis:PutRecords"],
        resources: [r.stream.arn],
      },
    );
  } else {
    grants.push({
      sid: "ReplayIntoArchiveFirehose",
      tools: ["redrive"],
      actions: ["firehose:PutRecordBatch"],
      resources: [r.firehose.arn],
    });
  }
  grants.push(
    {
      sid: "ListArchive",
      tools: ["verify", "redrive"],
      actions: ["s3:ListBucket"],
      resources: [r.bucketArn],
    },
    // Only where canaries land: the canary log group's folder, and the events area (an account's
    // events share their folder with its canary events). Never CloudTrail's or other logs.
    {
      sid: "ReadCanaryObjects",
      tools: ["verify"],
      actions: ["s3:GetObject"],
      resources: canaryObjectArns(plan),
    },
    // Only failed records: redrive rewrites or deletes an errors/ object once its records are back.
    {
      sid: "RedriveArchiveErrors",
      tools: ["redrive"],
      actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      resources: [`${r.bucketArn}/errors/*`],
    },
    // Which destinations exist, and whom their policies admit (verify's diagnosis). The IAM
    // reference lists no resource type for DescribeDestinations: it takes only "*".
    {
      sid: "DescribeDestinations",
      tools: ["verify"],
      actions: ["logs:DescribeDestinations"],
      resources: ["*"],
    },
    {
      sid: "ReadFirehoseErrors",
      tools: ["verify"],
      actions: ["logs:FilterLogEvents"],
      resources: [
        r.firehose.errorLogGroup.arn,
        ...(r.events ? [r.events.firehose.errorLogGroup.arn] : []),
      ].map((g) => `${g}:*`),
    },
    // GetMetricData names no resource (the IAM reference lists none for it).
    { sid: "ReadMetrics", tools: ["verify"], actions: ["cloudwatch:GetMetricData"], resources: ["*"] },
  );
  const queues: string[] = [];
  if (r.search) queues.push(r.search.deadLetterQueue.arn);
  if (r.events) queues.push(r.events.deadLetterQueue.arn);
  if (queues.length > 0) {
    grants.push(
      { sid: "PeekDeadLetters", tools: ["verify"], actions: PEEK_QUEUE_ACTIONS, resources: queues },
      { sid: "RedriveDeadLetters", tools: ["redrive"], actions: REDRIVE_QUEUE_ACTIONS, resources: queues },
    );
  }
  if (r.events)
    grants.push({
      sid: "ReplayIntoEventsFirehose",
      tools: ["redrive"],
      actions: ["firehose:PutRecordBatch"],
      resources: [r.events.firehose.arn],
    });
  if (r.search) {
    // Secrets Manager appends six random characters to a secret's name in its ARN.
    const secret = `arn:aws:secretsmanager:${home}:${acct}:secret:${r.search.adminSecretName}-??????`;
    grants.push(
      {
        sid: "FindSearchDomain",
        tools: ["verify", "redrive"],
        actions: ["es:DescribeDomain"],
        resources: [r.search.domainArn],
      },
      {
        sid: "SearchLogin",
        tools: ["verify", "redrive"],
        actions: ["secretsmanager:GetSecretValue"],
        resources: [secret],
      },
      // `redrive --search-auth sigv4`: bulk requests signed by the operator (a writer mapping is needed too).
      {
        sid: "SearchWriteSigV4",
        tools: ["redrive"],
        actions: ["es:ESHttpPost"],
        resources: [`${r.search.domainArn}/*`],
      },
    );
  }
  return grants;
}

function sourceGrants(plan: RoutingPlan, accountId: string): OperatorGrant[] {
  const source = plan.sources.find((s) => s.accountId === accountId);
  if (!source) return [];
  const grants: OperatorGrant[] = [];
  const canaryGroups = source.routes
    .filter((route) => route.origin === "canary")
    .map((route) => arn.logGroup(route.region, accountId, route.logGroup));
  if (canaryGroups.length > 0) {
    grants.push(
      {
        sid: "WriteCanaryLogs",
        tools: ["verify"],
        actions: ["logs:CreateLogStream", "logs:DescribeSubscriptionFilters"],
        resources: canaryGroups.map((g) => `${g}:*`),
      },
      {
        sid: "PutCanaryLogEvents",
        tools: ["verify"],
        actions: ["logs:PutLogEvents"],
        resources: canaryGroups.map(logStreams),
      },
    );
  }
  const senders = source.eventSenders;
  if (senders.length > 0) {
    const queues = senders.map((s) => s.deadLetterQueue.arn);
    grants.push(
      { sid: "PeekEventDeadLetters", tools: ["verify"], actions: PEEK_QUEUE_ACTIONS, resources: queues },
      {
        sid: "RedriveEventDeadLetters",
        tools: ["redrive"],
        actions: REDRIVE_QUEUE_ACTIONS,
        resources: queues,
      },
    );
    const canaryRules = senders.flatMap((s) =>
      s.rules.filter((rule) => rule.configName === EVENTS_CANARY.configName),
    );
    if (canaryRules.length > 0) {
      grants.push(
        {
          sid: "SendCanaryEvents",
          tools: ["verify"],
          actions: ["events:PutEvents"],
          resources: canaryRules.map((rule) => arn.eventBus(rule.region, accountId, "default")),
        },
        {
          sid: "DescribeCanaryRules",
          tools: ["verify"],
          actions: ["events:DescribeRule"],
          resources: canaryRules.map((rule) => rule.arn),
        },
      );
    }
  }
  return grants;
}

/** Every grant one account needs, for the given tools, in sid order (merged per sid). */
export function operatorGrants(
  plan: RoutingPlan,
  accountId: string,
  tools: readonly OperatorTool[] = ["verify", "redrive"],
): OperatorGrant[] {
  const all = [
    ...(accountId === plan.recipient.accountId ? recipientGrants(plan) : []),
    ...sourceGrants(plan, accountId),
  ].filter((g) => g.tools.some((t) => tools.includes(t)));
  const bySid = new Map<string, OperatorGrant>();
  for (const g of all) {
    const seen = bySid.get(g.sid);
    bySid.set(
      g.sid,
      seen
        ? { ...seen, resources: [...new Set([...seen.resources, ...g.resources])] }
        : { ...g, resources: [...new Set(g.resources)] },
    );
  }
  return [...bySid.values()].sort((a, b) => a.sid.localeCompare(b.sid));
}

/** The account's operator policy, or undefined when neither tool calls anything there. */
export function operatorPolicy(
  plan: RoutingPlan,
  accountId: string,
  tools?: readonly OperatorTool[],
): PolicyDocument | undefined {
  const grants = operatorGrants(plan, accountId, tools);
  if (grants.length === 0) return undefined;
  const Statement: Statement[] = grants.map((g) => ({
    Sid: g.sid,
    Effect: "Allow",
    Action: [...g.actions].sort(),
    Resource: [...g.resources].sort(),
  }));
  return { Version: "2012-10-17", Statement };
}
