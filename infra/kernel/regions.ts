/**
 * The AWS regions of the commercial `aws` partition that this program can deploy into.
 * A fixed list on purpose: a typo such as `us-east-9` must fail in the config step, not at
 * deploy time in the middle of a multi-account rollout. Add a region here when AWS opens one.
 */
export const AWS_REGIONS = [
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
] as const;

export type AwsRegion = (typeof AWS_REGIONS)[number];

const REGION_SET: ReadonlySet<string> = new Set(AWS_REGIONS);

export function isAwsRegion(value: unknown): value is AwsRegion {
  return typeof value === "string" && REGION_SET.has(value);
}
