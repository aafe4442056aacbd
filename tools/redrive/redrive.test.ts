/**
 * End to end over local services: kinesalite (the stream), s3rver (the archive bucket), SQS and
 * Firehose in memory (aws-sdk-client-mock), OpenSearch answered in memory through the real client.
 */
import { gunzipSync } from "node:zlib";
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordsCommand,
  type PutRecordsCommandOutput,
} from "@aws-sdk/client-kinesis";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { rawConfigFrom } from "../../infra/config";
import { bulkSender } from "../../infra/search/forwarder/index";
import { resolveStack } from "../../infra/stack";
import { FakeFirehose } from "../../tests/doubles/fakeFirehose";
import {
  type FakeHandler,
  fakeSearchClient,
  bulkLines as parseBulk,
} from "../../tests/doubles/fakeOpenSearch";
import { FakeSqs } from "../../tests/doubles/fakeSqs";
import {
  type LocalService,
  S3RVER_CREDENTIALS,
  startKinesalite,
  startS3rver,
} from "../../tests/doubles/localAws";
import { accountAccess, ClientFactory } from "../aws/clients";
import { readStackFile } from "../offline/stackFile";
import { envelope, errorLine, errorObject, event, gz, malformedLetter, rejectedLetter } from "./fixtures";
import { silentProgress } from "./progress";
import { runRedrive } from "./redrive";
import { exitCode, type RedriveReport, SOURCE_NAMES, type SourceName, type SourceReport } from "./report";

const devFile = readStackFile("Pulumi.dev.yaml");

function stackOf(config: Record<string, unknown>) {
  const stack = resolveStack(rawConfigFrom(config), "dev");
  if (!stack.ok) throw new Error(stack.errors.join("\n"));
  return stack;
}

const dev = stackOf(devFile.config);
const { plan } = dev;
const recipient = plan.recipient;
const BUCKET = recipient.bucketName;
const STREAM = recipient.stream!.name;
const INDEX_PREFIX = recipient.search!.settings.indexPrefix;
const EVENTS_FIREHOSE = recipient.events!.firehose.name;
const HOME = recipient.homeRegion;
const RECIPIENT = recipient.accountId;

let kinesis: LocalService;
let s3service: LocalService;
let sqs: FakeSqs;
let firehose: FakeFirehose;
let domain: FakeDomain;
const queues = {
  search: "",
  bus: "",
  source: "",
};

/** An OpenSearch domain in memory: documents by index and id; ids in `reject` get a 400. */
class FakeDomain {
  readonly docs = new Map<string, string>();
  readonly bulks: { index: string; id: string }[][] = [];
  readonly reject = new Set<string>();

  readonly handler: FakeHandler = (request) => {
    if (request.path !== "/_bulk") return { status: 404 };
    const lines = parseBulk(request.body) as Record<string, unknown>[];
    const sent: { index: string; id: string }[] = [];
    const items: unknown[] = [];
    for (let i = 0; i < lines.length; i += 2) {
      const action = (lines[i] as { index: { _index: string; _id: string } }).index;
      sent.push({ index: action._index, id: action._id });
      if (this.reject.has(action._id)) {
        items.push({ index: { status: 400, error: { type: "mapper_parsing_exception", reason: "failed" } } });
      } else {
        this.docs.set(`${action._index}/${action._id}`, JSON.stringify(lines[i + 1]));
        items.push({ index: { status: 201 } });
      }
    }
    this.bulks.push(sent);
    return { status: 200, body: { took: 1, errors: sent.some((s) => this.reject.has(s.id)), items } };
  };
}

function clients(): ClientFactory {
  return new ClientFactory(accountAccess(dev.settings), {
    sessionName: "redrive-test",
    endpoints: { kinesis: kinesis.endpoint, s3: s3service.endpoint },
    credentials: S3RVER_CREDENTIALS,
  });
}

const factory = () => clients();

async function redrive(
  apply: boolean,
  only: readonly SourceName[] = SOURCE_NAMES,
  routing = plan,
  connectSearch = async () => bulkSender(fakeSearchClient(domain.handler), 30_000),
): Promise<RedriveReport> {
  return runRedrive(
    routing,
    { stack: "dev", apply, only: new Set(only) },
    {
      clients: factory(),
      connectSearch,
      progress: silentProgress,
      sleep: async () => undefined,
      drain: { waitTimeSeconds: 0 },
    },
  );
}

const kinesisClient = () =>
  factory().client("kinesis", KinesisClient, RECIPIENT, HOME) as unknown as KinesisClient;
const s3Client = () =>
  factory().client("s3", S3Client, RECIPIENT, recipient.bucketRegion) as unknown as S3Client;

async function streamRecords(): Promise<Buffer[]> {
  const k = kinesisClient();
  const d = await k.send(new DescribeStreamCommand({ StreamName: STREAM }));
  const out: Buffer[] = [];
  for (const shard of d.StreamDescription?.Shards ?? []) {
    const it = await k.send(
      new GetShardIteratorCommand({
        StreamName: STREAM,
        ShardId: shard.ShardId,
        ShardIteratorType: "TRIM_HORIZON",
      }),
    );
    let iterator = it.ShardIterator;
    for (;;) {
      const page = await k.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const r of page.Records ?? []) out.push(Buffer.from(r.Data!));
      if (!page.Records?.length) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}

async function putObject(key: string, body: Buffer): Promise<void> {
  await s3Client().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

async function keys(prefix = "errors/"): Promise<string[]> {
  const out = await s3Client().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((c) => c.Key!).sort();
}

async function objectLines(key: string): Promise<string[]> {
  const got = await s3Client().send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  const bytes = Buffer.from(await got.Body!.transformToByteArray());
  return gunzipSync(bytes).toString("utf8").split("\n").filter(Boolean);
}

const source = (report: RedriveReport, location: string): SourceReport => {
  const s = report.sources.find((x) => x.location.includes(location));
  if (!s) throw new Error(`no source ${location} in ${report.sources.map((x) => x.location).join(", ")}`);
  return s;
};

const LOGS_ERRORS = "errors/cloudwatch-logs/processing-failed/2025/06/01/";
const EVENTS_ERRORS = "errors/events/activePartitionExceeded/2025/06/01/";

beforeAll(async () => {
  [kinesis, s3service] = await Promise.all([startKinesalite(), startS3rver([BUCKET])]);
});

afterAll(async () => {
  await Promise.all([kinesis?.stop(), s3service?.stop()]);
});

beforeEach(async () => {
  sqs = new FakeSqs();
  firehose = new FakeFirehose();
  domain = new FakeDomain();
  queues.search = sqs.create(RECIPIENT, HOME, recipient.search!.deadLetterQueue.name);
  queues.bus = sqs.create(RECIPIENT, HOME, recipient.events!.deadLetterQueue.name);
  const sender = plan.sources.find((s) => s.eventSenders.length > 0)!;
  queues.source = sqs.create(
    sender.accountId,
    sender.eventSenders[0]!.region,
    sender.eventSenders[0]!.deadLetterQueue.name,
  );
  // A fresh stream and an empty errors/ area.
  const k = kinesisClient();
  await k.send(new DeleteStreamCommand({ StreamName: STREAM })).catch(() => undefined);
  for (let i = 0; i < 50; i++) {
    try {
      await k.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 }));
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  for (let i = 0; i < 50; i++) {
    const d = await k.send(new DescribeStreamCommand({ StreamName: STREAM }));
    if (d.StreamDescription?.StreamStatus === "ACTIVE") break;
    await new Promise((r) => setTimeout(r, 10));
  }
  for (const key of await keys(""))
    await s3Client().send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
});

afterEach(() => {
  sqs.restore();
  firehose.restore();
  vi.restoreAllMocks();
});

describe("dry run", () => {
  it("counts every source by kind and changes nothing", async () => {
    sqs.sendMessage(queues.search, rejectedLetter("e1", INDEX_PREFIX));
    sqs.sendMessage(queues.search, malformedLetter(gz(envelope(["e2", "e3"]))));
    sqs.sendMessage(queues.search, malformedLetter(Buffer.from("not gzip at all")));
    sqs.sendMessage(queues.bus, event("ev-1"), { ERROR_CODE: "ResourceNotFound" });
    sqs.sendMessage(queues.source, event("ev-2"), { ERROR_CODE: "NoPermissions" });
    await putObject(
      `${LOGS_ERRORS}a.json.gz`,
      errorObject([errorLine(gz(envelope(["l1"]))), errorLine(Buffer.from("garbage"))]),
    );
    await putObject(
      `${EVENTS_ERRORS}b.json.gz`,
      errorObject([errorLine(Buffer.from(`${event("ev-3")}\n`), "x")]),
    );

    const report = await redrive(false);

    expect(report.mode).toBe("dry-run");
    const search = source(report, "search-dlq");
    expect(search.found).toEqual({ "rejected-event": 1, "malformed-record": 2 });
    expect([search.replayable, search.stillFailing, search.left]).toEqual([2, 1, 0]);
    expect(source(report, "events-bus-dlq").found).toEqual({ ResourceNotFound: 1 });
    expect(source(report, "111111111111 us-east-1").found).toEqual({ NoPermissions: 1 });
    const logs = source(report, "errors/cloudwatch-logs/");
    expect(logs.found).toEqual({ "processing-failed/Lambda.FunctionError": 2 });
    expect([logs.replayable, logs.stillFailing, logs.objects?.found]).toEqual([1, 1, 1]);
    expect(source(report, "errors/events/").found).toEqual({ "activePartitionExceeded/x": 1 });
    expect(exitCode(report)).toBe(0);

    // Nothing changed: every message back in view, objects and stream untouched, nothing sent.
    for (const url of Object.values(queues)) {
      expect(sqs.messages(url).every((m) => !m.hidden)).toBe(true);
    }
    expect(sqs.messages(queues.search)).toHaveLength(3);
    expect(await keys()).toHaveLength(2);
    expect(await streamRecords()).toEqual([]);
    expect(domain.bulks).toEqual([]);
    expect(firehose.requests).toBe(0);
  });
});

describe("search dead-letter queue", () => {
  it("re-indexes under the same _index and _id, decodes malformed records with the forwarder's decoder", async () => {
    sqs.sendMessage(queues.search, rejectedLetter("e1", INDEX_PREFIX));
    sqs.sendMessage(queues.search, malformedLetter(gz(envelope(["e2", "e3"]))));
    const garbage = sqs.sendMessage(queues.search, malformedLetter(Buffer.from("still not gzip")));
    const truncated = sqs.sendMessage(
      queues.search,
      JSON.stringify({ ...JSON.parse(malformedLetter(Buffer.from("x"))), truncated: true }),
    );

    const report = await redrive(true, ["search"]);

    const s = source(report, "search-dlq");
    expect([s.replayed, s.stillFailing, s.left]).toEqual([2, 1, 1]);
    expect(exitCode(report)).toBe(1);
    const index = `${INDEX_PREFIX}-2025.06.01`;
    expect([...domain.docs.keys()].sort()).toEqual([`${index}/e1`, `${index}/e2`, `${index}/e3`]);
    expect(JSON.parse(domain.docs.get(`${index}/e2`)!)).toMatchObject({
      "@id": "e2",
      "@owner": "222222222222",
      "@log_group": "/aws/lambda/orders-api",
      eventName: "CreateUser",
    });
    // Deleted: only what was indexed; kept messages are visible again for the next run.
    const left = sqs.messages(queues.search);
    expect(left.map((m) => m.id).sort()).toEqual([garbage, truncated].sort());
    expect(left.every((m) => !m.hidden)).toBe(true);
  });

  it("keeps the message whose document OpenSearch rejects; a re-run replays only that one, same ids", async () => {
    sqs.sendMessage(queues.search, rejectedLetter("e1", INDEX_PREFIX));
    sqs.sendMessage(queues.search, rejectedLetter("e2", INDEX_PREFIX));
    const third = sqs.sendMessage(queues.search, rejectedLetter("e3", INDEX_PREFIX));
    sqs.sendMessage(queues.search, malformedLetter(gz(envelope(["e4", "e5"]))));
    domain.reject.add("e3");

    const first = await redrive(true, ["search"]);
    const s = source(first, "search-dlq");
    expect([s.replayed, s.stillFailing]).toEqual([3, 1]);
    expect(Object.keys(s.reasons)[0]).toMatch(/OpenSearch rejected the document \(400\)/);
    expect(sqs.messages(queues.search).map((m) => m.id)).toEqual([third]);

    domain.reject.clear();
    const second = await redrive(true, ["search"]);
    expect(source(second, "search-dlq").replayed).toBe(1);
    expect(domain.bulks.at(-1)!.map((d) => d.id)).toEqual(["e3"]);
    expect(sqs.messages(queues.search)).toEqual([]);
    expect(domain.docs.size).toBe(5);
    expect(exitCode(second)).toBe(0);
  });

  it("a domain it cannot log in to: the source says why, and every message stays, visible again", async () => {
    sqs.sendMessage(queues.search, rejectedLetter("e1", INDEX_PREFIX));
    const report = await redrive(true, ["search"], plan, async () => {
      throw new Error("secret central-logging-dev/search-admin is not JSON");
    });
    expect(source(report, "search-dlq").error).toBe(
      "Error: secret central-logging-dev/search-admin is not JSON",
    );
    expect(sqs.messages(queues.search).map((m) => m.hidden)).toEqual([false]);
    expect(exitCode(report)).toBe(1);
  });

  it("replaying a message twice (its delete failed) overwrites: no duplicate document", async () => {
    const id = sqs.sendMessage(queues.search, malformedLetter(gz(envelope(["e1", "e2"]))));
    sqs.failDeleteOnce.add(id);

    const first = await redrive(true, ["search"]);
    expect(source(first, "search-dlq").stillFailing).toBe(1);
    expect(Object.keys(source(first, "search-dlq").reasons)[0]).toMatch(/DeleteMessage failed/);
    const second = await redrive(true, ["search"]);
    expect(source(second, "search-dlq").replayed).toBe(1);

    expect(domain.bulks.map((b) => b.map((d) => d.id))).toEqual([
      ["e1", "e2"],
      ["e1", "e2"],
    ]);
    expect(domain.docs.size).toBe(2);
    expect(sqs.messages(queues.search)).toEqual([]);
  });
});

describe("events dead-letter queues", () => {
  it("puts each event into the events Firehose byte for byte and deletes it once put", async () => {
    const bodies = [event("ev-1"), event("ev-2"), event("ev-3", "999999999999")];
    sqs.sendMessage(queues.bus, bodies[0]!, { ERROR_CODE: "ResourceNotFound" });
    sqs.sendMessage(queues.source, bodies[1]!, { ERROR_CODE: "NoPermissions" });
    sqs.sendMessage(queues.source, bodies[2]!);
    const notEvent = sqs.sendMessage(queues.source, "hello");
    // Firehose refuses ev-2 once (retried), ev-3 every time (kept).
    const refusedOnce = new Set(["ev-2"]);
    firehose.fail = (data) => {
      const id = (JSON.parse(data.toString()) as { id: string }).id;
      if (refusedOnce.delete(id)) return "ServiceUnavailableException";
      return id === "ev-3" ? "InternalFailure" : undefined;
    };

    const report = await redrive(true, ["events"]);

    expect(firehose.of(EVENTS_FIREHOSE).map((b) => b.toString("utf8"))).toEqual([bodies[0], bodies[1]]);
    expect(source(report, "events-bus-dlq").replayed).toBe(1);
    const src = source(report, "111111111111 us-east-1");
    expect([src.replayed, src.stillFailing, src.left]).toEqual([1, 1, 1]);
    expect(Object.keys(src.reasons).join("\n")).toMatch(/after 4 attempts: InternalFailure/);
    expect(sqs.messages(queues.bus)).toEqual([]);
    expect(sqs.messages(queues.source).map((m) => m.body)).toEqual([bodies[2], "hello"]);
    expect(sqs.messages(queues.source).map((m) => m.id)).toContain(notEvent);
    expect(exitCode(report)).toBe(1);
  });

  it("reports a queue that cannot be read and goes on with the others", async () => {
    const broken = structuredClone(plan);
    broken.sources[0]!.eventSenders[0]!.deadLetterQueue.name = "no-such-queue";
    sqs.sendMessage(queues.bus, event("ev-1"));

    const report = await redrive(true, ["events"], broken);

    expect(source(report, "no-such-queue").error).toMatch(/QueueDoesNotExist/);
    expect(source(report, "events-bus-dlq").replayed).toBe(1);
    expect(exitCode(report)).toBe(1);
  });
});

describe("errors/ in the archive", () => {
  it("re-puts log records into the stream byte for byte and deletes the objects", async () => {
    const records = [gz(envelope(["a1", "a2"])), gz(envelope(["b1"], "/ecs/payments")), gz(envelope(["c1"]))];
    await putObject(
      `${LOGS_ERRORS}one.json.gz`,
      errorObject([errorLine(records[0]!), errorLine(records[1]!)]),
    );
    await putObject(`${LOGS_ERRORS}two.json.gz`, errorObject([errorLine(records[2]!, "Lambda.Timeout")]));

    const report = await redrive(true, ["errors"]);

    const logs = source(report, "errors/cloudwatch-logs/");
    expect([logs.replayed, logs.stillFailing, logs.left]).toEqual([3, 0, 0]);
    expect(logs.objects).toEqual({ found: 2, deleted: 2, rewritten: 0, untouched: 0 });
    const put = await streamRecords();
    expect(put.map((b) => b.toString("base64")).sort()).toEqual(
      records.map((b) => b.toString("base64")).sort(),
    );
    expect(await keys()).toEqual([]);
    expect(exitCode(report)).toBe(0);
  });

  it("re-gzips an already processed envelope, keeps what would fail again, and a re-run puts nothing twice", async () => {
    const good = gz(envelope(["g1"]));
    const processed = Buffer.from(`${JSON.stringify(envelope(["p1"]))}\n`);
    const key = `${LOGS_ERRORS}mixed.json.gz`;
    const garbageLine = errorLine(Buffer.from("neither gzip nor JSON"));
    const notARecord = '{"note":"not a Firehose error record"}';
    await putObject(
      key,
      errorObject([errorLine(good), garbageLine, notARecord, errorLine(processed, "S3.AccessDenied")]),
    );

    const first = await redrive(true, ["errors"]);
    const logs = source(first, "errors/cloudwatch-logs/");
    expect([logs.replayed, logs.stillFailing, logs.left]).toEqual([2, 1, 1]);
    expect(logs.objects).toMatchObject({ rewritten: 1, deleted: 0 });
    const put = await streamRecords();
    expect(put[0]!.equals(good)).toBe(true);
    expect(JSON.parse(gunzipSync(put[1]!).toString())).toEqual(envelope(["p1"]));
    expect(await objectLines(key)).toEqual([garbageLine, notARecord]);
    expect(exitCode(first)).toBe(1);

    const second = await redrive(true, ["errors"]);
    expect(source(second, "errors/cloudwatch-logs/").stillFailing).toBe(1);
    expect(source(second, "errors/cloudwatch-logs/").replayed).toBe(0);
    expect(await streamRecords()).toHaveLength(2);
    expect(await objectLines(key)).toEqual([garbageLine, notARecord]);
  });

  it("when PutRecords fails some records for good, rewrites the object with only those; a re-run puts only them", async () => {
    const records = ["r1", "r2", "r3", "r4"].map((id) => gz(envelope([id])));
    const lines = records.map((r) => errorLine(r));
    const key = `${LOGS_ERRORS}partial.json.gz`;
    await putObject(key, errorObject(lines));
    const poisoned = new Set([records[1]!.toString("base64"), records[3]!.toString("base64")]);
    let attempts = 0;
    const original = KinesisClient.prototype.send;
    vi.spyOn(KinesisClient.prototype, "send").mockImplementation(async function (
      this: KinesisClient,
      command: unknown,
    ) {
      const call = original as (this: KinesisClient, c: unknown) => Promise<unknown>;
      if (!(command instanceof PutRecordsCommand) || poisoned.size === 0) return call.call(this, command);
      attempts++;
      const entries = command.input.Records ?? [];
      const bad = entries.map((e) => poisoned.has(Buffer.from(e.Data!).toString("base64")));
      const sent = entries.filter((_, i) => !bad[i]);
      const out = (
        sent.length > 0
          ? await call.call(this, new PutRecordsCommand({ ...command.input, Records: sent }))
          : {}
      ) as PutRecordsCommandOutput;
      const results = [...(out.Records ?? [])];
      return {
        ...out,
        FailedRecordCount: bad.filter(Boolean).length,
        Records: bad.map((b) =>
          b ? { ErrorCode: "InternalFailure", ErrorMessage: "injected" } : results.shift(),
        ),
      };
    } as never);

    const first = await redrive(true, ["errors"]);
    const logs = source(first, "errors/cloudwatch-logs/");
    expect([logs.replayed, logs.stillFailing]).toEqual([2, 2]);
    expect(attempts).toBe(4);
    expect(await objectLines(key)).toEqual([lines[1], lines[3]]);
    expect((await streamRecords()).map((b) => b.toString("base64"))).toEqual([
      records[0]!.toString("base64"),
      records[2]!.toString("base64"),
    ]);

    poisoned.clear();
    const second = await redrive(true, ["errors"]);
    expect(source(second, "errors/cloudwatch-logs/").replayed).toBe(2);
    expect((await streamRecords()).map((b) => b.toString("base64"))).toEqual(
      [0, 2, 1, 3].map((i) => records[i]!.toString("base64")),
    );
    expect(await keys()).toEqual([]);
  });

  it("puts event records into the events Firehose without the delimiter Firehose appended", async () => {
    await putObject(
      `${EVENTS_ERRORS}e.json.gz`,
      errorObject([
        errorLine(Buffer.from(`${event("ev-9")}\n`), "x"),
        errorLine(Buffer.from(event("ev-8")), "x"),
      ]),
    );

    const report = await redrive(true, ["errors"]);

    expect(firehose.of(EVENTS_FIREHOSE).map((b) => b.toString())).toEqual([event("ev-9"), event("ev-8")]);
    expect(source(report, "errors/events/").objects).toMatchObject({ deleted: 1 });
  });

  it("with the firehose transport, puts log records into the archive Firehose", async () => {
    const recipientConfig = devFile.config["central-logging:recipient"] as Record<string, unknown>;
    const { search: _search, ...rest } = recipientConfig;
    const direct = stackOf({
      ...devFile.config,
      "central-logging:recipient": { ...rest, transport: "firehose" },
    });
    const record = gz(envelope(["f1"]));
    await putObject(
      `errors/cloudwatch-logs/decompression-failed/2025/06/01/f.json.gz`,
      errorObject([errorLine(record)]),
    );

    const report = await redrive(true, SOURCE_NAMES, direct.plan);

    expect(report.notConfigured).toEqual(["search (recipient.search)"]);
    expect(firehose.of(direct.plan.recipient.firehose.name)).toEqual([record]);
    expect(await keys()).toEqual([]);
    expect(await streamRecords()).toEqual([]);
  });
});
