import { describe, expect, it } from "vitest";
import { rawConfigFrom } from "../../infra/config";
import { resolveStack } from "../../infra/stack";
import { accountAccess } from "../aws/clients";
import { readStackFile } from "../offline/stackFile";
import { literalErrorPrefix, redriveTargets } from "./targets";

function stack(config: Record<string, unknown>) {
  const s = resolveStack(rawConfigFrom(config), "dev");
  if (!s.ok) throw new Error(s.errors.join("\n"));
  return s;
}

const dev = readStackFile("Pulumi.dev.yaml").config;

describe("redriveTargets", () => {
  it("dev: the search queue, both events queues, the errors areas and where their records go", () => {
    expect(redriveTargets(stack(dev).plan)).toEqual({
      search: {
        queue: {
          accountId: "999999999999",
          region: "ap-northeast-1",
          name: "central-logging-dev-search-dlq",
        },
        domain: {
          accountId: "999999999999",
          region: "ap-northeast-1",
          name: "central-logging-dev",
          indexPrefix: "cwl",
          adminSecretName: "central-logging-dev/search-admin",
        },
      },
      events: {
        queues: [
          { accountId: "999999999999", region: "ap-northeast-1", name: "central-logging-dev-events-bus-dlq" },
          { accountId: "111111111111", region: "us-east-1", name: "central-logging-dev-events-dlq" },
        ],
        firehose: {
          kind: "firehose",
          accountId: "999999999999",
          region: "ap-northeast-1",
          name: "central-logging-dev-events",
        },
      },
      errors: {
        bucket: {
          accountId: "999999999999",
          region: "ap-northeast-1",
          name: "central-logging-dev-archive-999999999999-ap-northeast-1",
        },
        areas: [
          {
            area: "logs",
            prefix: "errors/cloudwatch-logs/",
            target: {
              kind: "stream",
              accountId: "999999999999",
              region: "ap-northeast-1",
              name: "central-logging-dev-logs",
            },
          },
          {
            area: "events",
            prefix: "errors/events/",
            target: {
              kind: "firehose",
              accountId: "999999999999",
              region: "ap-northeast-1",
              name: "central-logging-dev-events",
            },
          },
        ],
      },
    });
  });

  it("prod: no search, no events; the bucket in its own region; event errors have no target", () => {
    const t = redriveTargets(stack(readStackFile("Pulumi.prod.yaml").config).plan);
    expect(t.search).toBeUndefined();
    expect(t.events).toBeUndefined();
    expect(t.errors.bucket.region).toBe("us-west-2");
    expect(t.errors.areas.map((a) => [a.prefix, a.target?.kind])).toEqual([
      ["errors/cloudwatch-logs/", "stream"],
      ["errors/events/", undefined],
    ]);
  });

  it("firehose transport: log records go back into the archive Firehose", () => {
    const { search: _search, ...recipient } = dev["central-logging:recipient"] as Record<string, unknown>;
    const t = redriveTargets(
      stack({ ...dev, "central-logging:recipient": { ...recipient, transport: "firehose" } }).plan,
    );
    expect(t.errors.areas[0]!.target).toEqual({
      kind: "firehose",
      accountId: "999999999999",
      region: "ap-northeast-1",
      name: "central-logging-dev-archive",
    });
  });

  it("the recipient's own rules: its queue per region, beside the bus rule's", () => {
    const recipient = dev["central-logging:recipient"] as { accountId: string; roleArn: string };
    const sources = [
      ...(dev["central-logging:sources"] as unknown[]),
      {
        accountId: recipient.accountId,
        roleArn: recipient.roleArn,
        regions: ["ap-northeast-1"],
        events: [
          { name: "iam" },
          { name: "local", region: "ap-northeast-1", pattern: { source: ["aws.ec2"] } },
        ],
      },
    ];
    const t = redriveTargets(stack({ ...dev, "central-logging:sources": sources }).plan);
    expect(t.events!.queues.map((q) => `${q.accountId} ${q.region} ${q.name}`)).toEqual([
      "999999999999 ap-northeast-1 central-logging-dev-events-bus-dlq",
      "111111111111 us-east-1 central-logging-dev-events-dlq",
      "999999999999 ap-northeast-1 central-logging-dev-events-dlq",
      "999999999999 us-east-1 central-logging-dev-events-dlq",
    ]);
  });

  it("literalErrorPrefix stops at the first Firehose expression", () => {
    expect(literalErrorPrefix("cloudwatch-logs")).toBe("errors/cloudwatch-logs/");
  });
});

describe("accountAccess", () => {
  it("each account with the role the stack deploys it with", () => {
    expect(accountAccess(stack(dev).settings)).toEqual([
      { accountId: "999999999999", roleArn: "arn:aws:iam::999999999999:role/CentralLoggingDeployer" },
      { accountId: "111111111111", roleArn: "arn:aws:iam::111111111111:role/CentralLoggingDeployer" },
      { accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/CentralLoggingDeployer" },
    ]);
  });

  it("with a role name, that role in every account instead (--role-name)", () => {
    expect(accountAccess(stack(dev).settings, "CentralLoggingOperator").map((a) => a.roleArn)).toEqual([
      "arn:aws:iam::999999999999:role/CentralLoggingOperator",
      "arn:aws:iam::111111111111:role/CentralLoggingOperator",
      "arn:aws:iam::222222222222:role/CentralLoggingOperator",
    ]);
  });
});
