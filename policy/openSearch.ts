/**
 * OpenSearch domains: encrypted at rest and between nodes, HTTPS only with TLS 1.2 or later, and
 * fine-grained access control on. The legacy Elasticsearch resource has the same settings.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isRecord } from "./preview";

export const DOMAIN_TYPES: readonly string[] = [
  "aws:opensearch/domain:Domain",
  "aws:elasticsearch/domain:Domain",
];

export const RECOMMENDED_TLS_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10";

/** `Policy-Min-TLS-1-<minor>-...`: the name carries the lowest TLS version the endpoint accepts. */
export function tlsPolicyIsAtLeast12(policy: unknown): boolean {
  const minor = typeof policy === "string" ? /^Policy-Min-TLS-1-(\d+)-/.exec(policy)?.[1] : undefined;
  return minor !== undefined && Number(minor) >= 2;
}

const enabled = (block: unknown) => isRecord(block) && block.enabled === true;

export function domainViolations(props: Record<string, unknown>): string[] {
  const endpoint = isRecord(props.domainEndpointOptions) ? props.domainEndpointOptions : {};
  const tls = endpoint.tlsSecurityPolicy;
  return [
    ...(enabled(props.encryptAtRest) ? [] : ["encryption at rest is off: set encryptAtRest.enabled"]),
    ...(enabled(props.nodeToNodeEncryption)
      ? []
      : ["node-to-node encryption is off: set nodeToNodeEncryption.enabled"]),
    ...(endpoint.enforceHttps === true
      ? []
      : ["HTTPS is not enforced: set domainEndpointOptions.enforceHttps"]),
    ...(tlsPolicyIsAtLeast12(tls)
      ? []
      : [
          `TLS policy ${typeof tls === "string" ? tls : "(unset)"} does not require TLS 1.2: ` +
            `set domainEndpointOptions.tlsSecurityPolicy to ${RECOMMENDED_TLS_POLICY}`,
        ]),
    ...(enabled(props.advancedSecurityOptions)
      ? []
      : ["fine-grained access control is off: set advancedSecurityOptions.enabled"]),
  ];
}

export const openSearchDomainSecure: ResourceValidationPolicy = {
  name: "opensearch-domain-secure",
  description:
    "OpenSearch domains encrypt at rest and node-to-node, enforce HTTPS with TLS 1.2+, and turn on fine-grained access control.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!DOMAIN_TYPES.includes(args.type)) return;
    for (const message of domainViolations(args.props)) reportViolation(message);
  },
};
