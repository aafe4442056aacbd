/**
 * The metric filters and alarms of one trail's log group as plain data, names included: the
 * component creates them, and the name check (`infra/kernel/nameLimits.ts`) measures the same names.
 */

import { CIS_CONTROLS, CIS_METRIC_NAMESPACE } from "./cis";
import { cloudTrailNames } from "./names";
import type { AlarmsPlan } from "./plan";
import type { AlarmSettings } from "./schema";

/** Namespace of the custom (non-CIS) alarm metrics. */
export const CUSTOM_METRIC_NAMESPACE = "CentralLogging";

export interface AlarmSpec extends AlarmSettings {
  key: string;
  metricName: string;
  namespace: string;
}

/** The custom alarms and, with `cis`, the CIS benchmark set. */
export function alarmSpecs(plan: AlarmsPlan): AlarmSpec[] {
  const custom = plan.custom.map((a) => ({
    ...a,
    key: a.name,
    metricName: a.name,
    namespace: CUSTOM_METRIC_NAMESPACE,
  }));
  const cis = plan.cis
    ? CIS_CONTROLS.map((c) => ({
        key: `cis-${c.name}`,
        name: `cis-${c.name}`,
        // The benchmark's exact text: Security Hub fails the control on any other.
        filterPattern: c.filterPattern,
        threshold: 1,
        periodSeconds: 300,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold" as const,
        description: `CIS ${c.id}${c.securityHub ? ` / Security Hub ${c.securityHub}` : ""}: ${c.title}`,
        metricName: c.metricName,
        namespace: CIS_METRIC_NAMESPACE,
      }))
    : [];
  return [...custom, ...cis];
}

/** Alarm names are unique per account and region: the stack's prefix keeps stacks apart. */
export function alarmName(namePrefix: string, spec: { name: string }): string {
  return cloudTrailNames(namePrefix).alarm(spec.name);
}
