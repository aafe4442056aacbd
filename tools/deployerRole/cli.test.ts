/**
 * `npm run deployer-role` on the dev stack (the program runs under mocks): the CLI's body in-process
 * (`deployerRoleMain`), and the --operator case as a process (the script's own wiring).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { IAM_MANAGED_POLICY_MAX } from "../awsData/limits";
import { deployerRoleMain } from "./cli";
import { type AccountRole, type PolicyDocument, policySize } from "./generate";

// Through `node --import tsx`, as the other CLI tests run their scripts: no npx and tsx CLI processes.
const run = (args: string[]) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/deployerRole.ts", ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });

/** As console.log would write it. */
async function runInProcess(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = "";
  const code = await deployerRoleMain(args, {
    log: (text) => {
      stdout += `${text}\n`;
    },
    error: () => {},
  });
  return { code, stdout };
}

describe("npm run deployer-role", () => {
  it("prints the trust and permission policies of every dev account as JSON", async () => {
    const { stdout } = await runInProcess([
      "--stack",
      "dev",
      "--json",
      "--principal",
      "arn:aws:iam::123456789012:role/ci",
    ]);
    const out = JSON.parse(stdout) as {
      stack: string;
      accounts: AccountRole[];
      unconfirmedActions: unknown[];
    };
    expect(out.stack).toBe("dev");
    expect(out.accounts.map((a) => a.accountId).sort()).toEqual([
      "111111111111",
      "222222222222",
      "999999999999",
    ]);
    for (const a of out.accounts) {
      expect(a.trust.Statement[0]!.Principal).toEqual({ AWS: "arn:aws:iam::123456789012:role/ci" });
      expect(a.policies.length).toBeGreaterThan(0);
      for (const p of a.policies) expect(policySize(p.document)).toBeLessThanOrEqual(IAM_MANAGED_POLICY_MAX);
    }
    expect(out.unconfirmedActions.length).toBeGreaterThan(0);
  });

  it("prints one account as text with --account", async () => {
    const { code, stdout } = await runInProcess([
      "--stack",
      "dev",
      "--account",
      "222222222222",
      "--management-account",
      "123456789012",
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain("== account 222222222222 (source)");
    expect(stdout).not.toContain("== account 999999999999");
    expect(stdout).toContain('"AWS": "arn:aws:iam::123456789012:root"');
    expect(stdout).toContain("logs:PutSubscriptionFilter");
  });

  // The one case run as a process (the script's own wiring: argv, stdout, exit code); --operator
  // needs no program run, so the process only loads the plan.
  it("prints each account's operator role with --operator, from the plan alone", async () => {
    const { stdout } = await run([
      "--stack",
      "dev",
      "--operator",
      "--json",
      "--principal",
      "arn:aws:iam::123456789012:role/ops",
    ]);
    const out = JSON.parse(stdout) as {
      stack: string;
      accounts: { accountId: string; roleName: string; trust: PolicyDocument; policy: PolicyDocument }[];
    };
    expect(out.stack).toBe("dev");
    expect(out.accounts.map((a) => a.accountId).sort()).toEqual([
      "111111111111",
      "222222222222",
      "999999999999",
    ]);
    const recipient = out.accounts.find((a) => a.accountId === "999999999999")!;
    expect(recipient.roleName).toBe("CentralLoggingOperator");
    expect(recipient.policy.Statement.map((s) => s.Sid)).toContain("ReadStream");
    const trust = recipient.trust.Statement[0]!;
    expect(trust.Principal).toEqual({ AWS: "arn:aws:iam::123456789012:role/ops" });
    // verify's and redrive's session names: central-logging-verify, central-logging-redrive.
    expect(trust.Condition).toEqual({ StringLike: { "sts:RoleSessionName": "central-logging-*" } });
  });

  it("refuses --operator with --external-id: the tools pass none", async () => {
    let stderr = "";
    const code = await deployerRoleMain(["--stack", "dev", "--operator", "--external-id", "x"], {
      log: () => {},
      error: (t) => {
        stderr += t;
      },
    });
    expect(code).toBe(2);
    expect(stderr).toContain("--operator takes no --external-id");
  });
});
