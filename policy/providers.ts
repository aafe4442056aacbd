/**
 * No default provider: every AWS resource goes through an explicit provider, and every AWS
 * provider pins `allowedAccountIds` to exactly one account, so a wrong credential fails instead
 * of deploying into the wrong account.
 */
import type { PolicyProviderResource, ResourceValidationPolicy } from "@pulumi/policy";

export const AWS_PROVIDER_TYPE = "pulumi:providers:aws";

/** The engine names a package's default provider `default` or `default_<version>`. */
export function isDefaultProviderUrn(urn: string): boolean {
  const [type = "", name = ""] = urn.split("::").slice(-2);
  return type.startsWith("pulumi:providers:") && (name === "default" || name.startsWith("default_"));
}

export function explicitProviderViolations(provider: PolicyProviderResource | undefined): string[] {
  if (!provider) return ["the engine reported no provider: pass an explicit aws.Provider"];
  if (isDefaultProviderUrn(provider.urn)) {
    return [`uses the default AWS provider (${provider.urn}): pass an explicit aws.Provider`];
  }
  return [];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `allowedAccountIds` as the engine sees it: a list, or (from the Node SDK) its JSON text. */
export function allowedAccountIds(value: unknown): string[] | undefined {
  const list = typeof value === "string" ? parseJson(value) : value;
  return Array.isArray(list) && list.every((id): id is string => typeof id === "string") ? list : undefined;
}

export function pinnedAccountViolations(providerName: string, props: Record<string, unknown>): string[] {
  const ids = allowedAccountIds(props.allowedAccountIds);
  if (ids === undefined || ids.length === 0) {
    return [
      `provider ${providerName} does not set allowedAccountIds: pin it to the one account it deploys into`,
    ];
  }
  if (ids.length > 1) {
    return [`provider ${providerName} allows ${ids.length} accounts (${ids.join(", ")}): pin exactly one`];
  }
  const [id = ""] = ids;
  return /^\d{12}$/.test(id)
    ? []
    : [`provider ${providerName} pins '${id}', which is not a 12-digit account id`];
}

export const awsExplicitProvider: ResourceValidationPolicy = {
  name: "aws-explicit-provider",
  description:
    "Every AWS resource names an explicit aws.Provider; the default provider uses ambient credentials.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!args.type.startsWith("aws:")) return;
    for (const message of explicitProviderViolations(args.provider)) reportViolation(message);
  },
};

export const awsProviderPinsOneAccount: ResourceValidationPolicy = {
  name: "aws-provider-pins-one-account",
  description: "Every AWS provider sets allowedAccountIds to exactly one account.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== AWS_PROVIDER_TYPE) return;
    for (const message of pinnedAccountViolations(args.name, args.props)) reportViolation(message);
  },
};
