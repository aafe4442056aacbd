import { describe, expect, it } from "vitest";
import { parseRedriveArgs } from "./args";

const run = (argv: string[]) => {
  const parsed = parseRedriveArgs(argv);
  if (!parsed.ok) throw new Error(parsed.error);
  if (parsed.command.kind !== "run") throw new Error("not a run");
  return parsed.command;
};

const error = (argv: string[]) => {
  const parsed = parseRedriveArgs(argv);
  if (parsed.ok) throw new Error("parsed");
  return parsed.error;
};

describe("parseRedriveArgs", () => {
  it("defaults to a dry run of every source, logging in to OpenSearch with the admin secret", () => {
    expect(run(["--stack", "dev"])).toEqual({
      kind: "run",
      file: "Pulumi.dev.yaml",
      apply: false,
      only: new Set(["search", "events", "errors"]),
      json: false,
      searchAuth: "secret",
    });
  });

  it("takes --file, --apply, --json, repeated or comma-separated --only, the search options", () => {
    expect(
      run([
        "--file",
        "stacks/Pulumi.x.yaml",
        "--apply",
        "--json",
        "--only",
        "search,errors",
        "--only",
        "events",
        "--search-auth",
        "sigv4",
        "--search-endpoint",
        "https://search-x.ap-northeast-1.es.amazonaws.com",
      ]),
    ).toEqual({
      kind: "run",
      file: "stacks/Pulumi.x.yaml",
      apply: true,
      only: new Set(["search", "errors", "events"]),
      json: true,
      searchAuth: "sigv4",
      searchEndpoint: "https://search-x.ap-northeast-1.es.amazonaws.com",
    });
    expect(run(["--stack", "prod", "--only", "errors"]).only).toEqual(new Set(["errors"]));
  });

  it("passes --role-name on", () => {
    const parsed = parseRedriveArgs(["--stack", "dev", "--role-name", "Ops"]);
    expect(parsed.ok && parsed.command.kind === "run" && parsed.command.roleName).toBe("Ops");
  });

  it("answers --help", () => {
    expect(parseRedriveArgs(["--help"])).toEqual({ ok: true, command: { kind: "help" } });
  });

  it.each([
    [[], /^which stack\? --stack NAME \| --file PATH\/Pulumi\.NAME\.yaml$/],
    [["--stack", "dev", "--file", "Pulumi.dev.yaml"], /give one/],
    [["--stack", "../etc"], /not a stack name/],
    [["--stack", "dev", "--only", "search,logs"], /--only logs: expected search, events, errors/],
    [["--stack", "dev", "--search-auth", "basic"], /secret or sigv4/],
    [["--stack", "dev", "--search-endpoint", "http://x"], /https:\/\/<host>/],
    [["--stack", "dev", "extra"], /unexpected argument extra/],
    [["--stack", "dev", "--force"], /Unknown option '--force'/],
    [["--stack"], /argument missing/],
    [["--stack", "dev", "--role-name", "x".repeat(65)], /is 65 characters; IAM role names allow at most 64/],
  ])("refuses %j", (argv, message) => {
    expect(error(argv)).toMatch(message);
  });
});
