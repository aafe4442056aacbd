import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  noPositionals,
  parseCommandLine,
  roleNameArg,
  STACK_FILE_OPTIONS,
  stackFileArg,
  stackTargetArg,
} from "./args";

describe("parseCommandLine", () => {
  const options = { ...STACK_FILE_OPTIONS, json: { type: "boolean" } } as const;

  it("gives the values and positionals", () => {
    expect(parseCommandLine(["--stack", "dev", "--json", "x"], options)).toEqual({
      ok: true,
      values: { stack: "dev", json: true },
      positionals: ["x"],
    });
  });

  it("turns parseArgs' throws into usage errors naming the option", () => {
    const unknown = parseCommandLine(["--bogus"], options);
    expect(unknown.ok).toBe(false);
    expect(!unknown.ok && unknown.error).toMatch(/'--bogus'/);
    const missing = parseCommandLine(["--stack"], options);
    expect(!missing.ok && missing.error).toMatch(/--stack/);
  });
});

describe("stackFileArg", () => {
  it("names Pulumi.<stack>.yaml for --stack, the file as given for --file", () => {
    expect(stackFileArg({ stack: "prod" })).toEqual({ ok: true, file: "Pulumi.prod.yaml" });
    expect(stackFileArg({ file: "../x/Pulumi.dev.yaml" })).toEqual({
      ok: true,
      file: "../x/Pulumi.dev.yaml",
    });
  });

  it("wants exactly one of them", () => {
    expect(stackFileArg({})).toEqual({
      ok: false,
      error: "which stack? --stack NAME | --file PATH/Pulumi.NAME.yaml",
    });
    expect(stackFileArg({ stack: "dev", file: "Pulumi.dev.yaml" })).toEqual({
      ok: false,
      error: "--stack and --file name the same thing: give one",
    });
  });

  it("accepts exactly Pulumi's stack-name characters", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), (stack) => {
        const result = stackFileArg({ stack });
        expect(result.ok).toBe(/^[A-Za-z0-9_.-]+$/.test(stack));
        if (!result.ok) expect(result.error).toBe(`--stack ${stack} is not a stack name`);
      }),
    );
  });
});

describe("noPositionals", () => {
  it("names what was not expected", () => {
    expect(noPositionals([])).toBeUndefined();
    expect(noPositionals(["a", "b"])).toBe("unexpected argument a b");
  });
});

describe("roleNameArg", () => {
  it("accepts IAM's role-name characters, 1 to 64 of them", () => {
    expect(roleNameArg({})).toEqual({ ok: true });
    expect(roleNameArg({ "role-name": "Ops+=,.@_-1" })).toEqual({ ok: true, roleName: "Ops+=,.@_-1" });
    expect(roleNameArg({ "role-name": "x".repeat(64) }).ok).toBe(true);
    expect(roleNameArg({ "role-name": "x".repeat(65) }).ok).toBe(false);
    expect(roleNameArg({ "role-name": "" }).ok).toBe(false);
    expect(roleNameArg({ "role-name": "path/Ops" }).ok).toBe(false);
  });
});

describe("stackTargetArg", () => {
  it("gives the stack file and the role, or the first problem", () => {
    expect(stackTargetArg({ stack: "dev", "role-name": "Ops" }, [])).toEqual({
      ok: true,
      target: { file: "Pulumi.dev.yaml", roleName: "Ops" },
    });
    expect(stackTargetArg({ file: "Pulumi.x.yaml" }, [])).toEqual({
      ok: true,
      target: { file: "Pulumi.x.yaml" },
    });
    expect(stackTargetArg({ stack: "dev" }, ["extra"])).toEqual({
      ok: false,
      error: "unexpected argument extra",
    });
    expect(stackTargetArg({ "role-name": "Ops" }, [])).toMatchObject({ ok: false, error: /^which stack\?/ });
    expect(stackTargetArg({ stack: "dev", "role-name": "a b" }, [])).toMatchObject({ ok: false });
  });
});
