/**
 * What a real `pulumi up` of a stack costs on the machine that runs it, which mocks never show:
 * Pulumi starts one OS process per explicit provider, and AWS provider processes are reported at
 * 300-430 MB resident each. The program makes one AWS provider per account (infra/kernel/providers.ts)
 * and one `random` provider where search is on.
 */

/**
 * Resident memory of one provider plugin process, in MiB: an **estimate** (near the top of the
 * reported 300-430 MB), not a measurement. `random` is counted at the same figure, to be safe.
 */
export const PROVIDER_PROCESS_MIB = 400;

/**
 * The default budget for a stack's provider processes, in MiB: a 7 GB CI runner (GitHub's hosted
 * Linux runner) less about 1.5 GiB for the Pulumi engine and the Node.js program. 14 processes.
 */
export const DEFAULT_PROVIDER_BUDGET_MIB = 5632;

export interface DeployCost {
  /** AWS provider processes: one per account the stack deploys into. */
  awsProviders: number;
  /** Other provider processes (`random`, where search is on). */
  otherProviders: number;
  /** Estimated resident memory of all of them, in MiB. */
  estimatedMiB: number;
}

/** The most accounts (one AWS provider process each) whose processes fit `budgetMiB`; 0 when none does. */
export function accountsWithin(budgetMiB: number): number {
  return Math.floor(budgetMiB / PROVIDER_PROCESS_MIB);
}

export function deployCost(accounts: number, search: boolean): DeployCost {
  const otherProviders = search ? 1 : 0;
  return {
    awsProviders: accounts,
    otherProviders,
    estimatedMiB: (accounts + otherProviders) * PROVIDER_PROCESS_MIB,
  };
}
