/**
 * The AWS clients verify uses, per account and region, behind one small interface: the CLI builds
 * them with the ClientFactory (each account's deploy role), tests point the same factory at
 * kinesalite and s3rver and mock the rest with aws-sdk-client-mock.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { DescribeDomainCommand, OpenSearchClient } from "@aws-sdk/client-opensearch";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { SearchPlan } from "../../infra/search/plan";
import type { ClientFactory } from "../aws/clients";
import type { KinesisReadClient } from "../decode/kinesisStream";
import { openSearchProbeFor, type SearchProbe, type SearchProbeDeps } from "./search";

type Sender<C extends { send: unknown }> = Pick<C, "send">;

export interface VerifyClients {
  logs(accountId: string, region: string): Sender<CloudWatchLogsClient>;
  events(accountId: string, region: string): Sender<EventBridgeClient>;
  kinesis(accountId: string, region: string): KinesisReadClient;
  s3(accountId: string, region: string): Sender<S3Client>;
  cloudwatch(accountId: string, region: string): Sender<CloudWatchClient>;
  sqs(accountId: string, region: string): Sender<SQSClient>;
  /** The search stage's probe; opened once, on the first search poll. */
  search(search: SearchPlan, accountId: string, region: string): Promise<SearchProbe>;
}

export const SESSION_NAME = "central-logging-verify";

export interface VerifyClientsOptions {
  /** Replaces the OpenSearch connection (tests). */
  connect?: SearchProbeDeps["connect"];
}

export function verifyClients(factory: ClientFactory, options: VerifyClientsOptions = {}): VerifyClients {
  return {
    logs: (a, r) => factory.client("logs", CloudWatchLogsClient, a, r),
    events: (a, r) => factory.client("events", EventBridgeClient, a, r),
    kinesis: (a, r) => factory.client("kinesis", KinesisClient, a, r),
    s3: (a, r) => factory.client("s3", S3Client, a, r),
    cloudwatch: (a, r) => factory.client("cloudwatch", CloudWatchClient, a, r),
    sqs: (a, r) => factory.client("sqs", SQSClient, a, r),
    search: (search, a, r) =>
      openSearchProbeFor(search, {
        secrets: factory.client("secretsmanager", SecretsManagerClient, a, r),
        region: r,
        endpoint: async () => {
          const out = await factory
            .client("opensearch", OpenSearchClient, a, r)
            .send(new DescribeDomainCommand({ DomainName: search.domainName }));
          const status = out.DomainStatus;
          // A domain in a VPC answers on its VPC endpoint only (reachable from inside the VPC).
          const endpoint = status?.Endpoint ?? status?.Endpoints?.vpc;
          if (!endpoint) throw new Error(`domain ${search.domainName} has no endpoint yet`);
          return endpoint;
        },
        ...(options.connect ? { connect: options.connect } : {}),
      }),
  };
}
