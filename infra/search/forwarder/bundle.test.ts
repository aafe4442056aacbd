import { afterEach, describe, expect, it } from "vitest";
import { evaluateBundle } from "../../../tests/doubles/bundle";
import { kinesisEvent } from "../../../tests/doubles/cloudTrail";
import getRecords from "../../../tests/fixtures/kinesis-get-records.json";
import { bundleFunction } from "../../kernel/lambda/bundle";

const ENV = {
  OPENSEARCH_ENDPOINT: "https://search-test-abc123.ap-northeast-1.es.amazonaws.com",
  INDEX_PREFIX: "cwl",
  DEAD_LETTER_QUEUE_URL: "https://sqs.ap-northeast-1.amazonaws.com/999999999999/dlq",
  AWS_REGION: "ap-northeast-1",
};
const saved = { ...process.env };

afterEach(() => {
  for (const key of Object.keys(ENV)) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

describe("searchForwarder bundle", () => {
  it("is self-contained CommonJS with the OpenSearch client and the SQS client inlined", () => {
    const code = bundleFunction("search/forwarder/index.ts");
    expect(code).toContain("opensearch-js/");
    expect(code).toContain("AmazonSQS");
    expect(code).not.toContain("sourceMappingURL");
    const exports = evaluateBundle(code);
    expect(typeof exports.handler).toBe("function");
    expect(typeof exports.createHandler).toBe("function");
  });

  it("handles the blog's control message from the environment's settings, offline", async () => {
    Object.assign(process.env, ENV);
    const exports = evaluateBundle(bundleFunction("search/forwarder/index.ts"));
    const handler = exports.handler as (event: unknown) => Promise<unknown>;
    expect(await handler(kinesisEvent([getRecords.Records[0]!.Data]))).toEqual({ batchItemFailures: [] });
  });

  it("refuses to start without its configuration, naming the variables", async () => {
    for (const key of Object.keys(ENV)) delete process.env[key];
    const exports = evaluateBundle(bundleFunction("search/forwarder/index.ts"));
    const handler = exports.handler as (event: unknown) => Promise<unknown>;
    await expect(handler(kinesisEvent([]))).rejects.toThrow(
      /OPENSEARCH_ENDPOINT.*INDEX_PREFIX.*DEAD_LETTER_QUEUE_URL/,
    );
  });
});
