/**
 * The search capability's part of the plan: the OpenSearch domain in the recipient's home region,
 * its forwarder and provisioner Lambdas, the dead-letter queue and the admin secret.
 */

import { arn } from "../kernel/names";
import { searchNames } from "./names";
import type { SearchSettings } from "./schema";

export interface FunctionPlan {
  name: string;
  arn: string;
  roleName: string;
  roleArn: string;
  logGroup: string;
  logGroupArn: string;
}

/** OpenSearch in the home region, fed by one forwarder from the stream (no source is involved). */
export interface SearchPlan {
  /** `recipient.search` as configured, defaults resolved (node sizes, indices, forwarder tuning). */
  settings: SearchSettings;
  domainName: string;
  domainArn: string;
  forwarder: FunctionPlan;
  /** Sets up the domain at deploy time; the domain's fine-grained access control master. */
  provisioner: FunctionPlan;
  /** Records and documents the forwarder cannot index, and batches Lambda gives up on. */
  deadLetterQueue: { name: string; arn: string };
  /** Secrets Manager secret of the Dashboards `admin` user. */
  adminSecretName: string;
}

/** OpenSearch in the home region, fed by one forwarder from the stream (no source is involved). */
export function planSearch(
  namePrefix: string,
  recipient: { accountId: string; region: string },
  search: SearchSettings,
): SearchPlan {
  const { domainName } = search;
  const names = searchNames(namePrefix);
  const { accountId: acct, region: home } = recipient;
  const fn = (name: string): FunctionPlan => ({
    name,
    arn: arn.lambda(home, acct, name),
    roleName: name,
    roleArn: arn.role(acct, name),
    logGroup: `/aws/lambda/${name}`,
    logGroupArn: arn.logGroup(home, acct, `/aws/lambda/${name}`),
  });
  return {
    settings: search,
    domainName,
    domainArn: arn.searchDomain(home, acct, domainName),
    forwarder: fn(names.forwarder),
    provisioner: fn(names.provisioner),
    deadLetterQueue: { name: names.deadLetterQueue, arn: arn.queue(home, acct, names.deadLetterQueue) },
    adminSecretName: names.adminSecret,
  };
}
