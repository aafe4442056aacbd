/**
 * The diagnosis's reads: read-only calls whose answers go to the pure checks of `diagnose.ts`.
 * Answers shared by several canaries (a Firehose's metrics, a queue's messages, a region's
 * destinations) are read once per run. A call that fails becomes an `unchecked` cause naming it.
 */
import { GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  DescribeDestinationsCommand,
  DescribeSubscriptionFiltersCommand,
  FilterLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { DescribeRuleCommand } from "@aws-sdk/client-eventbridge";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { GetQueueUrlCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { forwardingNames } from "../../infra/forwarding/names";
import { type Canary, errorArea, errorDayPrefix, utcDays, type VerifyPlan } from "./canaries";
import type { VerifyClients } from "./clients";
import {
  type CheckName,
  checksFor,
  type DestinationSummary,
  diagnoseDestination,
  diagnoseErrorObjects,
  diagnoseEventDeadLetters,
  diagnoseEventRule,
  diagnoseFirehoseErrorLog,
  diagnoseFirehoseMetrics,
  diagnoseSearchDeadLetters,
  diagnoseSubscriptionFilters,
  type FilterSummary,
  type LogEventSummary,
  noCauseHint,
  type ObjectSummary,
  orderCauses,
  type QueueMessage,
} from "./diagnose";
import type { Cause, FailedStage } from "./types";
import { errorText } from "./watchers";

export interface CheckContext {
  plan: VerifyPlan;
  clients: VerifyClients;
  /** Epoch ms: the run's start. */
  start: number;
  now: () => number;
}

/** SQS short polls sample a subset of servers: a few rounds see most messages. */
const RECEIVE_ROUNDS = 3;
/** Pages of 1,000 keys read under `errors/<area>/` when S3 names no error-type folders. */
const ERROR_LIST_PAGES = 5;

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : "";
}

export class Diagnosis {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(private readonly ctx: CheckContext) {}

  /** The causes of `canary` not being seen at `stage`, likeliest first. */
  async causes(canary: Canary, stage: FailedStage): Promise<Cause[]> {
    const names = checksFor(canary.kind, stage, this.ctx.plan.recipient.transport);
    const found = await Promise.all(names.map((name) => this.check(name, canary)));
    return orderCauses(found, noCauseHint(canary, stage, this.ctx.plan));
  }

  private async check(name: CheckName, canary: Canary): Promise<Cause | undefined> {
    try {
      return await this.run(name, canary);
    } catch (err) {
      return { code: "unchecked", message: `could not check ${CHECK_LABEL[name]}: ${errorText(err)}` };
    }
  }

  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = read();
      this.memo.set(key, p);
    }
    return p;
  }

  private async run(name: CheckName, canary: Canary): Promise<Cause | undefined> {
    const { plan } = this.ctx;
    const r = plan.recipient;
    const firehose =
      canary.kind === "logs"
        ? { name: r.firehose.name, errorLog: r.firehose.errorLogGroup.name }
        : r.events
          ? { name: r.events.firehose.name, errorLog: r.events.firehose.errorLogGroup.name }
          : undefined;
    switch (name) {
      case "subscriptionFilter": {
        if (canary.kind !== "logs") return undefined;
        const { route } = canary;
        const filters = await this.once(`filters/${route.accountId}/${route.region}/${route.logGroup}`, () =>
          this.subscriptionFilters(route.accountId, route.region, route.logGroup),
        );
        return diagnoseSubscriptionFilters(route, filters);
      }
      case "destination": {
        if (canary.kind !== "logs") return undefined;
        const name = forwardingNames(plan.namePrefix).destination;
        const destinations = await this.once(`destinations/${canary.region}`, () =>
          this.destinations(canary.region, name),
        );
        return diagnoseDestination(
          {
            name,
            region: canary.region,
            recipientAccountId: r.accountId,
            targetArn: r.targetArn,
            accountId: canary.accountId,
            ...(r.organizationId ? { organizationId: r.organizationId } : {}),
          },
          destinations,
        );
      }
      case "firehoseMetrics": {
        if (!firehose) return undefined;
        const values = await this.once(`metrics/${firehose.name}`, () => this.deliverySuccess(firehose.name));
        return diagnoseFirehoseMetrics(firehose.name, values);
      }
      case "firehoseErrorLog": {
        if (!firehose) return undefined;
        const events = await this.once(`errorlog/${firehose.errorLog}`, () =>
          this.errorLog(firehose.errorLog),
        );
        return diagnoseFirehoseErrorLog(firehose.name, firehose.errorLog, events);
      }
      case "errorObjects": {
        const area = errorArea(canary.kind);
        const objects = await this.once(`errors/${area}`, () => this.errorObjects(canary.kind));
        return diagnoseErrorObjects(r.bucketName, area, objects, new Date(this.ctx.start));
      }
      case "searchDeadLetters": {
        if (!r.search) return undefined;
        const queue = r.search.deadLetterQueue.name;
        const messages = await this.once(`queue/${r.accountId}/${r.homeRegion}/${queue}`, () =>
          this.peek(r.accountId, r.homeRegion, queue),
        );
        return diagnoseSearchDeadLetters(queue, canary.id, messages);
      }
      case "eventRule": {
        if (canary.kind !== "events") return undefined;
        const state = await this.ruleState(canary.accountId, canary.region, canary.rule.name);
        return diagnoseEventRule(
          { name: canary.rule.name, accountId: canary.accountId, region: canary.region },
          state,
        );
      }
      case "eventDeadLetters": {
        if (canary.kind !== "events") return undefined;
        // The sender's queue (rule -> bus), then the bus rule's (bus -> Firehose).
        const queues = [
          { accountId: canary.accountId, region: canary.region, name: canary.sender.deadLetterQueue.name },
          ...(r.events
            ? [{ accountId: r.accountId, region: r.homeRegion, name: r.events.deadLetterQueue.name }]
            : []),
        ];
        for (const q of queues) {
          const messages = await this.once(`queue/${q.accountId}/${q.region}/${q.name}`, () =>
            this.peek(q.accountId, q.region, q.name),
          );
          const cause = diagnoseEventDeadLetters(
            `${q.name} (${q.accountId}/${q.region})`,
            canary.id,
            messages,
          );
          if (cause) return cause;
        }
        return undefined;
      }
    }
  }

  /** `undefined`: the log group does not exist. */
  private async subscriptionFilters(
    accountId: string,
    region: string,
    logGroup: string,
  ): Promise<FilterSummary[] | undefined> {
    try {
      const out = await this.ctx.clients
        .logs(accountId, region)
        .send(new DescribeSubscriptionFiltersCommand({ logGroupName: logGroup }));
      return (out.subscriptionFilters ?? []).map((f) => ({
        ...(f.filterName ? { filterName: f.filterName } : {}),
        ...(f.destinationArn ? { destinationArn: f.destinationArn } : {}),
      }));
    } catch (err) {
      if (errorName(err) === "ResourceNotFoundException") return undefined;
      throw err;
    }
  }

  private async destinations(region: string, name: string): Promise<DestinationSummary[]> {
    const { plan, clients } = this.ctx;
    const out = await clients
      .logs(plan.recipient.accountId, region)
      .send(new DescribeDestinationsCommand({ DestinationNamePrefix: name }));
    return (out.destinations ?? []).map((d) => ({
      ...(d.destinationName ? { destinationName: d.destinationName } : {}),
      ...(d.targetArn ? { targetArn: d.targetArn } : {}),
      ...(d.accessPolicy ? { accessPolicy: d.accessPolicy } : {}),
    }));
  }

  private async deliverySuccess(firehoseName: string): Promise<number[]> {
    const { plan, clients, start, now } = this.ctx;
    const out = await clients.cloudwatch(plan.recipient.accountId, plan.recipient.homeRegion).send(
      new GetMetricDataCommand({
        StartTime: new Date(start - 60_000),
        EndTime: new Date(now()),
        MetricDataQueries: [
          {
            Id: "success",
            MetricStat: {
              Metric: {
                Namespace: "AWS/Firehose",
                MetricName: "DeliveryToS3.Success",
                Dimensions: [{ Name: "DeliveryStreamName", Value: firehoseName }],
              },
              Period: 60,
              Stat: "Average",
            },
            ReturnData: true,
          },
        ],
      }),
    );
    return out.MetricDataResults?.[0]?.Values ?? [];
  }

  private async errorLog(logGroup: string): Promise<LogEventSummary[]> {
    const { plan, clients, start } = this.ctx;
    const out = await clients
      .logs(plan.recipient.accountId, plan.recipient.homeRegion)
      .send(new FilterLogEventsCommand({ logGroupName: logGroup, startTime: start - 60_000, limit: 50 }));
    return (out.events ?? []).map((e) => ({
      ...(e.timestamp !== undefined ? { timestamp: e.timestamp } : {}),
      ...(e.message !== undefined ? { message: e.message } : {}),
    }));
  }

  /** Error types under `errors/<area>/` (one folder each), then each type's folders of the run's days. */
  private async errorObjects(kind: Canary["kind"]): Promise<ObjectSummary[]> {
    const { plan, clients, start, now } = this.ctx;
    const r = plan.recipient;
    const s3 = clients.s3(r.accountId, r.bucketRegion);
    const area = errorArea(kind);
    const types = await s3.send(
      new ListObjectsV2Command({ Bucket: r.bucketName, Prefix: area, Delimiter: "/" }),
    );
    const objects: ObjectSummary[] = [];
    const add = (contents: readonly { Key?: string; LastModified?: Date }[] | undefined) => {
      for (const o of contents ?? []) {
        if (o.Key) objects.push({ key: o.Key, ...(o.LastModified ? { lastModified: o.LastModified } : {}) });
      }
    };
    if (!types.CommonPrefixes?.length) {
      // On S3 nothing is below the area then, and this is one more empty answer; s3rver (the
      // tests' S3) returns no CommonPrefixes at all, so a bounded plain listing stands in.
      let token: string | undefined;
      for (let page = 0; page < ERROR_LIST_PAGES; page++) {
        const out = await s3.send(
          new ListObjectsV2Command({
            Bucket: r.bucketName,
            Prefix: area,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        add(out.Contents);
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
        if (!token) break;
      }
      return objects;
    }
    for (const folder of types.CommonPrefixes) {
      const type = folder.Prefix?.slice(area.length).replace(/\/$/, "");
      if (!type) continue;
      for (const day of utcDays(new Date(start), new Date(now()))) {
        const out = await s3.send(
          new ListObjectsV2Command({ Bucket: r.bucketName, Prefix: errorDayPrefix(kind, type, day) }),
        );
        add(out.Contents);
      }
    }
    return objects;
  }

  /** Messages stay in the queue: visibility 0 leaves them visible to their consumers. */
  private async peek(accountId: string, region: string, queueName: string): Promise<QueueMessage[]> {
    const sqs = this.ctx.clients.sqs(accountId, region);
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
    if (!QueueUrl) throw new Error(`queue ${queueName} has no URL`);
    const seen = new Map<string, QueueMessage>();
    for (let round = 0; round < RECEIVE_ROUNDS; round++) {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 0,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ["All"],
        }),
      );
      for (const m of out.Messages ?? []) {
        const attributes: Record<string, string> = {};
        for (const [k, v] of Object.entries(m.MessageAttributes ?? {})) {
          if (v.StringValue !== undefined) attributes[k] = v.StringValue;
        }
        seen.set(m.MessageId ?? `${round}/${seen.size}`, {
          ...(m.Body !== undefined ? { body: m.Body } : {}),
          attributes,
        });
      }
    }
    return [...seen.values()];
  }

  /** `undefined`: no such rule. */
  private async ruleState(accountId: string, region: string, ruleName: string): Promise<string | undefined> {
    try {
      const out = await this.ctx.clients
        .events(accountId, region)
        .send(new DescribeRuleCommand({ Name: ruleName }));
      return out.State ?? "ENABLED";
    } catch (err) {
      if (errorName(err) === "ResourceNotFoundException") return undefined;
      throw err;
    }
  }
}

const CHECK_LABEL: Record<CheckName, string> = {
  subscriptionFilter: "the canary log group's subscription filter",
  destination: "the destination's access policy",
  firehoseMetrics: "Firehose's DeliveryToS3.Success metric",
  firehoseErrorLog: "Firehose's error log",
  errorObjects: "the archive's errors/ folder",
  searchDeadLetters: "the search dead-letter queue",
  eventRule: "the canary event rule",
  eventDeadLetters: "the events dead-letter queues",
};
