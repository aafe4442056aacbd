/**
 * Log forwarding's physical names, in one table: derived from the name prefix and the region,
 * never from a list position. `infra/kernel/nameLimits.ts` checks every one against its limit.
 */
export function forwardingNames(prefix: string) {
  return {
    /** One destination per region, all named alike. */
    destination: prefix,
    destinationRole: `${prefix}-cwl-destination`,
    /** Default `filterName` of subscriptions, forwarded flow logs and the trail's group. */
    filter: prefix,
    /** `-sender-`, not `-cwl-sender-`: with the longest prefix (39) and region (14) it must fit IAM's 64. */
    senderRole: (region: string) => `${prefix}-sender-${region}`,
    flowLogsRole: (region: string) => `${prefix}-flow-logs-${region}`,
    forwardAllPolicy: `${prefix}-forward-all`,
  } as const;
}
