import { describe, expect, it } from "vitest";
import { type FakeReply, type FakeRequest, fakeSearchClient } from "../../../tests/doubles/fakeOpenSearch";
import { provisioningInput } from "../provisioningInput";
import { type ProvisionDeps, ProvisioningError, provision } from "./provision";

/** A backend role someone mapped by hand: the provisioner must keep it. */
const HAND_MAPPED = "arn:aws:iam::999999999999:role/SecurityAdmin";
const FORWARDER = "arn:aws:iam::999999999999:role/central-logging-dev-search-forwarder";
const SECRET_ARN =
  "arn:aws:secretsmanager:ap-northeast-1:999999999999:secret:central-logging-dev-dashboards-AbCdEf";
const PASSWORD = "S3cret-Passw0rd!";

const input = (retentionDays = 30) =>
  provisioningInput({
    endpoint: "search-test-abc123.ap-northeast-1.es.amazonaws.com",
    indexPrefix: "cwl",
    retentionDays,
    forwarderRoleArns: [FORWARDER],
    adminSecretArn: SECRET_ARN,
  });

type Json = Record<string, unknown>;

const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );

/**
 * An in-memory OpenSearch Service domain with FGAC, ISM and Dashboards, as far as the provisioner
 * uses them. As CreateDomain leaves it: the internal master user `admin`, mapped to all_access and
 * security_manager; every request must log in as an internal user (anonymous auth is off).
 */
class FakeDomain {
  readonly requests: FakeRequest[] = [];
  readonly roles = new Map<string, Json>();
  readonly mappings = new Map<string, Json>([
    [
      "all_access",
      {
        backend_roles: [HAND_MAPPED],
        hosts: [],
        users: ["admin"],
        and_backend_roles: [],
        reserved: false,
        hidden: false,
        description: "Maps master",
      },
    ],
    [
      "security_manager",
      {
        backend_roles: [HAND_MAPPED],
        hosts: [],
        users: ["admin"],
        and_backend_roles: [],
        reserved: false,
        hidden: false,
      },
    ],
  ]);
  readonly users = new Map<string, Json>([["admin", { password: PASSWORD }]]);
  readonly templates = new Map<string, Json>();
  readonly policies = new Map<string, { policy: Json; seqNo: number; primaryTerm: number }>();
  readonly indices = new Map<string, { policyId?: string; policySeqNo?: number; closed?: boolean }>([
    ["cwl-2019.04.27", {}],
    ["cwl-2019.04.28", {}],
    ["cwl-2019.01.01", { closed: true }],
    ["other-2019.04.27", {}],
  ]);
  readonly savedObjects = new Map<string, Json>();
  /** Replies served, in order, before the normal answer of "METHOD /path". */
  readonly injected = new Map<string, FakeReply[]>();
  private seq = 0;

  inject(key: string, ...replies: FakeReply[]): void {
    this.injected.set(key, [...(this.injected.get(key) ?? []), ...replies]);
  }

  requestsTo(method: string, path: string): FakeRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  readonly handle = (req: FakeRequest): FakeReply => {
    this.requests.push(req);
    if (!this.loggedIn(req.headers.authorization))
      return { status: 401, body: "Unauthorized", contentType: "text/plain" };
    const injected = this.injected.get(`${req.method} ${req.path}`)?.shift();
    if (injected) return injected;
    const body = req.body === "" ? undefined : JSON.parse(req.body);
    const [, area, api, ismKind, ismName] = req.path.split("/");
    const [, , , , kind, name] = req.path.split("/");
    const key = `${req.method} ${req.path}`;
    if (key === "GET /_cluster/health")
      return { status: 200, body: { cluster_name: "999999999999:test", status: "green" } };
    if (req.path.startsWith("/_plugins/_security/api/"))
      return this.security(req.method, kind ?? "", decodeURIComponent(name ?? ""), body);
    if (req.method === "PUT" && req.path.startsWith("/_index_template/")) {
      this.templates.set(req.path.slice("/_index_template/".length), body);
      return { status: 200, body: { acknowledged: true } };
    }
    if (area === "_plugins" && api === "_ism") return this.ism(req, ismKind ?? "", ismName ?? "", body);
    if (key === "POST /_dashboards/api/saved_objects/_bulk_create") return this.bulkCreate(req, body);
    return { status: 404, body: { error: { type: "not_found", reason: key } } };
  };

  /** HTTP basic auth of an internal user with its password; nothing else gets in. */
  private loggedIn(authorization: string | undefined): boolean {
    const [scheme, token] = (authorization ?? "").split(" ");
    if (scheme !== "Basic" || token === undefined) return false;
    const text = Buffer.from(token, "base64").toString("utf8");
    const colon = text.indexOf(":");
    return colon > 0 && this.users.get(text.slice(0, colon))?.password === text.slice(colon + 1);
  }

  private security(method: string, kind: string, name: string, body: Json | undefined): FakeReply {
    const written = (existed: boolean): FakeReply => ({
      status: existed ? 200 : 201,
      body: { status: existed ? "OK" : "CREATED", message: `'${name}' ${existed ? "updated" : "created"}.` },
    });
    if (kind === "roles" && method === "PUT") {
      const existed = this.roles.has(name);
      this.roles.set(name, body ?? {});
      return written(existed);
    }
    if (kind === "rolesmapping" && method === "GET") {
      const m = this.mappings.get(name);
      return m
        ? { status: 200, body: { [name]: m } }
        : { status: 404, body: { status: "NOT_FOUND", message: `'${name}' not found.` } };
    }
    if (kind === "rolesmapping" && method === "PUT") {
      const invalid = Object.keys(body ?? {}).filter((k) => ["reserved", "hidden", "static"].includes(k));
      if (invalid.length > 0)
        return {
          status: 400,
          body: {
            status: "error",
            reason: "Invalid configuration",
            invalid_keys: { keys: invalid.join(",") },
          },
        };
      const existed = this.mappings.has(name);
      this.mappings.set(name, { ...body, reserved: false, hidden: false });
      return written(existed);
    }
    if (kind === "internalusers" && method === "PUT") {
      const password = String(body?.password ?? "");
      if (!/(?=.*[A-Z])(?=.*[^a-zA-Z\d])(?=.*[0-9])(?=.*[a-z]).{8,}/.test(password)) {
        return { status: 400, body: { status: "error", reason: "Password is weak" } };
      }
      const existed = this.users.has(name);
      this.users.set(name, body ?? {});
      return written(existed);
    }
    return { status: 405, body: { status: "error", reason: `${method} ${kind}` } };
  }

  private ism(req: FakeRequest, kind: string, name: string, body: Json | undefined): FakeReply {
    const id = decodeURIComponent(name);
    if (kind === "policies" && req.method === "GET") {
      const p = this.policies.get(id);
      if (!p)
        return {
          status: 404,
          body: { error: { type: "status_exception", reason: "Policy not found" }, status: 404 },
        };
      return {
        status: 200,
        body: {
          _id: id,
          _version: p.seqNo,
          _seq_no: p.seqNo,
          _primary_term: p.primaryTerm,
          policy: {
            policy_id: id,
            last_updated_time: 1700000000000,
            schema_version: 21,
            error_notification: null,
            ...p.policy,
          },
        },
      };
    }
    if (kind === "policies" && req.method === "PUT") {
      const existing = this.policies.get(id);
      const seqNo = req.query.get("if_seq_no");
      const term = req.query.get("if_primary_term");
      if (existing && (seqNo !== String(existing.seqNo) || term !== String(existing.primaryTerm))) {
        return {
          status: 409,
          body: {
            error: { type: "version_conflict_engine_exception", reason: `[${id}]: version conflict` },
            status: 409,
          },
        };
      }
      const policy = (body?.policy ?? {}) as Json;
      this.seq++;
      this.policies.set(id, { policy, seqNo: this.seq, primaryTerm: 1 });
      return {
        status: existing ? 200 : 201,
        body: { _id: id, _seq_no: this.seq, _primary_term: 1, policy: { policy } },
      };
    }
    if (kind === "add" || kind === "change_policy") {
      const failed: Json[] = [];
      let updated = 0;
      for (const [index, state] of this.indices) {
        if (!glob(name).test(index)) continue;
        const policy = this.policies.get(String(body?.policy_id));
        if (kind === "add") {
          if (state.policyId)
            failed.push({
              index_name: index,
              index_uuid: "u",
              reason: "This index already has a policy, use the update policy API to update index policies",
            });
          else if (state.closed)
            failed.push({ index_name: index, index_uuid: "u", reason: "This index is closed" });
          else {
            state.policyId = String(body?.policy_id);
            state.policySeqNo = policy?.seqNo;
            updated++;
          }
        } else if (state.policyId === body?.policy_id) {
          state.policySeqNo = policy?.seqNo;
          updated++;
        }
      }
      return {
        status: 200,
        body: { updated_indices: updated, failures: failed.length > 0, failed_indices: failed },
      };
    }
    return { status: 405, body: { error: { type: "method", reason: req.path } } };
  }

  private bulkCreate(req: FakeRequest, body: unknown): FakeReply {
    if (req.headers["osd-xsrf"] !== "true") {
      return {
        status: 400,
        body: { statusCode: 400, error: "Bad Request", message: "Request must contain a osd-xsrf header." },
      };
    }
    const tenant = req.headers.securitytenant ?? "__user__";
    const overwrite = req.query.get("overwrite") === "true";
    const results = (body as Json[]).map((o) => {
      const key = `${tenant}/${o.type}/${o.id}`;
      if (this.savedObjects.has(key) && !overwrite) {
        return { id: o.id, type: o.type, error: { statusCode: 409, message: "version conflict" } };
      }
      this.savedObjects.set(key, o);
      return { ...o, version: "WzEsMV0=", updated_at: "2019-04-27T13:56:42.311Z" };
    });
    return { status: 200, body: { saved_objects: results } };
  }
}

function deps(domain: FakeDomain, overrides: Partial<ProvisionDeps> = {}) {
  let clock = 1_700_000_000_000;
  const waits: number[] = [];
  const logs: string[] = [];
  const d: ProvisionDeps = {
    connect: (login) => fakeSearchClient(domain.handle, login),
    readSecret: async (arn) => {
      expect(arn).toBe(SECRET_ARN);
      return JSON.stringify({ username: "admin", password: PASSWORD });
    },
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    now: () => clock,
    deadline: clock + 540_000,
    random: () => 1,
    log: (line) => logs.push(line),
    ...overrides,
  };
  return { deps: d, waits, logs };
}

const firstRun = {
  endpoint: "https://search-test-abc123.ap-northeast-1.es.amazonaws.com",
  domainChecks: 1,
  writerRole: "created",
  writerRoleMapping: "created",
  master: "admin",
  adminRoleMappings: { all_access: "unchanged", security_manager: "unchanged" },
  readerRoleMappings: {},
  indexTemplate: "applied",
  ismPolicy: "created",
  ismAttached: 2,
  ismMoved: 0,
  ismNotAttached: { "cwl-2019.01.01": "This index is closed" },
  savedObjects: 9,
};

describe("provision", () => {
  it("configures a fresh domain", async () => {
    const domain = new FakeDomain();
    const { deps: d, logs } = deps(domain);
    const config = input();
    expect(await provision(config, d)).toEqual(firstRun);

    expect(domain.roles.get("cwl-writer")).toEqual(config.writer.definition);
    expect(domain.mappings.get("cwl-writer")).toEqual({
      backend_roles: [FORWARDER],
      hosts: [],
      users: [],
      reserved: false,
      hidden: false,
    });
    // The master keeps its access, and so does a backend role mapped by hand.
    expect(domain.mappings.get("all_access")).toMatchObject({
      backend_roles: [HAND_MAPPED],
      users: ["admin"],
      description: "Maps master",
    });
    expect(domain.mappings.get("security_manager")).toMatchObject({
      backend_roles: [HAND_MAPPED],
      users: ["admin"],
    });
    expect(domain.templates.get("cwl-logs")).toEqual(config.indexTemplate.body);
    expect(domain.policies.get("cwl-retention")?.policy).toEqual(
      (config.ismPolicy.body as { policy: unknown }).policy,
    );
    expect(domain.indices.get("cwl-2019.04.27")).toEqual({ policyId: "cwl-retention", policySeqNo: 1 });
    expect(domain.indices.get("other-2019.04.27")).toEqual({});
    expect([...domain.savedObjects.keys()]).toEqual(
      config.savedObjects.map((o) => `global/${o.type}/${o.id}`),
    );

    // Order matters: the domain first, the security setup before anything that uses it.
    expect(domain.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /_cluster/health",
      "PUT /_plugins/_security/api/roles/cwl-writer",
      "PUT /_plugins/_security/api/rolesmapping/cwl-writer",
      "GET /_plugins/_security/api/rolesmapping/all_access",
      "GET /_plugins/_security/api/rolesmapping/security_manager",
      "PUT /_index_template/cwl-logs",
      "GET /_plugins/_ism/policies/cwl-retention",
      "PUT /_plugins/_ism/policies/cwl-retention",
      "POST /_plugins/_ism/add/cwl-*",
      "POST /_dashboards/api/saved_objects/_bulk_create",
    ]);
    // Every request logs in as the master; none is signed (a request cannot be both).
    const login = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString("base64")}`;
    for (const r of domain.requests) {
      expect(r.headers.authorization).toBe(login);
      expect(Object.keys(r.headers).filter((h) => h.startsWith("x-amz-"))).toEqual([]);
    }
    const create = domain.requestsTo("POST", "/_dashboards/api/saved_objects/_bulk_create")[0]!;
    expect(create.query.get("overwrite")).toBe("true");
    expect(create.headers.securitytenant).toBe("global");
    expect(JSON.parse(create.body)).toEqual(config.savedObjects);
    // The password travels only in the login header: no body, no log line holds it.
    expect(logs.join("\n")).not.toContain(PASSWORD);
    expect(domain.requests.filter((r) => r.body.includes(PASSWORD))).toEqual([]);
  });

  it("is a no-op for mappings and the policy on a re-run with the same input", async () => {
    const domain = new FakeDomain();
    await provision(input(), deps(domain).deps);
    const before = domain.requests.length;
    expect(await provision(input(), deps(domain).deps)).toEqual({
      ...firstRun,
      writerRole: "updated",
      writerRoleMapping: "updated",
      adminRoleMappings: { all_access: "unchanged", security_manager: "unchanged" },
      ismPolicy: "unchanged",
      ismAttached: 0,
    });
    const rerun = domain.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    expect(rerun).not.toContain("PUT /_plugins/_security/api/rolesmapping/all_access");
    expect(rerun).not.toContain("PUT /_plugins/_ism/policies/cwl-retention");
    expect(domain.mappings.get("all_access")).toMatchObject({
      backend_roles: [HAND_MAPPED],
      users: ["admin"],
    });
  });

  it("updates a changed ISM policy with if_seq_no/if_primary_term and moves managed indices onto it", async () => {
    const domain = new FakeDomain();
    await provision(input(30), deps(domain).deps);
    // Someone else edited the policy meanwhile: the update must use the current sequence number.
    domain.policies.set("cwl-retention", {
      ...domain.policies.get("cwl-retention")!,
      seqNo: 7,
      primaryTerm: 3,
    });
    const summary = await provision(input(90), deps(domain).deps);
    expect(summary).toMatchObject({ ismPolicy: "updated", ismMoved: 2, ismAttached: 0 });
    const put = domain.requestsTo("PUT", "/_plugins/_ism/policies/cwl-retention").at(-1)!;
    expect(Object.fromEntries(put.query)).toEqual({ if_seq_no: "7", if_primary_term: "3" });
    expect(JSON.stringify(domain.policies.get("cwl-retention")?.policy)).toContain('"min_index_age":"90d"');
    expect(domain.indices.get("cwl-2019.04.28")?.policySeqNo).toBe(
      domain.policies.get("cwl-retention")?.seqNo,
    );
    expect(domain.requestsTo("POST", "/_plugins/_ism/change_policy/cwl-*")).toHaveLength(1);
  });

  it("updates a policy it did not write (no revision), and keeps users added by hand", async () => {
    const domain = new FakeDomain();
    domain.policies.set("cwl-retention", {
      policy: { description: "hand-made", default_state: "hot", states: [] },
      seqNo: 4,
      primaryTerm: 1,
    });
    domain.mappings.set("all_access", { ...domain.mappings.get("all_access"), users: ["alice"] });
    const summary = await provision(input(), deps(domain).deps);
    expect(summary.ismPolicy).toBe("updated");
    expect(domain.mappings.get("all_access")).toMatchObject({
      backend_roles: [HAND_MAPPED],
      users: ["alice", "admin"],
    });
  });

  it("maps people's IAM roles and users to readall, keeping what the mapping had", async () => {
    const domain = new FakeDomain();
    domain.mappings.set("readall", {
      backend_roles: ["arn:aws:iam::999999999999:role/ByHand"],
      hosts: [],
      users: [],
    });
    const analyst = "arn:aws:iam::999999999999:role/SecurityAnalyst";
    const auditor = "arn:aws:iam::999999999999:user/auditor";
    const withReaders = provisioningInput({
      endpoint: "search-test-abc123.ap-northeast-1.es.amazonaws.com",
      indexPrefix: "cwl",
      retentionDays: 30,
      forwarderRoleArns: [FORWARDER],
      adminSecretArn: SECRET_ARN,
      readerPrincipals: [analyst, auditor],
    });
    expect(withReaders.readers).toEqual({ roles: ["readall"], backendRoles: [analyst], users: [auditor] });
    expect((await provision(withReaders, deps(domain).deps)).readerRoleMappings).toEqual({
      readall: "updated",
    });
    expect(domain.mappings.get("readall")).toMatchObject({
      backend_roles: ["arn:aws:iam::999999999999:role/ByHand", analyst],
      users: [auditor],
    });
    expect((await provision(withReaders, deps(domain).deps)).readerRoleMappings).toEqual({
      readall: "unchanged",
    });
  });

  it("creates a role mapping that does not exist yet", async () => {
    const domain = new FakeDomain();
    domain.mappings.delete("security_manager");
    expect((await provision(input(), deps(domain).deps)).adminRoleMappings).toEqual({
      all_access: "unchanged",
      security_manager: "updated",
    });
    expect(domain.mappings.get("security_manager")).toEqual({
      backend_roles: [],
      hosts: [],
      users: ["admin"],
      reserved: false,
      hidden: false,
    });
  });

  it("waits for a domain that is still coming up", async () => {
    const domain = new FakeDomain();
    domain.inject(
      "GET /_cluster/health",
      { connectionError: "ECONNREFUSED" },
      { status: 403, body: { message: "User: anonymous is not authorized" } },
      { status: 200, body: { status: "red" } },
    );
    const { deps: d, waits } = deps(domain);
    expect((await provision(input(), d)).domainChecks).toBe(4);
    expect(waits).toEqual([2_000, 4_000, 8_000]);
  });

  it("gives up on a domain that never answers, before the deadline, naming the step", async () => {
    const domain = new FakeDomain();
    for (let i = 0; i < 100; i++)
      domain.inject("GET /_cluster/health", {
        status: 503,
        body: "<html>Service Unavailable</html>",
        contentType: "text/html",
      });
    const { deps: d, waits } = deps(domain, { deadline: 1_700_000_000_000 + 120_000 });
    await expect(provision(input(), d)).rejects.toThrow(
      "step 'waitForDomain' failed: the domain did not become ready in time: 503 <html>Service Unavailable</html>",
    );
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThan(120_000);
  });

  it("retries a step that fails transiently", async () => {
    const domain = new FakeDomain();
    domain.inject("PUT /_index_template/cwl-logs", {
      status: 429,
      body: { error: { type: "too_many_requests", reason: "slow down" } },
    });
    const { deps: d, waits } = deps(domain);
    expect((await provision(input(), d)).indexTemplate).toBe("applied");
    expect(waits).toEqual([1_000]);
    expect(domain.templates.has("cwl-logs")).toBe(true);
  });

  it("stops at the first failing step with its request and OpenSearch's reason", async () => {
    const domain = new FakeDomain();
    domain.inject("PUT /_index_template/cwl-logs", {
      status: 400,
      body: {
        error: {
          type: "mapper_parsing_exception",
          reason: "No handler for type [flat_object] declared on field [requestParameters]",
        },
      },
    });
    const error = await provision(input(), deps(domain).deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisioningError);
    expect((error as ProvisioningError).step).toBe("indexTemplate");
    expect((error as Error).message).toBe(
      "step 'indexTemplate' failed: PUT /_index_template/cwl-logs -> 400 mapper_parsing_exception: No handler for type [flat_object] declared on field [requestParameters]",
    );
    expect(domain.requestsTo("GET", "/_plugins/_ism/policies/cwl-retention")).toHaveLength(0);
  });

  it("names the secret's problem without revealing it", async () => {
    for (const [secret, message] of [
      ["not json", "is not JSON"],
      [JSON.stringify({ username: "admin" }), "bad: password"],
      [JSON.stringify({ username: "admin", password: "short" }), "bad: password"],
      [JSON.stringify({ username: "../x", password: PASSWORD }), "bad: username"],
    ] as const) {
      const domain = new FakeDomain();
      const error = await provision(input(), deps(domain, { readSecret: async () => secret }).deps).catch(
        (e: unknown) => e,
      );
      expect((error as Error).message).toMatch(
        new RegExp(`^step 'masterLogin' failed: secret ${SECRET_ARN}.*${message}`),
      );
      expect((error as Error).message).not.toContain(PASSWORD);
      expect((error as Error).message).not.toContain("short");
      // Nothing was sent: the login comes first.
      expect(domain.requests).toEqual([]);
    }
  });

  it("gets nowhere with a login the domain refuses, and says so at the deadline", async () => {
    const domain = new FakeDomain();
    const wrong = deps(domain, {
      readSecret: async () => JSON.stringify({ username: "admin", password: "Not-the-Passw0rd" }),
    });
    await expect(provision(input(), wrong.deps)).rejects.toThrow(
      /^step 'waitForDomain' failed: the domain did not become ready in time: 401 Unauthorized$/,
    );
    expect(domain.requests.every((r) => r.path === "/_cluster/health")).toBe(true);
  });

  it("fails when Dashboards refuses saved objects, listing them", async () => {
    const domain = new FakeDomain();
    domain.inject("POST /_dashboards/api/saved_objects/_bulk_create", {
      status: 200,
      body: {
        saved_objects: [
          { id: "cwl-index-pattern", type: "index-pattern" },
          { id: "cwl-cloudtrail", type: "dashboard", error: { statusCode: 400, message: "bad panelsJSON" } },
        ],
      },
    });
    await expect(provision(input(), deps(domain).deps)).rejects.toThrow(
      "step 'savedObjects' failed: Dashboards refused 1 object(s): dashboard/cwl-cloudtrail: bad panelsJSON",
    );
  });
});
