/**
 * CloudTrail's and the alarms' physical names, in one table: derived from the name prefix, never
 * from a list position. `infra/kernel/nameLimits.ts` checks every one against its limit.
 */
export function cloudTrailNames(prefix: string) {
  return {
    /** Default `cloudTrail.name`. */
    trail: prefix,
    trailLogsRole: `${prefix}-cloudtrail-logs`,
    trailTopic: `${prefix}-cloudtrail`,
    alarmTopic: `${prefix}-alarms`,
    /** Alarms are per account and region; the metric filter keeps the alarm's own name. */
    alarm: (name: string) => `${prefix}-${name}`,
    /** The recipient's trail key (`recipient.trailKms`). */
    trailKeyAlias: `alias/${prefix}-cloudtrail`,
  } as const;
}
