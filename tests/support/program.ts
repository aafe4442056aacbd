/**
 * Test access to one mocked program run: resources by type and name, where each was registered
 * (account and region through its provider), and policy documents parsed back from JSON.
 */
import { isGlobalType, type ProviderRecord, type ResourceRecord } from "../../tools/offline/mocks";
import { type ProgramRun, runProgram, type StackConfig } from "../../tools/offline/run";
import type { Policy } from "./policy";

export type { Policy, Statement } from "./policy";
export { list } from "./policy";

export const T = {
  bucket: "aws:s3/bucket:Bucket",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  stream: "aws:kinesis/stream:Stream",
  firehose: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  destination: "aws:cloudwatch/logDestination:LogDestination",
  destinationPolicy: "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy",
  filter: "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  flowLog: "aws:ec2/flowLog:FlowLog",
  lambda: "aws:lambda/function:Function",
} as const;

export function stackConfig(recipient: unknown, sources: unknown[], extra: StackConfig = {}): StackConfig {
  return { "central-logging:recipient": recipient, "central-logging:sources": sources, ...extra };
}

export class Registered {
  constructor(readonly run: ProgramRun) {}

  get resources(): ResourceRecord[] {
    return this.run.mocks.resources.filter((r) => r.custom);
  }

  get components(): ResourceRecord[] {
    return this.run.mocks.resources.filter((r) => !r.custom);
  }

  get providers(): ProviderRecord[] {
    return [...this.run.mocks.providers.values()];
  }

  ofType(type: string): ResourceRecord[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource of a type whose logical name matches; fails loudly otherwise. */
  one(type: string, name?: string | RegExp): ResourceRecord {
    const found = this.ofType(type).filter(
      (r) => name === undefined || (typeof name === "string" ? r.name === name : name.test(r.name)),
    );
    if (found.length !== 1) {
      throw new Error(
        `expected one ${type} ${name ?? ""}, found ${found.length}: ${found.map((f) => f.name).join(", ")}`,
      );
    }
    return found[0]!;
  }

  /**
   * `<account>/<region>`: the account of the provider a resource was registered through, and the
   * region it names (its provider's when it names none). IAM is global: `<account>` alone.
   */
  where(resource: ResourceRecord): string {
    if (!resource.provider) throw new Error(`${resource.type} ${resource.name} has no explicit provider`);
    if (isGlobalType(resource.type)) return resource.provider.accountId;
    return `${resource.provider.accountId}/${resource.region}`;
  }
}

export async function runStack(stack: string, config: StackConfig): Promise<Registered> {
  const run = await runProgram(stack, config);
  if (!run.ok) throw new Error(`program failed:\n${run.errors.join("\n")}`);
  return new Registered(run);
}

export function input<T = unknown>(resource: ResourceRecord, key: string): T {
  return resource.inputs[key] as T;
}

/** A policy as AWS receives it: the JSON text parsed back. */
export function policyOf(resource: ResourceRecord, key = "policy"): Policy {
  const text = resource.inputs[key];
  if (typeof text !== "string") throw new Error(`${resource.name}.${key} is not a JSON string`);
  return JSON.parse(text) as Policy;
}
