/**
 * The Elasticsearch/Kibana write-up (seeds/004), with one forwarder in the recipient account
 * instead of a Lambda and a domain grant per source account: `recipient.search` yields the domain,
 * the forwarder reading the stream, its dead-letter queue, and the provisioning invocation that
 * applies the index template, the retention policy and the dashboard. Checked on what the program
 * registers, with policies parsed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { indexTemplateName } from "../infra/search/indexTemplate";
import { ismPolicyId } from "../infra/search/ismPolicy";
import type { ProvisioningInput } from "../infra/search/provisioningInput";
import { input, list, policyOf, type Registered, runStack, stackConfig, T } from "./support/program";

const RECIPIENT = "999999999999";
const SOURCE = "111111111111";
const HOME = "ap-northeast-1";
const P = "central-logging-es";
/** Pulumi's wire form of a secret value (@pulumi/pulumi/runtime/rpc). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const DOMAIN_ARN = `arn:aws:es:${HOME}:${RECIPIENT}:domain/cloudtrail`;
const STREAM_ARN = `arn:aws:kinesis:${HOME}:${RECIPIENT}:stream/${P}-logs`;
const FORWARDER_ROLE = `arn:aws:iam::${RECIPIENT}:role/${P}-search-forwarder`;
const ENDPOINT = `search-cloudtrail-mock.${HOME}.es.amazonaws.com`;

const S = {
  domain: "aws:opensearch/domain:Domain",
  invocation: "aws:lambda/invocation:Invocation",
  mapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  queue: "aws:sqs/queue:Queue",
  secret: "aws:secretsmanager/secret:Secret",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  password: "random:index/randomPassword:RandomPassword",
} as const;

let p: Registered;

beforeAll(async () => {
  p = await runStack(
    "es",
    stackConfig(
      {
        accountId: RECIPIENT,
        region: HOME,
        stream: { retentionHours: 48 },
        search: {
          domainName: "cloudtrail",
          allowedPrincipals: [`arn:aws:iam::${RECIPIENT}:role/SecurityAnalyst`],
          retentionDays: 30,
          forwarder: { batchSize: 200, batchWindowSeconds: 10, maximumRetryAttempts: 4 },
        },
      },
      [
        // The write-up's sources: each account's CloudTrail log group, forwarded (no Lambda there).
        { accountId: SOURCE, regions: [HOME], cloudTrail: { forward: {} } },
        {
          accountId: "222222222222",
          regions: ["us-east-2"],
          subscriptions: [{ logGroup: "CloudTrail/DefaultLogGroup" }],
        },
      ],
    ),
  );
});

describe("the domain", () => {
  it("lives in the home region, encrypted at rest and between nodes, HTTPS with TLS 1.2+ only", () => {
    const domain = p.one(S.domain);
    expect(p.where(domain)).toBe(`${RECIPIENT}/${HOME}`);
    expect(domain.inputs).toMatchObject({
      domainName: "cloudtrail",
      engineVersion: "OpenSearch_2.19",
      clusterConfig: { instanceType: "t3.small.search", instanceCount: 1, zoneAwarenessEnabled: false },
      ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: 10 },
      encryptAtRest: { enabled: true },
      nodeToNodeEncryption: { enabled: true },
      domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
    });
  });

  // CreateDomain takes MasterUserARN only with the internal user database off, and then a master
  // user name and password are required ("You must provide a master username and password when
  // the internal user database is enabled"). People log in with a password, so the master is the
  // internal `admin` user with the stack's random password.
  it("has fine-grained access control with the internal `admin` user as master and no anonymous access", () => {
    // The master password makes the block a secret: the engine receives it wrapped, as the mocks do.
    const wrapped = input<Record<string, unknown>>(p.one(S.domain), "advancedSecurityOptions");
    expect(wrapped[SECRET_SIG_KEY]).toBe(SECRET_SIG);
    const security = wrapped.value as Record<string, unknown>;
    expect(security).toEqual({
      enabled: true,
      anonymousAuthEnabled: false,
      internalUserDatabaseEnabled: true,
      masterUserOptions: { masterUserName: "admin", masterUserPassword: expect.any(String) },
    });
    // The combination CreateDomain refuses never appears.
    expect(JSON.stringify(security)).not.toContain("masterUserArn");
    // The master's password is the one people and the provisioner read from the secret.
    const secretString = input<Record<string, string>>(p.one(S.secretVersion), "secretString");
    const secretPassword = JSON.parse(secretString.value ?? "{}").password;
    expect(security.masterUserOptions).toMatchObject({ masterUserPassword: secretPassword });
  });

  // With an internal master, the provisioner logs in with a password, which cannot be combined with
  // a SigV4 signature, and a Lambda has no fixed address: the policy leaves the decision to FGAC,
  // as the OpenSearch Service guide recommends with fine-grained access control.
  it("leaves who gets in to fine-grained access control: every HTTP method, no configuration API", () => {
    const doc = policyOf(p.one(S.domain), "accessPolicies");
    expect(doc.Statement).toEqual([
      {
        Sid: "FineGrainedAccessControlDecides",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: [
          "es:ESHttpDelete",
          "es:ESHttpGet",
          "es:ESHttpHead",
          "es:ESHttpPatch",
          "es:ESHttpPost",
          "es:ESHttpPut",
        ],
        Resource: `${DOMAIN_ARN}/*`,
      },
    ]);
    // The write-up's `es:*` is gone everywhere.
    expect(doc.Statement.flatMap((s) => list(s.Action)).filter((a) => a.includes("*"))).toEqual([]);
  });
});

describe("the forwarder", () => {
  it("is one Lambda in the recipient account reading the stream, with nothing in the source accounts", () => {
    const fn = p.one(T.lambda, "recipient-search-forwarder");
    expect(p.where(fn)).toBe(`${RECIPIENT}/${HOME}`);
    expect(fn.inputs).toMatchObject({
      name: `${P}-search-forwarder`,
      runtime: "nodejs22.x",
      handler: "index.handler",
      timeout: 120,
      memorySize: 1024,
      role: FORWARDER_ROLE,
    });
    expect(input<{ variables: Record<string, string> }>(fn, "environment").variables).toEqual({
      OPENSEARCH_ENDPOINT: `https://${ENDPOINT}`,
      INDEX_PREFIX: "cwl",
      DEAD_LETTER_QUEUE_URL: `https://sqs.${HOME}.amazonaws.com/${RECIPIENT}/${P}-search-dlq`,
    });
    const inSources = p.resources.filter((r) => r.provider && r.provider.accountId !== RECIPIENT);
    expect(inSources.filter((r) => r.type === T.lambda || r.type === S.domain)).toEqual([]);
  });

  it("reads from the start of the stream, bisects failing batches, retries a bounded number of times, then queues", () => {
    const mapping = p.one(S.mapping);
    expect(p.where(mapping)).toBe(`${RECIPIENT}/${HOME}`);
    expect(mapping.inputs).toEqual({
      region: HOME,
      eventSourceArn: STREAM_ARN,
      functionName: `arn:aws:lambda:${HOME}:${RECIPIENT}:function:${P}-search-forwarder`,
      startingPosition: "TRIM_HORIZON",
      batchSize: 200,
      maximumBatchingWindowInSeconds: 10,
      parallelizationFactor: 1,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 4,
      // Records older than the stream keeps cannot be read again anyway.
      maximumRecordAgeInSeconds: 48 * 3600,
      functionResponseTypes: ["ReportBatchItemFailures"],
      destinationConfig: {
        onFailure: { destinationArn: `arn:aws:sqs:${HOME}:${RECIPIENT}:${P}-search-dlq` },
      },
    });
  });

  it("starts reading only once the domain is provisioned and its role may read the stream", () => {
    expect(p.one(S.mapping).dependsOn).toEqual(
      expect.arrayContaining([
        `${S.invocation}::recipient-search-provisioning`,
        `${T.rolePolicy}::recipient-search-forwarder-role-policy`,
        `${T.stream}::recipient-stream`,
      ]),
    );
  });

  it("may read the stream, bulk-index, queue what it cannot index and write its logs: nothing else", () => {
    const trust = policyOf(p.one(T.role, "recipient-search-forwarder-role"), "assumeRolePolicy");
    expect(trust.Statement[0]).toMatchObject({
      Principal: { Service: "lambda.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": RECIPIENT } },
    });
    const doc = policyOf(p.one(T.rolePolicy, "recipient-search-forwarder-role-policy"));
    expect(doc.Statement.map((s) => [s.Sid, list(s.Action), list(s.Resource)])).toEqual([
      [
        "ReadStream",
        [
          "kinesis:DescribeStream",
          "kinesis:DescribeStreamSummary",
          "kinesis:GetRecords",
          "kinesis:GetShardIterator",
          "kinesis:ListShards",
        ],
        [STREAM_ARN],
      ],
      ["BulkIndex", ["es:ESHttpPost"], [`${DOMAIN_ARN}/_bulk`]],
      ["DeadLetters", ["sqs:SendMessage"], [`arn:aws:sqs:${HOME}:${RECIPIENT}:${P}-search-dlq`]],
      [
        "WriteOwnLogs",
        ["logs:CreateLogStream", "logs:PutLogEvents"],
        [`arn:aws:logs:${HOME}:${RECIPIENT}:log-group:/aws/lambda/${P}-search-forwarder:log-stream:*`],
      ],
    ]);
  });

  it("keeps dead letters 14 days in an encrypted queue, and its logs 30 days", () => {
    expect(p.one(S.queue, "recipient-search-dlq").inputs).toMatchObject({
      name: `${P}-search-dlq`,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1209600,
    });
    expect(input(p.one(T.logGroup, "recipient-search-forwarder-logs"), "retentionInDays")).toBe(30);
  });
});

describe("provisioning at deploy time", () => {
  const provisioning = () => JSON.parse(input<string>(p.one(S.invocation), "input")) as ProvisioningInput;

  it("invokes the provisioner with the template, the retention policy, the roles and the dashboard", () => {
    const invocation = p.one(S.invocation);
    expect(p.where(invocation)).toBe(`${RECIPIENT}/${HOME}`);
    expect(input(invocation, "functionName")).toBe(`${P}-search-provisioner`);
    const body = provisioning();
    expect(body.endpoint).toBe(`https://${ENDPOINT}`);
    expect(body.indexPrefix).toBe("cwl");
    expect(body.indexTemplate.name).toBe(indexTemplateName("cwl"));
    // The write-up's two fixes.
    expect(JSON.stringify(body.indexTemplate.body)).toContain('"index.mapping.total_fields.limit":3000');
    expect(JSON.stringify(body.indexTemplate.body)).toContain('"apiVersion":{"type":"text"}');
    expect(body.ismPolicy.id).toBe(ismPolicyId("cwl"));
    expect(JSON.stringify(body.ismPolicy.body)).toContain('"min_index_age":"30d"');
    expect(body.writer.backendRoles).toEqual([FORWARDER_ROLE]);
    // People admitted by the resource policy also get an OpenSearch role: readall.
    expect(body.readers).toEqual({
      roles: ["readall"],
      backendRoles: [`arn:aws:iam::${RECIPIENT}:role/SecurityAnalyst`],
      users: [],
    });
    expect(body.admin).toEqual({
      secretArn: `arn:aws:secretsmanager:${HOME}:${RECIPIENT}:secret:${P}/search-admin-AbCdEf`,
      roles: ["all_access", "security_manager"],
    });
    expect(body.savedObjects.filter((o) => o.type === "dashboard").map((o) => o.attributes.title)).toEqual([
      "CloudTrail",
    ]);
  });

  it("runs again when the admin password changes, and only after the domain and its permissions exist", () => {
    const invocation = p.one(S.invocation);
    expect(input(invocation, "triggers")).toEqual({
      adminSecretVersion: "recipient-search-admin-secret-version-id-version",
    });
    expect(invocation.dependsOn).toEqual(
      expect.arrayContaining([
        `${S.domain}::recipient-search-domain`,
        `${S.secretVersion}::recipient-search-admin-secret-version`,
        `${T.rolePolicy}::recipient-search-provisioner-role-policy`,
      ]),
    );
  });

  // It reaches the domain as the internal master (a password), not with its role: no es: action.
  it("lets the provisioner read the master login and write its logs, nothing else", () => {
    const doc = policyOf(p.one(T.rolePolicy, "recipient-search-provisioner-role-policy"));
    expect(doc.Statement.map((s) => [s.Sid, list(s.Action), list(s.Resource)])).toEqual([
      [
        "ReadMasterLogin",
        ["secretsmanager:GetSecretValue"],
        [`arn:aws:secretsmanager:${HOME}:${RECIPIENT}:secret:${P}/search-admin-AbCdEf`],
      ],
      [
        "WriteOwnLogs",
        ["logs:CreateLogStream", "logs:PutLogEvents"],
        [`arn:aws:logs:${HOME}:${RECIPIENT}:log-group:/aws/lambda/${P}-search-provisioner:log-stream:*`],
      ],
    ]);
    expect(input(p.one(T.lambda, "recipient-search-provisioner"), "timeout")).toBe(900);
  });
});

describe("the admin login", () => {
  it("has a random password from an explicit random provider, stored in Secrets Manager", () => {
    const password = p.one(S.password);
    expect(password.providerRef).not.toBe("");
    expect(password.packageProvider).toEqual({ type: "pulumi:providers:random", name: "random" });
    expect(password.inputs).toMatchObject({
      length: 32,
      minUpper: 2,
      minLower: 2,
      minNumeric: 2,
      minSpecial: 2,
    });
    expect(p.where(p.one(S.secret))).toBe(`${RECIPIENT}/${HOME}`);
    expect(input(p.one(S.secret), "name")).toBe(`${P}/search-admin`);
    // The secret string reaches the engine as a secret (Pulumi's secret envelope), never in clear.
    const secretString = input<Record<string, string>>(p.one(S.secretVersion), "secretString");
    expect(secretString["4dabf18193072939515e22adb298388d"]).toBe("1b47061264138c4ac30d75fd1eb44270");
    expect(JSON.parse(secretString.value ?? "")).toEqual({
      username: "admin",
      password: "Mock-Password-0123456789-!#%",
    });
  });

  it("exports the endpoint, the Dashboards URL, the secret and the password as a secret output", () => {
    expect(p.run.outputs).toMatchObject({
      searchEndpoint: ENDPOINT,
      dashboardsUrl: `https://${ENDPOINT}/_dashboards`,
      searchAdminSecretArn: `arn:aws:secretsmanager:${HOME}:${RECIPIENT}:secret:${P}/search-admin-AbCdEf`,
      searchAdminPassword: "Mock-Password-0123456789-!#%",
    });
  });
});
