/**
 * The deployer role's permissions as one table: every resource type the program can plan ->
 * the IAM actions Pulumi's AWS provider (terraform-provider-aws underneath) calls to create,
 * read (refresh), update and delete it, and the ARN patterns they act on. Policies for a stack
 * (generate.ts) and the StackSet template (stackset.ts) are built from this table only.
 *
 * ARN patterns use placeholders filled per account: `{account}` the account the role lives in,
 * `{recipient}` the recipient account, `{prefix}` the stack's `namePrefix`, `{database}` the
 * Athena database. Regions are `*`: one role serves every region of its account. Actions that
 * cannot be scoped to a resource (list calls, `CreateKey`) get `*` as IAM's reference requires.
 */

export type Placeholder = "account" | "recipient" | "prefix" | "database";

export type Condition = Record<string, Record<string, string | string[]>>;

export interface Grant {
  /** Statement id; grants with the same sid are merged and must share resources and condition. */
  sid: string;
  actions: readonly string[];
  resources: readonly string[];
  condition?: Condition;
  /**
   * The ARN of one planned resource (from its inputs), with `{account}` for its account: added to
   * the statement when the patterns above do not cover it (a name set explicitly in the config).
   */
  planned?: (inputs: Record<string, unknown>) => string | undefined;
  /** Only for planned resources whose inputs ask for it (organization trails). */
  when?: (inputs: Record<string, unknown>) => boolean;
}

export type TypeEntry =
  | { aws: readonly Grant[] }
  /** Makes no AWS call of its own: why. */
  | { none: string };

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

const ROLES = "arn:aws:iam::{account}:role/{prefix}-*";
const passRoleTo = (service: string): Grant => ({
  // iam:PassRole is checked whenever a call hands a role to a service (IAM User Guide, "Grant a
  // user permissions to pass a role to an AWS service"); the service condition keeps each grant to its use.
  sid: `PassRoleTo${service.split(".")[0]!.replace(/(^|-)([a-z])/g, (_, _d, c: string) => c.toUpperCase())}`,
  actions: ["iam:PassRole"],
  resources: [ROLES],
  condition: { StringEquals: { "iam:PassedToService": service } },
});

// --- S3: the archive and Athena results buckets -------------------------------------------------
const BUCKETS = ["arn:aws:s3:::{prefix}-*"];
const bucketName = (i: Record<string, unknown>) => {
  const b = str(i.bucket);
  return b && `arn:aws:s3:::${b}`;
};
const bucket = (actions: string[]): Grant => ({
  sid: "Buckets",
  actions,
  resources: BUCKETS,
  planned: bucketName,
});

// --- CloudWatch Logs ----------------------------------------------------------------------------
/** Lambda log groups, flow-log groups (default `vpc-flow-logs/<vpc>`), the trail's default group. */
/**
 * What a subscription filter (one log group's, or an account policy's) needs: the filter on the
 * account's log groups, whose names are arbitrary; the destination, against which a cross-account
 * filter is also checked (CloudWatch Logs user guide, "Cross-account cross-Region subscriptions");
 * and, in organization mode, passing the sender role (PutSubscriptionFilter, roleArn).
 */
function subscriptionStatements(): Grant[] {
  return [
    {
      sid: "SubscriptionFilters",
      actions: [
        "logs:PutSubscriptionFilter",
        "logs:DeleteSubscriptionFilter",
        "logs:DescribeSubscriptionFilters",
      ],
      resources: ["arn:aws:logs:*:{account}:log-group:*"],
    },
    {
      sid: "SubscribeToDestination",
      actions: ["logs:PutSubscriptionFilter"],
      resources: ["arn:aws:logs:*:{recipient}:destination:{prefix}*"],
    },
    passRoleTo("logs.amazonaws.com"),
  ];
}

const LOG_GROUPS = [
  "arn:aws:logs:*:{account}:log-group:/aws/lambda/{prefix}-*",
  "arn:aws:logs:*:{account}:log-group:vpc-flow-logs*",
  "arn:aws:logs:*:{account}:log-group:CloudTrail/*",
  // The Firehoses' error logs (infra/kernel/pieces.ts firehoseErrorLog).
  "arn:aws:logs:*:{account}:log-group:/aws/kinesisfirehose/{prefix}-*",
  // The canary log group of `npm run verify` (infra/operations/names.ts).
  "arn:aws:logs:*:{account}:log-group:/central-logging/{prefix}/*",
];
const logGroupArn = (name: string | undefined) => name && `arn:aws:logs:*:{account}:log-group:${name}`;
const TAG_LOGS = [
  "logs:TagResource",
  "logs:UntagResource",
  "logs:ListTagsForResource",
  // The provider still calls the log-group tagging APIs on older code paths.
  "logs:TagLogGroup",
  "logs:UntagLogGroup",
  "logs:ListTagsLogGroup",
];

// --- EventBridge --------------------------------------------------------------------------------
const RULES = ["arn:aws:events:*:{account}:rule/{prefix}-*"];
const events = (actions: string[]): Grant => ({ sid: "EventRules", actions, resources: RULES });

// --- Lambda -------------------------------------------------------------------------------------
const FUNCTIONS = ["arn:aws:lambda:*:{account}:function:{prefix}-*"];

// --- IAM roles the program creates (service roles) ----------------------------------------------
const roles = (actions: string[]): Grant => ({
  sid: "ServiceRoles",
  actions,
  resources: [ROLES],
  planned: (i) => {
    const name = str(i.name) ?? str(i.role);
    return name && `arn:aws:iam::{account}:role/${name}`;
  },
});

// --- SQS, SNS -----------------------------------------------------------------------------------
const QUEUES = ["arn:aws:sqs:*:{account}:{prefix}-*"];
const TOPICS = ["arn:aws:sns:*:{account}:{prefix}-*"];

// --- Glue catalog -------------------------------------------------------------------------------
// Glue checks the catalog, the database and, for table calls, the table (Glue developer guide,
// "Specifying AWS Glue resource ARNs"); deleting a database deletes its tables and functions.
const CATALOG = [
  "arn:aws:glue:*:{account}:catalog",
  "arn:aws:glue:*:{account}:database/{database}*",
  "arn:aws:glue:*:{account}:table/{database}*/*",
  "arn:aws:glue:*:{account}:userDefinedFunction/{database}*/*",
];

const CLOUDTRAIL_SLR = "arn:aws:iam::{account}:role/aws-service-role/cloudtrail.amazonaws.com/*";

/** Calls IAM's reference lets target only `*` (list calls mostly): no narrower resource exists. */
const unscoped = (actions: string[]): Grant => ({ sid: "Unscoped", actions, resources: ["*"] });

const noAwsCall = (why: string): TypeEntry => ({ none: why });

export const ACTIONS: Readonly<Record<string, TypeEntry>> = {
  // The provider checks its credentials with sts:GetCallerIdentity, which needs no permission
  // (STS API Reference, GetCallerIdentity: "No permissions are required"); assuming `roleArn` is
  // the trust policy's business, not this role's.
  "pulumi:providers:aws": noAwsCall("GetCallerIdentity needs no permission; AssumeRole is the trust"),
  "pulumi:providers:random": noAwsCall("random values are made locally"),
  "pulumi:pulumi:Stack": noAwsCall("the stack itself"),
  "pulumi:pulumi:StackReference": noAwsCall("reads another stack's outputs from the Pulumi backend"),
  "random:index/randomPassword:RandomPassword": noAwsCall("made locally by the random provider"),
  "central-logging:operations:OperationsAlarms": noAwsCall("component"),
  "central-logging:recipient:ArchiveBucket": noAwsCall("component"),
  "central-logging:recipient:ArchiveDelivery": noAwsCall("component"),
  "central-logging:recipient:Athena": noAwsCall("component"),
  "central-logging:recipient:EventsArchive": noAwsCall("component"),
  "central-logging:recipient:GunzipProcessor": noAwsCall("component"),
  "central-logging:recipient:Recipient": noAwsCall("component"),
  "central-logging:recipient:RegionalDestination": noAwsCall("component"),
  "central-logging:search:SearchDomain": noAwsCall("component"),
  "central-logging:source:Alarms": noAwsCall("component"),
  "central-logging:source:EventRules": noAwsCall("component"),
  "central-logging:source:SourceAccount": noAwsCall("component"),
  "central-logging:source:Trail": noAwsCall("component"),

  "aws:s3/bucket:Bucket": {
    aws: [
      bucket([
        "s3:CreateBucket",
        "s3:DeleteBucket",
        // HeadBucket is authorized as ListBucket (S3 API Reference, HeadBucket).
        "s3:ListBucket",
        "s3:GetBucketLocation",
        // Refresh reads every bucket sub-configuration, set or not.
        "s3:GetBucketAcl",
        "s3:GetBucketCORS",
        "s3:GetBucketWebsite",
        "s3:GetBucketVersioning",
        "s3:GetAccelerateConfiguration",
        "s3:GetBucketRequestPayment",
        "s3:GetBucketLogging",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:GetEncryptionConfiguration",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketPolicy",
        "s3:GetBucketTagging",
        // Default tags: PutBucketTagging also serves DeleteBucketTagging (S3 API Reference).
        "s3:PutBucketTagging",
      ]),
    ],
  },
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
    // DeleteBucketLifecycle is authorized as s3:PutLifecycleConfiguration (S3 API Reference).
    aws: [bucket(["s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration"])],
  },
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {
    // DeleteBucketOwnershipControls is authorized as s3:PutBucketOwnershipControls.
    aws: [bucket(["s3:PutBucketOwnershipControls", "s3:GetBucketOwnershipControls"])],
  },
  "aws:s3/bucketPolicy:BucketPolicy": {
    aws: [bucket(["s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"])],
  },
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
    // DeletePublicAccessBlock is authorized as s3:PutBucketPublicAccessBlock.
    aws: [bucket(["s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock"])],
  },
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
    // DeleteBucketEncryption is authorized as s3:PutEncryptionConfiguration.
    aws: [bucket(["s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration"])],
  },
  "aws:s3/bucketVersioning:BucketVersioning": {
    aws: [bucket(["s3:PutBucketVersioning", "s3:GetBucketVersioning"])],
  },

  "aws:kinesis/stream:Stream": {
    aws: [
      {
        sid: "Stream",
        actions: [
          "kinesis:CreateStream",
          "kinesis:DeleteStream",
          "kinesis:DescribeStream",
          "kinesis:DescribeStreamSummary",
          "kinesis:ListShards",
          "kinesis:StartStreamEncryption",
          "kinesis:StopStreamEncryption",
          "kinesis:IncreaseStreamRetentionPeriod",
          "kinesis:DecreaseStreamRetentionPeriod",
          "kinesis:AddTagsToStream",
          "kinesis:RemoveTagsFromStream",
          "kinesis:ListTagsForStream",
          "kinesis:TagResource",
          "kinesis:UntagResource",
          "kinesis:ListTagsForResource",
        ],
        resources: ["arn:aws:kinesis:*:{account}:stream/{prefix}-*"],
      },
      // Changing the shard count or the mode: IAM's reference gives these no resource type.
      unscoped(["kinesis:UpdateShardCount", "kinesis:UpdateStreamMode"]),
    ],
  },
  "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": {
    aws: [
      {
        sid: "Firehose",
        actions: [
          "firehose:CreateDeliveryStream",
          "firehose:DeleteDeliveryStream",
          "firehose:DescribeDeliveryStream",
          "firehose:UpdateDestination",
          "firehose:StartDeliveryStreamEncryption",
          "firehose:StopDeliveryStreamEncryption",
          "firehose:TagDeliveryStream",
          "firehose:UntagDeliveryStream",
          "firehose:ListTagsForDeliveryStream",
        ],
        resources: ["arn:aws:firehose:*:{account}:deliverystream/{prefix}-*"],
      },
      // The delivery role (Firehose developer guide, "Controlling access with Amazon Data Firehose").
      passRoleTo("firehose.amazonaws.com"),
    ],
  },

  "aws:lambda/function:Function": {
    aws: [
      {
        sid: "Functions",
        actions: [
          "lambda:CreateFunction",
          "lambda:DeleteFunction",
          "lambda:GetFunction",
          "lambda:GetFunctionConfiguration",
          "lambda:GetFunctionCodeSigningConfig",
          "lambda:GetFunctionConcurrency",
          "lambda:GetRuntimeManagementConfig",
          "lambda:ListVersionsByFunction",
          "lambda:UpdateFunctionCode",
          "lambda:UpdateFunctionConfiguration",
          "lambda:TagResource",
          "lambda:UntagResource",
          "lambda:ListTags",
        ],
        resources: FUNCTIONS,
      },
      // The execution role (Lambda developer guide, "Lambda execution role": creating a function
      // with a role needs iam:PassRole on it).
      passRoleTo("lambda.amazonaws.com"),
    ],
  },
  "aws:lambda/invocation:Invocation": {
    aws: [
      {
        sid: "InvokeProvisioner",
        actions: ["lambda:InvokeFunction"],
        resources: [
          "arn:aws:lambda:*:{account}:function:{prefix}-search-provisioner",
          "arn:aws:lambda:*:{account}:function:{prefix}-search-provisioner:*",
        ],
        planned: (i) => {
          const fn = str(i.functionName);
          return fn && (fn.startsWith("arn:") ? fn : `arn:aws:lambda:*:{account}:function:${fn}`);
        },
      },
    ],
  },
  "aws:lambda/eventSourceMapping:EventSourceMapping": {
    // No role is passed: the function's own execution role reads the stream.
    aws: [
      {
        sid: "CreateStreamMapping",
        actions: ["lambda:CreateEventSourceMapping"],
        resources: ["*"],
        // Lambda developer guide, "Resources and conditions for Lambda actions": event source
        // mapping calls take the function ARN as the `lambda:FunctionArn` condition.
        condition: { ArnLike: { "lambda:FunctionArn": "arn:aws:lambda:*:{account}:function:{prefix}-*" } },
      },
      {
        sid: "StreamMappings",
        actions: [
          "lambda:GetEventSourceMapping",
          "lambda:UpdateEventSourceMapping",
          "lambda:DeleteEventSourceMapping",
          "lambda:TagResource",
          "lambda:UntagResource",
          "lambda:ListTags",
        ],
        // Mapping ids are UUIDs the program cannot know in advance.
        resources: ["arn:aws:lambda:*:{account}:event-source-mapping:*"],
      },
    ],
  },

  "aws:iam/role:Role": {
    aws: [
      roles([
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:GetRole",
        "iam:UpdateRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:ListRoleTags",
        // Read on refresh and before delete (the provider detaches everything first).
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
      ]),
    ],
  },
  "aws:iam/rolePolicy:RolePolicy": {
    aws: [roles(["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"])],
  },

  "aws:cloudwatch/logGroup:LogGroup": {
    aws: [
      {
        sid: "LogGroups",
        actions: [
          "logs:CreateLogGroup",
          "logs:DeleteLogGroup",
          "logs:PutRetentionPolicy",
          "logs:DeleteRetentionPolicy",
          ...TAG_LOGS,
        ],
        resources: LOG_GROUPS,
        planned: (i) => logGroupArn(str(i.name)),
      },
      unscoped(["logs:DescribeLogGroups"]),
    ],
  },
  "aws:cloudwatch/logStream:LogStream": {
    aws: [
      {
        sid: "FirehoseErrorLogStreams",
        actions: ["logs:CreateLogStream", "logs:DeleteLogStream", "logs:DescribeLogStreams"],
        resources: ["arn:aws:logs:*:{account}:log-group:/aws/kinesisfirehose/{prefix}-*:log-stream:*"],
        planned: (i) => {
          const group = logGroupArn(str(i.logGroupName));
          return group && `${group}:log-stream:*`;
        },
      },
    ],
  },
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": {
    aws: [
      {
        sid: "MetricFilters",
        actions: ["logs:PutMetricFilter", "logs:DeleteMetricFilter", "logs:DescribeMetricFilters"],
        resources: ["arn:aws:logs:*:{account}:log-group:CloudTrail/*"],
        planned: (i) => logGroupArn(str(i.logGroupName)),
      },
    ],
  },
  "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": {
    aws: subscriptionStatements(),
  },
  "aws:cloudwatch/logAccountPolicy:LogAccountPolicy": {
    aws: [
      // Account-level policies are not resources IAM can scope (CloudWatch Logs API Reference,
      // PutAccountPolicy: a subscription filter policy also needs logs:PutSubscriptionFilter, and
      // iam:PassRole for any destination but a Lambda function).
      unscoped(["logs:PutAccountPolicy", "logs:DeleteAccountPolicy", "logs:DescribeAccountPolicies"]),
      ...subscriptionStatements(),
    ],
  },
  "aws:cloudwatch/logDestination:LogDestination": {
    aws: [
      {
        sid: "Destinations",
        actions: [
          "logs:PutDestination",
          "logs:DeleteDestination",
          "logs:TagResource",
          "logs:UntagResource",
          "logs:ListTagsForResource",
        ],
        resources: ["arn:aws:logs:*:{account}:destination:{prefix}*"],
      },
      unscoped(["logs:DescribeDestinations"]),
      // CloudWatch Logs API Reference, PutDestination: "you must also have the iam:PassRole permission".
      passRoleTo("logs.amazonaws.com"),
    ],
  },
  "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": {
    aws: [
      {
        sid: "Destinations",
        actions: ["logs:PutDestinationPolicy"],
        resources: ["arn:aws:logs:*:{account}:destination:{prefix}*"],
      },
      unscoped(["logs:DescribeDestinations"]),
    ],
  },

  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    aws: [
      {
        sid: "Alarms",
        actions: [
          "cloudwatch:PutMetricAlarm",
          "cloudwatch:DeleteAlarms",
          "cloudwatch:DescribeAlarms",
          "cloudwatch:TagResource",
          "cloudwatch:UntagResource",
          "cloudwatch:ListTagsForResource",
        ],
        resources: ["arn:aws:cloudwatch:*:{account}:alarm:{prefix}-*"],
      },
    ],
  },

  "aws:cloudwatch/dashboard:Dashboard": {
    // Dashboards are global to the account (no region in the ARN); the one dashboard is `{p}`.
    aws: [
      {
        sid: "Dashboards",
        actions: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"],
        resources: ["arn:aws:cloudwatch::{account}:dashboard/{prefix}"],
      },
    ],
  },

  "aws:cloudwatch/eventBus:EventBus": {
    aws: [
      {
        sid: "EventBus",
        actions: [
          "events:CreateEventBus",
          "events:DescribeEventBus",
          "events:UpdateEventBus",
          "events:DeleteEventBus",
          "events:TagResource",
          "events:UntagResource",
          "events:ListTagsForResource",
        ],
        resources: ["arn:aws:events:*:{account}:event-bus/{prefix}-*"],
      },
    ],
  },
  "aws:cloudwatch/eventBusPolicy:EventBusPolicy": {
    aws: [
      {
        sid: "EventBus",
        actions: ["events:DescribeEventBus"],
        resources: ["arn:aws:events:*:{account}:event-bus/{prefix}-*"],
      },
      // The bus policy is written with PutPermission/RemovePermission, which take no resource type.
      unscoped(["events:PutPermission", "events:RemovePermission"]),
    ],
  },
  "aws:cloudwatch/eventRule:EventRule": {
    aws: [
      events([
        "events:PutRule",
        "events:DescribeRule",
        "events:DeleteRule",
        "events:EnableRule",
        "events:DisableRule",
        "events:TagResource",
        "events:UntagResource",
        "events:ListTagsForResource",
      ]),
    ],
  },
  "aws:cloudwatch/eventTarget:EventTarget": {
    aws: [
      events(["events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule"]),
      // A target's RoleArn is passed to EventBridge (EventBridge user guide, "IAM roles for
      // sending events to targets").
      passRoleTo("events.amazonaws.com"),
    ],
  },

  "aws:sqs/queue:Queue": {
    aws: [
      {
        sid: "Queues",
        actions: [
          "sqs:CreateQueue",
          "sqs:DeleteQueue",
          "sqs:GetQueueUrl",
          "sqs:GetQueueAttributes",
          "sqs:SetQueueAttributes",
          "sqs:TagQueue",
          "sqs:UntagQueue",
          "sqs:ListQueueTags",
        ],
        resources: QUEUES,
      },
    ],
  },
  "aws:sqs/queuePolicy:QueuePolicy": {
    // A queue policy is the queue's `Policy` attribute.
    aws: [
      { sid: "Queues", actions: ["sqs:SetQueueAttributes", "sqs:GetQueueAttributes"], resources: QUEUES },
    ],
  },

  "aws:sns/topic:Topic": {
    aws: [
      {
        sid: "Topics",
        actions: [
          "sns:CreateTopic",
          "sns:DeleteTopic",
          "sns:GetTopicAttributes",
          "sns:SetTopicAttributes",
          "sns:TagResource",
          "sns:UntagResource",
          "sns:ListTagsForResource",
        ],
        resources: TOPICS,
      },
    ],
  },
  "aws:sns/topicPolicy:TopicPolicy": {
    aws: [
      { sid: "Topics", actions: ["sns:SetTopicAttributes", "sns:GetTopicAttributes"], resources: TOPICS },
    ],
  },
  "aws:sns/topicSubscription:TopicSubscription": {
    // A subscription's ARN starts with its topic's, so the topic patterns cover Unsubscribe too.
    aws: [
      {
        sid: "Topics",
        actions: [
          "sns:Subscribe",
          "sns:Unsubscribe",
          "sns:GetSubscriptionAttributes",
          "sns:SetSubscriptionAttributes",
        ],
        resources: TOPICS,
      },
    ],
  },

  "aws:ec2/flowLog:FlowLog": {
    aws: [
      {
        sid: "FlowLogs",
        actions: ["ec2:CreateFlowLogs", "ec2:DeleteFlowLogs"],
        resources: ["arn:aws:ec2:*:{account}:vpc/*", "arn:aws:ec2:*:{account}:vpc-flow-log/*"],
      },
      {
        // Default tags are set at creation (TagSpecifications) and changed later.
        sid: "TagFlowLogs",
        actions: ["ec2:CreateTags", "ec2:DeleteTags"],
        resources: ["arn:aws:ec2:*:{account}:vpc-flow-log/*"],
      },
      unscoped(["ec2:DescribeFlowLogs"]),
      // VPC user guide, "IAM role for publishing flow logs to CloudWatch Logs": the principal that
      // creates the flow log needs iam:PassRole on the role.
      passRoleTo("vpc-flow-logs.amazonaws.com"),
    ],
  },

  "aws:cloudtrail/trail:Trail": {
    aws: [
      {
        sid: "Trails",
        actions: [
          "cloudtrail:CreateTrail",
          "cloudtrail:UpdateTrail",
          "cloudtrail:DeleteTrail",
          "cloudtrail:StartLogging",
          "cloudtrail:StopLogging",
          "cloudtrail:GetTrail",
          "cloudtrail:GetTrailStatus",
          "cloudtrail:GetEventSelectors",
          "cloudtrail:PutEventSelectors",
          "cloudtrail:GetInsightSelectors",
          "cloudtrail:PutInsightSelectors",
          "cloudtrail:AddTags",
          "cloudtrail:RemoveTags",
          "cloudtrail:ListTags",
        ],
        resources: ["arn:aws:cloudtrail:*:{account}:trail/{prefix}*"],
        planned: (i) => {
          const name = str(i.name);
          return name && `arn:aws:cloudtrail:*:{account}:trail/${name}`;
        },
      },
      unscoped(["cloudtrail:DescribeTrails"]),
      // CloudTrail user guide, "Sending events to CloudWatch Logs": the caller passes the role
      // CloudTrail assumes to write to the log group.
      passRoleTo("cloudtrail.amazonaws.com"),
      {
        // CloudTrail user guide, "Prepare for creating a trail for your organization": the caller
        // reads the organization and may create CloudTrail's service-linked role.
        sid: "OrganizationTrail",
        actions: ["organizations:DescribeOrganization", "organizations:ListAWSServiceAccessForOrganization"],
        resources: ["*"],
        when: (i) => i.isOrganizationTrail === true,
      },
      {
        sid: "CloudTrailServiceLinkedRole",
        actions: ["iam:CreateServiceLinkedRole"],
        resources: [CLOUDTRAIL_SLR],
        condition: { StringEquals: { "iam:AWSServiceName": "cloudtrail.amazonaws.com" } },
        when: (i) => i.isOrganizationTrail === true,
      },
      {
        sid: "ReadCloudTrailServiceLinkedRole",
        actions: ["iam:GetRole"],
        resources: [CLOUDTRAIL_SLR],
        when: (i) => i.isOrganizationTrail === true,
      },
    ],
  },

  "aws:kms/key:Key": {
    aws: [
      // CreateKey takes no resource ARN (KMS developer guide, "AWS KMS permissions"), and neither
      // does tagging at creation.
      unscoped(["kms:CreateKey"]),
      {
        // Key ids are random: scoped to the account's keys. The key policy the program writes
        // must keep granting this account's principals administration (it grants the account root).
        sid: "TrailKey",
        actions: [
          "kms:DescribeKey",
          "kms:GetKeyPolicy",
          "kms:PutKeyPolicy",
          "kms:GetKeyRotationStatus",
          "kms:EnableKeyRotation",
          "kms:DisableKeyRotation",
          "kms:UpdateKeyDescription",
          "kms:ListResourceTags",
          "kms:TagResource",
          "kms:UntagResource",
          "kms:ScheduleKeyDeletion",
        ],
        resources: ["arn:aws:kms:*:{account}:key/*"],
      },
    ],
  },
  "aws:kms/alias:Alias": {
    aws: [
      {
        // An alias call is checked against both the alias and the key (KMS developer guide,
        // "Controlling access to aliases").
        sid: "TrailKeyAlias",
        actions: ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"],
        resources: ["arn:aws:kms:*:{account}:alias/{prefix}-*", "arn:aws:kms:*:{account}:key/*"],
      },
      unscoped(["kms:ListAliases"]),
    ],
  },

  "aws:glue/catalogDatabase:CatalogDatabase": {
    aws: [
      {
        sid: "GlueCatalog",
        actions: [
          "glue:CreateDatabase",
          "glue:GetDatabase",
          "glue:UpdateDatabase",
          "glue:DeleteDatabase",
          "glue:GetTags",
          "glue:TagResource",
          "glue:UntagResource",
        ],
        resources: CATALOG,
      },
    ],
  },
  "aws:glue/catalogTable:CatalogTable": {
    aws: [
      {
        sid: "GlueCatalog",
        // The provider reads a table's partition indexes on refresh.
        actions: [
          "glue:CreateTable",
          "glue:GetTable",
          "glue:UpdateTable",
          "glue:DeleteTable",
          "glue:GetPartitionIndexes",
        ],
        resources: CATALOG,
      },
    ],
  },

  "aws:athena/workgroup:Workgroup": {
    aws: [
      {
        sid: "Athena",
        actions: [
          "athena:CreateWorkGroup",
          "athena:GetWorkGroup",
          "athena:UpdateWorkGroup",
          "athena:DeleteWorkGroup",
          "athena:TagResource",
          "athena:UntagResource",
          "athena:ListTagsForResource",
        ],
        resources: ["arn:aws:athena:*:{account}:workgroup/{prefix}*"],
      },
    ],
  },
  "aws:athena/namedQuery:NamedQuery": {
    aws: [
      {
        // Named queries are authorized on their workgroup.
        sid: "Athena",
        actions: ["athena:CreateNamedQuery", "athena:GetNamedQuery", "athena:DeleteNamedQuery"],
        resources: ["arn:aws:athena:*:{account}:workgroup/{prefix}*"],
      },
    ],
  },

  "aws:opensearch/domain:Domain": {
    aws: [
      {
        sid: "SearchDomain",
        actions: [
          "es:CreateDomain",
          "es:DescribeDomain",
          "es:DescribeDomainConfig",
          "es:UpdateDomainConfig",
          "es:UpgradeDomain",
          "es:GetUpgradeStatus",
          "es:DeleteDomain",
          "es:AddTags",
          "es:RemoveTags",
          "es:ListTags",
        ],
        resources: ["arn:aws:es:*:{account}:domain/{prefix}*"],
        planned: (i) => {
          const name = str(i.domainName);
          return name && `arn:aws:es:*:{account}:domain/${name}`;
        },
      },
      {
        // OpenSearch Service developer guide, "Using service-linked roles": the first domain of
        // an account creates AWSServiceRoleForAmazonOpenSearchService with the caller's permission.
        sid: "SearchServiceLinkedRole",
        actions: ["iam:CreateServiceLinkedRole"],
        resources: [
          "arn:aws:iam::{account}:role/aws-service-role/opensearchservice.amazonaws.com/AWSServiceRoleForAmazonOpenSearchService",
        ],
        condition: { StringEquals: { "iam:AWSServiceName": "opensearchservice.amazonaws.com" } },
      },
    ],
  },

  "aws:secretsmanager/secret:Secret": {
    aws: [
      {
        // Secret ARNs end in a random suffix, hence the trailing `*`.
        sid: "SearchAdminSecret",
        actions: [
          "secretsmanager:CreateSecret",
          "secretsmanager:DescribeSecret",
          "secretsmanager:GetResourcePolicy",
          "secretsmanager:UpdateSecret",
          "secretsmanager:DeleteSecret",
          "secretsmanager:TagResource",
          "secretsmanager:UntagResource",
        ],
        resources: ["arn:aws:secretsmanager:*:{account}:secret:{prefix}/*"],
      },
    ],
  },
  "aws:secretsmanager/secretVersion:SecretVersion": {
    aws: [
      {
        sid: "SearchAdminSecret",
        actions: [
          "secretsmanager:PutSecretValue",
          "secretsmanager:GetSecretValue",
          "secretsmanager:ListSecretVersionIds",
          "secretsmanager:UpdateSecretVersionStage",
          "secretsmanager:DescribeSecret",
        ],
        resources: ["arn:aws:secretsmanager:*:{account}:secret:{prefix}/*"],
      },
    ],
  },
};

/**
 * Actions in the table that no AWS page consulted for this table confirms the provider calls, and
 * not yet seen in a real `pulumi up`: an AccessDenied naming another action, or a `pulumi up` that
 * shows one of these is not needed, is how the table gets corrected.
 */
export const UNCONFIRMED_ACTIONS: readonly { action: string; why: string }[] = [
  { action: "s3:GetBucketLocation", why: "the provider may read the bucket's region on refresh" },
  { action: "lambda:GetFunctionConcurrency", why: "read on refresh by newer provider versions" },
  { action: "lambda:GetRuntimeManagementConfig", why: "read on refresh by newer provider versions" },
  { action: "kinesis:ListShards", why: "read while waiting for the stream to become active" },
  { action: "iam:ListRoleTags", why: "GetRole returns tags; listed for older provider paths" },
  { action: "logs:TagLogGroup", why: "deprecated API, kept for older provider paths" },
  { action: "logs:UntagLogGroup", why: "deprecated API, kept for older provider paths" },
  { action: "logs:ListTagsLogGroup", why: "deprecated API, kept for older provider paths" },
  {
    action: "organizations:ListAWSServiceAccessForOrganization",
    why: "needed for organization trails by the CloudTrail guide; not tried from a member account",
  },
  { action: "glue:GetPartitionIndexes", why: "read on refresh of a catalog table" },
  { action: "es:UpgradeDomain", why: "only when engineVersion changes" },
  { action: "es:GetUpgradeStatus", why: "only when engineVersion changes" },
  {
    action: "iam:CreateServiceLinkedRole",
    why: "OpenSearch creates its service-linked role for VPC domains; whether a public domain needs it is not confirmed",
  },
  { action: "kms:DisableKeyRotation", why: "only if rotation is ever turned off" },
];

/** The `{...}` placeholders an ARN pattern or condition value may use. */
export const PLACEHOLDERS: readonly Placeholder[] = ["account", "recipient", "prefix", "database"];
