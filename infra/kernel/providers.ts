/**
 * One `aws.Provider` per account, created on first use and named `aws-<account>`. Each pins
 * `allowedAccountIds` to its one account, so a wrong credential fails the deployment instead of
 * deploying into the wrong account, and assumes that account's role.
 *
 * Why one per account: every explicit provider is a plugin process of its own on a real deploy
 * (hundreds of MB each). @pulumi/aws 7 lets each regional resource name its `region`, so one
 * provider serves all of an account's regions; every regional resource here names its region.
 */
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { PROJECT } from "../config";

export interface AccountAccess {
  accountId: string;
  /** Role to assume in the account; unset = the ambient credentials must already be that account's. */
  roleArn?: string;
}

export interface ProviderRegistryArgs {
  stack: string;
  accounts: AccountAccess[];
  /** Extra default tags; `ManagedBy` and `Stack` are always set. */
  tags?: Record<string, string>;
}

/**
 * The region every provider is configured with. Regional resources name their own region, so this
 * serves only global APIs (IAM) and the provider's own calls (STS). A constant, not the account's
 * first region: a provider whose region changed would make Pulumi replace what it manages.
 */
export const PROVIDER_REGION = "us-east-1";

export function providerName(accountId: string): string {
  return `aws-${accountId}`;
}

export class ProviderRegistry {
  private readonly providers = new Map<string, aws.Provider>();
  private randomProvider?: random.Provider;
  private readonly accounts: ReadonlyMap<string, AccountAccess>;

  constructor(private readonly args: ProviderRegistryArgs) {
    this.accounts = new Map(args.accounts.map((a) => [a.accountId, a]));
  }

  /** The provider of an account; the same object for every caller. */
  get(accountId: string): aws.Provider {
    const name = providerName(accountId);
    const existing = this.providers.get(name);
    if (existing) return existing;
    const access = this.accounts.get(accountId);
    if (!access) throw new Error(`central-logging: no access configured for account ${accountId}`);
    const provider = new aws.Provider(name, {
      region: PROVIDER_REGION,
      allowedAccountIds: [accountId],
      ...(access.roleArn
        ? { assumeRoles: [{ roleArn: access.roleArn, sessionName: `${PROJECT}-${this.args.stack}` }] }
        : {}),
      defaultTags: { tags: { ...this.args.tags, ManagedBy: PROJECT, Stack: this.args.stack } },
    });
    this.providers.set(name, provider);
    return provider;
  }

  /**
   * The stack's one `random` provider. Stacks disable default providers for every package, and
   * random values (the search password) are not tied to an account.
   */
  random(): random.Provider {
    this.randomProvider ??= new random.Provider("random", {});
    return this.randomProvider;
  }

  /** Names of every provider created so far (for the offline plan and tests). */
  names(): string[] {
    return [...this.providers.keys()].sort();
  }
}
