import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { destinationAccessPolicy, destinationOrgAccessPolicy } from "./destinationPolicies";
import type { DestinationPlan } from "./plan";

export interface RegionalDestinationArgs {
  plan: DestinationPlan;
  /** The stream or Firehose in the home region. */
  targetArn: string;
  roleArn: pulumi.Input<string>;
  /** The role's permissions: CloudWatch Logs tests the destination when it is created. */
  roleReady: pulumi.Resource[];
  /** Organization mode: admit the organization instead of listing the senders. */
  organizationId?: string;
  /** The account's provider (one per account: infra/kernel/providers.ts). */
  provider: aws.Provider;
  /** The region its resources are in: the destination's region (= the log groups' region). */
  region: string;
}

/**
 * A CloudWatch Logs destination lives in the region of the log groups that subscribe to it; its
 * target may be in another region. Its access policy names exactly this region's senders.
 */
export class RegionalDestination extends pulumi.ComponentResource {
  readonly destination: aws.cloudwatch.LogDestination;
  readonly policy: aws.cloudwatch.LogDestinationPolicy;
  /** The destination ARN, resolved only once the access policy exists (so subscribers wait). */
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: RegionalDestinationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("central-logging:recipient:RegionalDestination", name, {}, opts);
    const o = { parent: this, provider: args.provider };

    this.destination = new aws.cloudwatch.LogDestination(
      name,
      { region: args.region, name: args.plan.name, roleArn: args.roleArn, targetArn: args.targetArn },
      { ...o, dependsOn: args.roleReady },
    );
    this.policy = new aws.cloudwatch.LogDestinationPolicy(
      `${name}-policy`,
      {
        region: args.region,
        destinationName: this.destination.name,
        accessPolicy: JSON.stringify(
          args.organizationId
            ? destinationOrgAccessPolicy(args.plan.arn, args.organizationId)
            : destinationAccessPolicy(args.plan.arn, args.plan.senderAccountIds, args.plan.accountPolicies),
        ),
        // Moving from an account list to the organization needs a forced update (after senders pass roles).
        ...(args.organizationId ? { forceUpdate: true } : {}),
      },
      o,
    );
    this.arn = pulumi.all([this.destination.arn, this.policy.id]).apply(([destinationArn]) => destinationArn);
    this.registerOutputs({ arn: this.arn });
  }
}
