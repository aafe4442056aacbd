export {
  archiveBucketPolicy,
  BUCKET_POLICY_MAX_BYTES,
  privateBucketPolicy,
  type TrailWriter,
} from "./bucket";
export { cloudTrailLogsPermissions, cloudTrailLogsTrustPolicy, cloudTrailTopicPolicy } from "./cloudTrail";
export {
  destinationAccessPolicy,
  destinationOrgAccessPolicy,
  destinationPermissions,
  destinationTrustPolicy,
} from "./destination";
export type { PolicyDocument, PolicyStatement } from "./document";
export {
  eventBusPolicy,
  eventsDeadLetterQueuePolicy,
  eventsTrustPolicy,
  firehosePutPermissions,
  putEventsPermissions,
} from "./events";
export { firehoseDeliveryPolicy, firehoseTrustPolicy } from "./firehose";
export { flowLogsPermissions, flowLogsTrustPolicy } from "./flowLogs";
export { trailKeyPolicy } from "./kms";
export { lambdaTrustPolicy, processorPermissions } from "./lambda";
export { searchDomainAccessPolicy, searchForwarderPermissions, searchProvisionerPermissions } from "./search";
export { senderRolePermissions, senderRoleTrustPolicy } from "./sender";
