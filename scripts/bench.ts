/**
 * `npm run bench`: throughput of the search forwarder on realistic input, one thread (= one core,
 * as a Lambda invocation runs), with the OpenSearch transport answered in memory (no network).
 *
 * Input: gzipped CloudWatch Logs envelopes of CloudTrail events, generated deterministically and
 * delivered as Kinesis records (base64) in batches of 100, as the event source mapping does. The
 * forwarder's figure covers base64 + gunzip + JSON + document building + bulk body serialization
 * + request signing; the floor is base64 + gunzip + JSON.parse of the envelope and of every
 * message, on the same input. Both are reported per MB of compressed input and per event.
 */
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import type { KinesisStreamEvent } from "aws-lambda";
import { createHandler, parseForwarderEnv } from "../infra/functions/searchForwarder/index";
import {
  cloudTrailEnvelope,
  kinesisData,
  kinesisEvent,
  seededRandom,
} from "../infra/functions/testing/cloudTrail";
import { fakeSearchClient } from "../infra/functions/testing/fakeOpenSearch";

const RECORDS = 400;
const EVENTS_PER_RECORD = 50;
const BATCH = 100;
const WARMUP = 3;
const ITERATIONS = 9;

// The forwarder's own defaults, as the deployed Lambda reads them from its environment.
const settings = parseForwarderEnv({
  OPENSEARCH_ENDPOINT: "https://search-bench.ap-northeast-1.es.amazonaws.com",
  AWS_REGION: "ap-northeast-1",
  DEAD_LETTER_QUEUE_URL: "https://sqs.ap-northeast-1.amazonaws.com/999999999999/bench-dlq",
  INDEX_PREFIX: "cwl",
});

function generate(): { batches: KinesisStreamEvent[]; compressedBytes: number; events: number } {
  const random = seededRandom(20190427);
  const start = Date.UTC(2019, 3, 27, 13, 56, 42);
  const datas = Array.from({ length: RECORDS }, (_, i) =>
    kinesisData(
      cloudTrailEnvelope(
        random,
        start + i * 60_000,
        EVENTS_PER_RECORD,
        `1111111111${String(i % 10).padStart(2, "0")}`,
      ),
    ),
  );
  const batches: KinesisStreamEvent[] = [];
  for (let i = 0; i < datas.length; i += BATCH) {
    batches.push(kinesisEvent(datas.slice(i, i + BATCH)));
  }
  const compressedBytes = datas.reduce((sum, d) => sum + Buffer.from(d, "base64").length, 0);
  return { batches, compressedBytes, events: RECORDS * EVENTS_PER_RECORD };
}

/** The floor: what any consumer must do to read the same input. */
function floor(batches: readonly KinesisStreamEvent[]): number {
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

async function main(): Promise<void> {
  const { batches, compressedBytes, events } = generate();
  let indexed = 0;
  // The bodies of the latest pass; measured after the timed runs, not during them.
  let bodies: string[] = [];
  const search = fakeSearchClient((req) => {
    bodies.push(req.body);
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
  const forward = async () => {
    bodies = [];
    for (const batch of batches) {
      const { batchItemFailures } = await handler(batch);
      if (batchItemFailures.length > 0) throw new Error("unexpected batch item failures");
    }
  };

  for (let i = 0; i < WARMUP; i++) {
    await forward();
    floor(batches);
  }
  indexed = 0;
  const forwarderMs: number[] = [];
  const floorMs: number[] = [];
  // Interleaved, so drift (thermal, GC) affects both alike.
  for (let i = 0; i < ITERATIONS; i++) {
    forwarderMs.push(await time(forward));
    floorMs.push(await time(() => void floor(batches)));
  }
  if (indexed !== events * ITERATIONS) {
    throw new Error(`indexed ${indexed} documents, expected ${events * ITERATIONS}`);
  }

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
  const mb = compressedBytes / 1e6;
  const row = (name: string, ms: number) =>
    `${name.padEnd(34)} ${ms.toFixed(1).padStart(9)} ms ${(mb / (ms / 1000)).toFixed(2).padStart(9)} MB/s ${Math.round(
      events / (ms / 1000),
    )
      .toLocaleString("en-US")
      .padStart(12)} events/s`;
  const fwd = median(forwarderMs);
  const base = median(floorMs);
  console.log(
    `search forwarder bench: ${RECORDS} Kinesis records in ${batches.length} batches, ${events.toLocaleString("en-US")} CloudTrail events`,
  );
  console.log(
    `input: ${mb.toFixed(2)} MB gzip (${(compressedBytes / RECORDS / 1024).toFixed(1)} KiB/record), ` +
      `bulk output ${(bulkBytes / 1e6).toFixed(2)} MB in ${bodies.length} requests per pass; median of ${ITERATIONS} after ${WARMUP} warm-up passes, one thread`,
  );
  console.log(row("forwarder (decode+build+serialize)", fwd));
  console.log(row("floor (gunzip + JSON.parse)", base));
  console.log(`ratio forwarder / floor: ${(fwd / base).toFixed(2)}x`);
  console.log(`of the forwarder's time, SHA-256 of the bulk bodies for SigV4: ${hashMs.toFixed(1)} ms`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
