/**
 * The mock harness leans on two private hooks of @pulumi/pulumi (the mock monitor's
 * registerResource, to see parents and dependencies; runtime/settings' waitForRPCs, to wait for
 * every registration). An SDK upgrade that changes either must fail here, by name, not thin out
 * every other test's assertions silently.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect, it } from "vitest";
import { stackConfig } from "../../tests/support/program";
import { runProgram, withoutSdkStackTraces } from "./run";

it("finds the SDK hooks it relies on", async () => {
  const settings = (await import("@pulumi/pulumi/runtime/settings")) as { waitForRPCs?: unknown };
  expect(typeof settings.waitForRPCs).toBe("function");
  const run = await runProgram(
    "hooks",
    stackConfig({ accountId: "999999999999", region: "us-east-1" }, [
      { accountId: "111111111111", regions: ["us-east-1"], subscriptions: [{ logGroup: "app" }] },
    ]),
  );
  expect(run.ok).toBe(true);
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource?: unknown };
  expect(typeof monitor.registerResource).toBe("function");
  // Through the hook: children know their parent, and filters their dependencies.
  const filter = run.mocks.resources.find(
    (r) => r.type === "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
  );
  expect(filter?.parent).toMatch(/^central-logging:/);
  expect(filter?.dependsOn.length).toBeGreaterThan(0);
});

it("captures and formats no stack frames while a program runs, and restores both after", () => {
  const before = { limit: Error.stackTraceLimit, prepare: Error.prepareStackTrace };
  const restore = withoutSdkStackTraces();
  try {
    expect(new TypeError("bad value").stack).toBe("TypeError: bad value");
    // What the SDK's source positions read: a full-depth trace, with no frame in it.
    Error.stackTraceLimit = Number.POSITIVE_INFINITY;
    expect(new Error("x").stack).toBe("Error: x");
  } finally {
    Error.stackTraceLimit = 0;
    restore();
  }
  expect(Error.stackTraceLimit).toBe(before.limit);
  expect(Error.prepareStackTrace).toBe(before.prepare);
  expect(new Error("y").stack).toMatch(/^Error: y\n\s+at /);
});
