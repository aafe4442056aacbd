/**
 * ARNs built from account, region and configured names. Physical names are deterministic, so
 * every policy can be computed as plain data before anything exists, and tested as such.
 */
export const arn = {
  bucket: (bucket: string) => `arn:aws:s3:::${bucket}`,
  role: (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`,
  stream: (region: string, account: string, name: string) =>
    `arn:aws:kinesis:${region}:${account}:stream/${name}`,
  firehose: (region: string, account: string, name: string) =>
    `arn:aws:firehose:${region}:${account}:deliverystream/${name}`,
  destination: (region: string, account: string, name: string) =>
    `arn:aws:logs:${region}:${account}:destination:${name}`,
  logGroup: (region: string, account: string, name: string) =>
    `arn:aws:logs:${region}:${account}:log-group:${name}`,
  /** Everything CloudWatch Logs does in one account and region (for `aws:SourceArn`). */
  logsIn: (region: string, account: string) => `arn:aws:logs:${region}:${account}:*`,
  lambda: (region: string, account: string, name: string) =>
    `arn:aws:lambda:${region}:${account}:function:${name}`,
  trail: (region: string, account: string, name: string) =>
    `arn:aws:cloudtrail:${region}:${account}:trail/${name}`,
  alarm: (region: string, account: string, name: string) =>
    `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`,
  topic: (region: string, account: string, name: string) => `arn:aws:sns:${region}:${account}:${name}`,
  queue: (region: string, account: string, name: string) => `arn:aws:sqs:${region}:${account}:${name}`,
  searchDomain: (region: string, account: string, name: string) =>
    `arn:aws:es:${region}:${account}:domain/${name}`,
  eventBus: (region: string, account: string, name: string) =>
    `arn:aws:events:${region}:${account}:event-bus/${name}`,
  /** A rule on the default bus; a rule on a custom bus has the bus name in its ARN. */
  eventRule: (region: string, account: string, name: string, bus?: string) =>
    `arn:aws:events:${region}:${account}:rule/${bus ? `${bus}/` : ""}${name}`,
} as const;

/** The regional service principal CloudWatch Logs uses when it assumes a destination role. */
export const logsPrincipal = (region: string) => `logs.${region}.amazonaws.com`;
