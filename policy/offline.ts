/**
 * The policies against the real program run under Pulumi's mocks (infra/offline): every
 * registered resource and provider becomes what the engine would hand the pack. Not part of the
 * pack (it imports the program); `npm run policy:check` and the program tests use it.
 */
import type { PolicyProviderResource } from "@pulumi/policy";
import type { RecordingMocks, ResourceRecord } from "../infra/offline/mocks";
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

/** Providers first (the engine registers them before their resources), then everything else. */
export function policyInputs(mocks: RecordingMocks, stack: string): ResourceInput[] {
  const providers = [...mocks.providers.values()].map((p) => ({
    type: AWS_PROVIDER_TYPE,
    name: p.name,
    props: p.inputs,
  }));
  const resources = mocks.resources.map((r) => {
    const provider = providerOf(r, stack);
    return { type: r.type, name: r.name, props: r.inputs, ...(provider ? { provider } : {}) };
  });
  return [...providers, ...resources];
}
