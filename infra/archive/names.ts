/**
 * The archive's physical names, in one table (as Landing Zone Accelerator keeps its names): each
 * derives from the name prefix (and the account and region where it must be globally unique),
 * never from a list position. `infra/kernel/nameLimits.ts` checks every one against its limit.
 */
export function archiveNames(prefix: string) {
  return {
    /** Default `recipient.bucketName`: bucket names are global, so account and region are in it. */
    bucket: (accountId: string, region: string) => `${prefix}-archive-${accountId}-${region}`,
    stream: `${prefix}-logs`,
    firehose: `${prefix}-archive`,
    firehoseRole: `${prefix}-firehose`,
    /** Where the Firehose logs its delivery and processing errors (the console's convention). */
    firehoseErrorLog: `/aws/kinesisfirehose/${prefix}-archive`,
    /** The gunzip processor: function, role and log group share the name. */
    processor: `${prefix}-cwl-gunzip`,
    processorLogGroup: `/aws/lambda/${prefix}-cwl-gunzip`,
  } as const;
}
