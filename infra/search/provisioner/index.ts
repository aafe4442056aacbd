/**
 * The search provisioner Lambda, invoked synchronously by `aws.lambda.Invocation` with the JSON of
 * `provisioningInput()`. It logs in as the domain's internal master user, whose login it reads
 * from the secret (its IAM role only reads the secret and writes its logs).
 * Returns the summary of what it did; throws a `ProvisioningError` naming the failed step.
 *
 * Environment: `AWS_REGION` (set by Lambda; the domain must be in the same region).
 */
import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type { Context } from "aws-lambda";
import { sleep as realSleep } from "../../kernel/lambda/backoff";
import { createSearchClient } from "../opensearchClient";
import { DEFAULT_TIMEOUT_SECONDS, provisioningInputSchema } from "../provisioningInput";
import { type MasterLogin, ProvisioningError, type ProvisionSummary, provision } from "./provision";

/** The subset of SecretsManagerClient the handler uses, so tests can pass a fake. */
export interface SecretsClient {
  send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput>;
}

export interface HandlerDeps {
  /** Default: a client of the endpoint that logs in with the login (HTTP basic auth). */
  readonly connect?: (
    endpoint: string,
    region: string,
    login: MasterLogin,
  ) => ReturnType<typeof createSearchClient>;
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
    // A client per invocation: the login is read anew each time (the password may have changed).
    const connect =
      deps.connect ??
      ((endpoint: string, r: string, login: MasterLogin) =>
        createSearchClient({ endpoint, region: r, basicAuth: login }));
    secrets ??= new SecretsManagerClient({ region });
    const secretsClient = secrets;

    const start = now();
    const budget = (input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
    const remaining = context ? context.getRemainingTimeInMillis() - TIMEOUT_MARGIN_MS : budget;
    return provision(input, {
      connect: (login) => connect(input.endpoint, region, login),
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
