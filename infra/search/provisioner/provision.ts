/**
 * Brings an OpenSearch domain to the pipeline's configuration. Every step is idempotent, so the
 * `aws.lambda.Invocation` can run it again whenever its input changes:
 * 1. wait until the domain answers (bounded by the deadline);
 * 2. the forwarder's writer role and its role mapping (owned: replaced as a whole);
 * 3. the master user (the Dashboards login, made by CreateDomain) merged into the admin role
 *    mappings without dropping any user or backend role already there;
 * 4. the index template;
 * 5. the ISM policy: created, or updated with `if_seq_no`/`if_primary_term` when its revision
 *    changed (then moved onto the indices it already manages), and attached to existing indices
 *    that have none;
 * 6. the Dashboards saved objects (`_bulk_create?overwrite=true`, in the Global tenant).
 * Every request logs in as the domain's internal master user (HTTP basic auth), read from the
 * secret first: FGAC's master is an internal user, not an IAM role (see searchDomainAccessPolicy).
 * A failure names its step and the reason.
 */
import type { Client } from "@opensearch-project/opensearch";
import { z } from "zod";
import { type Backoff, backoffMs } from "../../kernel/lambda/backoff";
import { indexPattern } from "../indexName";
import { ismPolicyRevision } from "../ismPolicy";
import { describeRequestError, errorSummary } from "../opensearchClient";
import type { ProvisioningInput } from "../provisioningInput";
import {
  type MappingAdditions,
  mergeRoleMapping,
  roleMappingFromResponse,
  writerRoleMapping,
} from "../security";

export type Step =
  | "input"
  | "waitForDomain"
  | "writerRole"
  | "writerRoleMapping"
  | "masterLogin"
  | "adminRoleMappings"
  | "readerRoleMappings"
  | "indexTemplate"
  | "ismPolicy"
  | "savedObjects";

export class ProvisioningError extends Error {
  override name = "ProvisioningError";
  constructor(
    readonly step: Step,
    reason: string,
  ) {
    super(`step '${step}' failed: ${reason}`);
  }
}

/** The domain's internal master user, as the secret holds it. */
export interface MasterLogin {
  readonly username: string;
  readonly password: string;
}

export interface ProvisionDeps {
  /** A client that logs in as the master (HTTP basic auth); made once the secret is read. */
  readonly connect: (login: MasterLogin) => Client;
  /** The secret's SecretString. */
  readonly readSecret: (arn: string) => Promise<string>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** Epoch ms by which everything must be done (the caller bounds it by the Lambda timeout). */
  readonly deadline: number;
  readonly random?: () => number;
  readonly log?: (line: string) => void;
}

export type Written = "created" | "updated";

export interface ProvisionSummary {
  readonly endpoint: string;
  readonly domainChecks: number;
  readonly writerRole: Written;
  readonly writerRoleMapping: Written;
  /** The internal master user every request logged in as. */
  readonly master: string;
  readonly adminRoleMappings: Readonly<Record<string, "updated" | "unchanged">>;
  /** The people's (`readers`) role mappings; empty without readers. */
  readonly readerRoleMappings: Readonly<Record<string, "updated" | "unchanged">>;
  readonly indexTemplate: "applied";
  readonly ismPolicy: Written | "unchanged";
  /** Existing indices the policy was attached to. */
  readonly ismAttached: number;
  /** Managed indices moved onto an updated policy. */
  readonly ismMoved: number;
  /** Indices the policy could not be attached to, with ISM's reason (closed indices, ...). */
  readonly ismNotAttached: Readonly<Record<string, string>>;
  readonly savedObjects: number;
}

const READY_BACKOFF: Backoff = { baseMs: 2_000, capMs: 30_000 };
const STEP_BACKOFF: Backoff = { baseMs: 1_000, capMs: 15_000 };

/** What the master (and Dashboards) user logs in with; the password never appears in logs or errors. */
export const adminSecretSchema = z.object({
  username: z.string().regex(/^[A-Za-z0-9][\w.@-]{0,63}$/),
  password: z.string().min(8),
});

const ismGetSchema = z.object({
  _seq_no: z.number().int(),
  _primary_term: z.number().int(),
  policy: z.object({ description: z.unknown().optional() }).loose(),
});

const ismBodySchema = z.object({ policy: z.object({ description: z.unknown().optional() }).loose() }).loose();

const ismAffectedSchema = z
  .object({
    updated_indices: z.number().int().default(0),
    failed_indices: z.array(z.object({ index_name: z.string(), reason: z.string() }).loose()).default([]),
  })
  .loose();

const securityWriteSchema = z.object({ status: z.string().optional() }).loose();

const bulkCreateSchema = z.object({
  saved_objects: z.array(
    z
      .object({
        id: z.string(),
        type: z.string(),
        error: z.object({ message: z.string().optional() }).loose().optional(),
      })
      .loose(),
  ),
});

interface Response {
  readonly status: number;
  readonly body: unknown;
}

interface CallOptions {
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string | number>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Statuses that are answers, not failures (404 of a GET for something not created yet). */
  readonly accept?: readonly number[];
}

const segment = encodeURIComponent;

class Session {
  constructor(
    private readonly deps: ProvisionDeps,
    private readonly client: Client,
  ) {}

  log(entry: Record<string, unknown>): void {
    this.deps.log?.(JSON.stringify({ message: "search provisioner", ...entry }));
  }

  /** Waits before another try if the deadline allows it; false when it does not. */
  private async pause(retry: number, policy: Backoff): Promise<boolean> {
    const wait = backoffMs(retry, policy, this.deps.random);
    if (this.deps.now() + wait >= this.deps.deadline) {
      return false;
    }
    await this.deps.sleep(wait);
    return true;
  }

  /** One request; transient failures (throttling, 5xx, network) are retried until the deadline. */
  async call(step: Step, method: string, path: string, options: CallOptions = {}): Promise<Response> {
    for (let retry = 1; ; retry++) {
      try {
        const response = await this.client.transport.request(
          {
            method,
            path,
            ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
            ...(options.query ? { querystring: options.query } : {}),
          },
          {
            ...(options.headers ? { headers: options.headers } : {}),
            ...(options.accept ? { ignore: [...options.accept] } : {}),
          },
        );
        return { status: response.statusCode ?? 0, body: response.body };
      } catch (err) {
        const failure = describeRequestError(err);
        const reason = `${method} ${path} -> ${failure.reason}`;
        if (!failure.retryable) {
          throw new ProvisioningError(step, reason);
        }
        this.log({ step, retry, reason });
        if (!(await this.pause(retry, STEP_BACKOFF))) {
          throw new ProvisioningError(step, `${reason} (still failing at the deadline)`);
        }
      }
    }
  }

  /**
   * Any answer short of a healthy cluster counts as "not ready yet", 401/403 included: a new
   * domain's access policy and master user take a while to apply.
   */
  async waitForDomain(): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      let reason: string;
      try {
        const response = await this.client.transport.request({
          method: "GET",
          path: "/_cluster/health",
        });
        const status = z.object({ status: z.string() }).loose().safeParse(response.body);
        if (status.success && (status.data.status === "green" || status.data.status === "yellow")) {
          return attempt;
        }
        reason = `cluster health is ${status.success ? status.data.status : errorSummary(response.body)}`;
      } catch (err) {
        reason = describeRequestError(err).reason;
      }
      this.log({ step: "waitForDomain", attempt, reason });
      if (!(await this.pause(attempt, READY_BACKOFF))) {
        throw new ProvisioningError("waitForDomain", `the domain did not become ready in time: ${reason}`);
      }
    }
  }
}

function parse<T>(step: Step, what: string, schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ProvisioningError(step, `unexpected ${what} response: ${errorSummary(body)}`);
  }
  return parsed.data;
}

function written(step: Step, body: unknown): Written {
  return parse(step, "security API", securityWriteSchema, body).status === "CREATED" ? "created" : "updated";
}

async function readAdminSecret(deps: ProvisionDeps, arn: string): Promise<z.infer<typeof adminSecretSchema>> {
  let text: string;
  try {
    text = await deps.readSecret(arn);
  } catch (err) {
    throw new ProvisioningError(
      "masterLogin",
      `cannot read secret ${arn}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProvisioningError("masterLogin", `secret ${arn} is not JSON`);
  }
  const parsed = adminSecretSchema.safeParse(json);
  if (!parsed.success) {
    // Only the paths: the values are secret.
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".")))].join(", ");
    throw new ProvisioningError(
      "masterLogin",
      `secret ${arn} needs {"username", "password"} (8+ characters); bad: ${fields}`,
    );
  }
  return parsed.data;
}

async function provisionIsm(
  session: Session,
  input: ProvisioningInput,
): Promise<Pick<ProvisionSummary, "ismPolicy" | "ismAttached" | "ismMoved" | "ismNotAttached">> {
  const path = `/_plugins/_ism/policies/${segment(input.ismPolicy.id)}`;
  const pattern = segment(indexPattern(input.indexPrefix));
  const existing = await session.call("ismPolicy", "GET", path, { accept: [404] });
  let result: Written | "unchanged";
  let moved = 0;
  if (existing.status === 404) {
    await session.call("ismPolicy", "PUT", path, { body: input.ismPolicy.body });
    result = "created";
  } else {
    const current = parse("ismPolicy", "ISM policy", ismGetSchema, existing.body);
    const desired = ismBodySchema.safeParse(input.ismPolicy.body).data?.policy.description;
    const unchanged =
      ismPolicyRevision(desired) !== undefined &&
      ismPolicyRevision(current.policy.description) === ismPolicyRevision(desired);
    if (unchanged) {
      result = "unchanged";
    } else {
      await session.call("ismPolicy", "PUT", path, {
        body: input.ismPolicy.body,
        query: { if_seq_no: current._seq_no, if_primary_term: current._primary_term },
      });
      result = "updated";
      // Managed indices keep the policy version they started with until moved explicitly.
      const change = await session.call("ismPolicy", "POST", `/_plugins/_ism/change_policy/${pattern}`, {
        body: { policy_id: input.ismPolicy.id },
        accept: [404],
      });
      moved =
        change.status === 404
          ? 0
          : parse("ismPolicy", "change_policy", ismAffectedSchema, change.body).updated_indices;
    }
  }
  // ism_template only reaches indices created after the policy: attach it to earlier ones.
  const add = await session.call("ismPolicy", "POST", `/_plugins/_ism/add/${pattern}`, {
    body: { policy_id: input.ismPolicy.id },
    accept: [404],
  });
  const affected =
    add.status === 404
      ? { updated_indices: 0, failed_indices: [] }
      : parse("ismPolicy", "add", ismAffectedSchema, add.body);
  const notAttached = Object.fromEntries(
    affected.failed_indices
      .filter((f) => !/already has a policy/i.test(f.reason))
      .map((f) => [f.index_name, f.reason]),
  );
  return {
    ismPolicy: result,
    ismAttached: affected.updated_indices,
    ismMoved: moved,
    ismNotAttached: notAttached,
  };
}

export async function provision(input: ProvisioningInput, deps: ProvisionDeps): Promise<ProvisionSummary> {
  const admin = await readAdminSecret(deps, input.admin.secretArn);
  const session = new Session(deps, deps.connect(admin));
  const security = "/_plugins/_security/api";

  const domainChecks = await session.waitForDomain();

  const writer = input.writer;
  const role = await session.call("writerRole", "PUT", `${security}/roles/${segment(writer.role)}`, {
    body: writer.definition,
  });
  const mapping = await session.call(
    "writerRoleMapping",
    "PUT",
    `${security}/rolesmapping/${segment(writer.role)}`,
    {
      body: writerRoleMapping(writer.backendRoles),
    },
  );

  // Merged, never replaced: hand-made mappings stay.
  const addToMappings = async (
    step: "adminRoleMappings" | "readerRoleMappings",
    roles: readonly string[],
    additions: MappingAdditions,
  ) => {
    const results: Record<string, "updated" | "unchanged"> = {};
    for (const mapped of roles) {
      const path = `${security}/rolesmapping/${segment(mapped)}`;
      const current = await session.call(step, "GET", path, { accept: [404] });
      const existing = roleMappingFromResponse(mapped, current.status === 404 ? undefined : current.body);
      const merged = mergeRoleMapping(existing, additions);
      if (merged.changed) await session.call(step, "PUT", path, { body: merged.mapping });
      results[mapped] = merged.changed ? "updated" : "unchanged";
    }
    return results;
  };
  const adminRoleMappings = await addToMappings("adminRoleMappings", input.admin.roles, {
    users: [admin.username],
  });
  const readerRoleMappings = input.readers
    ? await addToMappings("readerRoleMappings", input.readers.roles, {
        users: input.readers.users,
        backendRoles: input.readers.backendRoles,
      })
    : {};

  await session.call("indexTemplate", "PUT", `/_index_template/${segment(input.indexTemplate.name)}`, {
    body: input.indexTemplate.body,
  });

  const ism = await provisionIsm(session, input);

  const created = await session.call("savedObjects", "POST", "/_dashboards/api/saved_objects/_bulk_create", {
    body: input.savedObjects,
    query: { overwrite: "true" },
    // Global tenant: shared by everyone who logs in, rather than the provisioner's private tenant.
    headers: { "osd-xsrf": "true", securitytenant: "global" },
  });
  const objects = parse("savedObjects", "bulk_create", bulkCreateSchema, created.body).saved_objects;
  const failures = objects.filter((o) => o.error !== undefined);
  if (failures.length > 0) {
    const list = failures.map((o) => `${o.type}/${o.id}: ${o.error?.message ?? "error"}`).join("; ");
    throw new ProvisioningError("savedObjects", `Dashboards refused ${failures.length} object(s): ${list}`);
  }

  const summary: ProvisionSummary = {
    endpoint: input.endpoint,
    domainChecks,
    writerRole: written("writerRole", role.body),
    writerRoleMapping: written("writerRoleMapping", mapping.body),
    master: admin.username,
    adminRoleMappings,
    readerRoleMappings,
    indexTemplate: "applied",
    ...ism,
    savedObjects: objects.length,
  };
  session.log({ step: "done", summary });
  return summary;
}
