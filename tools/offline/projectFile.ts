import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** The project file beside package.json: what `pulumi up` reads first. */
export const PROJECT_FILE = join(__dirname, "..", "..", "Pulumi.yaml");

/**
 * The node flags a real `pulumi up` gives the program: Pulumi.yaml's `runtime.options.nodeargs`
 * (a NodeJS-only runtime option, pulumi/pulumi#8655), split on whitespace as the language host
 * does. Offline measurements run with the same flags, so they measure the process a deploy runs.
 */
export function projectNodeArgs(text: string): string[] {
  const doc: unknown = parse(text);
  const runtime = typeof doc === "object" && doc !== null && "runtime" in doc ? doc.runtime : undefined;
  // `runtime: nodejs` (a bare string) has no options.
  if (typeof runtime !== "object" || runtime === null || !("options" in runtime)) return [];
  const options = runtime.options;
  if (typeof options !== "object" || options === null || !("nodeargs" in options)) return [];
  const nodeargs = options.nodeargs;
  if (typeof nodeargs !== "string")
    throw new Error(
      `Pulumi.yaml: runtime.options.nodeargs must be a string of node flags, not ${JSON.stringify(nodeargs)}`,
    );
  return nodeargs.split(/\s+/).filter((flag) => flag !== "");
}

export function readProjectNodeArgs(path = PROJECT_FILE): string[] {
  return projectNodeArgs(readFileSync(path, "utf8"));
}
