import type * as aws from "@pulumi/aws";

/** A policy document whose every value is known: built from plain data, serializable with JSON. */
export type PolicyDocument = aws.iam.PolicyDocument;
export type PolicyStatement = aws.iam.PolicyStatement;

export const VERSION = "2012-10-17";

export function document(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: VERSION, Statement: statements };
}

/** A trust statement for an AWS service principal; callers always pass a confused-deputy condition. */
export function serviceTrust(service: string | string[], condition: Record<string, Record<string, unknown>>) {
  return {
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sts:AssumeRole",
    Condition: condition,
  } satisfies PolicyStatement;
}

/**
 * A policy's length as IAM counts it against its quotas: the JSON text without white space
 * (IAM and STS quotas, "IAM object quotas": white space does not count).
 */
export function iamPolicyLength(doc: unknown): number {
  return JSON.stringify(doc).replace(/\s+/g, "").length;
}

/** IAM's default quota for a role's trust policy ("Role trust policy length"); raisable to 4,096. */
export const TRUST_POLICY_DEFAULT_MAX_CHARS = 2_048;
export const TRUST_POLICY_RAISED_MAX_CHARS = 4_096;
