/**
 * The OpenSearch side of the search redrive: `_bulk` through the forwarder's own client and sender
 * (infra/search/opensearchClient.ts, infra/search/forwarder/index.ts).
 *
 * Two ways in. `secret` (the default) logs in as the domain's `admin` with the password from
 * Secrets Manager, like the provisioner: it works as soon as the domain is provisioned. `sigv4`
 * signs with the recipient account's credentials, like the forwarder; fine-grained access control
 * then needs that principal mapped to a role that may write `<indexPrefix>-*` (the provisioner maps
 * only the forwarder's role to the writer role).
 */
import { DescribeDomainCommand, OpenSearchClient } from "@aws-sdk/client-opensearch";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Connection } from "@opensearch-project/opensearch";
import type { BulkSend } from "../../infra/search/forwarder/bulk";
import { bulkSender } from "../../infra/search/forwarder/index";
import { normalizeEndpoint } from "../../infra/search/indexName";
import { createSearchClient } from "../../infra/search/opensearchClient";
import { adminSecretSchema } from "../../infra/search/provisioner/provision";
import type { ClientFactory } from "../aws/clients";
import type { SearchTargets } from "./targets";

export type SearchAuth = "secret" | "sigv4";

export interface SearchConnectOptions {
  readonly auth: SearchAuth;
  /** `https://<domain endpoint>`; default: DescribeDomain's. */
  readonly endpoint?: string;
  readonly requestTimeoutMs?: number;
  /** Tests: answers requests in memory (tests/doubles/fakeOpenSearch.ts). */
  readonly connection?: (signing: typeof Connection) => typeof Connection;
}

export type Clients = Pick<ClientFactory, "client">;

async function domainEndpoint(opensearch: OpenSearchClient, domainName: string): Promise<string> {
  const out = await opensearch.send(new DescribeDomainCommand({ DomainName: domainName }));
  const status = out.DomainStatus;
  const host = status?.Endpoint ?? status?.Endpoints?.vpc;
  if (!host) throw new Error(`domain ${domainName} has no endpoint yet`);
  return normalizeEndpoint(host);
}

async function adminLogin(secrets: SecretsManagerClient, secretId: string) {
  const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
  let json: unknown;
  try {
    json = JSON.parse(out.SecretString ?? "");
  } catch {
    throw new Error(`secret ${secretId} is not JSON`);
  }
  const parsed = adminSecretSchema.safeParse(json);
  // Never the values: only that the shape is wrong.
  if (!parsed.success) throw new Error(`secret ${secretId} needs {"username", "password"}`);
  return parsed.data;
}

export async function connectSearch(
  domain: SearchTargets["domain"],
  clients: Clients,
  options: SearchConnectOptions,
): Promise<BulkSend> {
  const { accountId, region } = domain;
  const opensearch = clients.client("opensearch", OpenSearchClient, accountId, region);
  const endpoint =
    options.endpoint !== undefined
      ? normalizeEndpoint(options.endpoint)
      : await domainEndpoint(opensearch, domain.name);
  const timeout = options.requestTimeoutMs ?? 30_000;
  const common = {
    endpoint,
    region,
    requestTimeoutMs: timeout,
    ...(options.connection ? { connection: options.connection } : {}),
  };
  if (options.auth === "secret") {
    const secrets = clients.client("secretsmanager", SecretsManagerClient, accountId, region);
    const basicAuth = await adminLogin(secrets, domain.adminSecretName);
    return bulkSender(createSearchClient({ ...common, basicAuth }), timeout);
  }
  // The account's credentials as the factory resolves them (its role, or the ambient ones).
  const credentials = opensearch.config.credentials;
  return bulkSender(createSearchClient({ ...common, getCredentials: () => credentials() }), timeout);
}
