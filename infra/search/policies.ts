import { document, type PolicyDocument } from "../kernel/policyDocument";

/** Every HTTP method of the domain's API; spelled out, never `es:*` (no configuration API). */
const DOMAIN_HTTP_ACTIONS = [
  "es:ESHttpDelete",
  "es:ESHttpGet",
  "es:ESHttpHead",
  "es:ESHttpPatch",
  "es:ESHttpPost",
  "es:ESHttpPut",
];

export interface SearchDomainAccessArgs {
  domainArn: string;
}

/**
 * The domain's resource policy admits every request to the domain's HTTP API, and fine-grained
 * access control (FGAC) decides who gets in: it authenticates each request (an internal user's
 * password, or a SigV4 signature of an IAM principal mapped to an OpenSearch role) and refuses
 * anonymous ones (`anonymousAuthEnabled: false` on the domain).
 *
 * Why not IAM principals or source networks here (the AWS rules that decided it):
 * - CreateDomain takes `MasterUserARN` only with the internal user database off, and a master user
 *   name and password with it on. People log in to Dashboards with a password, so the master is the
 *   internal `admin` user, and the provisioner must log in as that user to set up the domain.
 * - A request cannot carry both HTTP basic auth and a SigV4 signature, and an unsigned request
 *   matches only a `*` principal. The provisioner is a Lambda with no fixed address, so no
 *   `aws:SourceIp` condition can admit it either.
 * - The OpenSearch Service guide therefore recommends, with FGAC, a domain access policy that does
 *   not require signed requests (fgac.html, "Recommended configurations"; the internal-user-database
 *   tutorial uses exactly this policy).
 */
export function searchDomainAccessPolicy(args: SearchDomainAccessArgs): PolicyDocument {
  return document({
    Sid: "FineGrainedAccessControlDecides",
    Effect: "Allow",
    Principal: { AWS: "*" },
    Action: DOMAIN_HTTP_ACTIONS,
    Resource: `${args.domainArn}/*`,
  });
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
  adminSecretArn: string;
  logGroupArn: string;
}

/**
 * Read the master login from the secret, write its logs. It reaches the domain with that login
 * (HTTP basic auth), not with its IAM role, so it needs no `es:` permission.
 */
export function searchProvisionerPermissions(args: SearchProvisionerArgs): PolicyDocument {
  return document(
    {
      Sid: "ReadMasterLogin",
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
