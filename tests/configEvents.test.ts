/**
 * Config for the EventBridge route and Athena (`sources[].events`, `recipient.events`,
 * `recipient.athena`): defaults, and every refusal with the key and the value it names.
 */
import { describe, expect, it } from "vitest";
import type { RawConfig, Settings } from "../infra/config";
import { resolveStack as parseSettings } from "../infra/stack";

const RECIPIENT = { accountId: "999999999999", region: "ap-northeast-1" };

function ok(raw: RawConfig, stack = "dev"): Settings {
  const result = parseSettings(raw, stack);
  if (!result.ok) throw new Error(`expected a valid config, got:\n${result.errors.join("\n")}`);
  return result.settings;
}

function errors(raw: RawConfig): string[] {
  const result = parseSettings(raw, "dev");
  if (result.ok) throw new Error("expected the config to be rejected, but it parsed");
  return result.errors;
}

const withEvents = (events: unknown, regions = ["ap-northeast-1"]) => ({
  recipient: RECIPIENT,
  sources: [{ accountId: "111111111111", regions, events }],
});

describe("sources[].events", () => {
  it("turns an empty entry into the write-up's rule: IAM API calls, in us-east-1", () => {
    const [source] = ok(withEvents([{}])).sources;
    expect(source?.events).toEqual([
      {
        name: "iam",
        region: "us-east-1",
        pattern: '{"source":["aws.iam"],"detail-type":["AWS API Call via CloudTrail"]}',
        readOnlyEvents: false,
      },
    ]);
  });

  it("takes a custom pattern as a map or as JSON text, in the account's only region", () => {
    const pattern = { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] };
    const settings = ok(
      withEvents([
        { name: "ec2-state", pattern, description: "instance state changes" },
        { name: "ec2-text", pattern: JSON.stringify(pattern), readOnlyEvents: true },
      ]),
    );
    expect(settings.sources[0]?.events).toEqual([
      {
        name: "ec2-state",
        region: "ap-northeast-1",
        pattern: JSON.stringify(pattern),
        readOnlyEvents: false,
        description: "instance state changes",
      },
      { name: "ec2-text", region: "ap-northeast-1", pattern: JSON.stringify(pattern), readOnlyEvents: true },
    ]);
  });

  it("accepts a rule region outside the account's log regions (the default IAM one is us-east-1)", () => {
    const settings = ok(
      withEvents([{ name: "guardduty", region: "eu-west-1", pattern: { source: ["aws.guardduty"] } }]),
    );
    expect(settings.sources[0]?.events[0]?.region).toBe("eu-west-1");
    expect(settings.sources[0]?.regions).toEqual(["ap-northeast-1"]);
  });

  it.each<[unknown, string]>([
    [
      [{ pattern: { source: "aws.iam" } }],
      'sources[0].events[0].pattern: {"source":"aws.iam"} is not a valid event pattern: at source: must be a list of values or a nested pattern, not the string \'aws.iam\'',
    ],
    [
      [{ pattern: "{source: [aws.iam]}" }],
      "sources[0].events[0].pattern: '{source: [aws.iam]}' is not a valid event pattern: is not JSON",
    ],
    [
      [{ pattern: {} }],
      "sources[0].events[0].pattern: {} is not a valid event pattern: is an empty object; it would match nothing useful",
    ],
    [
      [{ pattern: { detail: { eventName: [{ begins: "Create" }] } } }],
      'sources[0].events[0].pattern: {"detail":{"eventName":[{"begins":"Create"}]}} is not a valid event pattern: at detail.eventName[0]: \'begins\' is not an EventBridge filter',
    ],
    [
      [{ name: "IAM" }],
      "sources[0].events[0].name: 'IAM' must be 1-63 lowercase letters, digits and hyphens",
    ],
    [[{ region: "us-east-9" }], "sources[0].events[0].region: 'us-east-9' is not an AWS region"],
    [[{ readOnlyEvents: "yes" }], "sources[0].events[0].readOnlyEvents: 'yes' must be a boolean"],
    [[{ target: "bus" }], "sources[0].events[0].target: 'bus' is not a known key"],
    [
      [{}, {}],
      "sources[0].events[1].name: 'iam' (default) is used twice in us-east-1 (also events[0]); set a distinct name",
    ],
  ])("refuses %j", (events, message) => {
    expect(errors(withEvents(events))[0]).toContain(message);
  });

  it("wants the region of a custom pattern when the account has several", () => {
    expect(
      errors(
        withEvents([{ name: "ec2", pattern: { source: ["aws.ec2"] } }], ["ap-northeast-1", "us-east-2"]),
      ),
    ).toEqual([
      "sources[0].events[0].region: is required for a custom pattern: account 111111111111 has several regions (ap-northeast-1, us-east-2)",
    ]);
  });

  it("allows one name in two regions, and refuses a rule name EventBridge would find too long", () => {
    const settings = ok(
      withEvents([{ name: "iam" }, { name: "iam", region: "eu-west-1", pattern: { source: ["aws.iam"] } }]),
    );
    expect(settings.sources[0]?.events.map((e) => `${e.region}/${e.name}`)).toEqual([
      "us-east-1/iam",
      "eu-west-1/iam",
    ]);
    const long = "a".repeat(40);
    expect(errors({ namePrefix: "central-logging-for-the-org", ...withEvents([{ name: long }]) })).toEqual([
      `sources[0].events[0].name: '${long}' makes the rule name 'central-logging-for-the-org-${long}' longer than 64 characters`,
    ]);
  });

  it("reports a bad pattern together with the account's other problems", () => {
    const result = errors({
      recipient: RECIPIENT,
      sources: [{ accountId: "111111111111", regions: ["us-east-9"], events: [{ pattern: { source: [] } }] }],
    });
    expect(result).toEqual([
      "sources[0].regions[0]: 'us-east-9' is not an AWS region",
      'sources[0].events[0].pattern: {"source":[]} is not a valid event pattern: at source: is an empty list; it would never match',
    ]);
  });
});

describe("recipient.events and recipient.athena", () => {
  it("refuses buffers dynamic partitioning does not take", () => {
    expect(
      errors({ recipient: { ...RECIPIENT, events: { bufferSizeMiB: 5, bufferIntervalSeconds: 0 } } }),
    ).toEqual([
      "recipient.events.bufferSizeMiB: 5 must be at least 64",
      "recipient.events.bufferIntervalSeconds: 0 must be at least 60",
    ]);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ database: "Audit-Logs" }, "recipient.athena.database: 'Audit-Logs' is not a Glue database name"],
    [{ resultsExpireDays: 0 }, "recipient.athena.resultsExpireDays: 0 must be at least 1"],
    [{ bytesScannedCutoffGiB: 0.5 }, "recipient.athena.bytesScannedCutoffGiB: 0.5 must be a whole number"],
    [
      { resultsBucketName: "Results" },
      "recipient.athena.resultsBucketName: 'Results' is not a valid S3 bucket name",
    ],
    [{ workgroup: "x" }, "recipient.athena.workgroup: 'x' is not a known key"],
  ])("refuses athena %j", (athena, message) => {
    expect(errors({ recipient: { ...RECIPIENT, athena } })[0]).toContain(message);
  });

  it("refuses the archive bucket as the results bucket", () => {
    expect(
      errors({
        recipient: {
          ...RECIPIENT,
          bucketName: "audit-archive",
          athena: { resultsBucketName: "audit-archive" },
        },
      }),
    ).toEqual([
      "recipient.athena.resultsBucketName: 'audit-archive' is the archive bucket; query results need a bucket of their own (they expire, the archive must not)",
    ]);
  });

  it("leaves a disabled Athena's bucket name alone", () => {
    const settings = ok({
      namePrefix: "central-logging-for-the-whole-org",
      recipient: { ...RECIPIENT, bucketName: "org-archive", athena: { enabled: false } },
    });
    expect(settings.recipient.athena.enabled).toBe(false);
  });
});

describe("recipient.search", () => {
  const search = (extra: Record<string, unknown> = {}, recipient: Record<string, unknown> = {}) => ({
    recipient: { ...RECIPIENT, ...recipient, search: extra },
  });

  it("defaults to one small node, the name prefix as domain name, 90 days of daily cwl-* indices", () => {
    expect(ok(search(), "prod").recipient.search).toEqual({
      domainName: "central-logging-prod",
      engineVersion: "OpenSearch_2.19",
      instanceType: "t3.small.search",
      instanceCount: 1,
      volumeSizeGiB: 10,
      indexPrefix: "cwl",
      retentionDays: 90,
      replicas: 0,
      allowedPrincipals: [],
      forwarder: {
        batchSize: 500,
        batchWindowSeconds: 5,
        maximumRetryAttempts: 5,
        parallelizationFactor: 1,
        memoryMiB: 1024,
        timeoutSeconds: 120,
      },
      logRetentionDays: 30,
    });
    expect(ok({ recipient: RECIPIENT }).recipient.search).toBeUndefined();
  });

  it("gives a replica to every index once there is more than one node", () => {
    expect(ok(search({ instanceCount: 2 })).recipient.search?.replicas).toBe(1);
    expect(ok(search({ instanceCount: 3, replicas: 2 })).recipient.search?.replicas).toBe(2);
  });

  it.each<[Record<string, unknown>, string]>([
    [
      { domainName: "CloudTrail" },
      "recipient.search.domainName: 'CloudTrail' is not an OpenSearch domain name",
    ],
    [
      { engineVersion: "Elasticsearch_7.10" },
      "recipient.search.engineVersion: 'Elasticsearch_7.10' is not an OpenSearch engine version",
    ],
    [
      { engineVersion: "OpenSearch_2.5" },
      "recipient.search.engineVersion: 'OpenSearch_2.5' is older than OpenSearch_2.7",
    ],
    [
      { instanceType: "t2.small.search" },
      "recipient.search.instanceType: 't2.small.search' cannot encrypt data at rest",
    ],
    [
      { instanceType: "m5.large" },
      "recipient.search.instanceType: 'm5.large' is not an OpenSearch instance type",
    ],
    [
      { instanceCount: 5 },
      "recipient.search.instanceCount: 5 must be 1, or spread evenly over 2 or 3 availability zones",
    ],
    [{ volumeSizeGiB: 5 }, "recipient.search.volumeSizeGiB: 5 must be at least 10"],
    [{ indexPrefix: "CWL" }, "recipient.search.indexPrefix: 'CWL' is not an index prefix"],
    // The domain policy can no longer narrow by network (infra/search/policies.ts): refused, said why.
    [
      { allowedCidrs: ["203.0.113.0/24"] },
      `recipient.search.allowedCidrs: ["203.0.113.0/24"] is no longer accepted: the provisioner (a Lambda with no fixed address) logs in as the domain's master with a password`,
    ],
    [
      { allowedPrincipals: ["arn:aws:iam::123:user/x"] },
      "recipient.search.allowedPrincipals[0]: 'arn:aws:iam::123:user/x' is not an IAM role or user ARN",
    ],
    [{ forwarder: { batchSize: 0 } }, "recipient.search.forwarder.batchSize: 0 must be at least 1"],
    [
      { forwarder: { maximumRetryAttempts: 1000 } },
      "recipient.search.forwarder.maximumRetryAttempts: 1000 must be at most 100",
    ],
    [
      { logRetentionDays: 10 },
      "recipient.search.logRetentionDays: 10 is not a CloudWatch Logs retention period",
    ],
    [
      { replicas: 1 },
      "recipient.search.replicas: 1 needs more nodes than 1: a replica never shares a node with its primary",
    ],
    [{ kibana: true }, "recipient.search.kibana: true is not a known key"],
  ])("refuses search %j", (extra, message) => {
    expect(errors(search(extra))[0]).toContain(message);
  });

  it("needs the kinesis transport: the forwarder reads the stream", () => {
    expect(errors(search({}, { transport: "firehose" }))).toEqual([
      "recipient.search: {} needs transport: kinesis (the forwarder reads the stream)",
    ]);
  });

  it("asks for a domain name when the name prefix is too long to be one", () => {
    expect(
      errors({
        namePrefix: "central-logging-production-eu",
        ...search({}, { bucketName: "prod-eu-archive", athena: { enabled: false } }),
      }),
    ).toEqual([
      "recipient.search.domainName: the default 'central-logging-production-eu' (the name prefix) is not an OpenSearch domain name (3-28 of a-z 0-9 -); set recipient.search.domainName",
    ]);
  });
});
