/**
 * Deterministic, realistic test data: CloudTrail events as CloudTrail writes them to CloudWatch
 * Logs, CloudWatch Logs subscription envelopes, and the Kinesis records a Lambda event source
 * mapping delivers. Used by the forwarder's tests and by `npm run bench`.
 */
import { gzipSync } from "node:zlib";
import type { KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";
import type {
  CloudWatchLogsEnvelope,
  CloudWatchLogsLogEvent,
} from "../../infra/archive/cwlToFirehose/transform";

export const STREAM_ARN = "arn:aws:kinesis:ap-northeast-1:999999999999:stream/central-logging-dev-logs";

/** mulberry32: a tiny seeded PRNG, so every run generates the same data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

const REGIONS = ["ap-northeast-1", "us-east-1", "us-east-2", "eu-west-1"] as const;
const ACCOUNTS = ["111111111111", "222222222222", "333333333333"] as const;

type Shape = (random: () => number, account: string, region: string) => Record<string, unknown>;

const SHAPES: readonly Shape[] = [
  (random, account, region) => ({
    eventSource: "s3.amazonaws.com",
    eventName: pick(random, ["GetBucketAcl", "PutBucketPolicy", "ListBuckets", "GetBucketLocation"]),
    requestParameters: {
      bucketName: `logs-${account}-${region}`,
      Host: `logs-${account}.s3.${region}.amazonaws.com`,
      acl: "",
    },
    responseElements: null,
    additionalEventData: {
      SignatureVersion: "SigV4",
      CipherSuite: "ECDHE-RSA-AES128-GCM-SHA256",
      bytesTransferredIn: 0,
      AuthenticationMethod: "AuthHeader",
      "x-amz-id-2": "Rg9yPmA0aUhRTC1iYnVja2V0LXJlZ2lvbi1oZWFkZXItZXhhbXBsZQ==",
      bytesTransferredOut: Math.floor(random() * 2000),
    },
    resources: [{ type: "AWS::S3::Bucket", ARN: `arn:aws:s3:::logs-${account}-${region}` }],
    readOnly: true,
    eventCategory: "Management",
  }),
  (random, account) => ({
    eventSource: "sts.amazonaws.com",
    eventName: "AssumeRole",
    requestParameters: {
      roleArn: `arn:aws:iam::${account}:role/${pick(random, ["Deployer", "ReadOnly", "Admin"])}`,
      roleSessionName: `session-${Math.floor(random() * 1e6)}`,
      durationSeconds: 3600,
    },
    responseElements: {
      credentials: {
        accessKeyId: "ASIAEXAMPLEKEY",
        sessionToken: "redacted",
        expiration: "Apr 27, 2019 2:56:42 PM",
      },
      assumedRoleUser: {
        assumedRoleId: "AROAEXAMPLEID:session",
        arn: `arn:aws:sts::${account}:assumed-role/Deployer/session`,
      },
    },
    resources: [{ accountId: account, type: "AWS::IAM::Role", ARN: `arn:aws:iam::${account}:role/Deployer` }],
    readOnly: true,
    eventCategory: "Management",
    sharedEventID: "0f4bd7c7-1ed7-4de6-9a1c-0b6b0d4b5b6d",
  }),
  (random, account) => ({
    eventSource: "iam.amazonaws.com",
    eventName: pick(random, ["CreateUser", "AttachRolePolicy", "CreateAccessKey"]),
    apiVersion: "2010-05-08",
    requestParameters: { userName: pick(random, ["alice", "bob", "ci-bot"]) },
    responseElements: {
      user: {
        path: "/",
        userName: "alice",
        userId: "AIDAEXAMPLEUSERID",
        arn: `arn:aws:iam::${account}:user/alice`,
        createDate: "Apr 27, 2019 1:56:42 PM",
      },
    },
    readOnly: false,
    eventCategory: "Management",
    ...(random() < 0.3
      ? { errorCode: "AccessDenied", errorMessage: "User is not authorized to perform iam:CreateUser" }
      : {}),
  }),
  (random, account, region) => ({
    eventSource: "ec2.amazonaws.com",
    eventName: pick(random, ["DescribeInstances", "RunInstances", "DescribeSecurityGroups"]),
    requestParameters: {
      instancesSet: { items: [{ instanceId: `i-0${Math.floor(random() * 1e12).toString(16)}` }] },
      filterSet: {},
      ownersSet: { items: [{ owner: account }] },
      // Object in some events, string in others: why requestParameters is a flat_object.
      iamInstanceProfile: random() < 0.5 ? { name: "web" } : "web",
    },
    responseElements: null,
    readOnly: true,
    eventCategory: "Management",
    ...(random() < 0.1
      ? { errorCode: "Client.UnauthorizedOperation", errorMessage: "You are not authorized." }
      : {}),
    vpcEndpointId: random() < 0.2 ? `vpce-${region.length}abc1234` : undefined,
  }),
];

/** One CloudTrail event, as the JSON text CloudTrail puts into its CloudWatch Logs log group. */
export function cloudTrailEvent(random: () => number, timestampMs: number): string {
  const account = pick(random, ACCOUNTS);
  const region = pick(random, REGIONS);
  const assumed = random() < 0.6;
  const userIdentity = assumed
    ? {
        type: "AssumedRole",
        principalId: "AROAEXAMPLEID:alice",
        arn: `arn:aws:sts::${account}:assumed-role/Admin/alice`,
        accountId: account,
        accessKeyId: "ASIAEXAMPLEKEY",
        sessionContext: {
          sessionIssuer: {
            type: "Role",
            principalId: "AROAEXAMPLEID",
            arn: `arn:aws:iam::${account}:role/Admin`,
            accountId: account,
            userName: pick(random, ["Admin", "Deployer", "ReadOnly"]),
          },
          webIdFederationData: {},
          attributes: {
            creationDate: new Date(timestampMs - 600_000).toISOString(),
            mfaAuthenticated: "true",
          },
        },
        ...(random() < 0.3 ? { invokedBy: "cloudformation.amazonaws.com" } : {}),
      }
    : {
        type: "IAMUser",
        principalId: "AIDAEXAMPLEUSERID",
        arn: `arn:aws:iam::${account}:user/${pick(random, ["alice", "bob", "ci-bot"])}`,
        accountId: account,
        accessKeyId: "AKIAEXAMPLEKEY",
        userName: pick(random, ["alice", "bob", "ci-bot"]),
      };
  const id = () =>
    `${Math.floor(random() * 0xffffffff)
      .toString(16)
      .padStart(8, "0")}-1ed7-4de6-9a1c-0b6b0d4b5b6d`;
  return JSON.stringify({
    eventVersion: "1.08",
    userIdentity,
    eventTime: new Date(timestampMs).toISOString().replace(/\.\d{3}Z$/, "Z"),
    awsRegion: region,
    sourceIPAddress:
      random() < 0.2 ? "cloudformation.amazonaws.com" : `203.0.113.${Math.floor(random() * 255)}`,
    userAgent: pick(random, [
      "aws-cli/2.15.0 Python/3.11.6 Linux/6.1",
      "console.amazonaws.com",
      "Boto3/1.34.0",
    ]),
    ...pick(random, SHAPES)(random, account, region),
    requestID: id(),
    eventID: id(),
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: account,
    tlsDetails: {
      tlsVersion: "TLSv1.3",
      cipherSuite: "TLS_AES_128_GCM_SHA256",
      clientProvidedHostHeader: `sts.${region}.amazonaws.com`,
    },
  });
}

/** A CloudWatch Logs event id: 56 digits, as CloudWatch Logs assigns them (unique in practice). */
export function logEventId(random: () => number, timestampMs: number): string {
  const digits = (n: number) => String(Math.floor(random() * 10 ** n)).padStart(n, "0");
  return `${String(timestampMs).padStart(20, "0")}${digits(12)}${digits(12)}${digits(12)}`;
}

export function cloudTrailEnvelope(
  random: () => number,
  startMs: number,
  count: number,
  owner = "111111111111",
): CloudWatchLogsEnvelope {
  const logEvents: CloudWatchLogsLogEvent[] = Array.from({ length: count }, (_, i) => {
    const timestamp = startMs + i * 1000;
    return { id: logEventId(random, timestamp), timestamp, message: cloudTrailEvent(random, timestamp) };
  });
  return {
    messageType: "DATA_MESSAGE",
    owner,
    logGroup: "CloudTrail/DefaultLogGroup",
    logStream: `${owner}_CloudTrail_ap-northeast-1`,
    subscriptionFilters: ["central-logging-dev"],
    logEvents,
  };
}

/** The base64 of the gzipped envelope: a Kinesis record's data as CloudWatch Logs writes it. */
export function kinesisData(envelope: unknown): string {
  return gzipSync(Buffer.from(JSON.stringify(envelope), "utf8")).toString("base64");
}

export function kinesisRecord(data: string, n: number): KinesisStreamRecord {
  const sequenceNumber = `4959518907414618842615621320775935535774957368981952${String(n).padStart(4, "0")}`;
  return {
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: `3e21f5e8240cbb048271af4fdb892a${String(n % 100).padStart(2, "0")}`,
      sequenceNumber,
      data,
      approximateArrivalTimestamp: 1556373403.028 + n,
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: "arn:aws:iam::999999999999:role/central-logging-dev-search-forwarder",
    awsRegion: "ap-northeast-1",
    eventSourceARN: STREAM_ARN,
  };
}

export function kinesisEvent(datas: readonly string[]): KinesisStreamEvent {
  return { Records: datas.map((d, i) => kinesisRecord(d, i)) };
}
