/**
 * What `npm run verify` follows and reports: the stages a canary passes, the causes a diagnosis
 * names, and one result per canary. Plain data, shared by the planner, the watchers, the
 * diagnosis and the report.
 */

/**
 * Where a canary can be seen: the Kinesis stream (kinesis transport), the S3 archive, the
 * OpenSearch domain (with `recipient.search`). `canary` is the write itself (PutLogEvents /
 * PutEvents), which can fail before anything else is tried.
 */
export type Stage = "stream" | "archive" | "search";
export type FailedStage = Stage | "canary";

export type CauseCode =
  | "canary-not-written"
  | "log-group-missing"
  | "no-subscription-filter"
  | "filter-wrong-destination"
  | "destination-missing"
  | "destination-target"
  | "destination-policy"
  | "firehose-delivery"
  | "firehose-error-log"
  | "error-objects"
  | "search-rejected"
  | "events-rule"
  | "events-dead-letter"
  | "stage-unreadable"
  /** A diagnosis call failed (access denied, throttled): the check is named, not the cause. */
  | "unchecked"
  | "none";

export interface Cause {
  code: CauseCode;
  message: string;
}

export interface StageResult {
  stage: Stage;
  /** Seconds from the canary's write to its sighting; unset when it was not seen. */
  seconds?: number;
  /** The last error reading this stage (it may still have been seen later). */
  error?: string;
}

export interface CanaryResult {
  /** The route's key (`<account>/<region>/<group>:<filter>`), or the canary rule's (`<account>/<region>/canary`). */
  key: string;
  kind: "logs" | "events";
  accountId: string;
  region: string;
  canaryId: string;
  ok: boolean;
  /** When delivered: seconds until the last stage saw it. */
  seconds?: number;
  stages: StageResult[];
  /** The first stage that did not see it (or `canary`: the write failed). */
  failedStage?: FailedStage;
  /** The likeliest cause first; `none` when no check found one. */
  causes?: Cause[];
}

export interface Progress {
  elapsedMs: number;
  timeoutMs: number;
  total: number;
  delivered: number;
  /** Canaries that can no longer be delivered (their write failed). */
  failed: number;
  /** Canaries still awaited, by the first stage that has not seen them. */
  waiting: Partial<Record<Stage, number>>;
}
