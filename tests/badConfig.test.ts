/**
 * A bad stack config stops the real program before anything is registered — no provider, no
 * resource, no component — with one message naming every offending key and value.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type ProgramFailure, type ProgramRun, runProgram } from "../tools/offline/run";
import { stackConfig } from "./support/program";

let run: ProgramRun | ProgramFailure;

beforeAll(async () => {
  run = await runProgram(
    "dev",
    stackConfig(
      { accountId: "999999999999", region: "ap-northeast-1", transport: "kafka" },
      [
        { accountId: "111111111111", regions: ["ap-northeast-1"] },
        { accountId: "222222222222", regions: ["us-east-9"] },
        { accountId: "111111111111", regions: ["us-east-2"] },
      ],
      { "central-logging:namePrefx": "audit" },
    ),
  );
});

describe("a stack config with four mistakes", () => {
  it("is refused as a config error", () => {
    expect(run.ok).toBe(false);
    expect(run.ok === false && run.configError).toBe(true);
  });

  it("reports every problem together, each naming key and value", () => {
    expect(run.ok === false ? [...run.errors].sort() : []).toEqual(
      [
        "central-logging:namePrefx: 'audit' is not a known key (known: namePrefix, recipient, sources, part, recipientStack, providerBudgetMiB)",
        "recipient.transport: 'kafka' must be 'kinesis' or 'firehose'",
        "sources[1].regions[0]: 'us-east-9' is not an AWS region",
        "sources[2].accountId: '111111111111' is listed twice (also sources[0]); list each account once with all its regions",
      ].sort(),
    );
  });

  it("registers nothing at all: no provider, no resource, no component", () => {
    expect(run.mocks.providers.size).toBe(0);
    expect(run.mocks.resources).toEqual([]);
  });
});
