import { createHash } from "node:crypto";
import { errors } from "@opensearch-project/opensearch";
import { describe, expect, it } from "vitest";
import { FAKE_CREDENTIALS, type FakeRequest, fakeSearchClient } from "../../tests/doubles/fakeOpenSearch";
import { describeRequestError, errorSummary, isRetryableStatus } from "./opensearchClient";

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a failure");
}

describe("createSearchClient", () => {
  it("signs every request with SigV4 for service es in the region, body hash included", async () => {
    const seen: FakeRequest[] = [];
    const client = fakeSearchClient((req) => {
      seen.push(req);
      return { status: 200, body: { acknowledged: true } };
    });
    const body = { index_patterns: ["cwl-*"] };
    const res = await client.transport.request({ method: "PUT", path: "/_index_template/cwl-logs", body });
    expect(res.body).toEqual({ acknowledged: true });
    const [req] = seen;
    expect(req?.method).toBe("PUT");
    expect(req?.path).toBe("/_index_template/cwl-logs");
    expect(req?.body).toBe(JSON.stringify(body));
    expect(req?.headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${FAKE_CREDENTIALS.accessKeyId}/\\d{8}/ap-northeast-1/es/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$`,
      ),
    );
    expect(req?.headers["x-amz-security-token"]).toBe(FAKE_CREDENTIALS.sessionToken);
    expect(req?.headers["x-amz-content-sha256"]).toBe(
      createHash("sha256")
        .update(req?.body ?? "")
        .digest("hex"),
    );
    expect(req?.headers.host).toBe("search-test-abc123.ap-northeast-1.es.amazonaws.com");
  });

  it("does not retry by itself (callers own the retry policy)", async () => {
    let calls = 0;
    const client = fakeSearchClient(() => {
      calls++;
      return { status: 503, body: { error: { type: "unavailable", reason: "busy" } } };
    });
    const err = await failureOf(client.transport.request({ method: "GET", path: "/" }));
    expect(calls).toBe(1);
    expect(describeRequestError(err)).toEqual({
      retryable: true,
      status: 503,
      reason: "503 unavailable: busy",
    });
  });
});

describe("describeRequestError", () => {
  const client = (status: number, body: unknown, contentType?: string) =>
    fakeSearchClient(() => ({ status, body, ...(contentType ? { contentType } : {}) }));

  it("retries throttling and server errors, not client errors", async () => {
    const throttled = await failureOf(
      client(429, { error: { type: "too_many", reason: "slow down" } }).info(),
    );
    expect(describeRequestError(throttled)).toEqual({
      retryable: true,
      status: 429,
      reason: "429 too_many: slow down",
    });
    const forbidden = await failureOf(
      client(403, { message: "no permissions for [indices:data/write/bulk]" }).info(),
    );
    expect(describeRequestError(forbidden)).toEqual({
      retryable: false,
      status: 403,
      reason: "403 no permissions for [indices:data/write/bulk]",
    });
  });

  it("retries network failures", async () => {
    const down = await failureOf(fakeSearchClient(() => ({ connectionError: "ECONNRESET" })).info());
    expect(down).toBeInstanceOf(errors.ConnectionError);
    expect(describeRequestError(down)).toEqual({ retryable: true, reason: "ConnectionError: ECONNRESET" });
  });

  it("does not retry anything else", () => {
    expect(describeRequestError(new TypeError("boom"))).toEqual({
      retryable: false,
      reason: "TypeError: boom",
    });
    expect(describeRequestError("odd")).toEqual({ retryable: false, reason: "odd" });
  });

  it("summarizes HTML and long bodies boundedly", () => {
    expect(errorSummary("<html>502 Bad Gateway</html>")).toBe("<html>502 Bad Gateway</html>");
    expect(errorSummary("x".repeat(1000))).toBe(`${"x".repeat(300)}...`);
    expect(errorSummary({ error: { type: "t" } })).toBe("t");
    expect(errorSummary({ status: "BAD_REQUEST", message: "Invalid configuration" })).toBe(
      "Invalid configuration",
    );
    expect(errorSummary({ status: "error", reason: "Weak password" })).toBe("Weak password");
  });

  it("classifies statuses", () => {
    expect([200, 400, 403, 404, 409, 429, 500, 503].map(isRetryableStatus)).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      true,
    ]);
  });
});
