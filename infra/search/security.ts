/**
 * Fine-grained access control pieces (the security plugin's REST API, `_plugins/_security/api`).
 *
 * - The forwarder's writer role: bulk `index` actions into `<prefix>-*`, creating the daily index
 *   on its first document and adding the fields dynamic mapping discovers. Nothing else: no reads,
 *   no deletes, no other index. (The plugin checks auto-create as `indices:admin/create` and
 *   dynamic mapping updates as `indices:admin/mapping/put`.)
 * - Its role mapping: backend role = the forwarder's IAM role ARN, which is how FGAC sees a
 *   SigV4-signed request.
 * - Merging users into `all_access` / `security_manager`: those mappings already hold the FGAC
 *   master (an IAM role ARN as backend role); replacing them would lock the provisioner out.
 */
import { assertIndexPrefix, indexPattern } from "./indexName";

export const ADMIN_ROLES = ["all_access", "security_manager"] as const;

/**
 * What people who sign their requests (`recipient.search.allowedPrincipals`) may do: read every
 * index. Without a mapping FGAC refuses them even though the domain's resource policy admits them.
 */
export const READER_ROLES = ["readall"] as const;

export const IAM_USER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:user\/[\w+=,.@/-]{1,512}$/;

export const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export interface RoleDefinition {
  readonly description: string;
  readonly cluster_permissions: readonly string[];
  readonly index_permissions: readonly {
    readonly index_patterns: readonly string[];
    readonly allowed_actions: readonly string[];
  }[];
}

/** The writable part of a role mapping (a GET also returns reserved/hidden/static, which a PUT refuses). */
export interface RoleMapping {
  readonly backend_roles: readonly string[];
  readonly hosts: readonly string[];
  readonly users: readonly string[];
  readonly and_backend_roles?: readonly string[];
  readonly description?: string;
}

export function writerRoleName(prefix: string): string {
  return `${assertIndexPrefix(prefix)}-writer`;
}

export function writerRole(prefix: string): RoleDefinition {
  return {
    description: `central-logging forwarder: bulk-index into ${indexPattern(prefix)}`,
    // A _bulk request is authorized once at cluster level, then per index.
    cluster_permissions: ["indices:data/write/bulk"],
    index_permissions: [
      {
        index_patterns: [indexPattern(prefix)],
        allowed_actions: [
          "indices:data/write/bulk*",
          "indices:data/write/index",
          "indices:admin/create",
          "indices:admin/mapping/put",
        ],
      },
    ],
  };
}

export function writerRoleMapping(backendRoles: readonly string[]): RoleMapping {
  if (backendRoles.length === 0) {
    throw new Error("the writer role needs at least one backend role (the forwarder's IAM role ARN)");
  }
  for (const arn of backendRoles) {
    if (!IAM_ROLE_ARN.test(arn)) {
      throw new Error(`'${arn}' is not an IAM role ARN`);
    }
  }
  // Owned by the pipeline: exactly these backend roles, so a removed forwarder loses access.
  return { backend_roles: [...new Set(backendRoles)], hosts: [], users: [] };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Appends what is missing, keeping the existing order. */
function union(existing: readonly string[], added: readonly string[]): string[] {
  const out = [...existing];
  for (const a of added) {
    if (!out.includes(a)) {
      out.push(a);
    }
  }
  return out;
}

/**
 * The writable part of a mapping as returned by `GET .../rolesmapping/<role>` (`{ <role>: {...} }`
 * or the inner object); an absent or unreadable mapping is empty.
 */
export function roleMappingFromResponse(role: string, body: unknown): RoleMapping {
  const inner = isRecord(body) && isRecord(body[role]) ? body[role] : body;
  if (!isRecord(inner)) {
    return { backend_roles: [], hosts: [], users: [] };
  }
  const andBackendRoles = strings(inner.and_backend_roles);
  return {
    backend_roles: strings(inner.backend_roles),
    hosts: strings(inner.hosts),
    users: strings(inner.users),
    ...(andBackendRoles.length > 0 ? { and_backend_roles: andBackendRoles } : {}),
    ...(typeof inner.description === "string" ? { description: inner.description } : {}),
  };
}

export interface MappingAdditions {
  readonly users?: readonly string[];
  readonly backendRoles?: readonly string[];
}

/**
 * The mapping with `additions` merged in: never drops a user, backend role or host; `changed` is
 * false when everything was already there, so a re-run writes nothing.
 */
export function mergeRoleMapping(
  existing: RoleMapping,
  additions: MappingAdditions,
): { readonly mapping: RoleMapping; readonly changed: boolean } {
  const users = union(existing.users, additions.users ?? []);
  const backendRoles = union(existing.backend_roles, additions.backendRoles ?? []);
  const changed =
    users.length !== existing.users.length || backendRoles.length !== existing.backend_roles.length;
  return { mapping: { ...existing, users, backend_roles: backendRoles }, changed };
}
