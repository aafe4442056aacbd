import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { hardenBucket } from "../kernel/pieces";
import { archiveBucketPolicy, type TrailWriter } from "./bucketPolicies";

export interface ArchiveLifecycle {
  infrequentAccessDays: number;
  glacierDays: number;
  expireDays: number;
  noncurrentVersionExpireDays: number;
}

export interface ArchiveBucketArgs {
  /** Globally unique; deterministic and account-scoped by default (see config). */
  bucketName: string;
  lifecycle: ArchiveLifecycle;
  /** Trails that deliver here, each under `AWSLogs/<its account>/`. */
  trails?: TrailWriter[];
  /** The account's provider (one per account: infra/kernel/providers.ts). */
  provider: aws.Provider;
  /** The region its resources are in: the bucket's region. */
  region: string;
}

/**
 * The archive: versioned, encrypted, private, TLS-only, tiered to IA then GLACIER and expired.
 * `forceDestroy` stays off: deleting the stack must not delete the audit trail.
 */
export class ArchiveBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly policy: aws.s3.BucketPolicy;
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;

  constructor(name: string, args: ArchiveBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("central-logging:recipient:ArchiveBucket", name, {}, opts);
    const o = { parent: this, provider: args.provider };
    // Pieces take the placement: parent, provider and the region their resources name.
    const at = { ...o, region: args.region };

    this.bucket = new aws.s3.Bucket(
      name,
      { region: args.region, bucket: args.bucketName, forceDestroy: false },
      o,
    );
    const bucket = this.bucket.id;

    const { publicAccess, versioning } = hardenBucket(name, bucket, at);
    const l = args.lifecycle;
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        region: args.region,
        bucket,
        rules: [
          {
            id: "tier-and-expire",
            status: "Enabled",
            filter: {},
            transitions: [
              { days: l.infrequentAccessDays, storageClass: "STANDARD_IA" },
              { days: l.glacierDays, storageClass: "GLACIER" },
            ],
            expiration: { days: l.expireDays },
            noncurrentVersionExpiration: { noncurrentDays: l.noncurrentVersionExpireDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      // S3 validates lifecycle rules on noncurrent versions against the versioning state.
      { ...o, dependsOn: [versioning] },
    );
    this.policy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        region: args.region,
        bucket,
        policy: JSON.stringify(archiveBucketPolicy(`arn:aws:s3:::${args.bucketName}`, args.trails)),
      },
      // With BlockPublicPolicy on, S3 checks every new policy: put it after the block exists.
      { ...o, dependsOn: [publicAccess] },
    );

    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
