import type { GetSecretValueCommand, GetSecretValueCommandOutput } from "@aws-sdk/client-secrets-manager";
import { describe, expect, it } from "vitest";
import { fakeSearchClient } from "../../../tests/doubles/fakeOpenSearch";
import { provisioningInput } from "../provisioningInput";
import { createHandler, type SecretsClient } from "./index";

const SECRET_ARN =
  "arn:aws:secretsmanager:ap-northeast-1:999999999999:secret:central-logging-dev-dashboards-AbCdEf";
const input = provisioningInput({
  endpoint: "search-test-abc123.ap-northeast-1.es.amazonaws.com",
  indexPrefix: "cwl",
  retentionDays: 30,
  forwarderRoleArns: ["arn:aws:iam::999999999999:role/central-logging-dev-search-forwarder"],
  adminSecretArn: SECRET_ARN,
});

function secrets(value: string | undefined): SecretsClient & { ids: string[] } {
  const ids: string[] = [];
  return {
    ids,
    async send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput> {
      ids.push(command.input.SecretId ?? "");
      return { $metadata: {}, ...(value === undefined ? {} : { SecretString: value }) };
    },
  };
}

/** A domain that answers every write with success: enough to drive the handler end to end. */
const healthyDomain = fakeSearchClient((req) => {
  if (req.path === "/_cluster/health") return { status: 200, body: { status: "green" } };
  if (req.method === "GET") return { status: 404, body: { status: "NOT_FOUND", message: "not found" } };
  if (req.path.startsWith("/_plugins/_security/"))
    return { status: 201, body: { status: "CREATED", message: "created" } };
  if (req.path.startsWith("/_plugins/_ism/add/"))
    return { status: 200, body: { updated_indices: 0, failures: false, failed_indices: [] } };
  if (req.path.endsWith("_bulk_create")) {
    return {
      status: 200,
      body: {
        saved_objects: JSON.parse(req.body).map((o: { id: string; type: string }) => ({
          id: o.id,
          type: o.type,
        })),
      },
    };
  }
  return { status: 200, body: { acknowledged: true } };
});

describe("search provisioner handler", () => {
  it("provisions from the Invocation's JSON input, logging in with the master login from the secret", async () => {
    const store = secrets(JSON.stringify({ username: "admin", password: "S3cret-Passw0rd!" }));
    const logs: string[] = [];
    const logins: unknown[] = [];
    const handler = createHandler({
      connect: (endpoint, region, login) => {
        logins.push({ endpoint, region, login });
        return healthyDomain;
      },
      secrets: store,
      region: "ap-northeast-1",
      log: (l) => logs.push(l),
    });
    const summary = await handler(JSON.parse(JSON.stringify(input)));
    expect(summary).toMatchObject({
      writerRole: "created",
      master: "admin",
      ismPolicy: "created",
      savedObjects: 9,
    });
    expect(store.ids).toEqual([SECRET_ARN]);
    // It connects as the master user, with the login read from the secret.
    expect(logins).toEqual([
      {
        endpoint: "https://search-test-abc123.ap-northeast-1.es.amazonaws.com",
        region: "ap-northeast-1",
        login: { username: "admin", password: "S3cret-Passw0rd!" },
      },
    ]);
    expect(JSON.parse(logs.at(-1) ?? "{}")).toMatchObject({
      message: "search provisioner",
      step: "done",
      summary,
    });
  });

  it("refuses invalid input before touching anything, naming the fields", async () => {
    const handler = createHandler({
      connect: () => healthyDomain,
      secrets: secrets("{}"),
      region: "ap-northeast-1",
    });
    await expect(handler({ ...input, endpoint: "http://x", extra: true })).rejects.toThrow(
      /^step 'input' failed: endpoint: .*; \(input\): Unrecognized key: "extra"$/,
    );
    await expect(handler("not an object")).rejects.toThrow(/^step 'input' failed: \(input\): /);
  });

  it("needs a region", async () => {
    const saved = process.env.AWS_REGION;
    delete process.env.AWS_REGION;
    try {
      const handler = createHandler({ connect: () => healthyDomain, secrets: secrets("{}") });
      await expect(handler(input)).rejects.toThrow("step 'input' failed: AWS_REGION is not set");
    } finally {
      if (saved !== undefined) process.env.AWS_REGION = saved;
    }
  });

  it("reports a secret without a string value", async () => {
    const handler = createHandler({
      connect: () => healthyDomain,
      secrets: secrets(undefined),
      region: "ap-northeast-1",
    });
    await expect(handler(input)).rejects.toThrow(
      `step 'masterLogin' failed: cannot read secret ${SECRET_ARN}: the secret has no string value`,
    );
  });

  it("stops waiting for the domain before the Lambda's own timeout", async () => {
    let clock = 0;
    const waits: number[] = [];
    const handler = createHandler({
      connect: (_endpoint, _region, login) =>
        fakeSearchClient(() => ({ connectionError: "ETIMEDOUT" }), login),
      secrets: secrets(JSON.stringify({ username: "admin", password: "S3cret-Passw0rd!" })),
      region: "ap-northeast-1",
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      random: () => 1,
      log: () => undefined,
    });
    // 60 s left, 10 s kept back: 50 s of waiting at most, although the input allows 540 s.
    await expect(handler(input, { getRemainingTimeInMillis: () => 60_000 })).rejects.toThrow(
      "step 'waitForDomain' failed: the domain did not become ready in time: ConnectionError: ETIMEDOUT",
    );
    expect(clock).toBeLessThan(50_000);
    expect(waits).toEqual([2_000, 4_000, 8_000, 16_000]);
  });
});
