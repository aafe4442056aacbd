import { document, type PolicyDocument, serviceTrust } from "./policyDocument";

/** Lambda acting for this account only. */
export function lambdaTrustPolicy(accountId: string): PolicyDocument {
  return document(serviceTrust("lambda.amazonaws.com", { StringEquals: { "aws:SourceAccount": accountId } }));
}

export interface ProcessorPermissionsArgs {
  logGroupArn: string;
  /** Oversized batches are re-put into the stream they came from rather than lost. */
  streamArn: string;
}

/** The gunzip processor writes its own log group and re-puts overflow into its source stream. */
export function processorPermissions(args: ProcessorPermissionsArgs): PolicyDocument {
  return document(
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `${args.logGroupArn}:log-stream:*`,
    },
    { Sid: "ReingestOverflow", Effect: "Allow", Action: "kinesis:PutRecords", Resource: args.streamArn },
  );
}
