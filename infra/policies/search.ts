import { document, type PolicyDocument, type PolicyStatement } from "./document";

/** What people do with Dashboards and the REST API; spelled out, never `es:*`. */
const PEOPLE_ACTIONS = [
  "es:ESHttpDelete",
  "es:ESHttpGet",
  "es:ESHttpHead",
  "es:ESHttpPatch",
  "es:ESHttpPost",
  "es:ESHttpPut",
];

export interface SearchDomainAccessArgs {
  domainArn: string;
  forwarderRoleArn: string;
  provisionerRoleArn: string;
  /** IAM roles and users of people, who sign their requests. */
  principals: readonly string[];
  /** Networks people reach Dashboards from (they log in as the internal `admin` user). */
  cidrs: readonly string[];
}

/**
 * The domain's resource policy, the first gate before fine-grained access control: the forwarder
 * may only bulk-index, the provisioner (the FGAC master) may call the APIs it configures, listed
 * people may use the domain, and anyone else only from the configured networks. The write-up's
 * `es:*` for everybody from one IP and `es:ESHttpPost` for each account's role become this.
 */
export function searchDomainAccessPolicy(args: SearchDomainAccessArgs): PolicyDocument {
  const all = `${args.domainArn}/*`;
  const statements: PolicyStatement[] = [
    {
      Sid: "ForwarderBulkIndexes",
      Effect: "Allow",
      Principal: { AWS: args.forwarderRoleArn },
      Action: "es:ESHttpPost",
      Resource: `${args.domainArn}/_bulk`,
    },
    {
      Sid: "ProvisionerConfigures",
      Effect: "Allow",
      Principal: { AWS: args.provisionerRoleArn },
      Action: ["es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut"],
      Resource: all,
    },
  ];
  if (args.principals.length > 0)
    statements.push({
      Sid: "PeopleSignIn",
      Effect: "Allow",
      Principal: { AWS: [...new Set(args.principals)].sort() },
      Action: PEOPLE_ACTIONS,
      Resource: all,
    });
  if (args.cidrs.length > 0)
    statements.push({
      Sid: "PeopleFromNetworks",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: PEOPLE_ACTIONS,
      Resource: all,
      // Unsigned requests (the Dashboards login) only from here; FGAC then checks the user.
      Condition: { IpAddress: { "aws:SourceIp": [...new Set(args.cidrs)].sort() } },
    });
  return document(...statements);
}

export interface SearchForwarderArgs {
  streamArn: string;
  domainArn: string;
  deadLetterQueueArn: string;
  logGroupArn: string;
}

/**
 * Read the stream (what a Kinesis event source mapping needs), bulk-index into the domain, send
 * what it cannot index to its queue, write its own logs. Nothing else.
 */
export function searchForwarderPermissions(args: SearchForwarderArgs): PolicyDocument {
  return document(
    {
      Sid: "ReadStream",
      Effect: "Allow",
      Action: [
        "kinesis:DescribeStream",
        "kinesis:DescribeStreamSummary",
        "kinesis:GetRecords",
        "kinesis:GetShardIterator",
        "kinesis:ListShards",
      ],
      Resource: args.streamArn,
    },
    { Sid: "BulkIndex", Effect: "Allow", Action: "es:ESHttpPost", Resource: `${args.domainArn}/_bulk` },
    { Sid: "DeadLetters", Effect: "Allow", Action: "sqs:SendMessage", Resource: args.deadLetterQueueArn },
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `${args.logGroupArn}:log-stream:*`,
    },
  );
}

export interface SearchProvisionerArgs {
  domainArn: string;
  adminSecretArn: string;
  logGroupArn: string;
}

/** Configure the domain (security, template, ISM, Dashboards), read the admin secret, write its logs. */
export function searchProvisionerPermissions(args: SearchProvisionerArgs): PolicyDocument {
  return document(
    {
      Sid: "ConfigureDomain",
      Effect: "Allow",
      Action: ["es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut"],
      Resource: `${args.domainArn}/*`,
    },
    {
      Sid: "ReadAdminSecret",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: args.adminSecretArn,
    },
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `${args.logGroupArn}:log-stream:*`,
    },
  );
}
