/**
 * The operator policies against the tools' own code and AWS's IAM data: every AWS SDK command
 * verify and redrive send is granted to that tool, every action exists, every ARN fits a resource
 * type of its actions, and each account's policy names only that account's resources.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkResources } from "../awsData/check";
import { matches, policyPattern } from "../awsData/glob";
import { type IamData, loadIamData } from "../awsData/iamData";
import { IAM_MANAGED_POLICY_MAX } from "../awsData/limits";
import { formatFinding } from "../awsData/types";
import { loadStackFile } from "../cli/stack";
import { archivePrefix, planCanaries } from "../verify/canaries";
import { policySize } from "./generate";
import { type OperatorTool, operatorGrants, operatorPolicy } from "./operator";

const ROOT = resolve(__dirname, "..", "..");

function planOf(file: string) {
  const loaded = loadStackFile(file, ROOT);
  if (!loaded.ok) throw new Error(loaded.lines.join("\n"));
  return loaded.plan;
}
const dev = planOf("Pulumi.dev.yaml");
const prod = planOf("Pulumi.prod.yaml");
const accountsOf = (plan: typeof dev) => [
  ...new Set([plan.recipient.accountId, ...plan.sources.map((s) => s.accountId)]),
];

/** The IAM service prefix of each AWS SDK v3 client the tools use. */
const SERVICE_OF_CLIENT: Record<string, string> = {
  cloudwatch: "cloudwatch",
  "cloudwatch-logs": "logs",
  eventbridge: "events",
  firehose: "firehose",
  kinesis: "kinesis",
  opensearch: "es",
  s3: "s3",
  "secrets-manager": "secretsmanager",
  sqs: "sqs",
};

/** Operations IAM authorizes under another action (service authorization reference). */
const ACTION_OF_OPERATION: Record<string, string> = {
  "s3:ListObjectsV2": "s3:ListBucket",
  "s3:HeadObject": "s3:GetObject",
  "sqs:DeleteMessageBatch": "sqs:DeleteMessage",
  "sqs:ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
  "sqs:SendMessageBatch": "sqs:SendMessage",
};

/** The source files (tests excluded) of each tool, and the shared modules that send for it. */
const SOURCES: Record<OperatorTool, string[]> = {
  verify: [...sourceFiles("tools/verify"), "tools/decode/kinesisStream.ts"],
  redrive: sourceFiles("tools/redrive"),
};

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .map((f) => `${dir}/${f}`);
}

/** `new XCommand(` in a file, with the client package X is imported from: `service:Operation`. */
function sentActions(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const packageOf = new Map<string, string>();
  for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*"@aws-sdk\/client-([a-z0-9-]+)"/g))
    for (const name of m[1]!.split(",").map((n) => n.replace(/^\s*type\s+/, "").trim()))
      if (name) packageOf.set(name, m[2]!);
  return [...text.matchAll(/new\s+(\w+)Command\(/g)].map((m) => {
    const client = packageOf.get(`${m[1]}Command`);
    if (!client) throw new Error(`${file}: ${m[1]}Command is not imported from an @aws-sdk/client-* package`);
    const service = SERVICE_OF_CLIENT[client];
    if (!service) throw new Error(`${file}: add @aws-sdk/client-${client}'s IAM prefix to SERVICE_OF_CLIENT`);
    const operation = `${service}:${m[1]}`;
    return ACTION_OF_OPERATION[operation] ?? operation;
  });
}

describe("operator policies: what the tools send", () => {
  for (const tool of ["verify", "redrive"] as const) {
    it(`grants ${tool} every AWS call its code sends`, () => {
      const sent = new Set(SOURCES[tool].flatMap(sentActions));
      expect(sent.size).toBeGreaterThan(4);
      const granted = new Set(
        accountsOf(dev).flatMap((a) => operatorGrants(dev, a, [tool]).flatMap((g) => g.actions)),
      );
      expect([...sent].filter((a) => !granted.has(a)).sort(), `${tool}: calls without a grant`).toEqual([]);
    });
  }

  it("finds the commands a file sends, mapped to IAM actions", () => {
    expect(sentActions("tools/redrive/queue.ts")).toEqual(
      expect.arrayContaining(["sqs:DeleteMessage", "sqs:ChangeMessageVisibility"]),
    );
  });
});

describe("operator policies: AWS's IAM data", () => {
  let iam: IamData;
  beforeAll(async () => {
    iam = await loadIamData([
      "cloudwatch",
      "logs",
      "events",
      "firehose",
      "kinesis",
      "es",
      "s3",
      "secretsmanager",
      "sqs",
    ]);
  });

  it("name existing actions on resources of their types, within IAM's policy size", () => {
    for (const plan of [dev, prod]) {
      for (const account of accountsOf(plan)) {
        const doc = operatorPolicy(plan, account);
        if (!doc) continue;
        const findings = checkResources(
          [
            {
              type: "aws:iam/policy:Policy",
              name: `operator-${account}`,
              inputs: { policy: JSON.stringify(doc) },
            },
          ],
          iam,
        ).map(formatFinding);
        expect(findings, `${plan.namePrefix} ${account}`).toEqual([]);
        expect(policySize(doc)).toBeLessThanOrEqual(IAM_MANAGED_POLICY_MAX);
      }
    }
  });
});

describe("operator policies: least privilege", () => {
  it("names only the account's own resources, and '*' only where IAM takes no resource", () => {
    for (const plan of [dev, prod]) {
      for (const account of accountsOf(plan)) {
        for (const s of operatorPolicy(plan, account)?.Statement ?? []) {
          for (const a of [s.Action].flat()) expect(a).not.toMatch(/\*/);
          for (const r of [s.Resource ?? []].flat()) {
            if (r === "*") {
              // The two calls the IAM reference lists no resource type for.
              expect(["cloudwatch:GetMetricData", "logs:DescribeDestinations"]).toEqual(
                expect.arrayContaining([s.Action].flat()),
              );
              continue;
            }
            const owner = r.split(":")[4];
            // S3 ARNs carry no account: the archive bucket is the recipient's.
            expect(owner === "" ? plan.recipient.accountId : owner, r).toBe(account);
          }
        }
      }
    }
  });

  it("gives a source account only its canaries and event dead letters", () => {
    const source = dev.sources.find((s) => s.accountId !== dev.recipient.accountId)!;
    const sids = operatorGrants(dev, source.accountId).map((g) => g.sid);
    expect(sids.length).toBeGreaterThan(0);
    for (const sid of sids) expect(sid).toMatch(/Canary|EventDeadLetters/);
    // redrive alone needs nothing of the canaries.
    expect(operatorGrants(dev, source.accountId, ["redrive"]).map((g) => g.sid)).not.toContain(
      "WriteCanaryLogs",
    );
  });

  it("lets verify read exactly the archive folders its canaries land in", () => {
    const canaries = planCanaries(dev, () => "id");
    if (!canaries.ok) throw new Error(canaries.error);
    const reads = operatorGrants(dev, dev.recipient.accountId, ["verify"])
      .filter((g) => g.actions.includes("s3:GetObject"))
      .flatMap((g) => g.resources.map(policyPattern));
    const readable = (key: string) => reads.some((p) => matches(p, `${dev.recipient.bucketArn}/${key}`));
    for (const canary of canaries.canaries) {
      const prefix = archivePrefix(canary, new Date(Date.UTC(2026, 11, 2)));
      expect(readable(`${prefix}part-0001.gz`), prefix).toBe(true);
    }
    for (const other of [
      "AWSLogs/111111111111/CloudTrail/us-east-1/2026/12/02/x.json.gz",
      "cloudwatch-logs/account=111111111111/logGroup=app.web/year=2026/month=12/day=02/x.gz",
      "errors/cloudwatch-logs/processing-failed/2026/12/02/x",
    ])
      expect(readable(other), other).toBe(false);
  });

  it("grants each call in the kind of account the tools make it in", () => {
    const recipientOnly =
      /^(kinesis|s3|firehose|cloudwatch|es|secretsmanager):|^logs:(DescribeDestinations|FilterLogEvents)$/;
    const sourceOnly = /^logs:(CreateLogStream|PutLogEvents|DescribeSubscriptionFilters)$|^events:/;
    for (const plan of [dev, prod]) {
      for (const account of accountsOf(plan)) {
        const actions = operatorGrants(plan, account).flatMap((g) => g.actions);
        const isSource = plan.sources.some((s) => s.accountId === account);
        if (account !== plan.recipient.accountId)
          for (const a of actions) expect(a, `${account} (source only)`).not.toMatch(recipientOnly);
        if (!isSource)
          for (const a of actions) expect(a, `${account} (recipient only)`).not.toMatch(sourceOnly);
      }
    }
  });

  it("lets redrive write only under errors/ in the archive", () => {
    const writes = operatorGrants(dev, dev.recipient.accountId, ["redrive"]).filter((g) =>
      g.actions.some((a) => a === "s3:PutObject" || a === "s3:DeleteObject"),
    );
    expect(writes.flatMap((g) => g.resources)).toEqual([`${dev.recipient.bucketArn}/errors/*`]);
  });
});
