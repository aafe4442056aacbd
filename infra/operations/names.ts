/**
 * Operations' physical names, in one table: the canary log group and event rule that `npm run
 * verify` writes into, the alarm topics, the alarms and the dashboard. Derived from the name
 * prefix, never from a list position; `infra/kernel/nameLimits.ts` checks every one.
 */

/** The `source` of the canary events `npm run verify` puts on a source's default bus. */
export const CANARY_EVENT_SOURCE = "central-logging.canary";
/** Their `detail-type`. */
export const CANARY_DETAIL_TYPE = "central-logging canary";
/** The key of the canary id in a canary log event (JSON) and in a canary event's `detail`. */
export const CANARY_ID_KEY = "centralLoggingCanary";

export function operationsNames(prefix: string) {
  return {
    /** In every source account and region that forwards logs; one filter to the destination. */
    canaryLogGroup: `/central-logging/${prefix}/canary`,
    canaryFilter: `${prefix}-canary`,
    /** In every source account and region with EventBridge rules; same target as the others. */
    canaryRule: `${prefix}-canary`,
    /** The recipient's topic (home region): the pipeline's alarms. */
    recipientTopic: `${prefix}-operations`,
    /** A source account's topic in each region with alarms (a different name: the recipient may be a source too). */
    sourceTopic: `${prefix}-operations-source`,
    alarm: (what: string) => `${prefix}-${what}`,
    dashboard: prefix,
  } as const;
}

/** The canary log group keeps its events one day: they only need to reach the destination. */
export const CANARY_RETENTION_DAYS = 1;

/** The canary EventBridge rule, as a source's `events[]` entry would give it (`{p}-canary`). */
export const EVENTS_CANARY = {
  configName: "canary",
  pattern: JSON.stringify({ source: [CANARY_EVENT_SOURCE] }),
} as const;
