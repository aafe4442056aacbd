import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { evaluateBundle as evaluate } from "../../../tests/doubles/bundle";
import { bundleFunction, functionArchive } from "./bundle";

describe("bundleFunction", () => {
  it("bundles the cwlToFirehose handler into self-contained, minified CommonJS", () => {
    const code = bundleFunction("archive/cwlToFirehose/index.ts");
    expect(code).toContain("handler");
    // The SDK is inlined (evaluate() below also refuses any non-builtin require).
    expect(code).toContain("Kinesis_20131202");
    expect(code).not.toContain("sourceMappingURL");
    // Minified: module-local names are mangled.
    expect(code).not.toContain("toPutEntries");
    const exports = evaluate(code);
    expect(typeof exports.handler).toBe("function");
    expect(typeof exports.createHandler).toBe("function");
  });

  it("bundled handler transforms a real record", async () => {
    const exports = evaluate(bundleFunction("archive/cwlToFirehose/index.ts"));
    const handler = exports.handler as (event: unknown) => Promise<unknown>;
    const result = await handler({
      invocationId: "i",
      deliveryStreamArn: "arn:aws:firehose:us-east-1:222222222222:deliverystream/x",
      region: "us-east-1",
      records: [{ recordId: "r", approximateArrivalTimestamp: 0, data: "not-gzip" }],
    });
    expect(result).toEqual({ records: [{ recordId: "r", result: "ProcessingFailed", data: "not-gzip" }] });
  });

  it("caches per entry", () => {
    expect(bundleFunction("archive/cwlToFirehose/index.ts")).toBe(
      bundleFunction("./archive/cwlToFirehose/index.ts"),
    );
  });

  it("fails loudly for a missing entry", () => {
    expect(() => bundleFunction("doesNotExist/index.ts")).toThrow();
  });
});

describe("functionArchive", () => {
  it("wraps the bundle as index.js so the Lambda handler is index.handler", async () => {
    const archive = functionArchive("archive/cwlToFirehose/index.ts");
    expect(archive).toBeInstanceOf(pulumi.asset.AssetArchive);
    const assets = await archive.assets;
    expect(Object.keys(assets)).toEqual(["index.js"]);
    const asset = assets["index.js"];
    expect(asset).toBeInstanceOf(pulumi.asset.StringAsset);
    expect(await (asset as pulumi.asset.StringAsset).text).toBe(
      bundleFunction("archive/cwlToFirehose/index.ts"),
    );
  });
});
