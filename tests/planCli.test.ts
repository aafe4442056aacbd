/**
 * The README's main command: `npm run plan -- --stack dev` prints, with no AWS credentials and
 * no Pulumi CLI, what would be created per account and region, the routes and totals; a bad
 * stack file prints its validation errors (no stack trace) and exits non-zero.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function plan(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/plan.ts", ...args], {
    encoding: "utf8",
    // No credentials of any kind: the plan must not need them.
    env: { PATH: process.env.PATH, HOME: tmpdir() },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run plan -- --stack dev", () => {
  const { code, stdout, stderr } = plan("--stack", "dev");

  it("exits 0 without AWS credentials", () => {
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });

  it("checks the planned resources against AWS's published data, offline (tools/awsData)", () => {
    expect(stdout).toContain("AWS data check: no findings");
  });

  it("lists resources per account and region with their provider", () => {
    expect(stdout).toContain(
      "Account 999999999999 (recipient), region ap-northeast-1, provider aws-999999999999:",
    );
    expect(stdout).toContain(
      "Account 999999999999 (recipient), region us-east-2, provider aws-999999999999:",
    );
    expect(stdout).toMatch(
      /Account 111111111111, region us-east-2, provider aws-111111111111:\n(.*\n)*?.*aws:ec2\/flowLog:FlowLog +source-111111111111-us-east-2-vpc-12345678/,
    );
  });

  it("prints the forwarding routes end to end", () => {
    expect(stdout).toContain(
      "111111111111 ap-northeast-1 log group test-trail (filter central-logging-dev: pattern {$.userIdentity.type = tada}) -> destination arn:aws:logs:ap-northeast-1:999999999999:destination:central-logging-dev -> stream central-logging-dev-logs (ap-northeast-1) -> Firehose central-logging-dev-archive -> s3://central-logging-dev-archive-999999999999-ap-northeast-1 (ap-northeast-1)",
    );
    expect(stdout).toContain(
      "111111111111 us-east-2 log group vpc-flow-logs [VPC flow log] (filter central-logging-dev: everything) -> destination arn:aws:logs:us-east-2:999999999999:destination:central-logging-dev",
    );
    // operations.canary: the canary group of each sending account and region, marked as such.
    for (const [account, region] of [
      ["111111111111", "ap-northeast-1"],
      ["111111111111", "us-east-2"],
      ["222222222222", "us-east-2"],
    ])
      expect(stdout).toContain(
        `${account} ${region} log group /central-logging/central-logging-dev/canary [canary: npm run verify] (filter central-logging-dev-canary: everything) -> destination arn:aws:logs:${region}:999999999999:destination:central-logging-dev -> stream central-logging-dev-logs`,
      );
  });

  it("prints the event routes: the IAM rule in us-east-1, through the recipient's bus, into the archive", () => {
    expect(stdout).toContain(
      '111111111111 us-east-1 rule central-logging-dev-iam (pattern {"source":["aws.iam"],"detail-type":["AWS API Call via CloudTrail"]}) -> bus central-logging-dev-events (999999999999 ap-northeast-1) -> rule central-logging-dev-archive -> Firehose central-logging-dev-events -> s3://central-logging-dev-archive-999999999999-ap-northeast-1/events/account=<account>/year=/month=/day=/ (JSON Lines, .json.gz)',
    );
    // And beside it the canary rule (operations.canary), the same way.
    expect(stdout).toContain(
      '111111111111 us-east-1 rule central-logging-dev-canary (pattern {"source":["central-logging.canary"]}) -> bus central-logging-dev-events (999999999999 ap-northeast-1) -> rule central-logging-dev-archive',
    );
  });

  it("prints the Athena tables and what they project", () => {
    expect(stdout).toContain(
      "Athena (999999999999 ap-northeast-1): database central_logging_dev, workgroup central-logging-dev, results s3://central-logging-dev-athena-999999999999-ap-northeast-1/",
    );
    expect(stdout).toContain(
      "table cloudwatch_logs <- s3://central-logging-dev-archive-999999999999-ap-northeast-1/cloudwatch-logs/ (projected: account:enum, log_group:injected, year:integer, month:integer, day:integer)",
    );
    expect(stdout).toContain(
      "table events <- s3://central-logging-dev-archive-999999999999-ap-northeast-1/events/",
    );
    expect(stdout).toContain("query iam-changes-last-day on events:");
  });

  it("prints totals", () => {
    // 4 configured routes and 3 canaries; the IAM rule and its canary rule.
    expect(stdout).toMatch(
      /Totals: \d+ resources in 3 accounts and 6 account-regions, \d+ components, 4 providers, 2 destinations, 7 routes, 2 event routes\./,
    );
    // What a real deploy starts: one AWS provider process per account (and random, for search).
    expect(stdout).toMatch(
      /Deploy: 4 provider processes \(3 AWS, one per account, 1 random\), about 1600 MiB of plugin memory \(estimated 400 MiB each\) of a 5632 MiB budget \(providerBudgetMiB\); \d+ resources\./,
    );
  });
});

describe("npm run plan with a bad stack file", () => {
  const dir = mkdtempSync(join(tmpdir(), "central-logging-bad-"));
  const file = join(dir, "Pulumi.bad.yaml");
  writeFileSync(
    file,
    [
      "config:",
      "  central-logging:recipient:",
      "    accountId: 99999999999",
      "    region: ap-northeast-1",
      "  central-logging:sources:",
      "    - accountId: '111111111111'",
      "      regions: [ap-northeast-1, us-east-2]",
      "      subscriptions:",
      "        - logGroup: test-trail",
      "",
    ].join("\n"),
  );
  const { code, stdout, stderr } = plan("--file", file);

  it("exits 1 and prints nothing on stdout", () => {
    expect(code).toBe(1);
    expect(stdout).toBe("");
  });

  it("prints each problem with key and value, and no stack trace", () => {
    expect(stderr).toContain("recipient.accountId: 99999999999 must be a string (quote it in YAML)");
    expect(stderr).toContain(
      "sources[0].subscriptions[0].region: is required: account 111111111111 has several regions (ap-northeast-1, us-east-2)",
    );
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
