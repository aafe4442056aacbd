/**
 * The AWS-data check over a plan: the resources the real program registers under mocks, checked
 * against the IAM service authorization reference, the AWS SDK v3 models and the API references'
 * limits. Loading the IAM data for the services the plan names is the only asynchronous step.
 */
import { policyDocuments } from "./documents";
import { type IamData, loadIamData } from "./iamData";
import { enumFindings } from "./rules/enumValues";
import { actionFindings } from "./rules/iamActions";
import { conditionFindings } from "./rules/iamConditions";
import { principalFindings } from "./rules/iamPrincipals";
import { resourceFindings } from "./rules/iamResources";
import { rangeFindings } from "./rules/numericRanges";
import { physicalNameFindings } from "./rules/physicalNames";
import { sizeFindings } from "./rules/policySize";
import { bucketKeyFindings } from "./rules/s3BucketKey";
import { servicesNamed } from "./statements";
import type { Finding, PlannedResource, PlanRule } from "./types";

export type { Finding, PlannedResource, PlanRule } from "./types";
export { formatFinding } from "./types";

export interface CheckOptions {
  /** Rules supplied from elsewhere, run over the same resources (tests plant their own). */
  extraRules?: readonly PlanRule[];
  /** IAM data already loaded (tests share one snapshot); loaded for the plan's services otherwise. */
  iamData?: IamData;
}

/** Pure: every finding for the resources, given the IAM data. */
export function checkResources(
  resources: readonly PlannedResource[],
  data: IamData,
  extraRules: readonly PlanRule[] = [],
): Finding[] {
  const custom = resources.filter((r) => r.custom !== false);
  const docs = policyDocuments(custom);
  return [
    ...docs.flatMap((d) => [
      ...actionFindings(d, data),
      ...resourceFindings(d, data),
      ...conditionFindings(d, data),
      ...principalFindings(d, data),
    ]),
    ...sizeFindings(docs),
    ...enumFindings(custom),
    ...rangeFindings(custom),
    ...bucketKeyFindings(custom),
    ...physicalNameFindings(custom),
    ...extraRules.flatMap((rule) => rule(custom)),
  ];
}

export async function checkPlan(
  resources: readonly PlannedResource[],
  options: CheckOptions = {},
): Promise<Finding[]> {
  const data = options.iamData ?? (await loadIamData(servicesNamed(policyDocuments(resources))));
  return checkResources(resources, data, options.extraRules);
}
