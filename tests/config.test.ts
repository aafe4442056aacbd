/**
 * The stack-config contract (`infra/config.ts`): every validation rule with its exact message, the
 * defaults, and the guarantee that all problems of one config are reported together.
 */
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { type ParseResult, type RawConfig, rawConfigFrom, type Settings } from "../infra/config";
import { LOG_RETENTION_DAYS } from "../infra/kernel/schema";
import { resolveStack as parseSettings } from "../infra/stack";

const RECIPIENT = { accountId: "999999999999", region: "ap-northeast-1" };

/** A valid single-region source; `extra` overrides or adds keys. */
function source(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { accountId: "111111111111", regions: ["us-east-1"], ...extra };
}

function ok(raw: RawConfig, stack = "dev"): Settings {
  const result: ParseResult = parseSettings(raw, stack);
  if (!result.ok) throw new Error(`expected a valid config, got:\n${result.errors.join("\n")}`);
  return result.settings;
}

function errors(raw: RawConfig, stack = "dev"): string[] {
  const result = parseSettings(raw, stack);
  if (result.ok) throw new Error("expected the config to be rejected, but it parsed");
  return result.errors;
}

/** Errors of a config with the default recipient and the given sources. */
function sourceErrors(...sources: unknown[]): string[] {
  return errors({ recipient: RECIPIENT, sources });
}

/** Errors of a config with the given recipient keys (on top of the default recipient) and no source. */
function recipientErrors(extra: Record<string, unknown>): string[] {
  return errors({ recipient: { ...RECIPIENT, ...extra } });
}

/** A source's alarm defaults: none, and nobody to notify. */
const NO_ALARMS = {
  alarms: [],
  cisAlarms: false,
  alarmNotifications: { emails: [], httpsEndpoints: [], sqsQueueArns: [] },
  events: [],
};

/** The recipient's defaults for the archive Firehoses and Athena, for a given prefix. */
function analyticsDefaults(prefix: string, account = "999999999999", region = "ap-northeast-1") {
  return {
    firehose: { bufferSizeMiB: 64, bufferIntervalSeconds: 300 },
    events: { bufferSizeMiB: 64, bufferIntervalSeconds: 300 },
    athena: {
      enabled: true,
      database: prefix.replaceAll("-", "_"),
      resultsBucketName: `${prefix}-athena-${account}-${region}`,
      resultsExpireDays: 30,
    },
  };
}

/** The design notes' example, as YAML (the stack file's shape, namespace prefix included). */
const DESIGN_EXAMPLE = `
config:
  central-logging:recipient:
    accountId: "999999999999"
    roleArn: arn:aws:iam::999999999999:role/CentralLoggingDeployer
    region: ap-northeast-1
    bucketRegion: ap-northeast-1
    transport: kinesis
  central-logging:sources:
    - accountId: "111111111111"
      roleArn: arn:aws:iam::111111111111:role/CentralLoggingDeployer
      regions: [ap-northeast-1, us-east-2]
      subscriptions:
        - logGroup: test-trail
          region: ap-northeast-1
          filterPattern: "{$.userIdentity.type = tada}"
      flowLogs:
        - vpcId: vpc-12345678
          region: us-east-2
          trafficType: ALL
          logGroup: vpc-flow-logs
`;

function fromStackYaml(text: string): RawConfig {
  const doc = parseYaml(text) as { config: Record<string, unknown> };
  return rawConfigFrom(doc.config);
}

describe("happy paths", () => {
  it("parses the design notes' example config", () => {
    const settings = ok(fromStackYaml(DESIGN_EXAMPLE));
    expect(settings.stack).toBe("dev");
    expect(settings.namePrefix).toBe("central-logging-dev");
    expect(settings.recipient).toEqual({
      trailKms: false,
      trustPolicyMaxChars: 2048,
      accountId: "999999999999",
      roleArn: "arn:aws:iam::999999999999:role/CentralLoggingDeployer",
      region: "ap-northeast-1",
      bucketRegion: "ap-northeast-1",
      transport: "kinesis",
      bucketName: "central-logging-dev-archive-999999999999-ap-northeast-1",
      lifecycle: {
        infrequentAccessDays: 30,
        glacierDays: 365,
        expireDays: 1095,
        noncurrentVersionExpireDays: 30,
      },
      stream: { retentionHours: 24 },
      ...analyticsDefaults("central-logging-dev"),
    });
    expect(settings.sources).toEqual([
      {
        ...NO_ALARMS,
        accountId: "111111111111",
        roleArn: "arn:aws:iam::111111111111:role/CentralLoggingDeployer",
        regions: ["ap-northeast-1", "us-east-2"],
        subscriptions: [
          {
            logGroup: "test-trail",
            region: "ap-northeast-1",
            filterPattern: "{$.userIdentity.type = tada}",
            filterName: "central-logging-dev",
          },
        ],
        flowLogs: [
          {
            vpcId: "vpc-12345678",
            region: "us-east-2",
            trafficType: "ALL",
            logGroup: "vpc-flow-logs",
            retentionDays: 30,
            forward: true,
            filterName: "central-logging-dev",
          },
        ],
      },
    ]);
  });

  it("applies every default", () => {
    const settings = ok(
      {
        recipient: RECIPIENT,
        sources: [source({ subscriptions: [{ logGroup: "app" }], flowLogs: [{ vpcId: "vpc-0a1b2c3d" }] })],
      },
      "prod",
    );
    expect(settings.namePrefix).toBe("central-logging-prod");
    expect(settings.recipient).toEqual({
      trailKms: false,
      trustPolicyMaxChars: 2048,
      accountId: "999999999999",
      region: "ap-northeast-1",
      bucketRegion: "ap-northeast-1",
      transport: "kinesis",
      bucketName: "central-logging-prod-archive-999999999999-ap-northeast-1",
      lifecycle: {
        infrequentAccessDays: 30,
        glacierDays: 365,
        expireDays: 1095,
        noncurrentVersionExpireDays: 30,
      },
      stream: { retentionHours: 24 },
      ...analyticsDefaults("central-logging-prod"),
    });
    expect(settings.recipient.roleArn).toBeUndefined();
    expect(settings.recipient.stream.shardCount).toBeUndefined();
    expect(settings.sources).toEqual([
      {
        ...NO_ALARMS,
        accountId: "111111111111",
        regions: ["us-east-1"],
        subscriptions: [
          { logGroup: "app", region: "us-east-1", filterPattern: "", filterName: "central-logging-prod" },
        ],
        flowLogs: [
          {
            vpcId: "vpc-0a1b2c3d",
            region: "us-east-1",
            trafficType: "ALL",
            logGroup: "vpc-flow-logs/vpc-0a1b2c3d",
            retentionDays: 30,
            forward: true,
            filterName: "central-logging-prod",
          },
        ],
      },
    ]);
    expect("roleArn" in settings.sources[0]!).toBe(false);
  });

  it("defaults the sources to none", () => {
    expect(ok({ recipient: RECIPIENT }).sources).toEqual([]);
    expect(ok({ recipient: RECIPIENT, sources: null }).sources).toEqual([]);
  });

  it("lowercases the stack name in the default prefix", () => {
    const settings = ok(
      { recipient: RECIPIENT, sources: [source({ subscriptions: [{ logGroup: "a" }] })] },
      "Dev",
    );
    expect(settings.namePrefix).toBe("central-logging-dev");
    expect(settings.sources[0]!.subscriptions[0]!.filterName).toBe("central-logging-dev");
  });

  it("uses namePrefix for the bucket name and the default filter names", () => {
    const settings = ok({
      namePrefix: "audit",
      recipient: { ...RECIPIENT, bucketRegion: "us-west-2" },
      sources: [source({ subscriptions: [{ logGroup: "a" }], flowLogs: [{ vpcId: "vpc-12345678" }] })],
    });
    expect(settings.namePrefix).toBe("audit");
    expect(settings.recipient.bucketName).toBe("audit-archive-999999999999-us-west-2");
    expect(settings.recipient.bucketRegion).toBe("us-west-2");
    expect(settings.sources[0]!.subscriptions[0]!.filterName).toBe("audit");
    expect(settings.sources[0]!.flowLogs[0]!.filterName).toBe("audit");
  });

  it("keeps explicit values over the defaults", () => {
    const settings = ok({
      recipient: {
        ...RECIPIENT,
        roleArn: "arn:aws:iam::999999999999:role/path/Deployer",
        transport: "kinesis",
        bucketName: "my.archive-bucket",
        lifecycle: {
          infrequentAccessDays: 60,
          glacierDays: 90,
          expireDays: 91,
          noncurrentVersionExpireDays: 7,
        },
        stream: { shardCount: 2, retentionHours: 48 },
        firehose: { bufferSizeMiB: 128, bufferIntervalSeconds: 60 },
        events: { bufferSizeMiB: 100, bufferIntervalSeconds: 900 },
        athena: {
          enabled: false,
          database: "audit_logs",
          resultsBucketName: "my.athena-results",
          resultsExpireDays: 7,
          bytesScannedCutoffGiB: 10,
        },
      },
      sources: [
        source({
          flowLogs: [
            {
              vpcId: "vpc-0123456789abcdef0",
              trafficType: "REJECT",
              logGroup: "/flow/main",
              retentionDays: 3653,
              forward: false,
              filterName: "flows",
            },
          ],
        }),
      ],
    });
    expect(settings.recipient).toMatchObject({
      roleArn: "arn:aws:iam::999999999999:role/path/Deployer",
      transport: "kinesis",
      bucketName: "my.archive-bucket",
      lifecycle: {
        infrequentAccessDays: 60,
        glacierDays: 90,
        expireDays: 91,
        noncurrentVersionExpireDays: 7,
      },
      stream: { shardCount: 2, retentionHours: 48 },
      firehose: { bufferSizeMiB: 128, bufferIntervalSeconds: 60 },
      events: { bufferSizeMiB: 100, bufferIntervalSeconds: 900 },
      athena: {
        enabled: false,
        database: "audit_logs",
        resultsBucketName: "my.athena-results",
        resultsExpireDays: 7,
        bytesScannedCutoffGiB: 10,
      },
    });
    expect(settings.sources[0]!.flowLogs).toEqual([
      {
        vpcId: "vpc-0123456789abcdef0",
        region: "us-east-1",
        trafficType: "REJECT",
        logGroup: "/flow/main",
        retentionDays: 3653,
        forward: false,
        filterName: "flows",
      },
    ]);
  });

  it("gives a single-region account's subscriptions and flow logs that region", () => {
    const settings = ok({
      recipient: RECIPIENT,
      sources: [
        source({
          regions: ["eu-west-1"],
          subscriptions: [{ logGroup: "a" }],
          flowLogs: [{ vpcId: "vpc-12345678" }],
        }),
      ],
    });
    expect(settings.sources[0]!.subscriptions[0]!.region).toBe("eu-west-1");
    expect(settings.sources[0]!.flowLogs[0]!.region).toBe("eu-west-1");
  });

  it.each([
    "{$.userIdentity.type = tada}",
    "?ERROR ?WARN",
    '"?ERROR ?WARN"',
    "[ip, user, ...]",
    '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    "  leading and trailing spaces  ",
    "",
  ])("keeps filterPattern %j exactly as written", (pattern) => {
    const settings = ok({
      recipient: RECIPIENT,
      sources: [source({ subscriptions: [{ logGroup: "a", filterPattern: pattern }] })],
    });
    expect(settings.sources[0]!.subscriptions[0]!.filterPattern).toBe(pattern);
  });

  it("keeps a YAML-quoted filterPattern exactly", () => {
    const raw = parseYaml(`
- accountId: "111111111111"
  regions: [us-east-1]
  subscriptions:
    - logGroup: a
      filterPattern: "{$.userIdentity.type = tada}"
    - logGroup: b
      filterPattern: '"?ERROR ?WARN"'
    - logGroup: c
      filterPattern: "[ip, user, ...]"
`);
    const settings = ok({ recipient: RECIPIENT, sources: raw });
    expect(settings.sources[0]!.subscriptions.map((s) => s.filterPattern)).toEqual([
      "{$.userIdentity.type = tada}",
      '"?ERROR ?WARN"',
      "[ip, user, ...]",
    ]);
  });

  it("accepts a source that is also the recipient, with the same role", () => {
    const role = "arn:aws:iam::999999999999:role/Deployer";
    const settings = ok({
      recipient: { ...RECIPIENT, roleArn: role },
      sources: [{ accountId: "999999999999", roleArn: role, regions: ["ap-northeast-1"] }],
    });
    expect(settings.sources[0]!.roleArn).toBe(role);
  });

  it("accepts two filters on one log group when their names differ", () => {
    const settings = ok({
      recipient: RECIPIENT,
      sources: [
        source({
          subscriptions: [{ logGroup: "a" }, { logGroup: "a", filterName: "second", filterPattern: "ERROR" }],
        }),
      ],
    });
    expect(settings.sources[0]!.subscriptions.map((s) => s.filterName)).toEqual([
      "central-logging-dev",
      "second",
    ]);
  });

  it("accepts the same log group name in two regions of one account, and in two accounts", () => {
    const settings = ok({
      recipient: RECIPIENT,
      sources: [
        source({
          regions: ["us-east-1", "us-east-2"],
          subscriptions: [
            { logGroup: "a", region: "us-east-1" },
            { logGroup: "a", region: "us-east-2" },
          ],
        }),
        { accountId: "222222222222", regions: ["us-east-1"], subscriptions: [{ logGroup: "a" }] },
      ],
    });
    expect(settings.sources.map((s) => s.subscriptions.length)).toEqual([2, 1]);
  });

  it.each(LOG_RETENTION_DAYS.map((d) => [d]))("accepts retentionDays %i", (days) => {
    const settings = ok({
      recipient: RECIPIENT,
      sources: [source({ flowLogs: [{ vpcId: "vpc-12345678", retentionDays: days }] })],
    });
    expect(settings.sources[0]!.flowLogs[0]!.retentionDays).toBe(days);
  });
});

describe("account ids", () => {
  it.each([
    ["12345", "'12345'"],
    ["1234567890123", "'1234567890123'"],
    ["12345678901a", "'12345678901a'"],
    ["", "''"],
  ])("rejects recipient.accountId %j", (id, shown) => {
    expect(recipientErrors({ accountId: id })).toEqual([
      `recipient.accountId: ${shown} is not a 12-digit AWS account id`,
    ]);
  });

  it("rejects a source accountId that is not 12 digits", () => {
    expect(sourceErrors(source(), source({ accountId: "22222222222" }))).toEqual([
      "sources[1].accountId: '22222222222' is not a 12-digit AWS account id",
    ]);
  });

  it("accepts a 12-digit account id stored as a number (`pulumi config set --path` does that)", () => {
    const raw = fromStackYaml(`
config:
  central-logging:recipient:
    accountId: 999999999999
    region: ap-northeast-1
  central-logging:sources:
    - accountId: 111111111111
      regions: [us-east-1]
`);
    const settings = ok(raw);
    expect(settings.recipient.accountId).toBe("999999999999");
    expect(settings.sources[0]?.accountId).toBe("111111111111");
  });

  it("asks to quote a numeric account id that lost its leading zeros", () => {
    const raw = fromStackYaml(`
config:
  central-logging:recipient:
    accountId: 012345678901
    region: ap-northeast-1
`);
    expect(errors(raw)).toEqual(["recipient.accountId: 12345678901 must be a string (quote it in YAML)"]);
  });

  it("still finds a duplicate account when one entry is numeric", () => {
    expect(
      errors({
        recipient: RECIPIENT,
        sources: [source({ accountId: "111111111111" }), source({ accountId: 111111111111 })],
      }),
    ).toEqual([
      "sources[1].accountId: 111111111111 is listed twice (also sources[0]); list each account once with all its regions",
    ]);
  });

  it("reports a missing accountId", () => {
    expect(sourceErrors({ regions: ["us-east-1"] })).toEqual(["sources[0].accountId: is required"]);
  });

  it("names the first entry when a source lists an account twice", () => {
    expect(
      sourceErrors(source(), source({ accountId: "222222222222" }), source({ regions: ["us-east-2"] })),
    ).toEqual([
      "sources[2].accountId: '111111111111' is listed twice (also sources[0]); list each account once with all its regions",
    ]);
  });

  it("reports every repeat of an account, each naming the first entry", () => {
    expect(sourceErrors(source(), source(), source())).toEqual([
      "sources[1].accountId: '111111111111' is listed twice (also sources[0]); list each account once with all its regions",
      "sources[2].accountId: '111111111111' is listed twice (also sources[0]); list each account once with all its regions",
    ]);
  });
});

describe("regions", () => {
  it("rejects an unknown recipient.region", () => {
    expect(recipientErrors({ region: "ap-northeast-9" })).toEqual([
      "recipient.region: 'ap-northeast-9' is not an AWS region",
    ]);
  });

  it("rejects an unknown recipient.bucketRegion", () => {
    expect(recipientErrors({ bucketRegion: "us-weast-2" })).toEqual([
      "recipient.bucketRegion: 'us-weast-2' is not an AWS region",
    ]);
  });

  it("rejects an unknown region in sources[i].regions[j]", () => {
    expect(
      sourceErrors(source(), source({ accountId: "222222222222", regions: ["us-east-1", "us-east-9"] })),
    ).toEqual(["sources[1].regions[1]: 'us-east-9' is not an AWS region"]);
  });

  it("rejects an unknown region in subscriptions[k].region", () => {
    expect(
      sourceErrors(source({ subscriptions: [{ logGroup: "a" }, { logGroup: "b", region: "US-EAST-1" }] })),
    ).toEqual(["sources[0].subscriptions[1].region: 'US-EAST-1' is not an AWS region"]);
  });

  it("rejects an unknown region in flowLogs[k].region", () => {
    expect(sourceErrors(source({ flowLogs: [{ vpcId: "vpc-12345678", region: "mars-1" }] }))).toEqual([
      "sources[0].flowLogs[0].region: 'mars-1' is not an AWS region",
    ]);
  });

  it("rejects a region that is not a string", () => {
    expect(recipientErrors({ region: 1 })).toEqual([
      "recipient.region: 1 must be a string (quote it in YAML)",
    ]);
  });

  it("rejects an empty regions list", () => {
    expect(sourceErrors(source({ regions: [] }))).toEqual([
      "sources[0].regions: [] must list at least one region",
    ]);
  });

  it("rejects a missing regions list", () => {
    expect(sourceErrors({ accountId: "111111111111" })).toEqual(["sources[0].regions: is required"]);
  });

  it("rejects a region listed twice", () => {
    expect(sourceErrors(source({ regions: ["us-east-1", "us-west-2", "us-east-1"] }))).toEqual([
      "sources[0].regions[2]: 'us-east-1' is listed twice (also regions[0])",
    ]);
  });

  it("requires a subscription's region when the account has two regions", () => {
    expect(
      sourceErrors(source({ regions: ["us-east-1", "us-east-2"], subscriptions: [{ logGroup: "a" }] })),
    ).toEqual([
      "sources[0].subscriptions[0].region: is required: account 111111111111 has several regions (us-east-1, us-east-2)",
    ]);
  });

  it("requires a flow log's region when the account has two regions", () => {
    expect(
      sourceErrors(source({ regions: ["us-east-1", "us-east-2"], flowLogs: [{ vpcId: "vpc-12345678" }] })),
    ).toEqual([
      "sources[0].flowLogs[0].region: is required: account 111111111111 has several regions (us-east-1, us-east-2)",
    ]);
  });

  it("rejects a subscription region that is not one of the account's regions", () => {
    expect(
      sourceErrors(
        source({
          regions: ["us-east-1", "us-east-2"],
          subscriptions: [{ logGroup: "a", region: "eu-west-1" }],
        }),
      ),
    ).toEqual([
      "sources[0].subscriptions[0].region: 'eu-west-1' is not one of this account's regions (us-east-1, us-east-2)",
    ]);
  });

  it("rejects a flow-log region that is not one of the account's regions", () => {
    expect(sourceErrors(source({ flowLogs: [{ vpcId: "vpc-12345678", region: "us-west-2" }] }))).toEqual([
      "sources[0].flowLogs[0].region: 'us-west-2' is not one of this account's regions (us-east-1)",
    ]);
  });
});

describe("recipient", () => {
  it("is required", () => {
    expect(errors({ sources: [source()] })).toEqual(["recipient: is required"]);
  });

  it("must be a map", () => {
    expect(errors({ recipient: "999999999999" })).toEqual(["recipient: '999999999999' must be a map"]);
  });

  it.each([
    ["kafka", "'kafka'"],
    ["Kinesis", "'Kinesis'"],
    [true, "true"],
  ])("rejects transport %j", (transport, shown) => {
    expect(recipientErrors({ transport })).toEqual([
      `recipient.transport: ${shown} must be 'kinesis' or 'firehose'`,
    ]);
  });

  it("requires recipient.region", () => {
    expect(errors({ recipient: { accountId: "999999999999" } })).toEqual(["recipient.region: is required"]);
  });

  it.each([
    ["Bad_Bucket", "'Bad_Bucket'"],
    ["ab", "'ab'"],
    ["a".repeat(64), `'${"a".repeat(64)}'`],
    ["my..bucket", "'my..bucket'"],
    ["-bucket", "'-bucket'"],
    ["bucket-", "'bucket-'"],
    ["192.168.1.1", "'192.168.1.1'"],
  ])("rejects bucketName %j", (bucketName, shown) => {
    expect(recipientErrors({ bucketName })).toEqual([
      `recipient.bucketName: ${shown} is not a valid S3 bucket name (3-63 of a-z 0-9 . -)`,
    ]);
  });

  it("rejects a default bucket name made too long by a long namePrefix", () => {
    const namePrefix = "central-logging-for-the-whole-org";
    expect(errors({ namePrefix, recipient: RECIPIENT })).toEqual([
      `recipient.bucketName: the default '${namePrefix}-archive-999999999999-ap-northeast-1' is not a valid S3 bucket name; set recipient.bucketName or a shorter namePrefix`,
    ]);
    // An explicit bucket name fixes it; then the results bucket's default is the one left to name.
    expect(errors({ namePrefix, recipient: { ...RECIPIENT, bucketName: "org-archive" } })).toEqual([
      `recipient.athena.resultsBucketName: the default '${namePrefix}-athena-999999999999-ap-northeast-1' is not a valid S3 bucket name; set recipient.athena.resultsBucketName or a shorter namePrefix`,
    ]);
    const named = ok({
      namePrefix,
      recipient: { ...RECIPIENT, bucketName: "org-archive", athena: { resultsBucketName: "org-athena" } },
    }).recipient;
    expect([named.bucketName, named.athena.resultsBucketName]).toEqual(["org-archive", "org-athena"]);
  });

  it("rejects an upper-case namePrefix (physical names must be lowercase for S3)", () => {
    expect(errors({ namePrefix: "Audit", recipient: RECIPIENT })).toEqual([
      "namePrefix: 'Audit' must be 3-39 lowercase letters, digits and hyphens, starting with a letter",
    ]);
  });

  it("rejects a namePrefix too long for IAM role names", () => {
    const prefix = "a".repeat(40);
    expect(errors({ namePrefix: prefix, recipient: { ...RECIPIENT, bucketName: "my-archive" } })).toEqual([
      `namePrefix: '${prefix}' must be 3-39 lowercase letters, digits and hyphens, starting with a letter`,
    ]);
  });

  it("rejects a default namePrefix that a stack name makes unusable", () => {
    expect(errors({ recipient: { ...RECIPIENT, bucketName: "my-archive" } }, "team_a.prod")).toEqual([
      "namePrefix: the default 'central-logging-team_a.prod' (from the stack name) must be 3-39 lowercase letters, digits and hyphens, starting with a letter; set central-logging:namePrefix",
    ]);
  });

  it("refuses an unknown top-level key, naming it with its namespace", () => {
    expect(errors({ recipient: RECIPIENT, source: [] })).toEqual([
      "central-logging:source: [] is not a known key (known: namePrefix, recipient, sources, part, recipientStack, providerBudgetMiB)",
    ]);
  });

  it("refuses stream settings with the firehose transport", () => {
    expect(recipientErrors({ transport: "firehose", stream: { shardCount: 2 } })).toEqual([
      'recipient.stream: {"shardCount":2} only applies with transport: kinesis (there is no stream with firehose)',
    ]);
  });

  it.each([
    "xn--archive",
    "sthree-archive",
    "archive-s3alias",
    "archive--ol-s3",
    "archive.mrap",
    "archive--x-s3",
  ])("rejects the S3-reserved bucket name %s", (bucketName) => {
    expect(recipientErrors({ bucketName })).toEqual([
      `recipient.bucketName: '${bucketName}' is not a valid S3 bucket name (3-63 of a-z 0-9 . -)`,
    ]);
  });

  it("rejects a namePrefix that is not a string", () => {
    expect(errors({ namePrefix: 7, recipient: RECIPIENT })).toEqual([
      "namePrefix: 7 must be a string (quote it in YAML)",
    ]);
  });

  it("rejects infrequentAccessDays below 30", () => {
    expect(recipientErrors({ lifecycle: { infrequentAccessDays: 29 } })).toEqual([
      "recipient.lifecycle.infrequentAccessDays: 29 must be at least 30",
    ]);
  });

  it("rejects glacierDays less than 30 days after infrequentAccessDays", () => {
    expect(recipientErrors({ lifecycle: { infrequentAccessDays: 60, glacierDays: 89 } })).toEqual([
      "recipient.lifecycle.glacierDays: 89 must be at least 30 days after infrequentAccessDays (60)",
    ]);
    // 30 days after is enough.
    expect(
      ok({ recipient: { ...RECIPIENT, lifecycle: { infrequentAccessDays: 60, glacierDays: 90 } } }).recipient
        .lifecycle,
    ).toEqual({
      infrequentAccessDays: 60,
      glacierDays: 90,
      expireDays: 1095,
      noncurrentVersionExpireDays: 30,
    });
  });

  it("rejects expireDays not later than glacierDays", () => {
    expect(recipientErrors({ lifecycle: { glacierDays: 400, expireDays: 400 } })).toEqual([
      "recipient.lifecycle.expireDays: 400 must be later than glacierDays (400)",
    ]);
  });

  it("reports both lifecycle order problems at once", () => {
    expect(
      recipientErrors({ lifecycle: { infrequentAccessDays: 100, glacierDays: 120, expireDays: 50 } }),
    ).toEqual([
      "recipient.lifecycle.glacierDays: 120 must be at least 30 days after infrequentAccessDays (100)",
      "recipient.lifecycle.expireDays: 50 must be later than glacierDays (120)",
    ]);
  });

  it("names the default value when a defaulted lifecycle key is out of order", () => {
    expect(recipientErrors({ lifecycle: { infrequentAccessDays: 400 } })).toEqual([
      "recipient.lifecycle.glacierDays: 365 (default) must be at least 30 days after infrequentAccessDays (400)",
    ]);
    expect(recipientErrors({ lifecycle: { glacierDays: 2000 } })).toEqual([
      "recipient.lifecycle.expireDays: 1095 (default) must be later than glacierDays (2000)",
    ]);
  });

  it("rejects a non-integer lifecycle day count", () => {
    expect(recipientErrors({ lifecycle: { expireDays: 1095.5 } })).toEqual([
      "recipient.lifecycle.expireDays: 1095.5 must be a whole number",
    ]);
  });

  it.each([
    // Dynamic partitioning refuses buffers under 64 MiB, and zero buffering.
    [{ bufferSizeMiB: 5 }, "recipient.firehose.bufferSizeMiB: 5 must be at least 64"],
    [{ bufferSizeMiB: 129 }, "recipient.firehose.bufferSizeMiB: 129 must be at most 128"],
    [{ bufferIntervalSeconds: 901 }, "recipient.firehose.bufferIntervalSeconds: 901 must be at most 900"],
    [{ bufferIntervalSeconds: 0 }, "recipient.firehose.bufferIntervalSeconds: 0 must be at least 60"],
    [{ bufferSizeMiB: "5" }, "recipient.firehose.bufferSizeMiB: '5' must be a number"],
  ])("rejects firehose %j", (firehose, message) => {
    expect(recipientErrors({ firehose })).toEqual([message]);
  });

  it.each([
    [{ shardCount: 0 }, "recipient.stream.shardCount: 0 must be at least 1"],
    [{ shardCount: 1.5 }, "recipient.stream.shardCount: 1.5 must be a whole number"],
    [{ retentionHours: 23 }, "recipient.stream.retentionHours: 23 must be at least 24"],
    [{ retentionHours: 8761 }, "recipient.stream.retentionHours: 8761 must be at most 8760"],
  ])("rejects stream %j", (stream, message) => {
    expect(recipientErrors({ stream })).toEqual([message]);
  });

  it.each([
    ["not-an-arn", "'not-an-arn'"],
    ["arn:aws:iam::999999999999:user/bob", "'arn:aws:iam::999999999999:user/bob'"],
    ["arn:aws:iam::99999999999:role/x", "'arn:aws:iam::99999999999:role/x'"],
    ["arn:aws:iam::999999999999:role/", "'arn:aws:iam::999999999999:role/'"],
  ])("rejects a malformed recipient.roleArn %j", (roleArn, shown) => {
    expect(recipientErrors({ roleArn })).toEqual([
      `recipient.roleArn: ${shown} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`,
    ]);
  });

  it("rejects a recipient.roleArn of another account", () => {
    expect(recipientErrors({ roleArn: "arn:aws:iam::111111111111:role/Deployer" })).toEqual([
      "recipient.roleArn: 'arn:aws:iam::111111111111:role/Deployer' is not a role in account 999999999999",
    ]);
  });

  it("rejects a recipient and same-account source with different roleArns", () => {
    expect(
      errors({
        recipient: { ...RECIPIENT, roleArn: "arn:aws:iam::999999999999:role/A" },
        sources: [
          { accountId: "999999999999", roleArn: "arn:aws:iam::999999999999:role/B", regions: ["us-east-1"] },
        ],
      }),
    ).toEqual([
      "recipient.roleArn: 'arn:aws:iam::999999999999:role/A' differs from the roleArn of the same account in sources (arn:aws:iam::999999999999:role/B); one account is deployed with one role",
    ]);
  });

  it("rejects a same-account source with a roleArn when the recipient has none", () => {
    expect(
      errors({
        recipient: RECIPIENT,
        sources: [
          { accountId: "999999999999", roleArn: "arn:aws:iam::999999999999:role/B", regions: ["us-east-1"] },
        ],
      }),
    ).toEqual([
      "recipient.roleArn: differs from the roleArn of the same account in sources (arn:aws:iam::999999999999:role/B); one account is deployed with one role",
    ]);
  });

  it("rejects a recipient roleArn when the same-account source has none", () => {
    expect(
      errors({
        recipient: { ...RECIPIENT, roleArn: "arn:aws:iam::999999999999:role/A" },
        sources: [{ accountId: "999999999999", regions: ["us-east-1"] }],
      }),
    ).toEqual([
      "recipient.roleArn: 'arn:aws:iam::999999999999:role/A' differs from the roleArn of the same account in sources (none); one account is deployed with one role",
    ]);
  });

  it("rejects unknown recipient keys", () => {
    expect(recipientErrors({ bucket_name: "x", lifecycle: { glacier: 90 } })).toEqual([
      "recipient.lifecycle.glacier: 90 is not a known key",
      "recipient.bucket_name: 'x' is not a known key",
    ]);
  });
});

describe("sources", () => {
  it("must be a list", () => {
    expect(errors({ recipient: RECIPIENT, sources: { accountId: "111111111111" } })).toEqual([
      'sources: {"accountId":"111111111111"} must be a list',
    ]);
  });

  it("entries must be maps", () => {
    expect(sourceErrors("111111111111")).toEqual(["sources[0]: '111111111111' must be a map"]);
  });

  it("rejects a typo'd key (subscription instead of subscriptions)", () => {
    expect(sourceErrors(source({ subscription: [{ logGroup: "test-trail" }] }))).toEqual([
      'sources[0].subscription: [{"logGroup":"test-trail"}] is not a known key',
    ]);
  });

  it("rejects unknown keys inside subscriptions and flow logs", () => {
    expect(
      sourceErrors(
        source({
          subscriptions: [{ logGroup: "a", pattern: "ERROR" }],
          flowLogs: [{ vpcId: "vpc-12345678", traffic: "ALL" }],
        }),
      ),
    ).toEqual([
      "sources[0].subscriptions[0].pattern: 'ERROR' is not a known key",
      "sources[0].flowLogs[0].traffic: 'ALL' is not a known key",
    ]);
  });

  it.each([
    ["not-an-arn", "is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)"],
    ["arn:aws:iam::111111111111:policy/x", "is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)"],
    ["arn:aws:iam::222222222222:role/Deployer", "is not a role in account 111111111111"],
  ])("rejects sources[i].roleArn %j", (roleArn, predicate) => {
    expect(sourceErrors(source({ roleArn }))).toEqual([`sources[0].roleArn: '${roleArn}' ${predicate}`]);
  });

  it("rejects an invalid log group name", () => {
    expect(sourceErrors(source({ subscriptions: [{ logGroup: "bad name" }] }))).toEqual([
      "sources[0].subscriptions[0].logGroup: 'bad name' is not a valid log group name (1-512 of a-z A-Z 0-9 _ - / . #)",
    ]);
  });

  it("requires a subscription's logGroup", () => {
    expect(sourceErrors(source({ subscriptions: [{ filterPattern: "ERROR" }] }))).toEqual([
      "sources[0].subscriptions[0].logGroup: is required",
    ]);
  });

  it("rejects an invalid filterName", () => {
    expect(sourceErrors(source({ subscriptions: [{ logGroup: "a", filterName: "a:b" }] }))).toEqual([
      "sources[0].subscriptions[0].filterName: 'a:b' is not a valid subscription filter name (1-512 characters, no ':' or '*')",
    ]);
  });

  it("rejects a filterPattern longer than 1024 characters", () => {
    const filterPattern = "x".repeat(1025);
    expect(sourceErrors(source({ subscriptions: [{ logGroup: "a", filterPattern }] }))).toEqual([
      `sources[0].subscriptions[0].filterPattern: '${filterPattern}' is longer than 1024 characters`,
    ]);
  });

  describe("subscription filters per log group", () => {
    it("rejects a third subscription filter on one log group", () => {
      expect(
        sourceErrors(
          source({
            subscriptions: [
              { logGroup: "app", filterName: "one" },
              { logGroup: "other" },
              { logGroup: "app", filterName: "two" },
              { logGroup: "app", filterName: "three" },
            ],
          }),
        ),
      ).toEqual([
        "sources[0].subscriptions[3].logGroup: 'app' would get a third subscription filter on log group 'app' in 111111111111/us-east-1; CloudWatch Logs allows 2",
      ]);
    });

    it("counts a forwarded flow log together with subscriptions on its group", () => {
      const group = "vpc-flow-logs/vpc-12345678";
      expect(
        sourceErrors(
          source({
            subscriptions: [
              { logGroup: group, filterName: "one" },
              { logGroup: group, filterName: "two" },
            ],
            flowLogs: [{ vpcId: "vpc-12345678" }],
          }),
        ),
      ).toEqual([
        `sources[0].flowLogs[0].logGroup: would get a third subscription filter on log group '${group}' in 111111111111/us-east-1; CloudWatch Logs allows 2`,
      ]);
    });

    it("counts a forwarded flow log with an explicit log group", () => {
      expect(
        sourceErrors(
          source({
            subscriptions: [
              { logGroup: "flows", filterName: "one" },
              { logGroup: "flows", filterName: "two" },
            ],
            flowLogs: [{ vpcId: "vpc-12345678", logGroup: "flows", filterName: "three" }],
          }),
        ),
      ).toEqual([
        "sources[0].flowLogs[0].logGroup: 'flows' would get a third subscription filter on log group 'flows' in 111111111111/us-east-1; CloudWatch Logs allows 2",
      ]);
    });

    it("does not count a flow log with forward: false", () => {
      const settings = ok({
        recipient: RECIPIENT,
        sources: [
          source({
            subscriptions: [
              { logGroup: "flows", filterName: "one" },
              { logGroup: "flows", filterName: "two" },
            ],
            flowLogs: [{ vpcId: "vpc-12345678", logGroup: "flows", forward: false }],
          }),
        ],
      });
      expect(settings.sources[0]!.flowLogs[0]!.forward).toBe(false);
    });

    it("counts per region: the same group name in another region is another group", () => {
      const settings = ok({
        recipient: RECIPIENT,
        sources: [
          source({
            regions: ["us-east-1", "us-east-2"],
            subscriptions: [
              { logGroup: "app", region: "us-east-1", filterName: "one" },
              { logGroup: "app", region: "us-east-1", filterName: "two" },
              { logGroup: "app", region: "us-east-2", filterName: "three" },
            ],
          }),
        ],
      });
      expect(settings.sources[0]!.subscriptions).toHaveLength(3);
    });

    it("rejects two filters with the same default filterName on one group", () => {
      expect(
        sourceErrors(
          source({ subscriptions: [{ logGroup: "app" }, { logGroup: "app", filterPattern: "ERROR" }] }),
        ),
      ).toEqual([
        "sources[0].subscriptions[1].logGroup: 'app' gives log group 'app' a second filter named 'central-logging-dev'; set a distinct filterName",
      ]);
    });

    it("rejects a subscription and a forwarded flow log with the same default filterName on one group", () => {
      expect(
        sourceErrors(
          source({
            subscriptions: [{ logGroup: "flows" }],
            flowLogs: [{ vpcId: "vpc-12345678", logGroup: "flows" }],
          }),
        ),
      ).toEqual([
        "sources[0].flowLogs[0].logGroup: 'flows' gives log group 'flows' a second filter named 'central-logging-dev'; set a distinct filterName",
      ]);
    });
  });

  describe("flow logs", () => {
    it.each([
      "vpc-1234567",
      "vpc-123456789",
      "vpc-ABCDEF12",
      "subnet-12345678",
      "12345678",
      "vpc-0123456789abcdef",
    ])("rejects vpcId %j", (vpcId) => {
      expect(sourceErrors(source({ flowLogs: [{ vpcId }] }))).toEqual([
        `sources[0].flowLogs[0].vpcId: '${vpcId}' is not a VPC id (vpc-xxxxxxxx)`,
      ]);
    });

    it("requires vpcId", () => {
      expect(sourceErrors(source({ flowLogs: [{ trafficType: "ALL" }] }))).toEqual([
        "sources[0].flowLogs[0].vpcId: is required",
      ]);
    });

    it.each(["all", "DENY", ""])("rejects trafficType %j", (trafficType) => {
      expect(sourceErrors(source({ flowLogs: [{ vpcId: "vpc-12345678", trafficType }] }))).toEqual([
        `sources[0].flowLogs[0].trafficType: '${trafficType}' must be ALL, ACCEPT or REJECT`,
      ]);
    });

    it.each([0, 2, 31, 365.5, 3654])("rejects retentionDays %j", (retentionDays) => {
      expect(sourceErrors(source({ flowLogs: [{ vpcId: "vpc-12345678", retentionDays }] }))).toEqual([
        `sources[0].flowLogs[0].retentionDays: ${retentionDays} is not a CloudWatch Logs retention period (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)`,
      ]);
    });

    it("rejects forward that is not a boolean", () => {
      expect(sourceErrors(source({ flowLogs: [{ vpcId: "vpc-12345678", forward: "yes" }] }))).toEqual([
        "sources[0].flowLogs[0].forward: 'yes' must be a boolean",
      ]);
    });

    it("rejects a second flow log for the same VPC in the same region", () => {
      expect(
        sourceErrors(
          source({
            flowLogs: [
              { vpcId: "vpc-12345678", trafficType: "ACCEPT", logGroup: "accepted" },
              { vpcId: "vpc-87654321" },
              { vpcId: "vpc-12345678", trafficType: "REJECT", logGroup: "rejected" },
            ],
          }),
        ),
      ).toEqual(["sources[0].flowLogs[2].vpcId: 'vpc-12345678' already has a flow log (flowLogs[0])"]);
    });

    it.each([false, true])(
      "rejects two flow logs creating the same log group (forward: %s), once",
      (forward) => {
        expect(
          sourceErrors(
            source({
              flowLogs: [
                { vpcId: "vpc-12345678", logGroup: "flows", forward },
                { vpcId: "vpc-87654321", logGroup: "flows", forward },
              ],
            }),
          ),
        ).toEqual([
          "sources[0].flowLogs[1].logGroup: 'flows' is already created by flowLogs[0] in us-east-1",
        ]);
      },
    );

    it("reports a forwarded duplicate flow log once, not also as a second filter", () => {
      expect(
        sourceErrors(source({ flowLogs: [{ vpcId: "vpc-12345678" }, { vpcId: "vpc-12345678" }] })),
      ).toEqual(["sources[0].flowLogs[1].vpcId: 'vpc-12345678' already has a flow log (flowLogs[0])"]);
    });

    it("accepts the same VPC id in two regions", () => {
      const settings = ok({
        recipient: RECIPIENT,
        sources: [
          source({
            regions: ["us-east-1", "us-east-2"],
            flowLogs: [
              { vpcId: "vpc-12345678", region: "us-east-1" },
              { vpcId: "vpc-12345678", region: "us-east-2" },
            ],
          }),
        ],
      });
      expect(settings.sources[0]!.flowLogs.map((f) => `${f.region}/${f.logGroup}`)).toEqual([
        "us-east-1/vpc-flow-logs/vpc-12345678",
        "us-east-2/vpc-flow-logs/vpc-12345678",
      ]);
    });
  });
});

describe("all problems are reported together", () => {
  it("reports a bad region in sources[1], a duplicate account and a bad transport in one result", () => {
    expect(
      errors({
        recipient: { ...RECIPIENT, transport: "kafka" },
        sources: [source(), source({ regions: ["us-east-9"] })],
      }),
    ).toEqual([
      "recipient.transport: 'kafka' must be 'kinesis' or 'firehose'",
      "sources[1].accountId: '111111111111' is listed twice (also sources[0]); list each account once with all its regions",
      "sources[1].regions[0]: 'us-east-9' is not an AWS region",
    ]);
  });

  it("keeps checking the other sources after a broken one", () => {
    expect(
      sourceErrors(
        source({ accountId: "1" }),
        source({
          accountId: "222222222222",
          regions: ["us-east-1", "us-east-2"],
          subscriptions: [{ logGroup: "a" }],
        }),
        source({ accountId: "333333333333", roleArn: "arn:aws:iam::444444444444:role/x" }),
      ),
    ).toEqual([
      "sources[0].accountId: '1' is not a 12-digit AWS account id",
      "sources[1].subscriptions[0].region: is required: account 222222222222 has several regions (us-east-1, us-east-2)",
      "sources[2].roleArn: 'arn:aws:iam::444444444444:role/x' is not a role in account 333333333333",
    ]);
  });

  it("reports several problems within one source", () => {
    expect(
      sourceErrors(
        source({
          regions: ["us-east-1", "us-east-2"],
          subscriptions: [{ logGroup: "a" }, { logGroup: "b", region: "eu-west-1" }],
          flowLogs: [
            { vpcId: "vpc-12345678", region: "us-east-1" },
            { vpcId: "vpc-12345678", region: "us-east-1" },
          ],
        }),
      ),
    ).toEqual([
      "sources[0].subscriptions[0].region: is required: account 111111111111 has several regions (us-east-1, us-east-2)",
      "sources[0].subscriptions[1].region: 'eu-west-1' is not one of this account's regions (us-east-1, us-east-2)",
      "sources[0].flowLogs[1].vpcId: 'vpc-12345678' already has a flow log (flowLogs[0])",
    ]);
  });

  it("reports recipient-level rules together with problems in the sources", () => {
    expect(
      errors({
        recipient: {
          ...RECIPIENT,
          roleArn: "arn:aws:iam::111111111111:role/Deployer",
          bucketName: "Archive",
          lifecycle: { expireDays: 100 },
        },
        sources: [source({ regions: ["us-east-9"] })],
      }),
    ).toEqual([
      "sources[0].regions[0]: 'us-east-9' is not an AWS region",
      "recipient.bucketName: 'Archive' is not a valid S3 bucket name (3-63 of a-z 0-9 . -)",
      "recipient.roleArn: 'arn:aws:iam::111111111111:role/Deployer' is not a role in account 999999999999",
      "recipient.lifecycle.expireDays: 100 must be later than glacierDays (365)",
    ]);
  });

  it("reports the lifecycle order together with another broken recipient key", () => {
    expect(recipientErrors({ transport: "sqs", lifecycle: { glacierDays: 40 } })).toEqual([
      "recipient.transport: 'sqs' must be 'kinesis' or 'firehose'",
      "recipient.lifecycle.glacierDays: 40 must be at least 30 days after infrequentAccessDays (30)",
    ]);
  });

  it("reports several schema problems of the recipient at once", () => {
    expect(
      recipientErrors({
        accountId: 999999999999,
        region: "tokyo",
        bucketRegion: "osaka",
        stream: { shardCount: 0 },
        firehose: { bufferSizeMiB: 0, bufferIntervalSeconds: 901 },
      }),
    ).toEqual([
      "recipient.region: 'tokyo' is not an AWS region",
      "recipient.bucketRegion: 'osaka' is not an AWS region",
      "recipient.stream.shardCount: 0 must be at least 1",
      "recipient.firehose.bufferSizeMiB: 0 must be at least 64",
      "recipient.firehose.bufferIntervalSeconds: 901 must be at most 900",
    ]);
  });

  it("does not repeat a line", () => {
    const result = errors({
      recipient: { ...RECIPIENT, transport: "x" },
      sources: [source(), source(), source({ regions: ["nowhere-1"] })],
    });
    expect(new Set(result).size).toBe(result.length);
  });
});

describe("filter patterns are checked before anything is created", () => {
  it("refuses a malformed subscription pattern with the position of the error", () => {
    expect(
      sourceErrors(source({ subscriptions: [{ logGroup: "a", filterPattern: "{ $.eventName }" }] })),
    ).toEqual([
      "sources[0].subscriptions[0].filterPattern: '{ $.eventName }' is not a valid filter pattern: expected an operator (=, !=, <, <=, >, >=, IS, NOT EXISTS) after $.eventName at position 14, found '}'",
    ]);
  });

  it("refuses a malformed alarm pattern and a malformed trail-forwarding pattern", () => {
    expect(
      sourceErrors(
        source({
          cloudTrail: { forward: { filterPattern: "{$.userIdentity.type = tada" } },
          alarms: [{ name: "x", filterPattern: "[ip, user" }],
          alarmNotifications: { emails: ["a@example.com"] },
        }),
      ).map((e) => e.split(" is not a valid filter pattern")[0]),
    ).toEqual([
      "sources[0].cloudTrail.forward.filterPattern: '{$.userIdentity.type = tada'",
      "sources[0].alarms[0].filterPattern: '[ip, user'",
    ]);
  });

  it("accepts the write-ups' patterns", () => {
    expect(() =>
      ok({
        recipient: RECIPIENT,
        sources: [
          source({
            subscriptions: [{ logGroup: "test-trail", filterPattern: "{$.userIdentity.type = tada}" }],
            cloudTrail: {},
            alarms: [{ name: "describe-trails", filterPattern: '{ $.eventName = "DescribeTrails" }' }],
            alarmNotifications: { emails: ["a@example.com"] },
          }),
        ],
      }),
    ).not.toThrow();
  });
});

describe("trails and alarms", () => {
  const withTrail = (extra: Record<string, unknown>) => source({ cloudTrail: {}, ...extra });

  it("defaults the trail: the account's region, the prefix as name, CloudTrail/DefaultLogGroup, 7 days", () => {
    expect(ok({ recipient: RECIPIENT, sources: [withTrail({})] }).sources[0]?.cloudTrail).toEqual({
      region: "us-east-1",
      name: "central-logging-dev",
      logGroup: "CloudTrail/DefaultLogGroup",
      retentionDays: 7,
      snsTopic: false,
      organization: false,
    });
  });

  it("needs the trail's region when the account has several", () => {
    expect(sourceErrors(source({ regions: ["us-east-1", "eu-west-1"], cloudTrail: {} }))).toEqual([
      "sources[0].cloudTrail.region: is required: account 111111111111 has several regions (us-east-1, eu-west-1)",
    ]);
  });

  it("counts a forwarded trail group towards the two-filter quota", () => {
    expect(
      sourceErrors(
        withTrail({
          cloudTrail: { forward: {} },
          subscriptions: [
            { logGroup: "CloudTrail/DefaultLogGroup", filterName: "siem" },
            { logGroup: "CloudTrail/DefaultLogGroup", filterName: "other" },
          ],
        }),
      ),
    ).toEqual([
      "sources[0].cloudTrail.forward: {} would get a third subscription filter on log group 'CloudTrail/DefaultLogGroup' in 111111111111/us-east-1; CloudWatch Logs allows 2",
    ]);
  });

  it("refuses alarms without a trail, and alarms nobody receives", () => {
    expect(sourceErrors(source({ cisAlarms: true }))).toEqual([
      "sources[0].cisAlarms: true needs cloudTrail: alarms watch the trail's log group",
      "sources[0].alarmNotifications: needs at least one subscriber (emails, httpsEndpoints or sqsQueueArns) for the alarm topic",
    ]);
  });

  it("refuses duplicate alarm names, bad names, empty patterns and bad periods", () => {
    expect(
      sourceErrors(
        withTrail({
          alarms: [
            { name: "a", filterPattern: "x" },
            { name: "a", filterPattern: "y", periodSeconds: 45 },
            { name: "Bad Name", filterPattern: "" },
          ],
          alarmNotifications: { emails: ["a@example.com"] },
        }),
      ),
    ).toEqual([
      "sources[0].alarms[1].periodSeconds: 45 must be 10, 20, 30 or a multiple of 60",
      "sources[0].alarms[2].name: 'Bad Name' must be 1-63 lowercase letters, digits and hyphens",
      "sources[0].alarms[2].filterPattern: '' must not be empty: an alarm on every event is noise",
    ]);
  });

  // PutMetricAlarm: Period 10, 20, 30 or a multiple of 60; Period x EvaluationPeriods at most one
  // day under an hour's period, seven days otherwise.
  it("accepts the periods and windows CloudWatch accepts and refuses the others", () => {
    const alarm = (periodSeconds: number, evaluationPeriods: number) =>
      withTrail({
        alarms: [{ name: "a", filterPattern: "x", periodSeconds, evaluationPeriods }],
        alarmNotifications: { emails: ["a@example.com"] },
      });
    const accepted = (p: number, n: number) =>
      parseSettings({ recipient: RECIPIENT, sources: [alarm(p, n)] }, "dev").ok;
    expect(accepted(20, 1)).toBe(true);
    expect(accepted(300, 288)).toBe(true);
    expect(accepted(3600, 168)).toBe(true);
    expect(accepted(86400, 7)).toBe(true);
    expect(sourceErrors(alarm(300, 1440))).toEqual([
      "sources[0].alarms[0].evaluationPeriods: 1440 times periodSeconds (300) is 432000 s; CloudWatch allows at most 86400 s (1 day with a period under an hour)",
    ]);
    expect(sourceErrors(alarm(3600, 169))).toEqual([
      "sources[0].alarms[0].evaluationPeriods: 169 times periodSeconds (3600) is 608400 s; CloudWatch allows at most 604800 s (7 days)",
    ]);
    expect(sourceErrors(alarm(15, 1))).toEqual([
      "sources[0].alarms[0].periodSeconds: 15 must be 10, 20, 30 or a multiple of 60",
    ]);
  });

  it("refuses bad subscribers", () => {
    expect(
      sourceErrors(
        withTrail({
          cisAlarms: true,
          alarmNotifications: { emails: ["nobody"], httpsEndpoints: ["http://x"], sqsQueueArns: ["queue"] },
        }),
      ),
    ).toEqual([
      "sources[0].alarmNotifications.emails[0]: 'nobody' is not an e-mail address",
      "sources[0].alarmNotifications.httpsEndpoints[0]: 'http://x' is not an https:// URL",
      "sources[0].alarmNotifications.sqsQueueArns[0]: 'queue' is not an SQS queue ARN",
    ]);
  });

  it("refuses a trail log group that a flow log already creates", () => {
    expect(
      sourceErrors(
        withTrail({
          cloudTrail: { logGroup: "shared" },
          flowLogs: [{ vpcId: "vpc-12345678", logGroup: "shared" }],
        }),
      ),
    ).toEqual(["sources[0].cloudTrail.logGroup: 'shared' is already created by flowLogs[0] in us-east-1"]);
  });
});

describe("policies that grow with every account stay within AWS's size limits", () => {
  const account = (i: number) => String(100_000_000_000 + i);
  // A budget for any number of provider processes: the deploy-cost check is tested on its own.
  const BIG = { providerBudgetMiB: 1_048_576 };

  it("refuses a region whose destination access policy would pass 5,120 bytes", () => {
    const many = Array.from({ length: 330 }, (_, i) =>
      source({ accountId: account(i), subscriptions: [{ logGroup: "app" }] }),
    );
    // Long before that, the destination role's trust outgrows IAM's quota (next test).
    expect(errors({ ...BIG, recipient: RECIPIENT, sources: many })).toEqual([
      "sources: 330 accounts forward in us-east-1, so its destination access policy would be 5187 bytes; CloudWatch Logs allows 5120: set recipient.organizationId to admit the organization instead",
      "sources: 330 sending account-regions make the destination role's trust policy 13455 characters; IAM allows 2048 (recipient.trustPolicyMaxChars; a quota increase gives at most 4096): set recipient.organizationId, whose trust does not grow with the accounts",
    ]);
    expect(
      errors({ ...BIG, recipient: RECIPIENT, sources: many.slice(0, 325) }).filter((e) =>
        e.includes("access policy"),
      ),
    ).toEqual([]);
  });

  // IAM counts a trust policy's characters without white space, 2,048 unless the quota is raised
  // (4,096 at most). Each sending account adds `"arn:aws:logs:<region>:<account>:*",` to its region.
  it("refuses senders whose destination-role trust would pass IAM's trust-policy quota", () => {
    const senders = (n: number, regions = ["us-east-1"]) =>
      Array.from({ length: n }, (_, i) =>
        source({
          accountId: account(i),
          regions,
          subscriptions: regions.map((region) => ({ logGroup: "app", region })),
        }),
      );
    const fits = (n: number, recipient: Record<string, unknown> = RECIPIENT) =>
      parseSettings({ ...BIG, recipient, sources: senders(n) }, "dev").ok;
    // The largest count that fits, by the program's own measure: about the 46 the issue estimated.
    const largest = Array.from({ length: 120 }, (_, i) => i + 1)
      .filter((n) => fits(n))
      .pop();
    expect(largest).toBe(44);
    expect(errors({ ...BIG, recipient: RECIPIENT, sources: senders(50) })).toEqual([
      "sources: 50 sending account-regions make the destination role's trust policy 2255 characters; IAM allows 2048 (recipient.trustPolicyMaxChars; a quota increase gives at most 4096): set recipient.organizationId, whose trust does not grow with the accounts",
    ]);
    // Every region's senders count: 25 accounts in two regions are 50 entries too.
    expect(
      errors({ ...BIG, recipient: RECIPIENT, sources: senders(25, ["us-east-1", "eu-west-1"]) })[0],
    ).toMatch(
      /^sources: 50 sending account-regions make the destination role's trust policy \d+ characters; IAM allows 2048/,
    );
    // A raised quota, or organization mode (whose trust names no account), admits more.
    expect(fits(50, { ...RECIPIENT, trustPolicyMaxChars: 4096 })).toBe(true);
    expect(fits(120, { ...RECIPIENT, organizationId: "o-a1b2c3d4e5" })).toBe(true);
    expect(recipientErrors({ trustPolicyMaxChars: 8192 })).toEqual([
      "recipient.trustPolicyMaxChars: 8192 must be at most 4096",
    ]);
  });

  it("refuses trails that would make the archive bucket policy pass 20,480 bytes", () => {
    const many = Array.from({ length: 80 }, (_, i) => source({ accountId: account(i), cloudTrail: {} }));
    const result = errors({ ...BIG, recipient: RECIPIENT, sources: many });
    expect(result).toHaveLength(1);
    expect(result[0]).toMatch(
      /^sources: 80 trails would make the archive bucket policy \d+ bytes; S3 allows 20480: deliver them through one organization trail instead \(cloudTrail\.organization\)$/,
    );
    expect(() => ok({ ...BIG, recipient: RECIPIENT, sources: many.slice(0, 40) })).not.toThrow();
  });
});

// One AWS provider plugin process per account on a real deploy, estimated at 400 MiB each: a stack
// whose processes pass providerBudgetMiB (default 5,632, a 7 GB runner) is refused with the numbers.
describe("the deploy's provider processes fit the machine", () => {
  const sources = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      source({ accountId: String(100_000_000_000 + i), subscriptions: [{ logGroup: "app" }] }),
    );
  it("refuses more accounts than the budget's processes, saying how to shard", () => {
    // 13 sources + the recipient = 14 processes = 5,600 MiB: fits; one more does not.
    expect(() => ok({ recipient: RECIPIENT, sources: sources(13) })).not.toThrow();
    expect(errors({ recipient: RECIPIENT, sources: sources(14) })).toEqual([
      "providerBudgetMiB: this stack would start 15 provider processes (15 AWS, one per account), about 6000 MiB at 400 MiB each, over the budget of 5632 MiB: split the organization into a recipient stack and shards of at most 14 accounts (npm run shards -- --org <file> --provider-budget 5632), or raise providerBudgetMiB on a larger machine",
    ]);
    expect(() => ok({ providerBudgetMiB: 8192, recipient: RECIPIENT, sources: sources(14) })).not.toThrow();
  });

  it("counts only the accounts of the stack's part", () => {
    // A shard deploys its sources only; a recipient stack only the recipient (and random with search).
    const shard = { part: "sources", recipientStack: "acme/central-logging/recipient" };
    expect(() => ok({ ...shard, recipient: RECIPIENT, sources: sources(14) })).not.toThrow();
    expect(() => ok({ part: "recipient", recipient: RECIPIENT, sources: sources(40) })).not.toThrow();
  });

  it("refuses a budget below one process", () => {
    expect(errors({ providerBudgetMiB: 100, recipient: RECIPIENT })).toEqual([
      "providerBudgetMiB: 100 must be at least 400",
    ]);
  });
});

describe("alarm names and subscribers that AWS would refuse or collide on", () => {
  const trail = { cloudTrail: {}, alarmNotifications: { emails: ["a@example.com"] } };

  it("reserves cis-* alarm names for the CIS set", () => {
    expect(
      sourceErrors(source({ ...trail, alarms: [{ name: "cis-root-usage", filterPattern: "x" }] })),
    ).toEqual([
      "sources[0].alarms[0].name: 'cis-root-usage' starts with 'cis-', which is reserved for cisAlarms",
    ]);
  });

  it("refuses an SQS subscriber in another account", () => {
    expect(
      sourceErrors(
        source({
          ...trail,
          cisAlarms: true,
          alarmNotifications: { sqsQueueArns: ["arn:aws:sqs:us-east-1:222222222222:alerts"] },
        }),
      ),
    ).toEqual([
      "sources[0].alarmNotifications.sqsQueueArns[0]: 'arn:aws:sqs:us-east-1:222222222222:alerts' is not a queue of account 111111111111",
    ]);
  });

  it("refuses a two-character namePrefix (it is also the default trail name)", () => {
    expect(errors({ namePrefix: "ab", recipient: { ...RECIPIENT, bucketName: "my-archive" } })).toEqual([
      "namePrefix: 'ab' must be 3-39 lowercase letters, digits and hyphens, starting with a letter",
    ]);
  });
});

describe("organization mode", () => {
  const BIG = { providerBudgetMiB: 1_048_576 };
  it("refuses a malformed organization id", () => {
    expect(recipientErrors({ organizationId: "org-1" })).toEqual([
      "recipient.organizationId: 'org-1' is not an AWS Organizations id (o- and 10-32 of a-z 0-9)",
    ]);
  });

  it("lifts the per-region account limit: the organization's access policy does not grow", () => {
    const many = Array.from({ length: 400 }, (_, i) =>
      source({ accountId: String(100_000_000_000 + i), subscriptions: [{ logGroup: "app" }] }),
    );
    expect(errors({ ...BIG, recipient: RECIPIENT, sources: many })[0]).toMatch(
      /set recipient\.organizationId to admit the organization instead$/,
    );
    expect(
      ok({ ...BIG, recipient: { ...RECIPIENT, organizationId: "o-a1b2c3d4e5" }, sources: many }).sources,
    ).toHaveLength(400);
  });
});

describe("forwardAll", () => {
  it("defaults to every region of the account, everything, no extra exclusions", () => {
    const settings = ok({
      recipient: RECIPIENT,
      sources: [source({ regions: ["us-east-1", "eu-west-1"], forwardAll: {} })],
    });
    expect(settings.sources[0]?.forwardAll).toEqual({
      regions: ["us-east-1", "eu-west-1"],
      filterPattern: "",
      exclude: [],
    });
  });

  it("refuses a region the account does not have, a region twice, a bad pattern and a bad group name", () => {
    expect(
      sourceErrors(
        source({
          forwardAll: {
            regions: ["us-east-1", "eu-west-1", "us-east-1"],
            filterPattern: "{ $.a = }",
            exclude: ["a b"],
          },
        }),
      ).map((e) => e.split(" is not a valid filter pattern")[0]),
    ).toEqual([
      "sources[0].forwardAll.filterPattern: '{ $.a = }'",
      "sources[0].forwardAll.exclude[0]: 'a b' is not a valid log group name (1-512 of a-z A-Z 0-9 _ - / . #)",
    ]);
    expect(
      sourceErrors(source({ forwardAll: { regions: ["us-east-1", "eu-west-1", "us-east-1"] } })),
    ).toEqual([
      "sources[0].forwardAll.regions[1]: 'eu-west-1' is not one of this account's regions (us-east-1)",
      "sources[0].forwardAll.regions[2]: 'us-east-1' is listed twice",
    ]);
  });

  it("refuses exclusions longer than the 25 KB selection criteria CloudWatch Logs takes", () => {
    const exclude = Array.from({ length: 600 }, (_, i) => `/aws/lambda/function-with-a-long-name-${i}`);
    expect(errors({ recipient: RECIPIENT, sources: [source({ forwardAll: { exclude } })] })[0]).toMatch(
      /^sources: the forwardAll exclusions of 111111111111\/us-east-1 make a selection criteria of \d+ bytes; CloudWatch Logs allows 25600$/,
    );
  });
});

describe("organization trail", () => {
  const org = { ...RECIPIENT, organizationId: "o-a1b2c3d4e5" };

  it("needs recipient.organizationId", () => {
    expect(
      errors({ recipient: RECIPIENT, sources: [source({ cloudTrail: { organization: true } })] }),
    ).toEqual([
      "sources[0].cloudTrail.organization: true needs recipient.organizationId (the trail writes AWSLogs/<organizationId>/)",
    ]);
  });

  it("exists once: an organization has one management account", () => {
    expect(
      errors({
        recipient: org,
        sources: [
          source({ cloudTrail: { organization: true } }),
          source({ accountId: "222222222222", cloudTrail: { organization: true } }),
        ],
      }),
    ).toEqual([
      "sources[1].cloudTrail.organization: true is set for a second account (also 111111111111); an organization has one trail of this kind",
    ]);
  });
});

describe("trail encryption", () => {
  it("needs a trail to encrypt", () => {
    expect(recipientErrors({ trailKms: true })).toEqual([
      "recipient.trailKms: true needs at least one source with cloudTrail: the key encrypts trails",
    ]);
  });
});
