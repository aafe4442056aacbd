/**
 * The engine's side of a policy check, without the engine: ResourceValidationArgs and
 * StackValidationArgs built from plain resources, and runners that collect what each policy
 * reports. Used by the policy tests and by the offline check (offline.ts); not part of the pack.
 */
import type {
  EnforcementLevel,
  Policies,
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { AWS_PROVIDER_TYPE } from "./providers";

export const PROJECT = "central-logging";
export const DEFAULT_STACK = "test";

/** How the engine sends a value that is unknown during preview. */
export const UNKNOWN_INPUT = unknownValue;

/**
 * Props as a policy sees them during preview: the framework's own proxy, which throws on reading
 * UNKNOWN_INPUT (its declaration is missing from @pulumi/policy's typings, hence the annotation).
 */
export const asInPreview: (props: Record<string, unknown>) => Record<string, unknown> = unknownCheckingProxy;

/** A resource as a policy receives it: its type, name, inputs (or outputs) and provider. */
export interface ResourceInput {
  type: string;
  name: string;
  props: Record<string, unknown>;
  provider?: PolicyProviderResource;
}

export function urnOf(type: string, name: string, stack = DEFAULT_STACK): string {
  return `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`;
}

/** A reference to an explicit AWS provider with these inputs, as the engine passes it along. */
export function awsProvider(
  name: string,
  props: Record<string, unknown> = {},
  stack = DEFAULT_STACK,
): PolicyProviderResource {
  return { type: AWS_PROVIDER_TYPE, name, urn: urnOf(AWS_PROVIDER_TYPE, name, stack), props };
}

const OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

const pulumiTypeOf = (resourceClass: unknown) =>
  typeof resourceClass === "function" && "__pulumiType" in resourceClass
    ? resourceClass.__pulumiType
    : undefined;

function typeHelpers(type: string, props: Record<string, unknown>) {
  return {
    isType: (resourceClass: unknown) => pulumiTypeOf(resourceClass) === type,
    // The framework returns the props untyped as well: `asType` only narrows the static type.
    asType: (resourceClass: unknown) => (pulumiTypeOf(resourceClass) === type ? (props as never) : undefined),
  };
}

const notApplicable = (reason?: string): never => {
  throw new Error(`policy not applicable: ${reason ?? ""}`);
};
// Policy config is not used by this pack: every policy reads the empty config.
const getConfig = <T extends object>(): T => ({}) as T;

export function resourceArgs(r: ResourceInput, stack = DEFAULT_STACK): ResourceValidationArgs {
  return {
    type: r.type,
    props: r.props,
    urn: urnOf(r.type, r.name, stack),
    name: r.name,
    opts: OPTIONS,
    ...(r.provider ? { provider: r.provider } : {}),
    stackTags: new Map(),
    getConfig,
    notApplicable,
    ...typeHelpers(r.type, r.props),
  };
}

export function stackResource(r: ResourceInput, stack = DEFAULT_STACK): PolicyResource {
  return {
    type: r.type,
    props: r.props,
    urn: urnOf(r.type, r.name, stack),
    name: r.name,
    opts: OPTIONS,
    ...(r.provider ? { provider: r.provider } : {}),
    dependencies: [],
    propertyDependencies: {},
    ...typeHelpers(r.type, r.props),
  };
}

export function stackArgs(resources: readonly ResourceInput[], stack = DEFAULT_STACK): StackValidationArgs {
  return {
    resources: resources.map((r) => stackResource(r, stack)),
    stackTags: new Map(),
    getConfig,
    notApplicable,
  };
}

export interface Reported {
  message: string;
  urn?: string;
}

export async function runResourcePolicy(
  policy: ResourceValidationPolicy,
  args: ResourceValidationArgs,
): Promise<string[]> {
  const reported: string[] = [];
  const validations = policy.validateResource === undefined ? [] : [policy.validateResource].flat();
  for (const validate of validations) await validate(args, (message) => reported.push(message));
  return reported;
}

export async function runStackPolicy(
  policy: StackValidationPolicy,
  args: StackValidationArgs,
): Promise<Reported[]> {
  const reported: Reported[] = [];
  await policy.validateStack(args, (message, urn) =>
    reported.push(urn === undefined ? { message } : { message, urn }),
  );
  return reported;
}

export interface Finding {
  policy: string;
  enforcementLevel: EnforcementLevel;
  /** `<type>::<name>` of the resource reported against; the stack for stack findings without one. */
  resource: string;
  message: string;
}

const isStackPolicy = (p: Policies[number]): p is StackValidationPolicy => "validateStack" in p;

/** Every policy, as the engine runs them: a resource policy on each resource, a stack policy once on all. */
export async function checkAll(
  policies: Policies,
  resources: readonly ResourceInput[],
  stack = DEFAULT_STACK,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const byUrn = new Map(resources.map((r) => [urnOf(r.type, r.name, stack), `${r.type}::${r.name}`]));
  for (const policy of policies) {
    const level = policy.enforcementLevel ?? "advisory";
    const found = (resource: string, message: string) =>
      findings.push({ policy: policy.name, enforcementLevel: level, resource, message });
    if (isStackPolicy(policy)) {
      for (const r of await runStackPolicy(policy, stackArgs(resources, stack))) {
        found(r.urn === undefined ? "(stack)" : (byUrn.get(r.urn) ?? r.urn), r.message);
      }
      continue;
    }
    for (const r of resources) {
      for (const message of await runResourcePolicy(policy, resourceArgs(r, stack))) {
        found(`${r.type}::${r.name}`, message);
      }
    }
  }
  return findings;
}
