/**
 * Search's physical names, in one table: derived from the name prefix, never from a list
 * position. `infra/kernel/nameLimits.ts` checks every one against its limit.
 */
export function searchNames(prefix: string) {
  return {
    /** Default `search.domainName` (refused when the prefix does not fit a domain name). */
    domain: prefix,
    /** Function, role and log group share the name. */
    forwarder: `${prefix}-search-forwarder`,
    provisioner: `${prefix}-search-provisioner`,
    deadLetterQueue: `${prefix}-search-dlq`,
    adminSecret: `${prefix}/search-admin`,
  } as const;
}
