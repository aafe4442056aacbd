/**
 * Athena's physical names, in one table: derived from the name prefix (and the account and region
 * for the globally unique results bucket). `infra/kernel/nameLimits.ts` checks them.
 */
export function athenaNames(prefix: string) {
  return {
    /** Default `athena.database`: Glue names take no `-`. */
    database: prefix.replaceAll("-", "_"),
    /** Default `athena.resultsBucketName`. */
    resultsBucket: (accountId: string, region: string) => `${prefix}-athena-${accountId}-${region}`,
    workgroup: prefix,
  } as const;
}
