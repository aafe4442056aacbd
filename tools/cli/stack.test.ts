import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadStackFile } from "./stack";

const ROOT = resolve(__dirname, "..", "..");

describe("loadStackFile", () => {
  it("resolves a stack file as the program does: settings and plan", () => {
    const loaded = loadStackFile("Pulumi.dev.yaml", ROOT);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.stack).toBe("dev");
    expect(loaded.plan.destinations.length).toBeGreaterThan(0);
    expect(loaded.settings.recipient.accountId).toMatch(/^\d{12}$/);
  });

  it("says in one line why a file cannot be read", () => {
    const loaded = loadStackFile("Pulumi.nosuch.yaml", ROOT);
    expect(loaded).toMatchObject({ ok: false, lines: [expect.stringContaining("ENOENT")] });
  });

  it("lists a refused config key by key, under the stack's name", () => {
    const dir = mkdtempSync(join(tmpdir(), "stack-"));
    writeFileSync(join(dir, "Pulumi.broken.yaml"), "config:\n  central-logging:sources: []\n");
    const loaded = loadStackFile("Pulumi.broken.yaml", dir);
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.lines[0]).toBe("the config of stack broken is refused:");
    expect(loaded.lines.slice(1).length).toBeGreaterThan(0);
    for (const l of loaded.lines.slice(1)) expect(l).toMatch(/^ {2}\S/);
  });
});
