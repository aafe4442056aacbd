import { describe, expect, it } from "vitest";
import { projectNodeArgs, readProjectNodeArgs } from "./projectFile";

describe("projectNodeArgs", () => {
  it("splits runtime.options.nodeargs on whitespace", () => {
    const text = "name: p\nruntime:\n  name: nodejs\n  options:\n    nodeargs: ' --a=1   --b '\n";
    expect(projectNodeArgs(text)).toEqual(["--a=1", "--b"]);
  });

  it("is empty for a bare runtime or no nodeargs", () => {
    expect(projectNodeArgs("name: p\nruntime: nodejs\n")).toEqual([]);
    expect(projectNodeArgs("name: p\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n")).toEqual(
      [],
    );
  });

  it("refuses nodeargs that are not a string", () => {
    expect(() => projectNodeArgs("runtime:\n  name: nodejs\n  options:\n    nodeargs: [--a]\n")).toThrow(
      /runtime\.options\.nodeargs must be a string of node flags, not \["--a"\]/,
    );
  });

  it("reads the project's own file: a larger young generation for deploys with many resources", () => {
    expect(readProjectNodeArgs()).toEqual(["--max-semi-space-size=32"]);
  });
});
