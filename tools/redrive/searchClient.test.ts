import { DescribeDomainCommand, OpenSearchClient } from "@aws-sdk/client-opensearch";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { FAKE_CREDENTIALS, type FakeRequest, fakeConnection } from "../../tests/doubles/fakeOpenSearch";
import { ClientFactory } from "../aws/clients";
import { connectSearch } from "./searchClient";

const domain = {
  accountId: "999999999999",
  region: "ap-northeast-1",
  name: "central-logging-dev",
  indexPrefix: "cwl",
  adminSecretName: "central-logging-dev/search-admin",
};
const BODY = '{"index":{"_index":"cwl-2025.06.01","_id":"e1"}}\n{"@id":"e1"}\n';

const secrets = mockClient(SecretsManagerClient);
const opensearch = mockClient(OpenSearchClient);
afterEach(() => {
  secrets.reset();
  opensearch.reset();
});

function recorder() {
  const requests: FakeRequest[] = [];
  const connection = fakeConnection((r) => {
    requests.push(r);
    return { status: 200, body: { took: 1, errors: false, items: [] } };
  });
  return { requests, connection };
}

const clients = () =>
  new ClientFactory([{ accountId: domain.accountId }], { sessionName: "t", credentials: FAKE_CREDENTIALS });

describe("connectSearch", () => {
  it("secret: finds the endpoint, logs in as the secret's admin and posts the bulk body as it is", async () => {
    opensearch
      .on(DescribeDomainCommand, { DomainName: "central-logging-dev" })
      .resolves({ DomainStatus: { Endpoint: "search-x.ap-northeast-1.es.amazonaws.com" } as never });
    secrets
      .on(GetSecretValueCommand, { SecretId: domain.adminSecretName })
      .resolves({ SecretString: JSON.stringify({ username: "admin", password: "correct-horse-battery" }) });
    const { requests, connection } = recorder();

    const send = await connectSearch(domain, clients(), { auth: "secret", connection });
    expect(await send(BODY)).toEqual({ took: 1, errors: false, items: [] });

    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: "POST", path: "/_bulk", body: BODY });
    expect(requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from("admin:correct-horse-battery").toString("base64")}`,
    );
  });

  it("sigv4: signs for `es` with the account's credentials, at the endpoint given", async () => {
    const { requests, connection } = recorder();
    const send = await connectSearch(domain, clients(), {
      auth: "sigv4",
      endpoint: "https://search-y.ap-northeast-1.es.amazonaws.com",
      connection,
    });
    await send(BODY);
    expect(opensearch.commandCalls(DescribeDomainCommand)).toHaveLength(0);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    expect(requests[0]!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/ap-northeast-1\/es\/aws4_request/,
    );
  });

  it("refuses a secret of the wrong shape without repeating it", async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ user: "admin", pw: "hunter2" }) });
    const { connection } = recorder();
    const attempt = connectSearch(domain, clients(), {
      auth: "secret",
      endpoint: "https://search-y.ap-northeast-1.es.amazonaws.com",
      connection,
    });
    await expect(attempt).rejects.toThrow(
      'secret central-logging-dev/search-admin needs {"username", "password"}',
    );
    await expect(attempt).rejects.not.toThrow(/hunter2/);
  });
});
