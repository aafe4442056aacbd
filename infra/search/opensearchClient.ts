/**
 * The official OpenSearch client. The forwarder signs every request with SigV4 for service `es`
 * with its Lambda role (FGAC maps the role ARN to its backend role); the provisioner logs in as the
 * domain's internal master user with HTTP basic auth instead (a request carries one or the other).
 */
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { Client, Connection, errors } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws-v3";

export type CredentialProvider = ReturnType<typeof defaultProvider>;

export interface SearchClientOptions {
  /** `https://<domain endpoint>`. */
  readonly endpoint: string;
  readonly region: string;
  /** Default: the SDK's default chain (the Lambda role's credentials from the environment). */
  readonly getCredentials?: CredentialProvider;
  /** An internal user's login: requests carry it (HTTP basic auth) and are not signed. */
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /**
   * Replaces the connection class, given the one in use (signing, or plain with basic auth): tests
   * answer requests in memory while keeping the real signing, serialization and error handling.
   */
  readonly connection?: (signing: typeof Connection) => typeof Connection;
  /** Transport-level retries; 0 by default, because callers retry with their own bounded policy. */
  readonly maxRetries?: number;
  readonly requestTimeoutMs?: number;
}

export function createSearchClient(options: SearchClientOptions): Client {
  const common = {
    node: options.endpoint,
    maxRetries: options.maxRetries ?? 0,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
  };
  if (options.basicAuth) {
    return new Client({
      ...common,
      auth: { username: options.basicAuth.username, password: options.basicAuth.password },
      Connection: options.connection ? options.connection(Connection) : Connection,
    });
  }
  const signer = AwsSigv4Signer({
    region: options.region,
    service: "es",
    getCredentials: options.getCredentials ?? defaultProvider(),
  });
  return new Client({
    ...common,
    Transport: signer.Transport,
    Connection: options.connection ? options.connection(signer.Connection) : signer.Connection,
  });
}

export interface RequestFailure {
  /** Worth retrying: throttling, a server-side error or a network problem. */
  readonly retryable: boolean;
  readonly status?: number;
  readonly reason: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `type: reason` of an OpenSearch error body, or a bounded excerpt of a non-JSON body. */
export function errorSummary(body: unknown): string {
  if (isRecord(body) && isRecord(body.error)) {
    const { type, reason } = body.error;
    return [type, reason].filter((s) => typeof s === "string").join(": ");
  }
  // The security plugin answers {"status": ..., "message" | "reason": ...}.
  if (isRecord(body) && typeof body.message === "string") {
    return body.message;
  }
  if (isRecord(body) && typeof body.reason === "string") {
    return body.reason;
  }
  const text = typeof body === "string" ? body : JSON.stringify(body ?? "");
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export function describeRequestError(err: unknown): RequestFailure {
  if (err instanceof errors.ResponseError) {
    const status = err.statusCode;
    return {
      retryable: isRetryableStatus(status),
      status,
      reason: `${status} ${errorSummary(err.body)}`.trim(),
    };
  }
  if (
    err instanceof errors.ConnectionError ||
    err instanceof errors.TimeoutError ||
    err instanceof errors.NoLivingConnectionsError
  ) {
    return { retryable: true, reason: `${err.name}: ${err.message}` };
  }
  return { retryable: false, reason: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
}
