import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  mergeRoleMapping,
  type RoleMapping,
  roleMappingFromResponse,
  writerRole,
  writerRoleMapping,
  writerRoleName,
} from "./security";

const MASTER = "arn:aws:iam::999999999999:role/central-logging-dev-search-provisioner";
const FORWARDER = "arn:aws:iam::999999999999:role/central-logging-dev-search-forwarder";

describe("writerRole", () => {
  it("allows bulk indexing and daily index creation on <prefix>-* only", () => {
    expect(writerRoleName("cwl")).toBe("cwl-writer");
    expect(JSON.parse(JSON.stringify(writerRole("cwl")))).toEqual({
      description: "central-logging forwarder: bulk-index into cwl-*",
      cluster_permissions: ["indices:data/write/bulk"],
      index_permissions: [
        {
          index_patterns: ["cwl-*"],
          allowed_actions: [
            "indices:data/write/bulk*",
            "indices:data/write/index",
            "indices:admin/create",
            "indices:admin/mapping/put",
          ],
        },
      ],
    });
  });

  it("grants no wildcard action, no read and no delete", () => {
    const role = writerRole("cwl");
    const actions = [
      ...role.cluster_permissions,
      ...role.index_permissions.flatMap((p) => p.allowed_actions),
    ];
    for (const a of actions) {
      expect(a).not.toMatch(/^\*|:\*|\/\*$|read|delete|unlimited|all/);
    }
    expect(role.index_permissions.flatMap((p) => p.index_patterns)).toEqual(["cwl-*"]);
  });
});

describe("writerRoleMapping", () => {
  it("maps exactly the forwarder's IAM role, once", () => {
    expect(writerRoleMapping([FORWARDER, FORWARDER])).toEqual({
      backend_roles: [FORWARDER],
      hosts: [],
      users: [],
    });
  });

  it("refuses an empty list and anything but IAM role ARNs", () => {
    expect(() => writerRoleMapping([])).toThrow(/at least one backend role/);
    expect(() => writerRoleMapping(["arn:aws:iam::999999999999:user/alice"])).toThrow(/not an IAM role ARN/);
    expect(() => writerRoleMapping(["*"])).toThrow(/not an IAM role ARN/);
  });
});

describe("roleMappingFromResponse", () => {
  it("reads the GET response of an AWS domain's all_access mapping, dropping read-only flags", () => {
    const body = {
      all_access: {
        hosts: [],
        users: [],
        reserved: false,
        hidden: false,
        backend_roles: [MASTER],
        and_backend_roles: [],
        description: "Maps master role",
      },
    };
    expect(roleMappingFromResponse("all_access", body)).toEqual({
      backend_roles: [MASTER],
      hosts: [],
      users: [],
      description: "Maps master role",
    });
  });

  it("keeps and_backend_roles when set, and treats a missing mapping as empty", () => {
    expect(roleMappingFromResponse("r", { r: { users: ["u"], and_backend_roles: ["a", "b"] } })).toEqual({
      backend_roles: [],
      hosts: [],
      users: ["u"],
      and_backend_roles: ["a", "b"],
    });
    expect(roleMappingFromResponse("r", undefined)).toEqual({ backend_roles: [], hosts: [], users: [] });
    expect(roleMappingFromResponse("r", { status: "NOT_FOUND" })).toEqual({
      backend_roles: [],
      hosts: [],
      users: [],
    });
  });
});

describe("mergeRoleMapping", () => {
  const allAccess: RoleMapping = { backend_roles: [MASTER], hosts: ["10.0.0.1"], users: ["ops"] };

  it("adds the admin user and keeps the master backend role, hosts and users", () => {
    const { mapping, changed } = mergeRoleMapping(allAccess, { users: ["admin"] });
    expect(changed).toBe(true);
    expect(mapping).toEqual({ backend_roles: [MASTER], hosts: ["10.0.0.1"], users: ["ops", "admin"] });
  });

  it("changes nothing on a re-run", () => {
    const once = mergeRoleMapping(allAccess, { users: ["admin"] }).mapping;
    expect(mergeRoleMapping(once, { users: ["admin"] })).toEqual({ mapping: once, changed: false });
  });

  const names = fc.array(fc.stringMatching(/^[a-z]{1,6}$/), { maxLength: 6 });
  const mappings = fc.record({ backend_roles: names, hosts: names, users: names });

  it("never drops an entry, always contains the additions, is idempotent", () => {
    fc.assert(
      fc.property(mappings, names, names, (existing, users, backendRoles) => {
        const { mapping, changed } = mergeRoleMapping(existing, { users, backendRoles });
        expect(mapping.hosts).toEqual(existing.hosts);
        expect(mapping.users.slice(0, existing.users.length)).toEqual(existing.users);
        expect(mapping.backend_roles.slice(0, existing.backend_roles.length)).toEqual(existing.backend_roles);
        for (const u of users) expect(mapping.users).toContain(u);
        for (const r of backendRoles) expect(mapping.backend_roles).toContain(r);
        const missing =
          users.some((u) => !existing.users.includes(u)) ||
          backendRoles.some((r) => !existing.backend_roles.includes(r));
        expect(changed).toBe(missing);
        expect(mergeRoleMapping(mapping, { users, backendRoles })).toEqual({ mapping, changed: false });
      }),
    );
  });
});
