/**
 * A pipeline double for `npm run verify`'s tests. Kinesis and S3 are real local servers started in
 * process (kinesalite, s3rver); CloudWatch Logs, EventBridge, CloudWatch, SQS, Secrets Manager and
 * the OpenSearch API are aws-sdk-client-mock stubs. When verify writes a canary (PutLogEvents,
 * PutEvents), the double does what the pipeline would: a gzipped CloudWatch Logs envelope into the
 * stream, later a Firehose-style object under the layout's prefix, a document "indexed" in a fake
 * OpenSearch — or, per source account, fails at a chosen stage and leaves the traces the diagnosis
 * reads (no filter, a policy without the account, Firehose errors, dead letters).
 */
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  DescribeDestinationsCommand,
  DescribeSubscriptionFiltersCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
  type PutLogEventsCommandInput,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeRuleCommand,
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandInput,
} from "@aws-sdk/client-eventbridge";
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  PutRecordCommand,
} from "@aws-sdk/client-kinesis";
import { DescribeDomainCommand, OpenSearchClient } from "@aws-sdk/client-opensearch";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetQueueUrlCommand, type Message, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { MetadataBearer } from "@smithy/types";
import { type AwsStub, mockClient } from "aws-sdk-client-mock";
import {
  AREAS,
  EVENTS_LAYOUT,
  errorPrefix,
  firehosePrefix,
  LOGS_LAYOUT,
  logGroupPartition,
} from "../../infra/archive/layout";
import { destinationAccessPolicy } from "../../infra/forwarding/destinationPolicies";
import { forwardingNames } from "../../infra/forwarding/names";
import type { RoutePlan } from "../../infra/forwarding/plan";
import { CANARY_ID_KEY } from "../../infra/operations/names";
import type { RoutingPlan } from "../../infra/plan";
import { deadLetterBody } from "../../infra/search/forwarder/deadLetter";
import { ClientFactory } from "../../tools/aws/clients";
import { type VerifyClients, verifyClients } from "../../tools/verify/clients";
import { type FakeHandler, type FakeRequest, fakeSearchClient } from "./fakeOpenSearch";
import { startKinesalite, startS3rver } from "./localAws";

export const TEST_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
export const ADMIN_LOGIN = { username: "admin", password: "correct-horse-battery" };
export const SEARCH_HOST = "search-test-abc123.ap-northeast-1.es.amazonaws.com";

export interface LocalServers {
  endpoints: { kinesis: string; s3: string };
  close(): Promise<void>;
}

/** kinesalite and s3rver on free local ports, in this process (tests/doubles/localAws.ts). */
export async function startLocalServers(): Promise<LocalServers> {
  const [kinesis, s3] = await Promise.all([startKinesalite(), startS3rver()]);
  return {
    endpoints: { kinesis: kinesis.endpoint, s3: s3.endpoint },
    close: async () => {
      await Promise.all([s3.stop(), kinesis.stop()]);
    },
  };
}

/** What happens to one source account's canaries. */
export interface AccountBehavior {
  /** The log canary never reaches the stream: no subscription filter, or a destination policy without the account. */
  drop?: "no-filter" | "policy";
  /** It reaches the stream, then Firehose fails: an error log line, a failing metric, an object under errors/. */
  firehoseFails?: boolean;
  /** Default `indexed`; `rejected`: the forwarder dead-letters it. */
  search?: "indexed" | "rejected";
  /** The canary write itself fails with this error name. */
  writeError?: string;
  /** Events: default `delivered`; `dead-letter`: EventBridge cannot reach the bus. */
  events?: "delivered" | "dead-letter";
}

export interface PipelineTiming {
  streamMs: number;
  archiveMs: number;
  searchMs: number;
}

type Stub = AwsStub<object, MetadataBearer, object>;

function sdkError(name: string, message: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

/** Firehose's own rendering of its prefix: `!{partitionKeyFromQuery:k}` and `!{timestamp:f}` (UTC). */
export function renderFirehosePrefix(template: string, keys: Record<string, string>, at: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return template
    .replace(/!\{partitionKeyFromQuery:(\w+)\}/g, (_, k: string) => keys[k] ?? "")
    .replace(/!\{timestamp:(yyyy|MM|dd)\}/g, (_, f: string) =>
      f === "yyyy" ? String(at.getUTCFullYear()) : pad(f === "MM" ? at.getUTCMonth() + 1 : at.getUTCDate()),
    )
    .replace("!{firehose:error-output-type}", "processing-failed");
}

export class PipelineDouble {
  readonly searchRequests: FakeRequest[] = [];
  /** Failures inside the double (a put into kinesalite or s3rver that failed). */
  readonly failures: string[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly stubs: Stub[] = [];
  private readonly indexed = new Set<string>();
  private readonly searchLetters: string[] = [];
  private readonly eventLetters: Message[] = [];
  private firehoseFailed = false;
  private sequence = 0;

  private constructor(
    readonly plan: RoutingPlan,
    readonly factory: ClientFactory,
    private readonly behaviors: Readonly<Record<string, AccountBehavior>>,
    private readonly timing: PipelineTiming,
  ) {}

  static async start(
    plan: RoutingPlan,
    servers: LocalServers,
    behaviors: Readonly<Record<string, AccountBehavior>> = {},
    timing: PipelineTiming = { streamMs: 50, archiveMs: 300, searchMs: 100 },
  ): Promise<PipelineDouble> {
    const factory = new ClientFactory([], {
      sessionName: "verify-test",
      endpoints: servers.endpoints,
      credentials: TEST_CREDENTIALS,
    });
    const double = new PipelineDouble(plan, factory, behaviors, timing);
    await double.createResources();
    double.mockServices();
    return double;
  }

  /** The clients verify gets: the same factory (so the same stubbed instances), search answered in memory. */
  clients(): VerifyClients {
    return verifyClients(this.factory, {
      connect: (_endpoint, _region, login) => fakeSearchClient(this.searchHandler, login),
    });
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.stubs) s.restore();
  }

  private get recipient() {
    return this.plan.recipient;
  }

  private behavior(accountId: string): AccountBehavior {
    return this.behaviors[accountId] ?? {};
  }

  private later(ms: number, work: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work().catch((err: unknown) => this.failures.push(String(err)));
    }, ms);
    this.timers.add(timer);
  }

  private kinesis(): KinesisClient {
    return this.factory.client("kinesis", KinesisClient, this.recipient.accountId, this.recipient.homeRegion);
  }

  private s3(): S3Client {
    return this.factory.client("s3", S3Client, this.recipient.accountId, this.recipient.bucketRegion);
  }

  private async createResources(): Promise<void> {
    await this.s3().send(new CreateBucketCommand({ Bucket: this.recipient.bucketName }));
    const stream = this.recipient.stream;
    if (!stream) return;
    // Two shards: the reader must hold an iterator on each before the first canary is written.
    try {
      await this.kinesis().send(new CreateStreamCommand({ StreamName: stream.name, ShardCount: 2 }));
    } catch (err) {
      // An earlier test's stream: verify reads from LATEST, so its records do not matter.
      if (!(err instanceof Error && err.name === "ResourceInUseException")) throw err;
    }
    for (;;) {
      const out = await this.kinesis().send(new DescribeStreamSummaryCommand({ StreamName: stream.name }));
      if (out.StreamDescriptionSummary?.StreamStatus === "ACTIVE") break;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private stub(client: object): Stub {
    const stub = mockClient(client as never) as unknown as Stub;
    this.stubs.push(stub);
    return stub;
  }

  private mockServices(): void {
    const r = this.recipient;
    for (const source of this.plan.sources) {
      const behavior = this.behavior(source.accountId);
      for (const route of source.routes.filter((x) => (x.origin as string) === "canary")) {
        const logs = this.stub(
          this.factory.client("logs", CloudWatchLogsClient, source.accountId, route.region),
        );
        if (behavior.writeError) {
          logs
            .on(CreateLogStreamCommand)
            .rejects(sdkError(behavior.writeError, "The specified log group does not exist."));
          logs
            .on(PutLogEventsCommand)
            .rejects(sdkError(behavior.writeError, "The specified log group does not exist."));
        } else {
          logs.on(CreateLogStreamCommand).resolves({});
          logs.on(PutLogEventsCommand).callsFake(async (input: PutLogEventsCommandInput) => {
            this.onLogEvents(source.accountId, route, input);
            return {};
          });
        }
        logs.on(DescribeSubscriptionFiltersCommand).resolves({
          subscriptionFilters:
            behavior.drop === "no-filter"
              ? []
              : [
                  {
                    filterName: route.filterName,
                    logGroupName: route.logGroup,
                    destinationArn: route.destinationArn,
                  },
                ],
        });
      }
      for (const sender of source.eventSenders) {
        const events = this.stub(
          this.factory.client("events", EventBridgeClient, source.accountId, sender.region),
        );
        events.on(PutEventsCommand).callsFake(async (input: PutEventsCommandInput) => {
          if (behavior.writeError) {
            return {
              FailedEntryCount: 1,
              Entries: [{ ErrorCode: behavior.writeError, ErrorMessage: "not allowed" }],
            };
          }
          this.onEvents(source.accountId, sender.region, input);
          return { FailedEntryCount: 0, Entries: [{ EventId: randomUUID() }] };
        });
        events
          .on(DescribeRuleCommand)
          .callsFake(async (input: { Name?: string }) => ({ Name: input.Name, State: "ENABLED" }));
      }
    }

    // The recipient's logs clients: destinations (every destination region) and the error log (home).
    const admitted = (senders: readonly string[]) =>
      senders.filter((a) => this.behavior(a).drop !== "policy");
    const regions = new Set([r.homeRegion, ...this.plan.destinations.map((d) => d.region)]);
    for (const region of regions) {
      const logs = this.stub(this.factory.client("logs", CloudWatchLogsClient, r.accountId, region));
      const destination = this.plan.destinations.find((d) => d.region === region);
      logs.on(DescribeDestinationsCommand).resolves({
        destinations: destination
          ? [
              {
                destinationName: forwardingNames(this.plan.namePrefix).destination,
                targetArn: r.targetArn,
                arn: destination.arn,
                accessPolicy: JSON.stringify(
                  destinationAccessPolicy(destination.arn, admitted(destination.senderAccountIds)),
                ),
              },
            ]
          : [],
      });
      logs.on(FilterLogEventsCommand).callsFake(async (input: { logGroupName?: string }) => ({
        events:
          this.firehoseFailed && input.logGroupName === r.firehose.errorLogGroup.name
            ? [
                {
                  timestamp: Date.now(),
                  message: JSON.stringify({
                    deliveryStreamARN: r.firehose.arn,
                    destination: `arn:aws:s3:::${r.bucketName}`,
                    deliveryStreamVersionId: 1,
                    message:
                      "Access was denied. Ensure that the trust policy for the provided IAM role allows Firehose to assume the role.",
                    errorCode: "S3.AccessDenied",
                  }),
                },
              ]
            : [],
      }));
    }

    this.stub(CloudWatchClient)
      .on(GetMetricDataCommand)
      .callsFake(async () => ({
        MetricDataResults: [{ Id: "success", Values: this.firehoseFailed ? [1, 0.4] : [1, 1] }],
      }));

    const sqs = this.stub(SQSClient);
    sqs.on(GetQueueUrlCommand).callsFake(async (input: { QueueName?: string }) => ({
      QueueUrl: `https://sqs.local/${input.QueueName}`,
    }));
    sqs
      .on(ReceiveMessageCommand)
      .callsFake(async (input: { QueueUrl?: string; VisibilityTimeout?: number }) => {
        if (input.VisibilityTimeout !== 0) throw new Error("verify must peek with VisibilityTimeout 0");
        const url = input.QueueUrl ?? "";
        if (r.search && url.endsWith(`/${r.search.deadLetterQueue.name}`)) {
          return {
            Messages: this.searchLetters.map((body, i) => ({ MessageId: `search-${i}`, Body: body })),
          };
        }
        if (url.endsWith("-events-dlq")) return { Messages: this.eventLetters };
        return { Messages: [] };
      });

    this.stub(SecretsManagerClient)
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify(ADMIN_LOGIN) });
    this.stub(OpenSearchClient)
      .on(DescribeDomainCommand)
      .resolves({
        DomainStatus: {
          DomainId: "test",
          DomainName: r.search?.domainName ?? "none",
          ARN: r.search?.domainArn ?? "arn:aws:es:::none",
          ClusterConfig: {},
          Endpoint: SEARCH_HOST,
        },
      });
  }

  private readonly searchHandler: FakeHandler = (request) => {
    this.searchRequests.push(request);
    if (!request.path.endsWith("/_search")) return { status: 404, body: { error: { type: "not_found" } } };
    const body = JSON.parse(request.body) as {
      query: { bool: { should: { match_phrase: Record<string, string> }[] } };
    };
    const ids = body.query.bool.should.map((s) => s.match_phrase[CANARY_ID_KEY] ?? "");
    const hits = ids
      .filter((id) => this.indexed.has(id))
      .map((id) => ({ _index: "cwl-2025.06.01", _id: id, _source: { [CANARY_ID_KEY]: id } }));
    return {
      status: 200,
      body: { took: 1, timed_out: false, hits: { total: { value: hits.length }, hits } },
    };
  };

  private onLogEvents(accountId: string, route: RoutePlan, input: PutLogEventsCommandInput): void {
    const behavior = this.behavior(accountId);
    if (behavior.drop) return;
    const r = this.recipient;
    const envelope = {
      messageType: "DATA_MESSAGE",
      owner: accountId,
      logGroup: input.logGroupName ?? "",
      logStream: input.logStreamName ?? "",
      subscriptionFilters: [route.filterName],
      logEvents: (input.logEvents ?? []).map((e) => ({
        id: String(++this.sequence),
        timestamp: e.timestamp ?? 0,
        message: e.message ?? "",
      })),
    };
    const ids = envelope.logEvents.map(
      (e) => (JSON.parse(e.message) as Record<string, string>)[CANARY_ID_KEY] ?? "",
    );
    const stream = r.stream;
    if (stream) {
      this.later(this.timing.streamMs, async () => {
        await this.kinesis().send(
          new PutRecordCommand({
            StreamName: stream.name,
            PartitionKey: randomUUID(),
            Data: gzipSync(JSON.stringify(envelope)),
          }),
        );
      });
    }
    this.later(this.timing.archiveMs, async () => {
      const now = new Date();
      if (behavior.firehoseFails) {
        this.firehoseFailed = true;
        const prefix = renderFirehosePrefix(errorPrefix(AREAS.logs), {}, now);
        await this.put(
          `${prefix}${r.firehose.name}-1-${randomUUID()}`,
          JSON.stringify({ errorCode: "Lambda.FunctionError" }),
        );
        return;
      }
      // What the jq query makes of the envelope, rendered into the Firehose's own prefix.
      const prefix = renderFirehosePrefix(
        firehosePrefix(LOGS_LAYOUT),
        { area: AREAS.logs, account: envelope.owner, logGroup: logGroupPartition(envelope.logGroup) },
        now,
      );
      await this.put(
        `${prefix}${r.firehose.name}-1-${randomUUID()}.json.gz`,
        gzipSync(`${JSON.stringify(envelope)}\n`),
      );
    });
    if (stream && r.search) {
      this.later(this.timing.searchMs, async () => {
        for (const [i, id] of ids.entries()) {
          if (behavior.search === "rejected") {
            this.searchLetters.push(
              deadLetterBody({
                kind: "rejected-event",
                reason: "mapper_parsing_exception: failed to parse field [centralLoggingCanary]",
                status: 400,
                index: "cwl-2025.06.01",
                record: {
                  eventSourceArn: stream.arn,
                  shardId: "shardId-000000000000",
                  sequenceNumber: "1",
                  partitionKey: "k",
                  approximateArrivalTimestamp: Date.now(),
                },
                owner: accountId,
                logGroup: envelope.logGroup,
                logStream: envelope.logStream,
                eventId: envelope.logEvents[i]?.id ?? "",
                document: envelope.logEvents[i]?.message ?? "",
              }),
            );
          } else {
            this.indexed.add(id);
          }
        }
      });
    }
  }

  private onEvents(accountId: string, region: string, input: PutEventsCommandInput): void {
    const behavior = this.behavior(accountId);
    const events = this.recipient.events;
    for (const entry of input.Entries ?? []) {
      const event = {
        version: "0",
        id: randomUUID(),
        "detail-type": entry.DetailType ?? "",
        source: entry.Source ?? "",
        account: accountId,
        time: new Date().toISOString(),
        region,
        resources: [],
        detail: JSON.parse(entry.Detail ?? "{}") as unknown,
      };
      if (behavior.events === "dead-letter") {
        this.eventLetters.push({
          MessageId: event.id,
          Body: JSON.stringify(event),
          MessageAttributes: {
            ERROR_CODE: { DataType: "String", StringValue: "NO_PERMISSIONS" },
            ERROR_MESSAGE: {
              DataType: "String",
              StringValue: `Not authorized to put events on ${events?.bus.arn ?? "the bus"}`,
            },
            TARGET_ARN: { DataType: "String", StringValue: events?.bus.arn ?? "" },
          },
        });
        continue;
      }
      this.later(this.timing.archiveMs, async () => {
        const prefix = renderFirehosePrefix(
          firehosePrefix(EVENTS_LAYOUT),
          { account: event.account },
          new Date(),
        );
        await this.put(
          `${prefix}${events?.firehose.name ?? "events"}-1-${randomUUID()}.json.gz`,
          gzipSync(`${JSON.stringify(event)}\n`),
        );
      });
    }
  }

  private async put(key: string, body: string | Buffer): Promise<void> {
    await this.s3().send(new PutObjectCommand({ Bucket: this.recipient.bucketName, Key: key, Body: body }));
  }
}
