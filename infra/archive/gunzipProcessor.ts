import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { processorPermissions } from "../kernel/lambdaPolicies";
import { arn } from "../kernel/names";
import { bundledLambda, lambdaRole } from "../kernel/pieces";

export interface GunzipProcessorArgs {
  accountId: string;
  region: string;
  functionName: string;
  roleName: string;
  logGroupName: string;
  /** The stream whose records it un-gzips; overflow is re-put there. */
  streamArn: string;
  logRetentionDays?: number;
  /** The account's provider (one per account: infra/kernel/providers.ts); `region` places the Lambda. */
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
    // Pieces take the placement: parent, provider and the region their resources name.
    const at = { ...o, region: args.region };

    const role = lambdaRole(name, args.roleName, args.accountId, at);
    this.function = bundledLambda(
      name,
      {
        functionName: args.functionName,
        role,
        policy: JSON.stringify(
          processorPermissions({
            logGroupArn: arn.logGroup(args.region, args.accountId, args.logGroupName),
            streamArn: args.streamArn,
          }),
        ),
        logGroupName: args.logGroupName,
        logRetentionDays: args.logRetentionDays ?? 30,
        handler: "archive/cwlToFirehose/index.ts",
        memorySize: 512,
        // Firehose waits at most 5 minutes for a transformation.
        timeout: 120,
      },
      at,
    ).fn;
    this.functionArn = this.function.arn;
    this.registerOutputs({ functionArn: this.functionArn });
  }
}
