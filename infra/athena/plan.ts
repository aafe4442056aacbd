/**
 * The Athena capability's part of the plan: Glue tables with partition projection over the
 * archive's prefixes, a workgroup and saved queries, in the bucket's region.
 */
import type { Settings } from "../config";
import { arn } from "../kernel/names";
import { athenaNames } from "./names";
import { type NamedQueryDefinition, namedQueries } from "./queries";
import { athenaTables, type TableDefinition } from "./tables";

/** Glue tables and an Athena workgroup over the archive, in the bucket's region. */
export interface AthenaPlan {
  region: string;
  database: string;
  workgroup: string;
  resultsBucket: { name: string; arn: string };
  resultsExpireDays: number;
  bytesScannedCutoffGiB?: number;
  tables: TableDefinition[];
  queries: NamedQueryDefinition[];
}

/** What the tables are projected over: the archive and the accounts each prefix holds. */
export interface AthenaInput {
  recipient: { accountId: string; bucketName: string; bucketRegion: string; organizationId?: string };
  destinations: readonly { senderAccountIds: readonly string[] }[];
  sources: readonly { accountId: string; eventSenders: readonly unknown[] }[];
  trails: readonly { accountId: string; organizationId?: string }[];
}

export function planAthena(settings: Settings, input: AthenaInput): AthenaPlan {
  const { recipient, destinations, sources, trails } = input;
  const a = settings.recipient.athena;
  const sorted = (ids: Iterable<string>) => [...new Set(ids)].sort();
  const orgTrail = trails.find((t) => t.organizationId);
  const tables = athenaTables({
    bucket: recipient.bucketName,
    organizationMode: recipient.organizationId !== undefined,
    logAccounts: sorted(destinations.flatMap((d) => d.senderAccountIds)),
    eventAccounts: sorted(sources.filter((s) => s.eventSenders.length > 0).map((s) => s.accountId)),
    trailAccounts: sorted(trails.filter((t) => !t.organizationId).map((t) => t.accountId)),
    ...(orgTrail?.organizationId
      ? {
          organizationTrail: {
            organizationId: orgTrail.organizationId,
            accounts: sorted([recipient.accountId, ...sources.map((s) => s.accountId)]),
          },
        }
      : {}),
  });
  return {
    region: recipient.bucketRegion,
    database: a.database,
    workgroup: athenaNames(settings.namePrefix).workgroup,
    resultsBucket: { name: a.resultsBucketName, arn: arn.bucket(a.resultsBucketName) },
    resultsExpireDays: a.resultsExpireDays,
    ...(a.bytesScannedCutoffGiB !== undefined ? { bytesScannedCutoffGiB: a.bytesScannedCutoffGiB } : {}),
    tables,
    queries: namedQueries(a.database, tables),
  };
}
