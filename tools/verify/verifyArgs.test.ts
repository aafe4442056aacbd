import { describe, expect, it } from "vitest";
import { DEFAULT_TIMEOUT_MS, parseDuration, parseVerifyArgs } from "./verifyArgs";

describe("parseDuration", () => {
  it("reads seconds, minutes and hours; a bare number is seconds", () => {
    expect(["900", "90s", "20m", "20min", "1h", "1.5h", "500ms"].map(parseDuration)).toEqual([
      900_000, 90_000, 1_200_000, 1_200_000, 3_600_000, 5_400_000, 500,
    ]);
    expect(["", "m", "-5", "5 days", "1e3", "5d"].map(parseDuration)).toEqual(Array(6).fill(undefined));
  });
});

describe("parseVerifyArgs", () => {
  it("names the stack file by --stack or --file", () => {
    expect(parseVerifyArgs(["--stack", "dev"])).toEqual({
      ok: true,
      command: { kind: "run", file: "Pulumi.dev.yaml", timeoutMs: DEFAULT_TIMEOUT_MS, json: false },
    });
    expect(parseVerifyArgs(["--file", "stacks/Pulumi.prod.yaml", "--json", "--timeout", "20m"])).toEqual({
      ok: true,
      command: { kind: "run", file: "stacks/Pulumi.prod.yaml", timeoutMs: 1_200_000, json: true },
    });
    expect(DEFAULT_TIMEOUT_MS).toBe(900_000);
  });

  it("takes --role-name: the role assumed in every account", () => {
    const parsed = parseVerifyArgs(["--stack", "dev", "--role-name", "CentralLoggingOperator"]);
    expect(parsed.ok && parsed.command.kind === "run" && parsed.command.roleName).toBe(
      "CentralLoggingOperator",
    );
    expect(parseVerifyArgs(["--stack", "dev", "--role-name", "a/b"])).toEqual({
      ok: false,
      error: '--role-name "a/b" is not a valid IAM role name (letters, digits and _+=,.@-)',
    });
  });

  it("prints help", () => {
    expect(parseVerifyArgs(["-h"])).toEqual({ ok: true, command: { kind: "help" } });
    expect(parseVerifyArgs(["--help", "--stack", "dev"])).toEqual({ ok: true, command: { kind: "help" } });
  });

  it("refuses what it cannot run", () => {
    const error = (argv: string[]) => {
      const parsed = parseVerifyArgs(argv);
      return parsed.ok ? undefined : parsed.error;
    };
    expect(error([])).toBe("which stack? --stack NAME | --file PATH/Pulumi.NAME.yaml");
    expect(error(["--stack", "dev", "--file", "Pulumi.dev.yaml"])).toBe(
      "--stack and --file name the same thing: give one",
    );
    expect(error(["--stack", "../etc"])).toBe("--stack ../etc is not a stack name");
    expect(error(["--stack", "dev", "extra"])).toBe("unexpected argument extra");
    expect(error(["--stack", "dev", "--timeout", "0"])).toMatch(
      /^--timeout must be a duration from 1s to 24h/,
    );
    expect(error(["--stack", "dev", "--timeout", "25h"])).toMatch(/^--timeout must be/);
    expect(error(["--stack", "dev", "--timeout", "soon"])).toMatch(/, not soon$/);
    expect(error(["--stack", "dev", "--verbose"])).toMatch(/--verbose/);
    expect(error(["--stack"])).toMatch(/--stack/);
  });
});
