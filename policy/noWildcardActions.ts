/**
 * Least privilege: no policy document the stack writes grants `*` or `<service>:*`, or uses
 * `NotAction` in an Allow (which grants everything it does not list). Deny statements may use
 * wildcards: the archive bucket's TLS-only rule is a Deny on `s3:*`, and denying more is safe.
 */
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { parsePolicyDocument, type Statement, statementLabel } from "./document";
import { isRecord, known } from "./preview";

/** Where each resource type carries policy documents; `a[].b` is `b` of every element of list `a`. */
export const POLICY_DOCUMENT_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  "aws:iam/role:Role": ["assumeRolePolicy", "inlinePolicies[].policy"],
  "aws:iam/rolePolicy:RolePolicy": ["policy"],
  "aws:iam/policy:Policy": ["policy"],
  "aws:iam/userPolicy:UserPolicy": ["policy"],
  "aws:iam/groupPolicy:GroupPolicy": ["policy"],
  "aws:s3/bucketPolicy:BucketPolicy": ["policy"],
  "aws:s3/bucket:Bucket": ["policy"],
  "aws:s3/bucketV2:BucketV2": ["policy"],
  "aws:s3control/bucketPolicy:BucketPolicy": ["policy"],
  "aws:s3control/accessPointPolicy:AccessPointPolicy": ["policy"],
  "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": ["accessPolicy"],
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ["policyDocument"],
  "aws:cloudwatch/logDeliveryDestinationPolicy:LogDeliveryDestinationPolicy": ["deliveryDestinationPolicy"],
  "aws:cloudwatch/eventBusPolicy:EventBusPolicy": ["policy"],
  "aws:kms/key:Key": ["policy"],
  "aws:kms/keyPolicy:KeyPolicy": ["policy"],
  "aws:kms/replicaKey:ReplicaKey": ["policy"],
  "aws:sns/topic:Topic": ["policy"],
  "aws:sns/topicPolicy:TopicPolicy": ["policy"],
  "aws:sqs/queue:Queue": ["policy"],
  "aws:sqs/queuePolicy:QueuePolicy": ["policy"],
  "aws:opensearch/domain:Domain": ["accessPolicies"],
  "aws:opensearch/domainPolicy:DomainPolicy": ["accessPolicies"],
  "aws:elasticsearch/domain:Domain": ["accessPolicies"],
  "aws:elasticsearch/domainPolicy:DomainPolicy": ["accessPolicies"],
  "aws:kinesis/resourcePolicy:ResourcePolicy": ["policy"],
  "aws:lambda/resourcePolicy:ResourcePolicy": ["policy"],
  "aws:secretsmanager/secret:Secret": ["policy"],
  "aws:secretsmanager/secretPolicy:SecretPolicy": ["policy"],
  "aws:ecr/repositoryPolicy:RepositoryPolicy": ["policy"],
  "aws:ecr/registryPolicy:RegistryPolicy": ["policy"],
  "aws:glue/resourcePolicy:ResourcePolicy": ["policy"],
  "aws:backup/vaultPolicy:VaultPolicy": ["policy"],
  "aws:efs/fileSystemPolicy:FileSystemPolicy": ["policy"],
  "aws:apigateway/restApi:RestApi": ["policy"],
  "aws:apigateway/restApiPolicy:RestApiPolicy": ["policy"],
};

export interface DocumentAt {
  /** `assumeRolePolicy`, `inlinePolicies[0].policy`, ... */
  path: string;
  value: unknown;
}

const isAbsent = (value: unknown) => value === undefined || value === null || value === "";

function readPath(props: Record<string, unknown>, path: string): DocumentAt[] {
  const nested = /^(\w+)\[\]\.(\w+)$/.exec(path);
  if (!nested) return isAbsent(props[path]) ? [] : [{ path, value: props[path] }];
  const [, list = "", key = ""] = nested;
  const items = props[list];
  if (!Array.isArray(items)) return [];
  return items.flatMap((item: unknown, i) =>
    isRecord(item) && !isAbsent(item[key]) ? [{ path: `${list}[${i}].${key}`, value: item[key] }] : [],
  );
}

/**
 * The documents a resource carries. Listed properties are read directly, so a document unknown
 * during preview defers the check to `pulumi up` (preview.ts). Types not listed are scanned for
 * properties named like a policy that hold a parseable document; unknown ones are skipped there.
 */
export function policyDocumentsOf(type: string, props: Record<string, unknown>): DocumentAt[] {
  const listed = POLICY_DOCUMENT_PROPERTIES[type];
  if (listed) return listed.flatMap((path) => readPath(props, path));
  if (!type.startsWith("aws:")) return [];
  return Object.keys(props)
    .filter((key) => /polic/i.test(key))
    .sort()
    .flatMap((key) => {
      const read = known(() => props[key]);
      return read.known && parsePolicyDocument(read.value).ok ? [{ path: key, value: read.value }] : [];
    });
}

/** `*`, `<service>:*`: every action of a service, or of all of them. */
export function isFullWildcardAction(action: string): boolean {
  return /^\*+$/.test(action) || /^[^:]*:\*+$/.test(action);
}

/** `s3:Get*`, `es:ESHttp?et`: a wildcard that still names part of the action. */
export function isPartialWildcardAction(action: string): boolean {
  return /[*?]/.test(action) && !isFullWildcardAction(action);
}

type StatementCheck = (statement: Statement, label: string) => string[];

function checkAllowStatements(doc: DocumentAt, check: StatementCheck, unparseable: string[]): string[] {
  const parsed = parsePolicyDocument(doc.value);
  if (!parsed.ok) return unparseable.map((m) => `${doc.path} ${m} (${parsed.error})`);
  return parsed.document.Statement.flatMap((s, i) =>
    s.Effect === "Allow" ? check(s, `${doc.path} ${statementLabel(s, i)}`) : [],
  );
}

export function wildcardActionViolations(doc: DocumentAt): string[] {
  const check: StatementCheck = (s, label) => {
    const wild = (s.Action ?? []).filter(isFullWildcardAction);
    return [
      ...(wild.length > 0 ? [`${label} allows ${wild.join(", ")}: name the actions it needs`] : []),
      ...(s.NotAction
        ? [`${label} uses NotAction in an Allow: it grants every action it does not list`]
        : []),
    ];
  };
  return checkAllowStatements(doc, check, ["is not a policy document"]);
}

/** Advisory; a document that does not parse is reported once, by no-wildcard-actions. */
export function partialWildcardActionViolations(doc: DocumentAt): string[] {
  const check: StatementCheck = (s, label) => {
    const wild = (s.Action ?? []).filter(isPartialWildcardAction);
    return wild.length > 0 ? [`${label} allows ${wild.join(", ")}: spell the actions out`] : [];
  };
  return checkAllowStatements(doc, check, []);
}

function reportDocuments(check: (doc: DocumentAt) => string[]) {
  return (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
    for (const doc of policyDocumentsOf(args.type, args.props)) {
      for (const message of check(doc)) reportViolation(message);
    }
  };
}

export const noWildcardActions: ResourceValidationPolicy = {
  name: "no-wildcard-actions",
  description: "No policy document allows `*` or `<service>:*`, or uses NotAction in an Allow statement.",
  enforcementLevel: "mandatory",
  validateResource: reportDocuments(wildcardActionViolations),
};

export const noPartialWildcardActions: ResourceValidationPolicy = {
  name: "no-partial-wildcard-actions",
  description: "Allow statements spell their actions out (design: nothing with `*`); `s3:Get*` is flagged.",
  enforcementLevel: "advisory",
  validateResource: reportDocuments(partialWildcardActionViolations),
};
