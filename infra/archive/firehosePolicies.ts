import { document, type PolicyDocument, type PolicyStatement, serviceTrust } from "../kernel/policyDocument";

/** Only Firehose acting for the recipient account may assume the delivery role. */
export function firehoseTrustPolicy(accountId: string): PolicyDocument {
  return document(serviceTrust("firehose.amazonaws.com", { StringEquals: { "sts:ExternalId": accountId } }));
}

export interface FirehoseDeliveryArgs {
  bucketArn: string;
  /** The only key prefixes it writes (its data areas and its error prefix); default the whole bucket. */
  objectPrefixes?: string[];
  /** The Kinesis stream Firehose reads (kinesis transport). */
  streamArn?: string;
  /** The transformation Lambda Firehose invokes (kinesis transport). */
  processorArn?: string;
  /** The log group it writes its delivery and processing errors to. */
  errorLogGroupArn?: string;
}

/**
 * Write the archive bucket (the bucket ARN for the bucket-level calls, objects under its own
 * prefixes only), its own error log, and, when fed by a stream, read that stream and invoke its
 * gunzip processor. Nothing else.
 */
export function firehoseDeliveryPolicy(args: FirehoseDeliveryArgs): PolicyDocument {
  const statements: PolicyStatement[] = [
    {
      Sid: "WriteArchiveBucket",
      Effect: "Allow",
      Action: [
        "s3:AbortMultipartUpload",
        "s3:GetBucketLocation",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:ListBucketMultipartUploads",
        "s3:PutObject",
      ],
      Resource: [
        args.bucketArn,
        ...(args.objectPrefixes ?? [""]).map((prefix) => `${args.bucketArn}/${prefix}*`).sort(),
      ],
    },
  ];
  if (args.streamArn) {
    statements.push({
      Sid: "ReadSourceStream",
      Effect: "Allow",
      Action: [
        "kinesis:DescribeStream",
        "kinesis:GetShardIterator",
        "kinesis:GetRecords",
        "kinesis:ListShards",
      ],
      Resource: args.streamArn,
    });
  }
  if (args.processorArn) {
    statements.push({
      Sid: "InvokeProcessor",
      Effect: "Allow",
      Action: ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"],
      // Firehose may invoke a qualified ARN (`:$LATEST`), so the versions are included.
      Resource: [args.processorArn, `${args.processorArn}:*`],
    });
  }
  if (args.errorLogGroupArn) {
    // Its own error log only; the group and its stream are made by the program (Firehose writes
    // them, it does not create them through the API).
    statements.push({
      Sid: "WriteErrorLog",
      Effect: "Allow",
      Action: "logs:PutLogEvents",
      Resource: `${args.errorLogGroupArn}:log-stream:*`,
    });
  }
  return document(...statements);
}
