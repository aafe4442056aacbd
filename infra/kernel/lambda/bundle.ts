import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { buildSync } from "esbuild";

const cache = new Map<string, string>();

/** `infra/`: handler paths are relative to it. */
const INFRA_ROOT = path.resolve(__dirname, "../..");

/**
 * Bundles a Lambda handler (path relative to infra/, e.g. `archive/cwlToFirehose/index.ts`: each
 * capability folder holds its own Lambdas) into one self-contained CommonJS file.
 * Dependencies, the AWS SDK included, are bundled so the deployed code does not depend on whichever
 * SDK version the Lambda runtime happens to ship.
 */
export function bundleFunction(entry: string): string {
  const entryPath = path.resolve(INFRA_ROOT, entry);
  const cached = cache.get(entryPath);
  if (cached !== undefined) {
    return cached;
  }
  const result = buildSync({
    entryPoints: [entryPath],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minify: true,
    write: false,
    sourcemap: false,
    legalComments: "none",
    logLevel: "error",
  });
  const output = result.outputFiles[0];
  if (result.outputFiles.length !== 1 || output === undefined) {
    throw new Error(`esbuild produced ${result.outputFiles.length} files for ${entry}, expected 1`);
  }
  cache.set(entryPath, output.text);
  return output.text;
}

/** A Lambda code archive whose handler is `index.handler`. */
export function functionArchive(entry: string): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({
    "index.js": new pulumi.asset.StringAsset(bundleFunction(entry)),
  });
}
