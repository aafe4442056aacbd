/** The pack's policies, in one list for index.ts, the tests and the offline check. */
import type { Policies } from "@pulumi/policy";
import { archiveBucketSecure } from "./archiveBucket";
import { serviceTrustConfusedDeputy } from "./confusedDeputy";
import { logGroupRetention } from "./logRetention";
import { noPartialWildcardActions, noWildcardActions } from "./noWildcardActions";
import { openSearchDomainSecure } from "./openSearch";
import { awsExplicitProvider, awsProviderPinsOneAccount } from "./providers";
import { sqsQueueEncrypted } from "./sqsEncryption";
import { firehoseEncrypted, firehoseSourceStreamEncrypted, kinesisStreamEncrypted } from "./streamEncryption";

export const POLICY_PACK_NAME = "central-logging";

export const policies: Policies = [
  awsExplicitProvider,
  awsProviderPinsOneAccount,
  archiveBucketSecure,
  serviceTrustConfusedDeputy,
  noWildcardActions,
  noPartialWildcardActions,
  logGroupRetention,
  kinesisStreamEncrypted,
  firehoseEncrypted,
  firehoseSourceStreamEncrypted,
  openSearchDomainSecure,
  sqsQueueEncrypted,
];
