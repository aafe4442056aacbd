/**
 * One `aws.Provider` per (account, region), created on first use and named by a stable alias
 * `aws-<account>-<region>`. Each pins `allowedAccountIds` to its one account, so a wrong
 * credential fails the deployment instead of deploying into the wrong account.
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

export function providerName(accountId: string, region: string): string {
  return `aws-${accountId}-${region}`;
}

export class ProviderRegistry {
  private readonly providers = new Map<string, aws.Provider>();
  private randomProvider?: random.Provider;
  private readonly accounts: ReadonlyMap<string, AccountAccess>;

  constructor(private readonly args: ProviderRegistryArgs) {
    this.accounts = new Map(args.accounts.map((a) => [a.accountId, a]));
  }

  /** The provider for an account and region; the same object for every caller. */
  get(accountId: string, region: string): aws.Provider {
    const name = providerName(accountId, region);
    const existing = this.providers.get(name);
    if (existing) return existing;
    const access = this.accounts.get(accountId);
    if (!access) throw new Error(`central-logging: no access configured for account ${accountId}`);
    const provider = new aws.Provider(name, {
      region: region as aws.Region,
      allowedAccountIds: [accountId],
      ...(access.roleArn
        ? { assumeRoles: [{ roleArn: access.roleArn, sessionName: `${PROJECT}-${this.args.stack}` }] }
        : {}),
      defaultTags: { tags: { ...this.args.tags, ManagedBy: PROJECT, Stack: this.args.stack } },
    });
    this.providers.set(name, provider);
    return provider;
  }

  /** `{ region: provider }` for one account, as components take them. */
  forAccount(accountId: string, regions: readonly string[]): Record<string, aws.Provider> {
    return Object.fromEntries([...new Set(regions)].map((r) => [r, this.get(accountId, r)]));
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
