export interface Backoff {
  readonly baseMs: number;
  readonly capMs: number;
}

/**
 * Delay before retry `retry` (1 = the first retry): exponential and capped, with "equal jitter"
 * (half fixed, half random) so that Lambdas of parallel shards do not retry in lockstep.
 */
export function backoffMs(retry: number, policy: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(retry - 1, 0));
  return ceiling / 2 + (random() * ceiling) / 2;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
