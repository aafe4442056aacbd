import { describe, expect, it } from "vitest";
import { openSearchDomainSecure, tlsPolicyIsAtLeast12 } from "./openSearch";
import { resourceArgs, runResourcePolicy } from "./validation";

const OPENSEARCH = "aws:opensearch/domain:Domain";
const check = (props: Record<string, unknown>, type = OPENSEARCH) =>
  runResourcePolicy(openSearchDomainSecure, resourceArgs({ type, name: "search", props }));

const secure = {
  domainName: "central-logging",
  encryptAtRest: { enabled: true },
  nodeToNodeEncryption: { enabled: true },
  domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
  advancedSecurityOptions: { enabled: true, internalUserDatabaseEnabled: false },
};

describe("opensearch-domain-secure", () => {
  it("passes a secure domain, OpenSearch or legacy Elasticsearch", async () => {
    expect(await check(secure)).toEqual([]);
    expect(await check(secure, "aws:elasticsearch/domain:Domain")).toEqual([]);
  });

  it("fails a domain without encryption at rest", async () => {
    expect(await check({ ...secure, encryptAtRest: { enabled: false } })).toEqual([
      "encryption at rest is off: set encryptAtRest.enabled",
    ]);
  });

  it("fails a domain without node-to-node encryption", async () => {
    expect(await check({ ...secure, nodeToNodeEncryption: undefined })).toEqual([
      "node-to-node encryption is off: set nodeToNodeEncryption.enabled",
    ]);
  });

  it("fails a domain that does not enforce HTTPS", async () => {
    const endpoint = { ...secure.domainEndpointOptions, enforceHttps: false };
    expect(await check({ ...secure, domainEndpointOptions: endpoint })).toEqual([
      "HTTPS is not enforced: set domainEndpointOptions.enforceHttps",
    ]);
  });

  it("fails a domain that accepts TLS 1.0", async () => {
    const endpoint = { ...secure.domainEndpointOptions, tlsSecurityPolicy: "Policy-Min-TLS-1-0-2019-07" };
    expect(await check({ ...secure, domainEndpointOptions: endpoint })).toEqual([
      "TLS policy Policy-Min-TLS-1-0-2019-07 does not require TLS 1.2: set domainEndpointOptions.tlsSecurityPolicy to Policy-Min-TLS-1-2-PFS-2023-10",
    ]);
  });

  it("fails a domain without fine-grained access control", async () => {
    expect(await check({ ...secure, advancedSecurityOptions: { enabled: false } })).toEqual([
      "fine-grained access control is off: set advancedSecurityOptions.enabled",
    ]);
  });

  it("reports every missing setting of a bare domain", async () => {
    expect(await check({ domainName: "bare" })).toEqual([
      "encryption at rest is off: set encryptAtRest.enabled",
      "node-to-node encryption is off: set nodeToNodeEncryption.enabled",
      "HTTPS is not enforced: set domainEndpointOptions.enforceHttps",
      "TLS policy (unset) does not require TLS 1.2: set domainEndpointOptions.tlsSecurityPolicy to Policy-Min-TLS-1-2-PFS-2023-10",
      "fine-grained access control is off: set advancedSecurityOptions.enabled",
    ]);
  });

  it("ignores domain policies", async () => {
    expect(await check({}, "aws:opensearch/domainPolicy:DomainPolicy")).toEqual([]);
  });

  it.each([
    ["Policy-Min-TLS-1-2-2019-07", true],
    ["Policy-Min-TLS-1-2-PFS-2023-10", true],
    ["Policy-Min-TLS-1-3-2030-01", true],
    ["Policy-Min-TLS-1-0-2019-07", false],
    ["TLS-1-2", false],
    [undefined, false],
  ])("%s requires TLS 1.2 or later: %s", (policy, expected) => {
    expect(tlsPolicyIsAtLeast12(policy)).toBe(expected);
  });
});
