/**
 * Test double for the OpenSearch transport: a Connection class that answers in memory. Requests
 * still go through the real client (serialization, error mapping, basic auth) and the real SigV4
 * signing, so tests see the headers and the exact bytes that would reach the domain.
 */
import type * as http from "node:http";
import { Readable } from "node:stream";
import { type Client, type Connection, errors } from "@opensearch-project/opensearch";
import { createSearchClient } from "../../infra/search/opensearchClient";

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string>>;
  /** The body as text (decoded on first read when it was sent as bytes). */
  readonly body: string;
  /** The body exactly as the client sent it: text, or UTF-8 bytes. */
  readonly raw: string | Buffer;
}

export type FakeReply =
  | { readonly status: number; readonly body?: unknown; readonly contentType?: string }
  | { readonly connectionError: string };

export type FakeHandler = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

export const FAKE_ENDPOINT = "https://search-test-abc123.ap-northeast-1.es.amazonaws.com";

export const FAKE_CREDENTIALS = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "session-token",
};

function headerRecord(
  headers: http.OutgoingHttpHeaders | readonly string[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers !== undefined && !Array.isArray(headers)) {
    for (const [k, v] of Object.entries(headers)) {
      if (v !== undefined) out[k.toLowerCase()] = String(v);
    }
  }
  return out;
}

function response(reply: { status: number; body?: unknown; contentType?: string }): http.IncomingMessage {
  const payload =
    reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
  const bytes = Buffer.from(payload, "utf8");
  const stream = Readable.from([bytes]);
  return Object.assign(stream, {
    statusCode: reply.status,
    headers: {
      "content-type": reply.contentType ?? "application/json; charset=UTF-8",
      "content-length": String(bytes.length),
    },
  }) as unknown as http.IncomingMessage;
}

/** A connection class factory for `createSearchClient({ connection })`. */
export function fakeConnection(handler: FakeHandler): (signing: typeof Connection) => typeof Connection {
  return (Signing) =>
    class FakeConnection extends Signing {
      override request(
        params: Parameters<Connection["request"]>[0],
        callback: Parameters<Connection["request"]>[1],
      ): http.ClientRequest {
        // buildRequestObject is where the signer adds its headers.
        const built = this.buildRequestObject(params);
        const url = new URL(built.path ?? "/", "https://fake");
        const raw = params.body === undefined || params.body === null ? "" : params.body;
        let body: string | undefined;
        const request: FakeRequest = {
          method: built.method ?? "GET",
          path: decodeURIComponent(url.pathname),
          query: url.searchParams,
          headers: headerRecord(built.headers),
          // Decoded only when read: a real connection writes bytes as they are.
          get body() {
            body ??= Buffer.isBuffer(raw) ? raw.toString("utf8") : String(raw);
            return body;
          },
          raw: Buffer.isBuffer(raw) ? raw : String(raw),
        };
        Promise.resolve()
          .then(() => handler(request))
          .then(
            (reply) => {
              if ("connectionError" in reply) {
                callback(new errors.ConnectionError(reply.connectionError), null);
              } else {
                callback(null, response(reply));
              }
            },
            (err: unknown) => callback(new errors.ConnectionError(String(err)), null),
          );
        return { abort: () => undefined } as unknown as http.ClientRequest;
      }
    };
}

/**
 * A client whose requests `handler` answers: SigV4-signed with fake credentials, or logged in as
 * an internal user (HTTP basic auth) when `basicAuth` is given.
 */
export function fakeSearchClient(
  handler: FakeHandler,
  basicAuth?: { readonly username: string; readonly password: string },
): Client {
  return createSearchClient({
    endpoint: FAKE_ENDPOINT,
    region: "ap-northeast-1",
    ...(basicAuth ? { basicAuth } : { getCredentials: async () => FAKE_CREDENTIALS }),
    connection: fakeConnection(handler),
  });
}

/** JSON bodies of an ndjson bulk request, two lines per document. */
export function bulkLines(body: string): unknown[] {
  if (!body.endsWith("\n")) {
    throw new Error("a bulk body must end with a newline");
  }
  return body
    .slice(0, -1)
    .split("\n")
    .map((line) => JSON.parse(line));
}
