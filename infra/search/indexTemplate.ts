/**
 * The composable index template (`PUT _index_template/<name>`, OpenSearch 2.x) for the daily
 * `<prefix>-YYYY.MM.DD` indices the forwarder writes.
 *
 * What it fixes, from the Elasticsearch/Kibana write-up and the OpenSearch guide:
 * - CloudTrail has far more than 1000 distinct fields across services: the total-fields limit is
 *   raised to 3000;
 * - `apiVersion` holds dates for some services and free strings for others: mapped as text, and
 *   dynamic date detection is off altogether, so no other string field can be frozen as a date by
 *   the first document that happens to look like one;
 * - `requestParameters`, `responseElements`, `additionalEventData` and `serviceEventDetails` differ
 *   per API call (the same sub-field is an object in one event and a string in the next, e.g.
 *   `responseElements.role`, and every service adds its own keys): each is one `flat_object`
 *   field (OpenSearch >= 2.7). Its leaves stay searchable with dotted paths
 *   (`requestParameters.bucketName: my-bucket`) but add no mappings and cannot conflict. A
 *   `flat_object` only accepts an object, so the forwarder wraps any other value (see
 *   `FLAT_OBJECT_FIELDS`);
 * - keyword values longer than Lucene's 32766-byte term limit would reject the whole document:
 *   every keyword has `ignore_above` (the value stays in `_source`);
 * - `index.mapping.ignore_malformed`: a malformed date or number leaves that one field unindexed
 *   instead of rejecting the audit event.
 *
 * CloudTrail fields that dashboards aggregate on are mapped as `keyword` (not text with a
 * `.keyword` sub-field), so a visualization names the field itself (`eventName`).
 */
import { assertIndexPrefix, indexPattern } from "./indexName";

/** A mapping property, as far as the template uses them. */
export type FieldMapping =
  | { readonly type: "keyword"; readonly ignore_above: number }
  | { readonly type: "text"; readonly fields?: Readonly<Record<string, FieldMapping>> }
  | { readonly type: "date" | "boolean" | "long" | "flat_object" }
  | { readonly type: "object"; readonly enabled: false }
  | { readonly properties: Readonly<Record<string, FieldMapping>> };

export interface IndexTemplateOptions {
  /** Replicas per primary; omitted, the domain's default applies (1 on OpenSearch Service). */
  readonly replicas?: number;
}

export interface IndexTemplateBody {
  readonly index_patterns: readonly string[];
  readonly priority: number;
  readonly _meta: Readonly<Record<string, string>>;
  readonly template: {
    readonly settings: Readonly<Record<string, number | boolean>>;
    readonly mappings: {
      readonly dynamic: true;
      readonly date_detection: false;
      readonly dynamic_templates: readonly Record<string, unknown>[];
      readonly properties: Readonly<Record<string, FieldMapping>>;
    };
  };
}

export const TOTAL_FIELDS_LIMIT = 3000;

/** Keeps keyword terms far below Lucene's 32766-byte limit while covering ARNs and user agents. */
export const KEYWORD_IGNORE_ABOVE = 1024;

/** Top-level fields mapped as flat_object; the forwarder wraps a non-object value of one of them. */
export const FLAT_OBJECT_FIELDS = [
  "requestParameters",
  "responseElements",
  "additionalEventData",
  "serviceEventDetails",
] as const;

/** Field types a terms / date_histogram aggregation can run on. */
export const AGGREGATABLE_TYPES: ReadonlySet<string> = new Set(["keyword", "date", "boolean", "long"]);

const keyword: FieldMapping = { type: "keyword", ignore_above: KEYWORD_IGNORE_ABOVE };
const date: FieldMapping = { type: "date" };
const bool: FieldMapping = { type: "boolean" };
const text: FieldMapping = { type: "text" };

function keywords(...names: string[]): Record<string, FieldMapping> {
  return Object.fromEntries(names.map((n) => [n, keyword]));
}

function object(properties: Record<string, FieldMapping>): FieldMapping {
  return { properties };
}

const sessionIssuer = object(keywords("type", "principalId", "arn", "accountId", "userName"));

const userIdentity = object({
  ...keywords(
    "type",
    "principalId",
    "arn",
    "accountId",
    "accessKeyId",
    "userName",
    "invokedBy",
    "identityProvider",
    "credentialId",
  ),
  sessionContext: object({
    sourceIdentity: keyword,
    attributes: object({ creationDate: date, mfaAuthenticated: keyword }),
    sessionIssuer,
    // Provider-specific claims with arbitrary keys: kept in _source, not mapped.
    webIdFederationData: { type: "object", enabled: false },
  }),
  onBehalfOf: object(keywords("userId", "identityStoreArn")),
});

/** The forwarder's own fields (see the forwarder's document builder). */
const envelopeFields: Record<string, FieldMapping> = {
  "@timestamp": date,
  ...keywords("@id", "@owner", "@log_group", "@log_stream"),
  "@message": text,
};

const cloudTrailFields: Record<string, FieldMapping> = {
  ...keywords(
    "eventVersion",
    "eventSource",
    "eventName",
    "awsRegion",
    // Not `ip`: CloudTrail puts service names ("s3.amazonaws.com") here too.
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "requestID",
    "eventID",
    "eventType",
    "eventCategory",
    "recipientAccountId",
    "sharedEventID",
    "vpcEndpointId",
    "sessionCredentialFromConsole",
  ),
  eventTime: date,
  errorMessage: { type: "text", fields: { keyword } },
  apiVersion: text,
  readOnly: bool,
  managementEvent: bool,
  userIdentity,
  resources: object(keywords("ARN", "accountId", "type")),
  tlsDetails: object(keywords("tlsVersion", "cipherSuite", "clientProvidedHostHeader")),
  ...Object.fromEntries(FLAT_OBJECT_FIELDS.map((f) => [f, { type: "flat_object" } satisfies FieldMapping])),
};

export function indexTemplateName(prefix: string): string {
  return `${assertIndexPrefix(prefix)}-logs`;
}

export function indexTemplate(prefix: string, options: IndexTemplateOptions = {}): IndexTemplateBody {
  const { replicas } = options;
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0 || replicas > 15)) {
    throw new Error(`replicas must be a whole number from 0 to 15, got ${replicas}`);
  }
  return {
    index_patterns: [indexPattern(prefix)],
    // Above the default 0, so a stray catch-all template cannot shadow this one.
    priority: 100,
    _meta: { managed_by: "central-logging" },
    template: {
      settings: {
        // One primary per day: daily CloudTrail volume stays far below the ~50 GB a shard holds well.
        "index.number_of_shards": 1,
        ...(replicas === undefined ? {} : { "index.number_of_replicas": replicas }),
        "index.mapping.total_fields.limit": TOTAL_FIELDS_LIMIT,
        "index.mapping.ignore_malformed": true,
      },
      mappings: {
        dynamic: true,
        date_detection: false,
        // Spelled out (it is OpenSearch's default) so the bound on keyword length is part of the contract.
        dynamic_templates: [
          {
            strings: {
              match_mapping_type: "string",
              mapping: { type: "text", fields: { keyword: { type: "keyword", ignore_above: 256 } } },
            },
          },
        ],
        properties: { ...envelopeFields, ...cloudTrailFields },
      },
    },
  };
}

/**
 * The mapping of a dotted field path (`userIdentity.sessionContext.sessionIssuer.userName`), also
 * through multi-fields (`errorMessage.keyword`); undefined when the template does not map it.
 */
export function fieldMapping(
  properties: Readonly<Record<string, FieldMapping>>,
  path: string,
): FieldMapping | undefined {
  const [head, ...rest] = path.split(".");
  const field = head === undefined ? undefined : properties[head];
  if (field === undefined || rest.length === 0) {
    return field;
  }
  if ("properties" in field) {
    return fieldMapping(field.properties, rest.join("."));
  }
  if ("fields" in field && field.fields !== undefined) {
    return fieldMapping(field.fields, rest.join("."));
  }
  return undefined;
}
