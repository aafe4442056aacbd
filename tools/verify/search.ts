/**
 * The search stage: is a canary's log event indexed? `SearchProbe` is what the orchestrator
 * asks; `openSearchProbe` answers with the official client, logged in as the domain's master user
 * (the login the provisioner reads from the admin secret, infra/search/provisioner).
 */
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Client } from "@opensearch-project/opensearch";
import { CANARY_ID_KEY } from "../../infra/operations/names";
import { indexPattern, normalizeEndpoint } from "../../infra/search/indexName";
import { createSearchClient } from "../../infra/search/opensearchClient";
import type { SearchPlan } from "../../infra/search/plan";

export interface SearchProbe {
  /** Which of `ids` are indexed (a subset). */
  find(ids: readonly string[]): Promise<Set<string>>;
}

/**
 * One query per poll for every pending id. `match_phrase` matches the id whether the field was
 * mapped as text (the template's default for strings) or keyword; the `_source` value is then
 * compared exactly.
 */
export function openSearchProbe(client: Client, pattern: string): SearchProbe {
  return {
    async find(ids) {
      if (ids.length === 0) return new Set();
      const response = await client.search({
        index: pattern,
        ignore_unavailable: true,
        allow_no_indices: true,
        body: {
          size: Math.min(10 * ids.length, 1000),
          _source: [CANARY_ID_KEY],
          query: {
            bool: {
              should: ids.map((id) => ({ match_phrase: { [CANARY_ID_KEY]: id } })),
              minimum_should_match: 1,
            },
          },
        },
      });
      const wanted = new Set(ids);
      const found = new Set<string>();
      for (const hit of response.body.hits?.hits ?? []) {
        const value = (hit._source as Record<string, unknown> | undefined)?.[CANARY_ID_KEY];
        if (typeof value === "string" && wanted.has(value)) found.add(value);
      }
      return found;
    },
  };
}

export interface MasterLogin {
  username: string;
  password: string;
}

/** The admin secret's JSON (`{"username", "password"}`); the password never appears in errors. */
export function parseAdminSecret(secretName: string, text: string | undefined): MasterLogin {
  if (text === undefined) throw new Error(`secret ${secretName} has no string value`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`secret ${secretName} is not JSON`);
  }
  const v = value as { username?: unknown; password?: unknown } | null;
  if (typeof v?.username !== "string" || typeof v.password !== "string") {
    throw new Error(`secret ${secretName} needs {"username", "password"}`);
  }
  return { username: v.username, password: v.password };
}

/** What opening the probe reads: the secret, and the domain's endpoint. */
export interface SearchProbeDeps {
  secrets: Pick<SecretsManagerClient, "send">;
  /** `https://<endpoint>` of the domain (DescribeDomain, in `clients.ts`). */
  endpoint: () => Promise<string>;
  region: string;
  /** Default: the official client with HTTP basic auth; tests answer in memory. */
  connect?: (endpoint: string, region: string, login: MasterLogin) => Client;
}

export async function openSearchProbeFor(search: SearchPlan, deps: SearchProbeDeps): Promise<SearchProbe> {
  const secret = await deps.secrets.send(new GetSecretValueCommand({ SecretId: search.adminSecretName }));
  const login = parseAdminSecret(search.adminSecretName, secret.SecretString);
  const endpoint = normalizeEndpoint(await deps.endpoint());
  const connect =
    deps.connect ??
    ((e: string, region: string, l: MasterLogin) =>
      createSearchClient({ endpoint: e, region, basicAuth: l }));
  return openSearchProbe(connect(endpoint, deps.region, login), indexPattern(search.settings.indexPrefix));
}
