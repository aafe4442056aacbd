/**
 * The CloudTrail capability's part of the plan: each account's multi-region trail (archive and a
 * log group), and the metric filters and alarms on that log group with their topic.
 */
import type { SourceSettings } from "../config";
import { arn } from "../kernel/names";
import { cloudTrailNames } from "./names";
import type { AlarmNotifications, AlarmSettings } from "./schema";

/** A multi-region trail of one account, delivering to the archive and to a log group. */
export interface TrailPlan {
  accountId: string;
  region: string;
  name: string;
  arn: string;
  logGroup: string;
  logGroupArn: string;
  retentionDays: number;
  /** Role CloudTrail assumes to write the log group. */
  roleName: string;
  roleArn: string;
  /** Where in the archive bucket its files land: `AWSLogs/<account>/`. */
  bucketPrefix: string;
  /** An organization trail also writes `AWSLogs/<organizationId>/`. */
  organizationId?: string;
  snsTopic?: { name: string; arn: string };
}

export interface AlarmsPlan {
  /** Alarm names are `<namePrefix>-<alarm>`. */
  namePrefix: string;
  region: string;
  logGroup: string;
  topic: { name: string; arn: string };
  custom: AlarmSettings[];
  cis: boolean;
  notifications: AlarmNotifications;
}

/** The account's trail; an organization trail also writes under the organization's prefix. */
export function planTrail(
  namePrefix: string,
  organizationId: string | undefined,
  source: SourceSettings,
): TrailPlan | undefined {
  const t = source.cloudTrail;
  if (!t) return undefined;
  const names = cloudTrailNames(namePrefix);
  return {
    accountId: source.accountId,
    region: t.region,
    name: t.name,
    arn: arn.trail(t.region, source.accountId, t.name),
    logGroup: t.logGroup,
    logGroupArn: arn.logGroup(t.region, source.accountId, t.logGroup),
    retentionDays: t.retentionDays,
    roleName: names.trailLogsRole,
    roleArn: arn.role(source.accountId, names.trailLogsRole),
    bucketPrefix: `AWSLogs/${source.accountId}/`,
    ...(t.organization && organizationId ? { organizationId } : {}),
    ...(t.snsTopic
      ? {
          snsTopic: {
            name: names.trailTopic,
            arn: arn.topic(t.region, source.accountId, names.trailTopic),
          },
        }
      : {}),
  };
}

/** Alarms watch the trail's log group: only with a trail, and only when any are asked for. */
export function planAlarms(namePrefix: string, source: SourceSettings): AlarmsPlan | undefined {
  const t = source.cloudTrail;
  if (!t || (source.alarms.length === 0 && !source.cisAlarms)) return undefined;
  const { alarmTopic } = cloudTrailNames(namePrefix);
  return {
    namePrefix,
    region: t.region,
    logGroup: t.logGroup,
    topic: {
      name: alarmTopic,
      arn: arn.topic(t.region, source.accountId, alarmTopic),
    },
    custom: source.alarms,
    cis: source.cisAlarms,
    notifications: source.alarmNotifications,
  };
}
