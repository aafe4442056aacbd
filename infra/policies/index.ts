export { archiveBucketPolicy } from "./bucket";
export { destinationAccessPolicy, destinationPermissions, destinationTrustPolicy } from "./destination";
export type { PolicyDocument, PolicyStatement } from "./document";
export { firehoseDeliveryPolicy, firehoseTrustPolicy } from "./firehose";
export { flowLogsPermissions, flowLogsTrustPolicy } from "./flowLogs";
export { lambdaTrustPolicy, processorPermissions } from "./lambda";
