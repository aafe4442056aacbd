/**
 * `npm run bench`: throughput of the runtime Lambdas on realistic input, one thread (= one core,
 * as a Lambda invocation runs), with AWS answered in memory (no network). Each program is timed
 * next to its floor, interleaved, medians of the same passes.
 *
 * Search forwarder: gzipped CloudWatch Logs envelopes of CloudTrail events, generated
 * deterministically and delivered as Kinesis records (base64) in batches of 100, as the event
 * source mapping does. Its figure covers base64 + gunzip + JSON + document building + bulk body
 * serialization + request signing; the floor is base64 + gunzip + JSON.parse of the envelope and
 * of every message, on the same input.
 *
 * Gunzip Lambda (Firehose data transformation): CloudTrail, VPC flow and plain-text envelopes cut
 * into Firehose batches at the configured processor buffer; its figure is the handler's whole
 * per-batch work (decode, validate, plan, base64 the kept records, re-put the overflow to an
 * in-memory Kinesis); the floor is base64 + gunzip + JSON.parse of every record. Then the share
 * of records re-put per processor buffer size, on CloudTrail-like data.
 */
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { gunzipSync } from "node:zlib";
import type { PutRecordsCommand, PutRecordsCommandOutput } from "@aws-sdk/client-kinesis";
import type {
  FirehoseTransformationEvent,
  FirehoseTransformationEventRecord,
  FirehoseTransformationResult,
  KinesisStreamEvent,
} from "aws-lambda";
import { createHandler as createGunzipHandler } from "../infra/archive/cwlToFirehose";
import { processBatch } from "../infra/archive/cwlToFirehose/transform";
import { createHandler, parseForwarderEnv } from "../infra/search/forwarder";
import { cloudTrailEnvelope, kinesisData, kinesisEvent, seededRandom } from "../tests/doubles/cloudTrail";
import { type FakeRequest, fakeSearchClient } from "../tests/doubles/fakeOpenSearch";
import {
  type BufferMeasurement,
  chooseBuffer,
  type FloorComparison,
  floorRatio,
  formatBufferTable,
  formatFloorComparisons,
  reputShare,
} from "../tools/bench/benchReport";

const RECORDS = 400;
const EVENTS_PER_RECORD = 50;
const BATCH = 100;
const WARMUP = 3;
/** Timed passes of the forwarder (~0.3 s each). */
const ITERATIONS = 9;
/**
 * Timed passes of the gunzip Lambda: a pass is 20-150 ms, where one collection more or less moves
 * a median of 9 by a tenth; 25 keep the ratio from swinging with the machine.
 */
const GUNZIP_ITERATIONS = 25;
/** Targets of issue 14. */
const GUNZIP_TARGET = 1.3;
const FORWARDER_TARGET = 2.0;
const REPUT_TARGET = 0.1;
const MiB = 1024 * 1024;
/** The Lambda processor buffer sizes measured for re-puts (MB, taken as MiB: the larger batch). */
const BUFFER_SIZES_MB = [0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.75, 1, 1.5, 2, 3];

// The forwarder's own defaults, as the deployed Lambda reads them from its environment.
const settings = parseForwarderEnv({
  OPENSEARCH_ENDPOINT: "https://search-bench.ap-northeast-1.es.amazonaws.com",
  AWS_REGION: "ap-northeast-1",
  DEAD_LETTER_QUEUE_URL: "https://sqs.ap-northeast-1.amazonaws.com/999999999999/bench-dlq",
  INDEX_PREFIX: "cwl",
});

/** The processor buffer the archive component configures (read from its source: it registers resources). */
function configuredBufferMB(): number {
  const source = readFileSync(join(__dirname, "../infra/archive/archiveDelivery.ts"), "utf8");
  const match = /parameterName: "BufferSizeInMBs", parameterValue: "([0-9.]+)"/.exec(source);
  if (!match) throw new Error("BufferSizeInMBs not found in infra/archive/archiveDelivery.ts");
  return Number(match[1]);
}

function cloudTrailDatas(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const start = Date.UTC(2019, 3, 27, 13, 56, 42);
  return Array.from({ length: count }, (_, i) =>
    kinesisData(
      cloudTrailEnvelope(
        random,
        start + i * 60_000,
        EVENTS_PER_RECORD,
        `1111111111${String(i % 10).padStart(2, "0")}`,
      ),
    ),
  );
}

/** Envelopes of plain-text lines, `line(random, i)` each. */
function textDatas(
  count: number,
  seed: number,
  logGroup: string,
  line: (random: () => number, t: number) => string,
): string[] {
  const random = seededRandom(seed);
  const start = Date.UTC(2019, 3, 27, 13, 56, 42);
  return Array.from({ length: count }, (_, i) => {
    const logEvents = Array.from({ length: EVENTS_PER_RECORD }, (_, j) => {
      const t = start + i * 60_000 + j * 1000;
      const id = `${String(t).padStart(20, "0")}${String(Math.floor(random() * 1e12)).padStart(36, "0")}`;
      return { id, timestamp: t, message: line(random, t) };
    });
    return kinesisData({
      messageType: "DATA_MESSAGE",
      owner: "111111111111",
      logGroup,
      logStream: `stream-${i % 7}`,
      subscriptionFilters: ["central-logging-dev"],
      logEvents,
    });
  });
}

const octet = (random: () => number) => Math.floor(random() * 256);

const vpcFlowLine = (random: () => number, t: number) =>
  `2 111111111111 eni-0${Math.floor(random() * 1e9).toString(16)} 10.0.${octet(random)}.${octet(random)} ` +
  `203.0.113.${octet(random)} ${Math.floor(random() * 65536)} 443 6 ${1 + Math.floor(random() * 40)} ` +
  `${Math.floor(random() * 90_000)} ${Math.floor(t / 1000)} ${Math.floor(t / 1000) + 60} ${random() < 0.9 ? "ACCEPT" : "REJECT"} OK`;

const plainTextLine = (random: () => number, t: number) =>
  `${new Date(t).toISOString()} ${random() < 0.9 ? "INFO" : "WARN"} [worker-${Math.floor(random() * 8)}] ` +
  `request ${Math.floor(random() * 1e9).toString(36)} GET /api/v1/items/${Math.floor(random() * 1e6)} ` +
  `status=${random() < 0.95 ? 200 : 503} took=${Math.floor(random() * 900)}ms user=u-${Math.floor(random() * 5000)}`;

/** Consecutive records, a batch closing once it reaches `bufferBytes`, as Firehose buffers them. */
function firehoseBatches(datas: readonly string[], bufferBytes: number): FirehoseTransformationEvent[] {
  const events: FirehoseTransformationEvent[] = [];
  let records: FirehoseTransformationEventRecord[] = [];
  let bytes = 0;
  const close = () => {
    events.push({
      invocationId: randomUUID(),
      deliveryStreamArn: "arn:aws:firehose:ap-northeast-1:999999999999:deliverystream/bench",
      sourceKinesisStreamArn: "arn:aws:kinesis:ap-northeast-1:999999999999:stream/bench",
      region: "ap-northeast-1",
      records,
    });
    records = [];
    bytes = 0;
  };
  datas.forEach((data, i) => {
    // Firehose record ids are ~60 digits for a Kinesis source.
    records.push({
      recordId: `4959518907414618842615621320775935535774957368981952${String(i).padStart(10, "0")}`,
      approximateArrivalTimestamp: 1556373403028,
      data,
    });
    bytes += (data.length / 4) * 3;
    if (bytes >= bufferBytes) close();
  });
  if (records.length > 0) close();
  return events;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function time(run: () => Promise<void> | void): Promise<number> {
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
}

/** A full collection, with no flag on the command line (contexts made after the flag see `gc`). */
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/**
 * Medians of `program` and `floor`, interleaved so drift (thermal, GC) affects both alike. Each
 * comparison starts from a collected heap: the garbage of the sections before it (the re-put
 * measurement leaves hundreds of MB) is not swept during its passes.
 */
async function compare(
  name: string,
  program: () => Promise<void> | void,
  floor: () => void,
  iterations: number = ITERATIONS,
): Promise<FloorComparison> {
  collectGarbage();
  for (let i = 0; i < WARMUP; i++) {
    await program();
    floor();
  }
  const ms: number[] = [];
  const floorMs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    ms.push(await time(program));
    floorMs.push(await time(floor));
  }
  return { name, ms: median(ms), floorMs: median(floorMs) };
}

// ---- Gunzip Lambda ---------------------------------------------------------------------------

/** PutRecords answered in memory; counts what was re-put. */
function memoryKinesis() {
  let entries = 0;
  return {
    get entries() {
      return entries;
    },
    send: async (command: PutRecordsCommand): Promise<PutRecordsCommandOutput> => {
      const records = command.input.Records ?? [];
      entries += records.length;
      return {
        $metadata: {},
        FailedRecordCount: 0,
        Records: records.map((_, i) => ({ SequenceNumber: String(i), ShardId: "shardId-000000000000" })),
      };
    },
  };
}

/** What any reader of the batch must do: base64, gunzip and parse every record. */
function firehoseFloor(events: readonly FirehoseTransformationEvent[]): void {
  for (const event of events) {
    for (const record of event.records) {
      JSON.parse(gunzipSync(Buffer.from(record.data, "base64")).toString("utf8"));
    }
  }
}

/**
 * One invocation as Lambda's runtime makes it: the response is taken (here, its record count) and
 * let go before the next event. Awaiting the handler in the timing loop itself kept the previous
 * batch's response (MBs of base64) reachable through the next invocation, and the collector copied
 * it over and over: a cost of the loop, not of the Lambda.
 */
async function invoke(
  handler: (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult>,
  event: FirehoseTransformationEvent,
): Promise<number> {
  return (await handler(event)).records.length;
}

async function gunzipLambda(
  bufferMB: number,
): Promise<{ comparisons: FloorComparison[]; reput: number; records: number }> {
  const inputs: [string, string[]][] = [
    ["CloudTrail", cloudTrailDatas(RECORDS, 20190427)],
    ["VPC flow", textDatas(RECORDS, 7, "vpc-flow-logs", vpcFlowLine)],
    ["plain text", textDatas(RECORDS, 11, "/app/web", plainTextLine)],
  ];
  const comparisons: FloorComparison[] = [];
  let reput = 0;
  let records = 0;
  for (const [name, datas] of inputs) {
    const events = firehoseBatches(datas, bufferMB * MiB);
    const kinesis = memoryKinesis();
    const handler = createGunzipHandler({ kinesis, log: () => {} });
    comparisons.push(
      await compare(
        `gunzip Lambda, ${name} (${events.length} batches)`,
        async () => {
          for (const event of events) await invoke(handler, event);
        },
        () => firehoseFloor(events),
        GUNZIP_ITERATIONS,
      ),
    );
    const passes = WARMUP + GUNZIP_ITERATIONS;
    reput += kinesis.entries / passes;
    records += datas.length;
  }
  return { comparisons, reput, records };
}

/** Re-puts per processor buffer size, on one stream of CloudTrail-like records. */
function reputsByBuffer(datas: readonly string[]): BufferMeasurement[] {
  return BUFFER_SIZES_MB.map((bufferMB) => {
    const events = firehoseBatches(datas, bufferMB * MiB);
    let reput = 0;
    let maxResponseBytes = 0;
    for (const event of events) {
      const plan = processBatch(event.records);
      reput += plan.reingest.length;
      maxResponseBytes = Math.max(maxResponseBytes, plan.responseBytes);
    }
    return { bufferMB, batches: events.length, records: datas.length, reput, maxResponseBytes };
  });
}

// ---- Search forwarder ------------------------------------------------------------------------

/** The floor: what any consumer must do to read the same input. */
function forwarderFloor(batches: readonly KinesisStreamEvent[]): number {
  let messages = 0;
  for (const batch of batches) {
    for (const record of batch.Records) {
      const envelope = JSON.parse(gunzipSync(Buffer.from(record.kinesis.data, "base64")).toString("utf8"));
      for (const event of envelope.logEvents) {
        try {
          JSON.parse(event.message);
          messages++;
        } catch {
          // Not JSON: read as text.
        }
      }
    }
  }
  return messages;
}

async function forwarder() {
  const datas = cloudTrailDatas(RECORDS, 20190427);
  const batches: KinesisStreamEvent[] = [];
  for (let i = 0; i < datas.length; i += BATCH) {
    batches.push(kinesisEvent(datas.slice(i, i + BATCH)));
  }
  const compressedBytes = datas.reduce((sum, d) => sum + Buffer.from(d, "base64").length, 0);
  const events = RECORDS * EVENTS_PER_RECORD;
  let indexed = 0;
  // The requests of the latest pass; their bodies are read after the timed runs, not during them
  // (the in-memory domain decodes a body sent as bytes into text only when it is read).
  let requests: FakeRequest[] = [];
  const search = fakeSearchClient((req) => {
    requests.push(req);
    return { status: 200, body: { took: 1, errors: false, items: [] } };
  });
  const handler = createHandler({
    settings,
    search,
    sqs: {
      send: async () => {
        throw new Error("the bench input has no dead letters");
      },
    },
    log: (line) => {
      indexed += JSON.parse(line).indexed;
    },
  });
  const comparison = await compare(
    "search forwarder (decode+build+serialize+sign)",
    async () => {
      requests = [];
      for (const batch of batches) {
        const { batchItemFailures } = await handler(batch);
        if (batchItemFailures.length > 0) throw new Error("unexpected batch item failures");
      }
    },
    () => void forwarderFloor(batches),
  );
  if (indexed !== events * (WARMUP + ITERATIONS)) {
    throw new Error(`indexed ${indexed} documents, expected ${events * (WARMUP + ITERATIONS)}`);
  }
  const bodies = requests.map((r) => r.body);
  const bulkBytes = bodies.reduce((sum, b) => sum + Buffer.byteLength(b, "utf8"), 0);
  // SigV4 hashes every bulk body: part of the forwarder's time that no faster code can avoid.
  const hashMs = median(
    await Promise.all(
      Array.from({ length: ITERATIONS }, () =>
        time(() => {
          for (const b of bodies) createHash("sha256").update(b, "utf8").digest("hex");
        }),
      ),
    ),
  );
  return { comparison, compressedBytes, events, bulkBytes, requests: bodies.length, hashMs };
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const verdict = (ok: boolean) => (ok ? "ok" : "OVER TARGET");

async function main(): Promise<void> {
  const t0 = performance.now();
  const configured = configuredBufferMB();
  console.log(
    `central-logging bench: node ${process.version}, one thread; medians of ${ITERATIONS} passes (gunzip Lambda: ${GUNZIP_ITERATIONS}) after ${WARMUP} warm-up passes, program and floor interleaved`,
  );

  // The timed sections first, each from a collected heap; the re-put table (counts, no timing)
  // last: its hundreds of MB of garbage would otherwise be swept during the timed passes.
  const gz = await gunzipLambda(configured);
  console.log("");
  console.log(
    `gunzip Lambda: ${RECORDS} records x ${EVENTS_PER_RECORD} events per input, in Firehose batches of ${configured} MB (the configured processor buffer)`,
  );
  for (const line of formatFloorComparisons(gz.comparisons)) console.log(`  ${line}`);
  console.log(`  re-put while timed: ${gz.reput.toFixed(0)} of ${gz.records} records per pass`);

  const fwd = await forwarder();
  const mb = fwd.compressedBytes / 1e6;
  console.log("");
  console.log(
    `search forwarder: ${RECORDS} Kinesis records in ${RECORDS / BATCH} batches, ${fwd.events.toLocaleString("en-US")} CloudTrail events, ` +
      `${mb.toFixed(2)} MB gzip (${(fwd.compressedBytes / RECORDS / 1024).toFixed(1)} KiB/record)`,
  );
  console.log(
    `  bulk output per pass: ${(fwd.bulkBytes / 1e6).toFixed(2)} MB in ${fwd.requests} requests, ${Math.round(fwd.bulkBytes / fwd.events)} bytes per document`,
  );
  for (const line of formatFloorComparisons([fwd.comparison])) console.log(`  ${line}`);
  console.log(
    `  SHA-256 of the bulk bodies (SigV4 payload hash): ${fwd.hashMs.toFixed(1)} ms, ${(fwd.hashMs / fwd.comparison.floorMs).toFixed(2)}x the floor's ${fwd.comparison.floorMs.toFixed(1)} ms ` +
      `(part of the forwarder's time; ${(fwd.events / (fwd.comparison.ms / 1000)).toLocaleString("en-US", { maximumFractionDigits: 0 })} events/s)`,
  );

  // Re-puts by buffer size: whether the configured buffer keeps them within target.
  const stream = cloudTrailDatas(1200, 4242);
  const measurements = reputsByBuffer(stream);
  console.log("");
  console.log(
    `re-puts per processor buffer size: ${stream.length} CloudTrail records (${(stream.reduce((s, d) => s + (d.length / 4) * 3, 0) / MiB).toFixed(2)} MiB gzip), default 6,000,000-byte response budget`,
  );
  for (const line of formatBufferTable(measurements, configured)) console.log(`  ${line}`);
  const withinTarget = chooseBuffer(measurements, REPUT_TARGET);
  // No re-puts at all leaves headroom for data that compresses better than this sample.
  const chosen = chooseBuffer(measurements, 0) ?? withinTarget;
  const atConfigured = measurements.find((m) => m.bufferMB === configured);
  const configuredShare = atConfigured ? reputShare(atConfigured) : Number.NaN;
  console.log(
    `  largest buffer re-putting at most ${pct(REPUT_TARGET)}: ${withinTarget ? `${withinTarget.bufferMB} MB (${pct(reputShare(withinTarget))})` : "none"}; ` +
      `re-putting none: ${chosen ? `${chosen.bufferMB} MB` : "none"}`,
  );

  const gunzipWorst = Math.max(...gz.comparisons.map(floorRatio));
  const fwdRatio = floorRatio(fwd.comparison);
  console.log("");
  console.log("summary:");
  console.log(
    `  gunzip Lambda / floor: ${gunzipWorst.toFixed(2)}x at worst (target ${GUNZIP_TARGET}x): ${verdict(gunzipWorst <= GUNZIP_TARGET)}`,
  );
  console.log(
    `  search forwarder / floor: ${fwdRatio.toFixed(2)}x (target ${FORWARDER_TARGET}x): ${verdict(fwdRatio <= FORWARDER_TARGET)}`,
  );
  console.log(
    `  re-put share, CloudTrail at the configured ${configured} MB buffer: ${pct(configuredShare)} (target ${pct(REPUT_TARGET)}): ${verdict(configuredShare <= REPUT_TARGET)}`,
  );
  if (chosen && chosen.bufferMB !== configured) {
    console.log(
      `  recommended processor BufferSizeInMBs: ${chosen.bufferMB} (re-put share ${pct(reputShare(chosen))}, largest response ${(chosen.maxResponseBytes / 1e6).toFixed(2)} MB)`,
    );
  }
  console.log(`  bench took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
