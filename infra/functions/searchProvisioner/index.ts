/**
 * The search provisioner Lambda, invoked synchronously by `aws.lambda.Invocation` with the JSON of
 * `provisioningInput()`. Its IAM role is the domain's FGAC master; it signs every request.
 * Returns the summary of what it did; throws a `ProvisioningError` naming the failed step.
 *
 * Environment: `AWS_REGION` (set by Lambda; the domain must be in the same region).
 */
import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type { Client } from "@opensearch-project/opensearch";
import type { Context } from "aws-lambda";
import { DEFAULT_TIMEOUT_SECONDS, provisioningInputSchema } from "../../search/provisioningInput";
import { sleep as realSleep } from "../backoff";
import { createSearchClient } from "../opensearchClient";
import { ProvisioningError, type ProvisionSummary, provision } from "./provision";

/** The subset of SecretsManagerClient the handler uses, so tests can pass a fake. */
export interface SecretsClient {
  send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput>;
}

export interface HandlerDeps {
  /** Default: one signed client per endpoint, kept for the container's lifetime. */
  readonly client?: Client;
  readonly secrets?: SecretsClient;
  readonly region?: string;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly log?: (line: string) => void;
}

/** Time kept back from the Lambda timeout to report a failure instead of being cut off. */
export const TIMEOUT_MARGIN_MS = 10_000;

export type ProvisionerHandler = (
  event: unknown,
  context?: Pick<Context, "getRemainingTimeInMillis">,
) => Promise<ProvisionSummary>;

export function createHandler(deps: HandlerDeps = {}): ProvisionerHandler {
  const clients = new Map<string, Client>();
  let secrets = deps.secrets;
  const now = deps.now ?? Date.now;
  const log = deps.log ?? ((line: string) => console.log(line));

  return async (event, context) => {
    const parsed = provisioningInputSchema.safeParse(event);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`)
        .join("; ");
      throw new ProvisioningError("input", problems);
    }
    const input = parsed.data;
    const region = deps.region ?? process.env.AWS_REGION;
    if (!region) {
      throw new ProvisioningError("input", "AWS_REGION is not set");
    }
    let client = deps.client ?? clients.get(input.endpoint);
    if (client === undefined) {
      client = createSearchClient({ endpoint: input.endpoint, region });
      clients.set(input.endpoint, client);
    }
    secrets ??= new SecretsManagerClient({ region });
    const secretsClient = secrets;

    const start = now();
    const budget = (input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
    const remaining = context ? context.getRemainingTimeInMillis() - TIMEOUT_MARGIN_MS : budget;
    return provision(input, {
      client,
      readSecret: async (arn) => {
        const out = await secretsClient.send(new GetSecretValueCommand({ SecretId: arn }));
        if (out.SecretString === undefined) {
          throw new Error("the secret has no string value");
        }
        return out.SecretString;
      },
      sleep: deps.sleep ?? realSleep,
      now,
      deadline: start + Math.min(budget, remaining),
      ...(deps.random ? { random: deps.random } : {}),
      log,
    });
  };
}

export const handler = createHandler();
