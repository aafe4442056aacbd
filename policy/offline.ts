/**
 * The policies against the real program run under Pulumi's mocks (tools/offline): every
 * registered resource and provider becomes what the engine would hand the pack. Not part of the
 * pack (it imports the program); `npm run policy:check` and the program tests use it.
 */
import type { PolicyProviderResource } from "@pulumi/policy";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import type { RecordingMocks, ResourceRecord } from "../tools/offline/mocks";
import { AWS_PROVIDER_TYPE } from "./providers";
import { awsProvider, type ResourceInput, urnOf } from "./validation";

/** The engine reports the provider a resource went through; `""` from the mocks is the default one. */
function providerOf(record: ResourceRecord, stack: string): PolicyProviderResource | undefined {
  if (!record.custom) return undefined;
  if (record.provider) return awsProvider(record.provider.name, record.provider.inputs, stack);
  const pkg = record.type.split(":")[0] ?? "";
  if (record.providerRef === "") {
    const type = `pulumi:providers:${pkg}`;
    return { type, name: "default", urn: urnOf(type, "default", stack), props: {} };
  }
  const urn = record.providerRef.slice(0, record.providerRef.lastIndexOf("::"));
  const [type = "", name = ""] = urn.split("::").slice(-2);
  return { type, name, urn, props: {} };
}

/**
 * The engine hands a pack secret values in plain form (@pulumi/policy unpacks them when it
 * deserializes props); the mocks record them wrapped in the secret signature.
 */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record[specialSigKey] === specialSecretSig) return unwrapSecrets(record.value);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/** Providers first (the engine registers them before their resources), then everything else. */
export function policyInputs(mocks: RecordingMocks, stack: string): ResourceInput[] {
  const providers = [...mocks.providers.values()].map((p) => ({
    type: AWS_PROVIDER_TYPE,
    name: p.name,
    props: p.inputs,
  }));
  const resources = mocks.resources.map((r) => {
    const provider = providerOf(r, stack);
    const props = unwrapSecrets(r.inputs) as Record<string, unknown>;
    return { type: r.type, name: r.name, props, ...(provider ? { provider } : {}) };
  });
  return [...providers, ...resources];
}
