/**
 * Every IAM policy document in a plan, found by resource type and property: trust and identity
 * policies, resource policies of S3, CloudWatch Logs destinations, EventBridge buses, KMS keys, SNS
 * topics, SQS queues, OpenSearch domains, and the statement a Lambda permission stands for.
 */
import type { PlannedResource } from "./types";

/** What AWS does with the document: it decides which elements it needs and its size limit. */
export type PolicyKind =
  | "trust"
  | "inline"
  | "managed"
  | "s3-bucket"
  | "logs-destination"
  | "events-bus"
  | "kms-key"
  | "sns-topic"
  | "sqs-queue"
  | "opensearch-domain"
  | "lambda-permission";

/** Resource type -> the properties that hold a policy document, and what kind it is. */
export const POLICY_PROPERTIES: Record<string, { property: string; kind: PolicyKind }[]> = {
  "aws:iam/role:Role": [{ property: "assumeRolePolicy", kind: "trust" }],
  "aws:iam/rolePolicy:RolePolicy": [{ property: "policy", kind: "inline" }],
  "aws:iam/policy:Policy": [{ property: "policy", kind: "managed" }],
  "aws:s3/bucketPolicy:BucketPolicy": [{ property: "policy", kind: "s3-bucket" }],
  "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": [
    { property: "accessPolicy", kind: "logs-destination" },
  ],
  "aws:cloudwatch/eventBusPolicy:EventBusPolicy": [{ property: "policy", kind: "events-bus" }],
  "aws:kms/key:Key": [{ property: "policy", kind: "kms-key" }],
  "aws:sns/topic:Topic": [{ property: "policy", kind: "sns-topic" }],
  "aws:sns/topicPolicy:TopicPolicy": [{ property: "policy", kind: "sns-topic" }],
  "aws:sqs/queue:Queue": [{ property: "policy", kind: "sqs-queue" }],
  "aws:sqs/queuePolicy:QueuePolicy": [{ property: "policy", kind: "sqs-queue" }],
  "aws:opensearch/domain:Domain": [{ property: "accessPolicies", kind: "opensearch-domain" }],
  "aws:opensearch/domainPolicy:DomainPolicy": [{ property: "accessPolicies", kind: "opensearch-domain" }],
};

export const LAMBDA_PERMISSION = "aws:lambda/permission:Permission";

export interface PolicyDocumentRef {
  resource: PlannedResource;
  kind: PolicyKind;
  /** The property path of the document in the resource's inputs. */
  path: string;
  /** The JSON text AWS receives (its size is what the limits measure). */
  text: string;
  /** Parsed, or undefined when the text is not JSON. */
  doc: unknown;
}

/** Pulumi marks secret values with this signature; the plain value sits under `value`. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

function unwrap(value: unknown): unknown {
  if (typeof value === "object" && value !== null && SECRET_SIG in value) {
    return (value as { value?: unknown }).value;
  }
  return value;
}

function asText(value: unknown): string | undefined {
  const v = unwrap(value);
  if (typeof v === "string") return v;
  if (typeof v === "object" && v !== null) return JSON.stringify(v);
  return undefined;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function policyDocuments(resources: readonly PlannedResource[]): PolicyDocumentRef[] {
  const found: PolicyDocumentRef[] = [];
  for (const resource of resources) {
    for (const { property, kind } of POLICY_PROPERTIES[resource.type] ?? []) {
      const text = asText(resource.inputs[property]);
      if (text !== undefined && text !== "")
        found.push({ resource, kind, path: property, text, doc: parse(text) });
    }
    // A role's inline policies may also be given on the role itself.
    if (resource.type === "aws:iam/role:Role") {
      const inline = unwrap(resource.inputs.inlinePolicies);
      if (Array.isArray(inline))
        inline.forEach((p, i) => {
          const text = asText((p as { policy?: unknown } | null)?.policy);
          if (text)
            found.push({
              resource,
              kind: "inline",
              path: `inlinePolicies[${i}].policy`,
              text,
              doc: parse(text),
            });
        });
    }
    if (resource.type === LAMBDA_PERMISSION) {
      const doc = lambdaPermissionStatement(resource.inputs);
      found.push({ resource, kind: "lambda-permission", path: "", text: JSON.stringify(doc), doc });
    }
  }
  return found;
}

/**
 * AddPermission writes one statement into the function's policy: the action, the principal (a
 * service, an account or an ARN), the function, and `sourceArn`/`sourceAccount` as conditions.
 */
export function lambdaPermissionStatement(inputs: Record<string, unknown>): unknown {
  const principal = String(unwrap(inputs.principal) ?? "");
  const condition: Record<string, Record<string, string>> = {};
  const sourceArn = unwrap(inputs.sourceArn);
  const sourceAccount = unwrap(inputs.sourceAccount);
  const orgId = unwrap(inputs.principalOrgId);
  if (typeof sourceArn === "string") condition.ArnLike = { "AWS:SourceArn": sourceArn };
  if (typeof sourceAccount === "string") condition.StringEquals = { "AWS:SourceAccount": sourceAccount };
  if (typeof orgId === "string")
    condition.StringEquals = { ...condition.StringEquals, "aws:PrincipalOrgID": orgId };
  const fn = String(unwrap(inputs.function) ?? "");
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: principal.endsWith(".amazonaws.com") ? { Service: principal } : { AWS: principal },
        Action: String(unwrap(inputs.action) ?? ""),
        // A bare function name stands for the function in the permission's own account and region.
        Resource: fn.startsWith("arn:") ? fn : `arn:aws:lambda:*:*:function:${fn}`,
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      },
    ],
  };
}
