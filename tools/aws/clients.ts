/**
 * AWS clients for the operations CLIs (`npm run verify`, `npm run redrive`): one credential per
 * account, the stack's `roleArn` assumed as `pulumi up` assumes it (infra/kernel/providers.ts),
 * ambient credentials where an account has none. Tests point every client at local
 * implementations (kinesalite, s3rver) or replace them with aws-sdk-client-mock.
 */
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { Settings } from "../../infra/config";
import { arn } from "../../infra/kernel/names";

export interface AccountAccess {
  accountId: string;
  /** The role the stack deploys this account with; unset = ambient credentials. */
  roleArn?: string;
}

/**
 * Each account's credentials as `pulumi up` gets them: its `roleArn`, or the ambient ones. With
 * `roleName` (the CLIs' `--role-name`), the role of that name in every account instead: an
 * operator role holding `npm run deployer-role -- --operator`'s policy rather than the deployer's
 * (a role at the root path: IAM role names take no `/`).
 */
export function accountAccess(settings: Settings, roleName?: string): AccountAccess[] {
  const r = settings.recipient;
  const access = (accountId: string, roleArn: string | undefined): AccountAccess => {
    const assumed = roleName ? arn.role(accountId, roleName) : roleArn;
    return { accountId, ...(assumed ? { roleArn: assumed } : {}) };
  };
  return [access(r.accountId, r.roleArn), ...settings.sources.map((s) => access(s.accountId, s.roleArn))];
}

export interface ClientFactoryOptions {
  /** Session name of assumed roles (CloudTrail shows it). */
  sessionName: string;
  /** Per service (`kinesis`, `s3`, ...): an endpoint that replaces AWS's (tests). */
  endpoints?: Partial<Record<string, string>>;
  /** Fixed credentials for every account (tests); no role is assumed then. */
  credentials?: AwsCredentialIdentity;
}

/** What every SDK v3 client constructor takes that this factory sets. */
export interface BaseClientConfig {
  region: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  endpoint?: string;
  forcePathStyle?: boolean;
  requestHandler?: NodeHttpHandler;
}

export class ClientFactory {
  private readonly roles = new Map<string, string | undefined>();
  private readonly providers = new Map<string, AwsCredentialIdentityProvider>();
  private readonly clients = new Map<string, unknown>();

  constructor(
    accounts: readonly AccountAccess[],
    private readonly options: ClientFactoryOptions,
  ) {
    // First entry wins, as in the program: the recipient's own access if it is also a source.
    for (const a of accounts) if (!this.roles.has(a.accountId)) this.roles.set(a.accountId, a.roleArn);
  }

  /** One client per (service, account, region), reused. */
  client<C>(
    service: string,
    Client: new (config: BaseClientConfig) => C,
    accountId: string,
    region: string,
  ): C {
    const key = `${service}/${accountId}/${region}`;
    const existing = this.clients.get(key);
    if (existing) return existing as C;
    const endpoint = this.options.endpoints?.[service];
    const client = new Client({
      region,
      ...this.credentialsFor(accountId),
      ...(endpoint
        ? {
            endpoint,
            // s3rver serves path-style only; kinesalite speaks HTTP/1.1 (the Kinesis client defaults to HTTP/2).
            forcePathStyle: true,
            requestHandler: new NodeHttpHandler(),
          }
        : {}),
    });
    this.clients.set(key, client);
    return client;
  }

  private credentialsFor(accountId: string): { credentials?: BaseClientConfig["credentials"] } {
    if (this.options.credentials) return { credentials: this.options.credentials };
    const roleArn = this.roles.get(accountId);
    if (!roleArn) return {};
    let provider = this.providers.get(accountId);
    if (!provider) {
      provider = fromTemporaryCredentials({
        params: { RoleArn: roleArn, RoleSessionName: this.options.sessionName, DurationSeconds: 3600 },
      });
      this.providers.set(accountId, provider);
    }
    return { credentials: provider };
  }
}
