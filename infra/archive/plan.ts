/**
 * The recipient (log-archive) account's plan: the archive bucket, the stream (kinesis transport),
 * the Firehose and its gunzip processor, the destination role; with the events archive, the trail
 * key and search when configured (their parts come from their capabilities' planners).
 */

import { cloudTrailNames } from "../cloudtrail/names";
import type { RecipientSettings, Settings } from "../config";
import { type EventsArchivePlan, planEventsArchive } from "../events/plan";
import { forwardingNames } from "../forwarding/names";
import { arn } from "../kernel/names";
import type { Transport } from "../kernel/schema";
import { EVENTS_CANARY } from "../operations/names";
import { planSearch, type SearchPlan } from "../search/plan";
import { archiveNames } from "./names";
import type { Buffering } from "./schema";

export interface RecipientPlan {
  accountId: string;
  homeRegion: string;
  bucketRegion: string;
  transport: Transport;
  bucketName: string;
  bucketArn: string;
  /** The archive's lifecycle (`recipient.lifecycle`). */
  lifecycle: RecipientSettings["lifecycle"];
  /** Set with `transport: kinesis`; unset `shardCount` = on-demand capacity. */
  stream?: { name: string; arn: string; shardCount?: number; retentionHours: number };
  firehose: {
    name: string;
    arn: string;
    roleName: string;
    roleArn: string;
    buffering: Buffering;
    /** The log group its delivery and processing errors go to (CloudWatchLoggingOptions). */
    errorLogGroup: { name: string; arn: string };
  };
  /** The Lambda that un-gzips stream records for Firehose (kinesis transport only). */
  processor?: { name: string; arn: string; roleName: string; logGroup: string };
  /** What destinations write into: the stream (kinesis) or the Firehose (firehose). */
  targetArn: string;
  destinationRole: { name: string; arn: string };
  /** Organization mode: destinations admit the organization, senders pass a role of their own. */
  organizationId?: string;
  /** The KMS key the trails encrypt with (must be in the bucket's region). */
  trailKey?: { alias: string; region: string };
  /** The events archive, when any source has EventBridge rules. */
  events?: EventsArchivePlan;
  /** The OpenSearch domain and its forwarder (`recipient.search`). */
  search?: SearchPlan;
}

export function planRecipient(settings: Settings): RecipientPlan {
  const { namePrefix: p } = settings;
  const r = settings.recipient;
  const home = r.region;
  const acct = r.accountId;
  const names = archiveNames(p);
  const firehoseName = names.firehose;
  const firehose = {
    name: firehoseName,
    arn: arn.firehose(home, acct, firehoseName),
    roleName: names.firehoseRole,
    roleArn: arn.role(acct, names.firehoseRole),
    buffering: r.firehose,
    errorLogGroup: { name: names.firehoseErrorLog, arn: arn.logGroup(home, acct, names.firehoseErrorLog) },
  };
  const destinationRoleName = forwardingNames(p).destinationRole;
  const destinationRole = { name: destinationRoleName, arn: arn.role(acct, destinationRoleName) };
  const base = {
    accountId: acct,
    homeRegion: home,
    bucketRegion: r.bucketRegion,
    transport: r.transport,
    bucketName: r.bucketName,
    bucketArn: arn.bucket(r.bucketName),
    lifecycle: r.lifecycle,
    firehose,
    destinationRole,
    ...(r.organizationId ? { organizationId: r.organizationId } : {}),
    ...(r.trailKms ? { trailKey: { alias: cloudTrailNames(p).trailKeyAlias, region: r.bucketRegion } } : {}),
    ...(settings.sources.some((s) => s.events.length > 0)
      ? { events: planEventsArchive(settings, settings.operations.canary ? EVENTS_CANARY : undefined) }
      : {}),
  };
  if (r.transport === "firehose") return { ...base, targetArn: firehose.arn };
  const search = r.search ? planSearch(p, r, r.search) : undefined;
  const stream = {
    name: names.stream,
    arn: arn.stream(home, acct, names.stream),
    ...(r.stream.shardCount !== undefined ? { shardCount: r.stream.shardCount } : {}),
    retentionHours: r.stream.retentionHours,
  };
  const processorName = names.processor;
  return {
    ...base,
    stream,
    processor: {
      name: processorName,
      arn: arn.lambda(home, acct, processorName),
      roleName: names.processor,
      logGroup: names.processorLogGroup,
    },
    targetArn: stream.arn,
    ...(search ? { search } : {}),
  };
}

/** The log groups of the recipient's own Lambdas (home region): never forwarded. */
export function pipelineLogGroups(recipient: RecipientPlan): string[] {
  return [
    ...(recipient.processor ? [recipient.processor.logGroup] : []),
    ...(recipient.search ? [recipient.search.forwarder.logGroup, recipient.search.provisioner.logGroup] : []),
  ];
}
