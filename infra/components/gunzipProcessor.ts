import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { functionArchive } from "../functions/bundle";
import { arn } from "../names";
import { lambdaTrustPolicy, processorPermissions } from "../policies";

export interface GunzipProcessorArgs {
  accountId: string;
  region: string;
  functionName: string;
  roleName: string;
  logGroupName: string;
  /** The stream whose records it un-gzips; overflow is re-put there. */
  streamArn: string;
  logRetentionDays?: number;
  provider: aws.Provider;
}

/**
 * Firehose's built-in CloudWatch Logs decompression accepts only records that CloudWatch Logs put
 * directly (`InvalidSourceException` otherwise); records read from a Kinesis stream need this
 * small Lambda to gunzip them and end each record with a newline (control messages included: the
 * partitioning query files them apart).
 */
export class GunzipProcessor extends pulumi.ComponentResource {
  readonly function: aws.lambda.Function;
  readonly functionArn: pulumi.Output<string>;

  constructor(name: string, args: GunzipProcessorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("central-logging:recipient:GunzipProcessor", name, {}, opts);
    const o = { parent: this, provider: args.provider };

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: args.logGroupName, retentionInDays: args.logRetentionDays ?? 30 },
      o,
    );
    const role = new aws.iam.Role(
      `${name}-role`,
      { name: args.roleName, assumeRolePolicy: JSON.stringify(lambdaTrustPolicy(args.accountId)) },
      o,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-role-policy`,
      {
        role: role.name,
        policy: JSON.stringify(
          processorPermissions({
            logGroupArn: arn.logGroup(args.region, args.accountId, args.logGroupName),
            streamArn: args.streamArn,
          }),
        ),
      },
      o,
    );
    this.function = new aws.lambda.Function(
      name,
      {
        name: args.functionName,
        role: role.arn,
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        handler: "index.handler",
        code: functionArchive("cwlToFirehose/index.ts"),
        memorySize: 512,
        // Firehose waits at most 5 minutes for a transformation.
        timeout: 120,
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      },
      { ...o, dependsOn: [rolePolicy, logGroup] },
    );
    this.functionArn = this.function.arn;
    this.registerOutputs({ functionArn: this.functionArn });
  }
}
