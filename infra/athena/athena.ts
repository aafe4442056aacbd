import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { privateBucketPolicy } from "../archive/bucketPolicies";
import { hardenBucket } from "../kernel/pieces";
import type { AthenaPlan } from "./plan";

export interface AthenaArgs {
  plan: AthenaPlan;
  /** The account's provider (one per account: infra/kernel/providers.ts). */
  provider: aws.Provider;
  /** The region its resources are in: the archive bucket's region. */
  region: string;
  /** The archive bucket: the tables read it (ordering only). */
  archive?: pulumi.Resource;
}

const GIB = 1024 ** 3;

/**
 * Athena over the archive: a Glue database with one table per kind of data, each with partition
 * projection matching the Firehose/CloudTrail prefixes (no crawler, no `MSCK REPAIR`), a workgroup
 * whose results go, encrypted, to a private bucket of their own, and named queries.
 */
export class Athena extends pulumi.ComponentResource {
  readonly database: aws.glue.CatalogDatabase;
  readonly workgroup: aws.athena.Workgroup;
  readonly tables: Record<string, aws.glue.CatalogTable> = {};

  constructor(name: string, args: AthenaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("central-logging:recipient:Athena", name, {}, opts);
    const { plan } = args;
    const o = { parent: this, provider: args.provider };
    // Pieces take the placement: parent, provider and the region their resources name.
    const at = { ...o, region: args.region };

    // Results are derived data: private, encrypted, TLS-only, versioned like every bucket here,
    // and expired (the archive keeps the originals).
    const results = new aws.s3.Bucket(
      `${name}-results`,
      { region: args.region, bucket: plan.resultsBucket.name, forceDestroy: false },
      o,
    );
    const { publicAccess, versioning } = hardenBucket(`${name}-results`, results.id, at);
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-results-lifecycle`,
      {
        region: args.region,
        bucket: results.id,
        rules: [
          {
            id: "expire-results",
            status: "Enabled",
            filter: {},
            expiration: { days: plan.resultsExpireDays },
            noncurrentVersionExpiration: { noncurrentDays: 1 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      { ...o, dependsOn: [versioning] },
    );
    new aws.s3.BucketPolicy(
      `${name}-results-policy`,
      {
        region: args.region,
        bucket: results.id,
        policy: JSON.stringify(privateBucketPolicy(plan.resultsBucket.arn)),
      },
      { ...o, dependsOn: [publicAccess] },
    );

    this.database = new aws.glue.CatalogDatabase(
      `${name}-database`,
      {
        region: args.region,
        name: plan.database,
        description: "central-logging: the log archive, queryable with Athena",
      },
      o,
    );
    for (const t of plan.tables) {
      this.tables[t.name] = new aws.glue.CatalogTable(
        `${name}-${t.name}`,
        {
          region: args.region,
          name: t.name,
          databaseName: this.database.name,
          description: t.description,
          tableType: "EXTERNAL_TABLE",
          parameters: t.parameters,
          partitionKeys: t.partitionKeys,
          storageDescriptor: {
            location: t.location,
            inputFormat: t.inputFormat,
            outputFormat: t.outputFormat,
            serDeInfo: { serializationLibrary: t.serde.library, parameters: t.serde.parameters },
            columns: t.columns,
          },
        },
        { ...o, ...(args.archive ? { dependsOn: [args.archive] } : {}) },
      );
    }

    this.workgroup = new aws.athena.Workgroup(
      `${name}-workgroup`,
      {
        region: args.region,
        name: plan.workgroup,
        description: "central-logging: queries over the log archive",
        state: "ENABLED",
        forceDestroy: false,
        configuration: {
          // Clients cannot send results elsewhere or unencrypted.
          enforceWorkgroupConfiguration: true,
          publishCloudwatchMetricsEnabled: true,
          engineVersion: { selectedEngineVersion: "AUTO" },
          ...(plan.bytesScannedCutoffGiB !== undefined
            ? { bytesScannedCutoffPerQuery: plan.bytesScannedCutoffGiB * GIB }
            : {}),
          resultConfiguration: {
            outputLocation: `s3://${plan.resultsBucket.name}/`,
            encryptionConfiguration: { encryptionOption: "SSE_S3" },
          },
        },
      },
      { ...o, dependsOn: [results] },
    );
    for (const q of plan.queries) {
      new aws.athena.NamedQuery(
        `${name}-query-${q.name}`,
        {
          region: args.region,
          name: q.name,
          description: q.description,
          database: this.database.name,
          workgroup: this.workgroup.name,
          query: q.sql,
        },
        { ...o, dependsOn: [this.tables[q.table]!] },
      );
    }
    this.registerOutputs({ database: this.database.name, workgroup: this.workgroup.name });
  }
}
