import { describe, expect, it } from "vitest";
import { dashboardObjects } from "./dashboards";
import { indexTemplate } from "./indexTemplate";
import { ismPolicy } from "./ismPolicy";
import { provisioningInput, provisioningInputSchema } from "./provisioningInput";
import { writerRole } from "./security";

const FORWARDER = "arn:aws:iam::999999999999:role/central-logging-dev-search-forwarder";
const SECRET =
  "arn:aws:secretsmanager:ap-northeast-1:999999999999:secret:central-logging-dev-dashboards-admin-AbCdEf";
const HOST = "search-central-logging-dev-abc123.ap-northeast-1.es.amazonaws.com";

const args = {
  endpoint: HOST,
  indexPrefix: "cwl",
  retentionDays: 30,
  forwarderRoleArns: [FORWARDER],
  adminSecretArn: SECRET,
};

describe("provisioningInput", () => {
  it("assembles the pure definitions into the Invocation's input", () => {
    const input = provisioningInput(args);
    expect(input).toEqual({
      endpoint: `https://${HOST}`,
      indexPrefix: "cwl",
      indexTemplate: { name: "cwl-logs", body: JSON.parse(JSON.stringify(indexTemplate("cwl"))) },
      ismPolicy: { id: "cwl-retention", body: JSON.parse(JSON.stringify(ismPolicy("cwl", 30))) },
      writer: {
        role: "cwl-writer",
        definition: JSON.parse(JSON.stringify(writerRole("cwl"))),
        backendRoles: [FORWARDER],
      },
      admin: { secretArn: SECRET, roles: ["all_access", "security_manager"] },
      savedObjects: JSON.parse(JSON.stringify(dashboardObjects("cwl"))),
    });
  });

  it("survives JSON (what the Invocation sends) unchanged", () => {
    const input = provisioningInput({
      ...args,
      replicas: 2,
      timeoutSeconds: 600,
      adminRoles: ["all_access"],
    });
    const parsed = provisioningInputSchema.parse(JSON.parse(JSON.stringify(input)));
    expect(parsed).toEqual(input);
    expect(parsed.timeoutSeconds).toBe(600);
    expect(parsed.admin.roles).toEqual(["all_access"]);
    expect(parsed.indexTemplate.body).toMatchObject({
      template: { settings: { "index.number_of_replicas": 2 } },
    });
  });

  it("changes when a definition input changes, so Pulumi invokes the provisioner again", () => {
    const a = JSON.stringify(provisioningInput(args));
    expect(JSON.stringify(provisioningInput(args))).toBe(a);
    expect(JSON.stringify(provisioningInput({ ...args, retentionDays: 31 }))).not.toBe(a);
    expect(JSON.stringify(provisioningInput({ ...args, replicas: 0 }))).not.toBe(a);
  });

  it("refuses bad input with the offending path", () => {
    const good = provisioningInput(args);
    const cases: [unknown, string][] = [
      [{ ...good, endpoint: `http://${HOST}` }, "endpoint"],
      [{ ...good, indexPrefix: "CWL" }, "indexPrefix"],
      [
        { ...good, writer: { ...good.writer, backendRoles: ["arn:aws:iam::1:user/x"] } },
        "writer.backendRoles.0",
      ],
      [{ ...good, writer: { ...good.writer, role: "../all_access" } }, "writer.role"],
      [{ ...good, admin: { ...good.admin, secretArn: "my-secret" } }, "admin.secretArn"],
      [{ ...good, timeoutSeconds: 900 }, "timeoutSeconds"],
      [{ ...good, extra: 1 }, ""],
    ];
    for (const [input, path] of cases) {
      const result = provisioningInputSchema.safeParse(input);
      expect(result.success, path).toBe(false);
      expect(result.error?.issues[0]?.path.join("."), path).toBe(path);
    }
  });

  it("throws for bad builder arguments", () => {
    expect(() => provisioningInput({ ...args, forwarderRoleArns: [] })).toThrow(/backend role/);
    expect(() => provisioningInput({ ...args, retentionDays: 0 })).toThrow(/retentionDays/);
    expect(() => provisioningInput({ ...args, endpoint: `http://${HOST}` })).toThrow(/https/);
  });
});
