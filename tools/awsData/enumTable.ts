/**
 * THE table of enumerated properties: Pulumi resource type + property path -> the values AWS
 * accepts, from the AWS SDK v3 models (their exported enum objects). Where a model has no enum the
 * list comes from the API reference, cited beside it.
 */
import { EncryptionOption, WorkGroupState } from "@aws-sdk/client-athena";
import { ReadWriteType } from "@aws-sdk/client-cloudtrail";
import { ComparisonOperator, Statistic } from "@aws-sdk/client-cloudwatch";
import { Distribution, LogGroupClass, PolicyType, Scope } from "@aws-sdk/client-cloudwatch-logs";
import { LogDestinationType, TrafficType } from "@aws-sdk/client-ec2";
import { RuleState } from "@aws-sdk/client-eventbridge";
import { CompressionFormat, KeyType, ProcessorParameterName, ProcessorType } from "@aws-sdk/client-firehose";
import { EncryptionType, StreamMode } from "@aws-sdk/client-kinesis";
import { KeySpec, KeyUsageType } from "@aws-sdk/client-kms";
import {
  ApplicationLogLevel,
  Architecture,
  EventSourcePosition,
  FunctionResponseType,
  LogFormat,
  PackageType,
  Runtime,
  SystemLogLevel,
} from "@aws-sdk/client-lambda";
import { OpenSearchPartitionInstanceType, TLSSecurityPolicy, VolumeType } from "@aws-sdk/client-opensearch";
import {
  BucketVersioningStatus,
  ExpirationStatus,
  ObjectOwnership,
  ServerSideEncryption,
  TransitionStorageClass,
} from "@aws-sdk/client-s3";

export interface EnumEntry {
  type: string;
  /** Path into the inputs; `[]` visits every element of a list. */
  path: string;
  values: readonly string[];
  source: string;
}

const sdk = (pkg: string, shape: string, e: Record<string, string>) => ({
  values: Object.values(e),
  source: `AWS SDK v3 model: ${pkg} ${shape}`,
});

/** CloudWatch API Reference, PutMetricAlarm, TreatMissingData: "Valid Values: breaching | notBreaching | ignore | missing" (a plain string in the model). */
export const TREAT_MISSING_DATA = ["breaching", "notBreaching", "ignore", "missing"] as const;

/** SNS API Reference, Subscribe, Protocol: http, https, email, email-json, sms, sqs, application, lambda, firehose (a plain string in the model). */
export const SNS_PROTOCOLS = [
  "http",
  "https",
  "email",
  "email-json",
  "sms",
  "sqs",
  "application",
  "lambda",
  "firehose",
] as const;

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream";
const LAMBDA = "aws:lambda/function:Function";
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const DOMAIN = "aws:opensearch/domain:Domain";
const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const PROCESSORS = "extendedS3Configuration.processingConfiguration.processors[]";

export const ENUM_TABLE: readonly EnumEntry[] = [
  {
    type: ALARM,
    path: "comparisonOperator",
    ...sdk("client-cloudwatch", "ComparisonOperator", ComparisonOperator),
  },
  { type: ALARM, path: "statistic", ...sdk("client-cloudwatch", "Statistic", Statistic) },
  {
    type: ALARM,
    path: "treatMissingData",
    values: TREAT_MISSING_DATA,
    source: "CloudWatch API Reference: PutMetricAlarm TreatMissingData",
  },
  { type: FIREHOSE, path: `${PROCESSORS}.type`, ...sdk("client-firehose", "ProcessorType", ProcessorType) },
  {
    type: FIREHOSE,
    path: `${PROCESSORS}.parameters[].parameterName`,
    ...sdk("client-firehose", "ProcessorParameterName", ProcessorParameterName),
  },
  {
    type: FIREHOSE,
    path: "extendedS3Configuration.compressionFormat",
    ...sdk("client-firehose", "CompressionFormat", CompressionFormat),
  },
  { type: FIREHOSE, path: "serverSideEncryption.keyType", ...sdk("client-firehose", "KeyType", KeyType) },
  {
    type: "aws:kinesis/stream:Stream",
    path: "streamModeDetails.streamMode",
    ...sdk("client-kinesis", "StreamMode", StreamMode),
  },
  {
    type: "aws:kinesis/stream:Stream",
    path: "encryptionType",
    ...sdk("client-kinesis", "EncryptionType", EncryptionType),
  },
  { type: LAMBDA, path: "runtime", ...sdk("client-lambda", "Runtime", Runtime) },
  { type: LAMBDA, path: "architectures[]", ...sdk("client-lambda", "Architecture", Architecture) },
  { type: LAMBDA, path: "packageType", ...sdk("client-lambda", "PackageType", PackageType) },
  { type: LAMBDA, path: "loggingConfig.logFormat", ...sdk("client-lambda", "LogFormat", LogFormat) },
  {
    type: LAMBDA,
    path: "loggingConfig.applicationLogLevel",
    ...sdk("client-lambda", "ApplicationLogLevel", ApplicationLogLevel),
  },
  {
    type: LAMBDA,
    path: "loggingConfig.systemLogLevel",
    ...sdk("client-lambda", "SystemLogLevel", SystemLogLevel),
  },
  {
    type: MAPPING,
    path: "startingPosition",
    ...sdk("client-lambda", "EventSourcePosition", EventSourcePosition),
  },
  {
    type: MAPPING,
    path: "functionResponseTypes[]",
    ...sdk("client-lambda", "FunctionResponseType", FunctionResponseType),
  },
  { type: DOMAIN, path: "ebsOptions.volumeType", ...sdk("client-opensearch", "VolumeType", VolumeType) },
  {
    type: DOMAIN,
    path: "domainEndpointOptions.tlsSecurityPolicy",
    ...sdk("client-opensearch", "TLSSecurityPolicy", TLSSecurityPolicy),
  },
  {
    type: DOMAIN,
    path: "clusterConfig.instanceType",
    ...sdk("client-opensearch", "OpenSearchPartitionInstanceType", OpenSearchPartitionInstanceType),
  },
  {
    type: DOMAIN,
    path: "clusterConfig.dedicatedMasterType",
    ...sdk("client-opensearch", "OpenSearchPartitionInstanceType", OpenSearchPartitionInstanceType),
  },
  { type: "aws:ec2/flowLog:FlowLog", path: "trafficType", ...sdk("client-ec2", "TrafficType", TrafficType) },
  {
    type: "aws:ec2/flowLog:FlowLog",
    path: "logDestinationType",
    ...sdk("client-ec2", "LogDestinationType", LogDestinationType),
  },
  {
    type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    path: "rules[].applyServerSideEncryptionByDefault.sseAlgorithm",
    ...sdk("client-s3", "ServerSideEncryption", ServerSideEncryption),
  },
  {
    type: LIFECYCLE,
    path: "rules[].transitions[].storageClass",
    ...sdk("client-s3", "TransitionStorageClass", TransitionStorageClass),
  },
  {
    type: LIFECYCLE,
    path: "rules[].noncurrentVersionTransitions[].storageClass",
    ...sdk("client-s3", "TransitionStorageClass", TransitionStorageClass),
  },
  { type: LIFECYCLE, path: "rules[].status", ...sdk("client-s3", "ExpirationStatus", ExpirationStatus) },
  {
    type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    path: "rule.objectOwnership",
    ...sdk("client-s3", "ObjectOwnership", ObjectOwnership),
  },
  {
    type: "aws:s3/bucketVersioning:BucketVersioning",
    path: "versioningConfiguration.status",
    // The provider also takes "Disabled" for a bucket never versioned; AWS's model has Enabled/Suspended.
    values: [...Object.values(BucketVersioningStatus), "Disabled"],
    source: "AWS SDK v3 model: client-s3 BucketVersioningStatus",
  },
  {
    type: "aws:athena/workgroup:Workgroup",
    path: "configuration.resultConfiguration.encryptionConfiguration.encryptionOption",
    ...sdk("client-athena", "EncryptionOption", EncryptionOption),
  },
  {
    type: "aws:athena/workgroup:Workgroup",
    path: "state",
    ...sdk("client-athena", "WorkGroupState", WorkGroupState),
  },
  {
    type: "aws:cloudtrail/trail:Trail",
    path: "eventSelectors[].readWriteType",
    ...sdk("client-cloudtrail", "ReadWriteType", ReadWriteType),
  },
  {
    type: "aws:cloudwatch/eventRule:EventRule",
    path: "state",
    ...sdk("client-eventbridge", "RuleState", RuleState),
  },
  {
    type: "aws:sns/topicSubscription:TopicSubscription",
    path: "protocol",
    values: SNS_PROTOCOLS,
    source: "SNS API Reference: Subscribe Protocol",
  },
  {
    type: "aws:cloudwatch/logAccountPolicy:LogAccountPolicy",
    path: "policyType",
    ...sdk("client-cloudwatch-logs", "PolicyType", PolicyType),
  },
  {
    type: "aws:cloudwatch/logAccountPolicy:LogAccountPolicy",
    path: "scope",
    ...sdk("client-cloudwatch-logs", "Scope", Scope),
  },
  {
    type: "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
    path: "distribution",
    ...sdk("client-cloudwatch-logs", "Distribution", Distribution),
  },
  {
    type: "aws:cloudwatch/logGroup:LogGroup",
    path: "logGroupClass",
    ...sdk("client-cloudwatch-logs", "LogGroupClass", LogGroupClass),
  },
  { type: "aws:kms/key:Key", path: "keyUsage", ...sdk("client-kms", "KeyUsageType", KeyUsageType) },
  { type: "aws:kms/key:Key", path: "customerMasterKeySpec", ...sdk("client-kms", "KeySpec", KeySpec) },
];
