/**
 * The events archive's physical names, in one table: derived from the name prefix and the region,
 * never from a list position. `infra/kernel/nameLimits.ts` checks every one against its limit.
 */
export function eventsNames(prefix: string) {
  return {
    bus: `${prefix}-events`,
    /** The rule on the bus that delivers everything on it to the Firehose. */
    busRule: `${prefix}-archive`,
    firehose: `${prefix}-events`,
    firehoseRole: `${prefix}-events-firehose`,
    /** Where the events Firehose logs its delivery and processing errors. */
    firehoseErrorLog: `/aws/kinesisfirehose/${prefix}-events`,
    deliveryRole: `${prefix}-events-delivery`,
    busDeadLetterQueue: `${prefix}-events-bus-dlq`,
    /** A source's rule: `events[].name` under the prefix. */
    rule: (name: string) => `${prefix}-${name}`,
    senderRole: (region: string) => `${prefix}-events-${region}`,
    senderDeadLetterQueue: `${prefix}-events-dlq`,
  } as const;
}
