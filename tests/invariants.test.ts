/**
 * Invariants over everything the prod stack registers: no default provider, one provider per
 * (account, region) pinned to its account, assumed roles and default tags, components under
 * the project's type tokens, and policies without wildcards or unguarded service trust.
 */
import { readdirSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { readStackFile } from "../tools/offline/stackFile";
import { list, type Policy, policyOf, type Registered, runStack } from "./support/program";

let p: Registered;
const prod = readStackFile("Pulumi.prod.yaml");

beforeAll(async () => {
  p = await runStack(prod.stack, prod.config);
});

const json = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value);

describe("providers", () => {
  it("registers every AWS resource through an explicit provider", () => {
    const missing = p.resources.filter((r) => r.providerRef === "" || !r.provider);
    expect(missing.map((r) => `${r.type} ${r.name}`)).toEqual([]);
    expect(p.resources.length).toBeGreaterThan(30);
  });

  // One provider (one plugin process on a real deploy) per account: each regional resource names
  // its own region (@pulumi/aws 7), so no provider is needed per (account, region).
  it("names each provider aws-<account> and pins it to that one account, in the fixed provider region", () => {
    for (const provider of p.providers) {
      expect(provider.name).toBe(`aws-${provider.accountId}`);
      expect(json(provider.inputs.allowedAccountIds)).toEqual([provider.accountId]);
      expect(provider.inputs.region).toBe("us-east-1");
    }
  });

  it("creates exactly one provider per account in use, and places every regional resource by its region", () => {
    const accounts = new Set(p.resources.map((r) => r.provider?.accountId));
    expect(p.providers.map((x) => x.accountId).sort()).toEqual([...accounts].sort());
    expect(p.providers.map((x) => x.name).sort()).toEqual(
      [
        "aws-111111111111",
        "aws-222222222222",
        "aws-333333333333",
        "aws-444444444444",
        "aws-555555555555",
      ].sort(),
    );
    // Every resource but IAM's (global) names its region; the placements of the old per-region
    // providers are all still in use.
    const regional = p.resources.filter((r) => !r.type.startsWith("aws:iam/"));
    expect(regional.filter((r) => typeof r.inputs.region !== "string").map((r) => r.type)).toEqual([]);
    expect([...new Set(regional.map((r) => p.where(r)))].sort()).toEqual(
      [
        "111111111111/eu-west-1",
        "111111111111/us-east-1",
        "111111111111/us-east-2",
        "111111111111/us-west-2",
        "222222222222/us-east-2",
        "333333333333/eu-west-1",
        "333333333333/us-east-1",
        "444444444444/eu-west-1",
        "555555555555/us-east-2",
      ].sort(),
    );
  });

  it("assumes the configured deployer role of each account", () => {
    for (const provider of p.providers) {
      expect(json(provider.inputs.assumeRoles)).toEqual([
        {
          roleArn: `arn:aws:iam::${provider.accountId}:role/CentralLoggingDeployer`,
          sessionName: "central-logging-prod",
        },
      ]);
    }
  });

  it("tags everything ManagedBy=central-logging and Stack=prod", () => {
    for (const provider of p.providers) {
      expect(json(provider.inputs.defaultTags)).toEqual({
        tags: { ManagedBy: "central-logging", Stack: "prod" },
      });
    }
  });
});

describe("components", () => {
  it("uses central-logging:<module>:<Name> type tokens", () => {
    const types = new Set(p.components.map((c) => c.type));
    expect([...types].sort()).toEqual([
      // operations.alarms (on by default): one per account and region with health alarms.
      "central-logging:operations:OperationsAlarms",
      "central-logging:recipient:ArchiveBucket",
      "central-logging:recipient:ArchiveDelivery",
      "central-logging:recipient:Athena",
      "central-logging:recipient:GunzipProcessor",
      "central-logging:recipient:Recipient",
      "central-logging:recipient:RegionalDestination",
      "central-logging:source:SourceAccount",
    ]);
  });

  it("names source components by account id, never by list position", () => {
    const names = p.components
      .filter((c) => c.type === "central-logging:source:SourceAccount")
      .map((c) => c.name);
    expect(names.sort()).toEqual(
      ["222222222222", "333333333333", "444444444444", "555555555555"].map((a) => `source-${a}`),
    );
    // And the operations alarms by account and region (the recipient's by its one home region).
    expect(
      p.components
        .filter((c) => c.type === "central-logging:operations:OperationsAlarms")
        .map((c) => c.name)
        .sort(),
    ).toEqual([
      "recipient-operations",
      "source-222222222222-us-east-2-operations",
      "source-333333333333-eu-west-1-operations",
      "source-333333333333-us-east-1-operations",
      "source-444444444444-eu-west-1-operations",
    ]);
  });
});

describe("policies", () => {
  const documents = (): { name: string; doc: Policy }[] =>
    p.resources.flatMap((r) =>
      ["policy", "assumeRolePolicy", "accessPolicy"]
        .filter((key) => typeof r.inputs[key] === "string")
        .map((key) => ({ name: `${r.name}.${key}`, doc: policyOf(r, key) })),
    );

  it("parses every policy document", () => {
    expect(documents().length).toBeGreaterThan(10);
    for (const { doc } of documents()) expect(doc.Version).toBe("2012-10-17");
  });

  it("grants no wildcard action and no wildcard resource", () => {
    for (const { name, doc } of documents()) {
      for (const s of doc.Statement.filter((x) => x.Effect === "Allow")) {
        const actions = list(s.Action);
        expect(
          actions.filter((a) => a.includes("*")),
          name,
        ).toEqual([]);
        expect(s.Resource, name).not.toBe("*");
      }
    }
  });

  it("guards every service trust with a confused-deputy condition", () => {
    const trusts = p.resources.filter((r) => typeof r.inputs.assumeRolePolicy === "string");
    expect(trusts.length).toBeGreaterThanOrEqual(5);
    for (const role of trusts) {
      for (const s of policyOf(role, "assumeRolePolicy").Statement) {
        const keys = Object.values(s.Condition ?? {}).flatMap((c) => Object.keys(c));
        expect(
          keys.some((k) => ["aws:SourceArn", "aws:SourceAccount", "sts:ExternalId"].includes(k)),
          role.name,
        ).toBe(true);
      }
    }
  });

  it("gives each regional destination exactly the accounts that forward in its region", () => {
    const admitted = Object.fromEntries(
      p
        .ofType("aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy")
        .map((r) => [r.region, policyOf(r, "accessPolicy").Statement[0]?.Principal]),
    );
    expect(admitted).toEqual({
      "eu-west-1": { AWS: ["333333333333", "444444444444"] },
      "us-east-1": { AWS: ["333333333333"] },
      "us-east-2": { AWS: ["222222222222"] },
    });
  });
});

describe("stack files", () => {
  it.each(readdirSync(".").filter((f) => /^Pulumi\..+\.yaml$/.test(f)))(
    "%s disables default providers",
    (file) => {
      expect(readStackFile(file).config["pulumi:disable-default-providers"]).toEqual(["*"]);
    },
  );
});
