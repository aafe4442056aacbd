import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parse } from "yaml";
import type { StackConfig } from "./run";

export interface StackFile {
  stack: string;
  config: StackConfig;
}

/** Reads `Pulumi.<stack>.yaml`: its `config:` map, keys as Pulumi stores them. */
export function readStackFile(path: string): StackFile {
  const match = /^Pulumi\.(.+)\.ya?ml$/.exec(basename(path));
  if (!match?.[1]) throw new Error(`${path}: not a stack file (expected Pulumi.<stack>.yaml)`);
  const doc: unknown = parse(readFileSync(path, "utf8"));
  const config =
    typeof doc === "object" && doc !== null && "config" in doc && typeof doc.config === "object" && doc.config
      ? (doc.config as StackConfig)
      : {};
  return { stack: match[1], config };
}
