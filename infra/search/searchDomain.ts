import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { bundledLambda, deadLetterQueue, lambdaRole } from "../kernel/pieces";
import type { SearchPlan } from "./plan";
import {
  searchDomainAccessPolicy,
  searchForwarderPermissions,
  searchProvisionerPermissions,
} from "./policies";
import { provisioningInput } from "./provisioningInput";

export interface SearchDomainArgs {
  plan: SearchPlan;
  accountId: string;
  /** The central stream the forwarder reads. */
  streamArn: string;
  /** How long the stream keeps records: older ones cannot be retried anyway. */
  streamRetentionHours: number;
  /** The stream itself: the mapping cannot start before it exists. */
  stream?: pulumi.Resource;
  /** The account's provider (one per account: infra/kernel/providers.ts). */
  provider: aws.Provider;
  /** The region its resources are in: the home region. */
  region: string;
  /** The stack's explicit `random` provider (default providers are disabled). */
  randomProvider: random.Provider;
}

/** The login of people in Dashboards: an internal user the provisioner creates from the secret. */
export const ADMIN_USER = "admin";

/** TLS 1.2 or later, forward secrecy only. */
export const SEARCH_TLS_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10";

/**
 * Search over the archive's stream (the Elasticsearch/Kibana write-up, one forwarder instead of a
 * Lambda per account): an OpenSearch domain encrypted at rest and between nodes, HTTPS only, with
 * fine-grained access control; the forwarder Lambda reading the stream into daily indices; and a
 * provisioning Lambda, invoked at deploy time, that applies the index template, the retention
 * policy, the security roles and the dashboard (again whenever any of them changes).
 *
 * The FGAC master is the internal user `admin` (CreateDomain takes a master user name and password
 * with the internal user database on, and no master ARN): people log in to Dashboards as `admin`,
 * and the provisioner logs in as `admin` too, with the random password kept as a Pulumi secret and
 * in Secrets Manager. Anonymous requests are refused by FGAC; see `searchDomainAccessPolicy` for
 * why the resource policy itself does not narrow who may ask.
 */
export class SearchDomain extends pulumi.ComponentResource {
  readonly domain: aws.opensearch.Domain;
  readonly forwarder: aws.lambda.Function;
  readonly deadLetterQueue: aws.sqs.Queue;
  readonly endpoint: pulumi.Output<string>;
  readonly dashboardsUrl: pulumi.Output<string>;
  readonly adminSecretArn: pulumi.Output<string>;
  /** The `admin` user's password (a secret output). */
  readonly adminPassword: pulumi.Output<string>;

  constructor(name: string, args: SearchDomainArgs, opts?: pulumi.ComponentResourceOptions) {
    super("central-logging:search:SearchDomain", name, {}, opts);
    const { plan } = args;
    const s = plan.settings;
    const o = { parent: this, provider: args.provider };
    // Pieces take the placement: parent, provider and the region their resources name.
    const at = { ...o, region: args.region };

    const password = new random.RandomPassword(
      `${name}-admin-password`,
      // FGAC wants upper, lower, digit and special characters; these specials need no escaping.
      { length: 32, minUpper: 2, minLower: 2, minNumeric: 2, minSpecial: 2, overrideSpecial: "!#%*+-.:=?_" },
      { parent: this, provider: args.randomProvider },
    );
    this.adminPassword = pulumi.secret(password.result);
    const secret = new aws.secretsmanager.Secret(
      `${name}-admin-secret`,
      {
        region: args.region,
        name: plan.adminSecretName,
        description: "central-logging: the OpenSearch Dashboards admin login",
      },
      o,
    );
    const secretVersion = new aws.secretsmanager.SecretVersion(
      `${name}-admin-secret-version`,
      {
        region: args.region,
        secretId: secret.id,
        secretString: pulumi.jsonStringify({ username: ADMIN_USER, password: password.result }),
      },
      o,
    );
    this.adminSecretArn = secret.arn;

    const provisionerRole = lambdaRole(`${name}-provisioner`, plan.provisioner.roleName, args.accountId, at);
    const forwarderRole = lambdaRole(`${name}-forwarder`, plan.forwarder.roleName, args.accountId, at);
    const provisioner = bundledLambda(
      `${name}-provisioner`,
      {
        functionName: plan.provisioner.name,
        role: provisionerRole,
        policy: secret.arn.apply((adminSecretArn) =>
          JSON.stringify(
            searchProvisionerPermissions({
              adminSecretArn,
              logGroupArn: plan.provisioner.logGroupArn,
            }),
          ),
        ),
        logGroupName: plan.provisioner.logGroup,
        logRetentionDays: s.logRetentionDays,
        handler: "search/provisioner/index.ts",
        memorySize: 512,
        // Waits for the domain and its security plugin: give it Lambda's whole budget.
        timeout: 900,
      },
      at,
    );

    this.deadLetterQueue = deadLetterQueue(`${name}-dlq`, plan.deadLetterQueue.name, at);

    const zones = s.instanceCount === 1 ? 1 : s.instanceCount % 3 === 0 ? 3 : 2;
    this.domain = new aws.opensearch.Domain(
      `${name}-domain`,
      {
        region: args.region,
        domainName: plan.domainName,
        engineVersion: s.engineVersion,
        clusterConfig: {
          instanceType: s.instanceType,
          instanceCount: s.instanceCount,
          zoneAwarenessEnabled: zones > 1,
          ...(zones > 1 ? { zoneAwarenessConfig: { availabilityZoneCount: zones } } : {}),
        },
        ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: s.volumeSizeGiB },
        encryptAtRest: { enabled: true },
        nodeToNodeEncryption: { enabled: true },
        domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: SEARCH_TLS_POLICY },
        advancedSecurityOptions: {
          enabled: true,
          // Said explicitly: a request without a password or a mapped IAM signature gets a 401.
          anonymousAuthEnabled: false,
          internalUserDatabaseEnabled: true,
          masterUserOptions: { masterUserName: ADMIN_USER, masterUserPassword: this.adminPassword },
        },
        accessPolicies: JSON.stringify(searchDomainAccessPolicy({ domainArn: plan.domainArn })),
        softwareUpdateOptions: { autoSoftwareUpdateEnabled: true },
      },
      o,
    );
    this.endpoint = this.domain.endpoint;
    this.dashboardsUrl = pulumi.interpolate`https://${this.domain.endpoint}/_dashboards`;

    const forwarder = bundledLambda(
      `${name}-forwarder`,
      {
        functionName: plan.forwarder.name,
        role: forwarderRole,
        policy: JSON.stringify(
          searchForwarderPermissions({
            streamArn: args.streamArn,
            domainArn: plan.domainArn,
            deadLetterQueueArn: plan.deadLetterQueue.arn,
            logGroupArn: plan.forwarder.logGroupArn,
          }),
        ),
        logGroupName: plan.forwarder.logGroup,
        logRetentionDays: s.logRetentionDays,
        handler: "search/forwarder/index.ts",
        memorySize: s.forwarder.memoryMiB,
        timeout: s.forwarder.timeoutSeconds,
        environment: {
          OPENSEARCH_ENDPOINT: pulumi.interpolate`https://${this.domain.endpoint}`,
          INDEX_PREFIX: s.indexPrefix,
          DEAD_LETTER_QUEUE_URL: this.deadLetterQueue.url,
        },
      },
      at,
    );
    this.forwarder = forwarder.fn;

    // The template, retention policy, roles and dashboard, applied by the provisioner; a change to
    // any of them (or a new password) changes the input, and Pulumi invokes it again.
    const provisioned = new aws.lambda.Invocation(
      `${name}-provisioning`,
      {
        region: args.region,
        functionName: provisioner.fn.name,
        input: pulumi.all([this.domain.endpoint, secret.arn]).apply(([endpoint, adminSecretArn]) =>
          JSON.stringify(
            provisioningInput({
              endpoint,
              indexPrefix: s.indexPrefix,
              retentionDays: s.retentionDays,
              replicas: s.replicas,
              forwarderRoleArns: [plan.forwarder.roleArn],
              adminSecretArn,
              // People who sign their requests need an OpenSearch role too: read everything.
              readerPrincipals: s.allowedPrincipals,
            }),
          ),
        ),
        triggers: { adminSecretVersion: secretVersion.versionId },
      },
      { ...o, dependsOn: [this.domain, secretVersion, provisioner.rolePolicy] },
    );

    new aws.lambda.EventSourceMapping(
      `${name}-mapping`,
      {
        region: args.region,
        eventSourceArn: args.streamArn,
        functionName: forwarder.fn.arn,
        startingPosition: "TRIM_HORIZON",
        batchSize: s.forwarder.batchSize,
        maximumBatchingWindowInSeconds: s.forwarder.batchWindowSeconds,
        parallelizationFactor: s.forwarder.parallelizationFactor,
        // A failing batch is split until the bad record is alone, retried a bounded number of
        // times, then recorded in the queue (Lambda sends the batch's shard and sequence range).
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: s.forwarder.maximumRetryAttempts,
        maximumRecordAgeInSeconds: Math.min(args.streamRetentionHours * 3600, 604_800),
        functionResponseTypes: ["ReportBatchItemFailures"],
        destinationConfig: { onFailure: { destinationArn: this.deadLetterQueue.arn } },
      },
      // Lambda checks the role can read the stream; and nothing is indexed before the domain
      // knows the forwarder's role (the provisioner maps it).
      { ...o, dependsOn: [forwarder.rolePolicy, provisioned, ...(args.stream ? [args.stream] : [])] },
    );

    this.registerOutputs({
      endpoint: this.endpoint,
      dashboardsUrl: this.dashboardsUrl,
      adminSecretArn: this.adminSecretArn,
    });
  }
}
