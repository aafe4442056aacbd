/**
 * Physical-name limits: one table, per kind of name, of what each AWS API accepts (length and
 * characters), the names the plan derives, and the check of one against the other.
 *
 * A name AWS refuses fails only on deploy, often half-way through a multi-account rollout; here it
 * is a config error (`parseSettings`) or a finding of the AWS-data check (`resourceNameFindings`).
 * Each entry cites the API reference it was taken from; what could not be confirmed there is
 * listed in `UNCONFIRMED_NAME_RULES` (and in the README).
 */

/** A registered resource, as the mocks record it (tools/offline) and the engine sees it. */
export interface NamedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  custom?: boolean;
}

export type NameKind =
  | "iamRole"
  | "iamRolePolicy"
  | "lambdaFunction"
  | "firehose"
  | "kinesisStream"
  | "sqsQueue"
  | "snsTopic"
  | "s3Bucket"
  | "openSearchDomain"
  | "glueDatabase"
  | "glueTable"
  | "athenaWorkgroup"
  | "athenaNamedQuery"
  | "eventBus"
  | "eventRule"
  | "cloudTrail"
  | "logGroup"
  | "logDestination"
  | "subscriptionFilter"
  | "accountPolicy"
  | "metricFilter"
  | "alarm"
  | "metricName"
  | "metricNamespace"
  | "secret"
  | "kmsAlias"
  | "dashboard";

export interface NameRule {
  /** What the name is, as messages say it ("IAM role name"). */
  label: string;
  min: number;
  max: number;
  /** The whole name must match (the API reference's pattern, anchored). */
  pattern?: RegExp;
  /** The pattern in words, for messages. */
  allowed?: string;
  /** Rules a pattern cannot say well (reserved prefixes, adjacent punctuation). */
  extra?: (name: string) => string | undefined;
  /** Where the rule is published. */
  reference: string;
}

export const NAME_RULES: Readonly<Record<NameKind, NameRule>> = {
  // IAM API Reference, CreateRole / PolicyRole: RoleName 1-64, pattern [\w+=,.@-]+.
  iamRole: {
    label: "IAM role name",
    min: 1,
    max: 64,
    pattern: /^[\w+=,.@-]+$/,
    allowed: "letters, digits and _+=,.@-",
    reference: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
  },
  // IAM API Reference, PutRolePolicy: PolicyName pattern [\w+=,.@-]+ (length: see UNCONFIRMED).
  iamRolePolicy: {
    label: "IAM role policy name",
    min: 1,
    max: 128,
    pattern: /^[\w+=,.@-]+$/,
    allowed: "letters, digits and _+=,.@-",
    reference: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html",
  },
  // Lambda API Reference, CreateFunction: a bare FunctionName is limited to 64 characters,
  // ([a-zA-Z0-9-_]+) in the FunctionName pattern.
  lambdaFunction: {
    label: "Lambda function name",
    min: 1,
    max: 64,
    pattern: /^[a-zA-Z0-9_-]+$/,
    allowed: "letters, digits, - and _",
    reference: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
  },
  // Firehose API Reference, CreateDeliveryStream: DeliveryStreamName 1-64, [a-zA-Z0-9_.-]+.
  firehose: {
    label: "Firehose stream name",
    min: 1,
    max: 64,
    pattern: /^[a-zA-Z0-9_.-]+$/,
    allowed: "letters, digits, _ . and -",
    reference: "https://docs.aws.amazon.com/firehose/latest/APIReference/API_CreateDeliveryStream.html",
  },
  // Kinesis Data Streams API Reference, CreateStream: StreamName 1-128, [a-zA-Z0-9_.-]+.
  kinesisStream: {
    label: "Kinesis stream name",
    min: 1,
    max: 128,
    pattern: /^[a-zA-Z0-9_.-]+$/,
    allowed: "letters, digits, _ . and -",
    reference: "https://docs.aws.amazon.com/kinesis/latest/APIReference/API_CreateStream.html",
  },
  // SQS API Reference, CreateQueue: up to 80 of alphanumerics, - and _; FIFO names end in .fifo
  // (the suffix counts towards the 80).
  sqsQueue: {
    label: "SQS queue name",
    min: 1,
    max: 80,
    pattern: /^[a-zA-Z0-9_-]+(\.fifo)?$/,
    allowed: "letters, digits, - and _ (and a final .fifo)",
    reference: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html",
  },
  // SNS API Reference, CreateTopic: 1-256 of ASCII letters, digits, _ and - (.fifo for FIFO).
  snsTopic: {
    label: "SNS topic name",
    min: 1,
    max: 256,
    pattern: /^[a-zA-Z0-9_-]+(\.fifo)?$/,
    allowed: "letters, digits, _ and - (and a final .fifo)",
    reference: "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html",
  },
  // S3 general purpose bucket naming rules (see UNCONFIRMED: not re-checked against the page).
  s3Bucket: {
    label: "S3 bucket name",
    min: 3,
    max: 63,
    allowed: "a-z 0-9 . and -, starting and ending with a letter or digit",
    extra: (name) => (isBucketName(name) ? undefined : "breaks S3's bucket naming rules"),
    reference: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
  },
  // OpenSearch Service API Reference, DomainInfo / CreateDomain: DomainName 3-28, [a-z][a-z0-9\-]+.
  openSearchDomain: {
    label: "OpenSearch domain name",
    min: 3,
    max: 28,
    pattern: /^[a-z][a-z0-9-]+$/,
    allowed: "a-z 0-9 and -, starting with a letter",
    reference: "https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_CreateDomain.html",
  },
  // Glue: "lowercase letters, numbers, and the underscore" (Athena's rule; Glue keeps names
  // lowercase); 255 from Athena's NamedQuery Database (1-255) — see UNCONFIRMED.
  glueDatabase: {
    label: "Glue database name",
    min: 1,
    max: 255,
    pattern: /^[a-z0-9_]+$/,
    allowed: "a-z 0-9 and _",
    reference: "https://docs.aws.amazon.com/glue/latest/webapi/API_DatabaseInput.html",
  },
  glueTable: {
    label: "Glue table name",
    min: 1,
    max: 255,
    pattern: /^[a-z0-9_]+$/,
    allowed: "a-z 0-9 and _",
    reference: "https://docs.aws.amazon.com/glue/latest/webapi/API_TableInput.html",
  },
  // Athena API Reference, NamedQuery / CreateWorkGroup: WorkGroup [a-zA-Z0-9._-]{1,128}.
  athenaWorkgroup: {
    label: "Athena workgroup name",
    min: 1,
    max: 128,
    pattern: /^[a-zA-Z0-9._-]+$/,
    allowed: "letters, digits, . _ and -",
    reference: "https://docs.aws.amazon.com/athena/latest/APIReference/API_CreateWorkGroup.html",
  },
  // Athena API Reference, CreateNamedQuery: Name 1-128 (no pattern).
  athenaNamedQuery: {
    label: "Athena named query name",
    min: 1,
    max: 128,
    reference: "https://docs.aws.amazon.com/athena/latest/APIReference/API_CreateNamedQuery.html",
  },
  // EventBridge API Reference, CreateEventBus: Name 1-256, [/\.\-_A-Za-z0-9]+; custom buses may
  // not contain '/' nor be named 'default'.
  eventBus: {
    label: "EventBridge event bus name",
    min: 1,
    max: 256,
    pattern: /^[.\-_A-Za-z0-9]+$/,
    allowed: "letters, digits, . - and _",
    extra: (name) => (name === "default" ? "is the default bus's name" : undefined),
    reference: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html",
  },
  // EventBridge API Reference, PutRule: Name 1-64, [\.\-_A-Za-z0-9]+ — see UNCONFIRMED.
  eventRule: {
    label: "EventBridge rule name",
    min: 1,
    max: 64,
    pattern: /^[.\-_A-Za-z0-9]+$/,
    allowed: "letters, digits, . - and _",
    reference: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html",
  },
  // CloudTrail API Reference, CreateTrail / InvalidTrailNameException.
  cloudTrail: {
    label: "CloudTrail trail name",
    min: 3,
    max: 128,
    pattern: /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/,
    allowed: "letters, digits, . _ and -, starting and ending with a letter or digit",
    extra: (name) => {
      if (/[._-]{2}/.test(name)) return "has adjacent periods, underscores or dashes";
      if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "is in IP address format";
      return undefined;
    },
    reference: "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html",
  },
  // CloudWatch Logs API Reference, CreateLogGroup: logGroupName 1-512, [\.\-_/#A-Za-z0-9]+.
  logGroup: {
    label: "log group name",
    min: 1,
    max: 512,
    pattern: /^[.\-_/#A-Za-z0-9]+$/,
    allowed: "letters, digits and . - _ / #",
    reference: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
  },
  // CloudWatch Logs API Reference, PutDestination (and AWS::Logs::Destination): ^[^:*]{1,512}$.
  logDestination: {
    label: "CloudWatch Logs destination name",
    min: 1,
    max: 512,
    pattern: /^[^:*]+$/,
    allowed: "any characters but ':' and '*'",
    reference: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDestination.html",
  },
  // CloudWatch Logs API Reference, PutSubscriptionFilter: filterName 1-512, [^:*]* — see UNCONFIRMED.
  subscriptionFilter: {
    label: "subscription filter name",
    min: 1,
    max: 512,
    pattern: /^[^:*]+$/,
    allowed: "any characters but ':' and '*'",
    reference:
      "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutSubscriptionFilter.html",
  },
  // CloudWatch Logs API Reference, PutAccountPolicy: policyName — see UNCONFIRMED.
  accountPolicy: {
    label: "account policy name",
    min: 1,
    max: 256,
    reference:
      "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutAccountPolicy.html",
  },
  // CloudWatch Logs API Reference, PutMetricFilter: filterName 1-512, [^:*]* — see UNCONFIRMED.
  metricFilter: {
    label: "metric filter name",
    min: 1,
    max: 512,
    pattern: /^[^:*]+$/,
    allowed: "any characters but ':' and '*'",
    reference:
      "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html",
  },
  // CloudWatch API Reference, PutMetricAlarm: AlarmName 1-255 — see UNCONFIRMED.
  alarm: {
    label: "alarm name",
    min: 1,
    max: 255,
    reference: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
  },
  // CloudWatch API Reference, PutMetricAlarm / AWS::CloudWatch::Alarm Metric: MetricName 1-255.
  metricName: {
    label: "metric name",
    min: 1,
    max: 255,
    reference: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
  },
  // Same pages: Namespace 1-255, [^:].* (not starting with ':').
  metricNamespace: {
    label: "metric namespace",
    min: 1,
    max: 255,
    pattern: /^[^:]/,
    allowed: "any characters, not starting with ':'",
    reference: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
  },
  // Secrets Manager API Reference, CreateSecret: ASCII letters, digits and /_+=.@-; not ending in
  // '-' and six characters (ARN confusion); length — see UNCONFIRMED.
  secret: {
    label: "Secrets Manager secret name",
    min: 1,
    max: 512,
    pattern: /^[A-Za-z0-9/_+=.@-]+$/,
    allowed: "letters, digits and /_+=.@-",
    extra: (name) =>
      /-[^-/]{6}$/.test(name) ? "ends with '-' and six characters, like the ARN's random suffix" : undefined,
    reference: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html",
  },
  // KMS Developer Guide, Create aliases / API Reference, CreateAlias: 1-256 of alphanumerics, /, _
  // and -, starting with alias/; alias/aws/ is reserved for AWS managed keys.
  kmsAlias: {
    label: "KMS alias name",
    min: 1,
    max: 256,
    pattern: /^alias\/[a-zA-Z0-9/_-]+$/,
    allowed: "'alias/' and then letters, digits, / _ and -",
    extra: (name) =>
      name.startsWith("alias/aws/") ? "uses the prefix alias/aws/ (AWS managed keys)" : undefined,
    reference: "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html",
  },
  // CloudWatch API Reference, PutDashboard: DashboardName up to 255 of A-Z a-z 0-9 - _.
  dashboard: {
    label: "CloudWatch dashboard name",
    min: 1,
    max: 255,
    pattern: /^[A-Za-z0-9_-]+$/,
    allowed: "letters, digits, - and _",
    reference: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html",
  },
};

/** Rules taken on trust: not confirmed in the API reference (listed in the README). */
export const UNCONFIRMED_NAME_RULES: readonly { kind: NameKind; rule: string; reason: string }[] = [
  {
    kind: "iamRolePolicy",
    rule: "at most 128 characters",
    reason: "the PutRolePolicy page found gives the pattern, not the PolicyName length",
  },
  {
    kind: "s3Bucket",
    rule: "isBucketName (3-63, a-z 0-9 . -, reserved prefixes and suffixes)",
    reason: "kept from infra/config.ts; not re-checked against S3's bucket naming page",
  },
  {
    kind: "glueDatabase",
    rule: "at most 255 characters of a-z 0-9 _",
    reason: "characters from the Glue database docs; 255 only from Athena's NamedQuery Database",
  },
  {
    kind: "glueTable",
    rule: "at most 255 characters of a-z 0-9 _",
    reason: "assumed the same as the database; table names here are fixed and short",
  },
  {
    kind: "eventRule",
    rule: "at most 64 characters of [.-_A-Za-z0-9]",
    reason: "the PutRule page found did not show the Name constraints",
  },
  {
    kind: "subscriptionFilter",
    rule: "1-512 characters, no ':' or '*'",
    reason: "not found on the PutSubscriptionFilter page; the same type as log stream names",
  },
  {
    kind: "accountPolicy",
    rule: "at most 256 characters",
    reason: "the PutAccountPolicy pages found give no policyName length",
  },
  {
    kind: "metricFilter",
    rule: "1-512 characters, no ':' or '*'",
    reason: "not found on the PutMetricFilter page",
  },
  {
    kind: "alarm",
    rule: "at most 255 characters",
    reason: "the PutMetricAlarm pages found give no AlarmName length",
  },
  {
    kind: "secret",
    rule: "at most 512 characters",
    reason: "the CreateSecret pages found give the characters, not the Name length",
  },
];

/** Whether a name breaks its kind's rule: the problem in words, or undefined. */
export function nameProblem(kind: NameKind, name: string): string | undefined {
  const rule = NAME_RULES[kind];
  if (name.length < rule.min) return `is ${name.length} characters; ${rule.label}s need at least ${rule.min}`;
  if (name.length > rule.max) return `is ${name.length} characters; ${rule.label}s allow at most ${rule.max}`;
  if (rule.pattern && !rule.pattern.test(name))
    return `is not a valid ${rule.label} (${rule.allowed ?? rule.pattern.source})`;
  const extra = rule.extra?.(name);
  return extra === undefined ? undefined : `is not a valid ${rule.label}: it ${extra}`;
}

/**
 * S3 general purpose bucket names: 3-63 of a-z 0-9 . -, a letter or digit at both ends, no '..',
 * not an IP address, none of the prefixes and suffixes S3 reserves for its own features.
 */
export function isBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes("..") &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)
  );
}

// ---------------------------------------------------------------------------------------------
// The names a plan derives.

export interface PlannedName {
  kind: NameKind;
  name: string;
  /** What it names, for messages ("sender role of 111111111111 in ap-southeast-2"). */
  what: string;
  /** The config key whose value makes the name (what a refusal names), and its value. */
  key: (string | number)[];
  value: string;
}

// ---------------------------------------------------------------------------------------------
// The same check on registered resources (the AWS-data check runs it on mocked plans).

/** Which input of which resource type holds a physical name, and its kind. */
export const NAME_PROPERTIES: Readonly<Record<string, readonly { property: string; kind: NameKind }[]>> = {
  "aws:iam/role:Role": [{ property: "name", kind: "iamRole" }],
  "aws:iam/rolePolicy:RolePolicy": [{ property: "name", kind: "iamRolePolicy" }],
  "aws:lambda/function:Function": [{ property: "name", kind: "lambdaFunction" }],
  "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": [{ property: "name", kind: "firehose" }],
  "aws:kinesis/stream:Stream": [{ property: "name", kind: "kinesisStream" }],
  "aws:sqs/queue:Queue": [{ property: "name", kind: "sqsQueue" }],
  "aws:sns/topic:Topic": [{ property: "name", kind: "snsTopic" }],
  "aws:s3/bucket:Bucket": [{ property: "bucket", kind: "s3Bucket" }],
  "aws:s3/bucketV2:BucketV2": [{ property: "bucket", kind: "s3Bucket" }],
  "aws:opensearch/domain:Domain": [{ property: "domainName", kind: "openSearchDomain" }],
  "aws:glue/catalogDatabase:CatalogDatabase": [{ property: "name", kind: "glueDatabase" }],
  "aws:glue/catalogTable:CatalogTable": [{ property: "name", kind: "glueTable" }],
  "aws:athena/workgroup:Workgroup": [{ property: "name", kind: "athenaWorkgroup" }],
  "aws:athena/namedQuery:NamedQuery": [{ property: "name", kind: "athenaNamedQuery" }],
  "aws:cloudwatch/eventBus:EventBus": [{ property: "name", kind: "eventBus" }],
  "aws:cloudwatch/eventRule:EventRule": [{ property: "name", kind: "eventRule" }],
  "aws:cloudtrail/trail:Trail": [{ property: "name", kind: "cloudTrail" }],
  "aws:cloudwatch/logGroup:LogGroup": [{ property: "name", kind: "logGroup" }],
  "aws:cloudwatch/logDestination:LogDestination": [{ property: "name", kind: "logDestination" }],
  "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": [
    { property: "name", kind: "subscriptionFilter" },
  ],
  "aws:cloudwatch/logAccountPolicy:LogAccountPolicy": [{ property: "policyName", kind: "accountPolicy" }],
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": [
    { property: "name", kind: "metricFilter" },
    { property: "metricTransformation.name", kind: "metricName" },
    { property: "metricTransformation.namespace", kind: "metricNamespace" },
  ],
  "aws:cloudwatch/metricAlarm:MetricAlarm": [
    { property: "name", kind: "alarm" },
    { property: "metricName", kind: "metricName" },
    { property: "namespace", kind: "metricNamespace" },
  ],
  "aws:secretsmanager/secret:Secret": [{ property: "name", kind: "secret" }],
  "aws:kms/alias:Alias": [{ property: "name", kind: "kmsAlias" }],
  "aws:cloudwatch/dashboard:Dashboard": [{ property: "dashboardName", kind: "dashboard" }],
};

/**
 * Pulumi auto-names a resource whose name input is left out: its logical name, '-' and seven
 * random hex characters. That name must fit too.
 */
export const AUTONAME_SUFFIX_LENGTH = 8;

export interface ResourceNameFinding {
  resource: string;
  type: string;
  property: string;
  value: string;
  rule: string;
}

/** The physical names of registered resources that break their kind's rule. */
export function resourceNameFindings(resources: readonly NamedResource[]): ResourceNameFinding[] {
  const findings: ResourceNameFinding[] = [];
  for (const r of resources) {
    for (const { property, kind } of NAME_PROPERTIES[r.type] ?? []) {
      const given = inputAt(r.inputs, property);
      // Only a top-level `name` is auto-named; a nested one left out is simply absent.
      const autoNamed = given === undefined && property === "name" && r.custom !== false;
      if (typeof given !== "string" && !autoNamed) continue;
      const value = typeof given === "string" ? given : `${r.name}-${"x".repeat(AUTONAME_SUFFIX_LENGTH - 1)}`;
      const rule = nameProblem(kind, value);
      if (rule !== undefined)
        findings.push({
          resource: r.name,
          type: r.type,
          property: autoNamed ? "name (auto)" : property,
          value,
          rule,
        });
    }
  }
  return findings;
}

/** `a.b` of resource inputs; nested objects may arrive as JSON text. */
function inputAt(inputs: Record<string, unknown>, path: string): unknown {
  let node: unknown = inputs;
  for (const key of path.split(".")) {
    if (typeof node === "string") {
      try {
        node = JSON.parse(node);
      } catch {
        return undefined;
      }
    }
    if (typeof node !== "object" || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
