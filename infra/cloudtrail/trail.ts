import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { TrailPlan } from "./plan";
import { cloudTrailLogsPermissions, cloudTrailLogsTrustPolicy, cloudTrailTopicPolicy } from "./policies";

export interface TrailArgs {
  plan: TrailPlan;
  /** The central archive bucket (in the recipient account). */
  bucketName: pulumi.Input<string>;
  /** The bucket policy that admits this trail: CloudTrail checks it when the trail is created. */
  bucketPolicy?: pulumi.Resource;
  /** The recipient's key that encrypts the log files (`trailKms`). */
  kmsKeyArn?: pulumi.Input<string>;
  /** The account's provider (one per account: infra/kernel/providers.ts). */
  provider: aws.Provider;
  /** The region its resources are in: the trail's region. */
  region: string;
}

/**
 * A multi-region trail with log-file validation, delivering to the central archive under
 * `AWSLogs/<account>/` and to a log group in its region, through a role only this trail may use.
 */
export class Trail extends pulumi.ComponentResource {
  readonly trail: aws.cloudtrail.Trail;
  readonly logGroup: aws.cloudwatch.LogGroup;

  constructor(name: string, args: TrailArgs, opts?: pulumi.ComponentResourceOptions) {
    super("central-logging:source:Trail", name, {}, opts);
    const { plan } = args;
    const o = { parent: this, provider: args.provider };

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { region: args.region, name: plan.logGroup, retentionInDays: plan.retentionDays },
      o,
    );
    const role = new aws.iam.Role(
      `${name}-logs-role`,
      {
        name: plan.roleName,
        assumeRolePolicy: JSON.stringify(cloudTrailLogsTrustPolicy(plan.accountId, plan.arn)),
      },
      o,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-logs-role-policy`,
      { role: role.name, policy: JSON.stringify(cloudTrailLogsPermissions(plan.logGroupArn)) },
      o,
    );

    const ready: pulumi.Resource[] = [rolePolicy, ...(args.bucketPolicy ? [args.bucketPolicy] : [])];
    let topicName: pulumi.Output<string> | undefined;
    if (plan.snsTopic) {
      const topic = new aws.sns.Topic(`${name}-topic`, { region: args.region, name: plan.snsTopic.name }, o);
      ready.push(
        new aws.sns.TopicPolicy(
          `${name}-topic-policy`,
          {
            region: args.region,
            arn: topic.arn,
            policy: JSON.stringify(cloudTrailTopicPolicy(plan.snsTopic.arn, plan.arn)),
          },
          o,
        ),
      );
      topicName = topic.name;
    }

    this.trail = new aws.cloudtrail.Trail(
      name,
      {
        region: args.region,
        name: plan.name,
        s3BucketName: args.bucketName,
        isMultiRegionTrail: true,
        ...(plan.organizationId ? { isOrganizationTrail: true } : {}),
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        enableLogging: true,
        // CloudTrail wants the log-group ARN with its `:*` stream suffix.
        cloudWatchLogsGroupArn: pulumi.interpolate`${this.logGroup.arn}:*`,
        cloudWatchLogsRoleArn: role.arn,
        ...(topicName ? { snsTopicName: topicName } : {}),
        ...(args.kmsKeyArn ? { kmsKeyId: args.kmsKeyArn } : {}),
      },
      // CloudTrail checks the bucket policy, the role and the topic policy when the trail is made.
      { ...o, dependsOn: ready },
    );
    this.registerOutputs({ trailArn: this.trail.arn, logGroup: this.logGroup.name });
  }
}
