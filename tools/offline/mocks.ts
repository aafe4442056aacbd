/**
 * Pulumi mocks that stand in for the engine and the AWS provider: every registration is recorded
 * with the account and region of the provider it went through, and answered with realistic ids
 * and ARNs so that Outputs resolve. Used by the offline plan and by the tests.
 */
import type * as pulumi from "@pulumi/pulumi";

export const AWS_PROVIDER_TYPE = "pulumi:providers:aws";

/** IAM is global: its resources are in an account but in no region (they name none). */
export function isGlobalType(type: string): boolean {
  return type.startsWith("aws:iam/");
}

export interface ProviderRecord {
  name: string;
  id: string;
  accountId: string;
  region: string;
  /** The provider's inputs as the engine would see them (non-strings arrive as JSON text). */
  inputs: Record<string, unknown>;
}

export interface ResourceRecord {
  type: string;
  name: string;
  custom: boolean;
  inputs: Record<string, unknown>;
  /** The raw provider reference `<urn>::<id>`, `""` when the default provider would be used. */
  providerRef: string;
  /** The provider it resolved to; undefined for components and for default-provider resources. */
  provider?: ProviderRecord;
  /**
   * The region it is deployed in: its own `region` input (@pulumi/aws 7; one provider serves all
   * of an account's regions), else its provider's. Global resources (IAM) get the provider's.
   */
  region?: string;
  /** The explicit provider of a resource of another package (`random`): its type and name. */
  packageProvider?: { type: string; name: string };
  /** `<type>::<name>` of the parent; undefined at the stack root. */
  parent?: string;
  /** `<type>::<name>` of everything it waits for: `dependsOn` and the resources its inputs come from. */
  dependsOn: string[];
}

/** `urn:pulumi:<stack>::<project>::<parent$type>::<name>` -> `<type>::<name>` */
export function urnKey(urn: string): string {
  const parts = urn.split("::");
  const name = parts.slice(3).join("::");
  const type = (parts[2] ?? "").split("$").pop() ?? "";
  return `${type}::${name}`;
}

export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly providers = new Map<string, ProviderRecord>();
  /** Explicit providers of other packages (`pulumi:providers:random`), by id. */
  readonly packageProviders = new Map<string, { type: string; name: string }>();
  readonly resources: ResourceRecord[] = [];
  private readonly links = new Map<string, { parent?: string; dependsOn: string[] }>();

  /** `stackReferences`: the outputs each referenced stack (`org/project/stack`) answers with. */
  constructor(private readonly stackReferences: Record<string, Record<string, unknown>> = {}) {}

  /** Called by the monitor with what `MockResourceArgs` leaves out: parent and dependencies. */
  noteLinks(type: string, name: string, parentUrn: string, dependencyUrns: string[]): void {
    const isStackRoot = parentUrn === "" || parentUrn.includes("::pulumi:pulumi:Stack::");
    this.links.set(`${type}::${name}`, {
      ...(isStackRoot ? {} : { parent: urnKey(parentUrn) }),
      dependsOn: [...new Set(dependencyUrns.map(urnKey))].sort(),
    });
  }

  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    if (args.type === AWS_PROVIDER_TYPE) {
      const id = `provider-${args.name}`;
      const allowed = parseJson(inputs.allowedAccountIds);
      const record: ProviderRecord = {
        name: args.name,
        id,
        accountId: Array.isArray(allowed) && typeof allowed[0] === "string" ? allowed[0] : "",
        region: typeof inputs.region === "string" ? inputs.region : "",
        inputs,
      };
      this.providers.set(id, record);
      return { id, state: inputs };
    }
    if (args.type === "pulumi:pulumi:StackReference") {
      const name = typeof inputs.name === "string" ? inputs.name : args.name;
      // An unknown stack reads as a stack with no outputs, as Pulumi does for one never deployed.
      return { id: name, state: { name, outputs: this.stackReferences[name] ?? {}, secretOutputNames: [] } };
    }
    if (args.type.startsWith("pulumi:providers:")) {
      const id = `provider-${args.name}`;
      this.packageProviders.set(id, { type: args.type, name: args.name });
      return { id, state: inputs };
    }
    const providerRef = args.provider ?? "";
    const providerId = providerRef.split("::").pop() ?? "";
    const provider = this.providers.get(providerId);
    const packageProvider = this.packageProviders.get(providerId);
    const links = this.links.get(`${args.type}::${args.name}`) ?? { dependsOn: [] };
    const region = typeof inputs.region === "string" ? inputs.region : provider?.region;
    this.resources.push({
      type: args.type,
      name: args.name,
      custom: args.custom ?? true,
      inputs,
      providerRef,
      provider,
      ...(region ? { region } : {}),
      ...(packageProvider ? { packageProvider } : {}),
      ...links,
    });
    if (args.custom === false) return { id: undefined, state: {} };
    const physical = physicalName(args.type, args.name, inputs);
    return {
      id: physical,
      state: {
        ...inputs,
        ...(typeof inputs.name === "string" || !("name" in inputs) ? { name: physical } : {}),
        arn: arnFor(args.type, physical, provider, region),
        ...typeSpecificState(args.type, physical, provider, region),
      },
    };
  }

  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    // The program makes no invokes (policies are plain data); an invoke is a bug to surface.
    throw new Error(`central-logging offline: unexpected invoke ${args.token}`);
  }
}

/** Outputs a real provider computes that the program reads (names, endpoints, versions, random values). */
function typeSpecificState(
  type: string,
  physical: string,
  provider: ProviderRecord | undefined,
  resourceRegion: string | undefined,
): Record<string, unknown> {
  const region = resourceRegion ?? "us-east-1";
  const account = provider?.accountId ?? "000000000000";
  switch (type) {
    case "aws:s3/bucket:Bucket":
      return { bucket: physical };
    case "aws:sqs/queue:Queue":
      return { url: `https://sqs.${region}.amazonaws.com/${account}/${physical}` };
    case "aws:opensearch/domain:Domain":
      return {
        endpoint: `search-${physical}-mock.${region}.es.amazonaws.com`,
        dashboardEndpoint: `search-${physical}-mock.${region}.es.amazonaws.com/_dashboards`,
      };
    case "aws:secretsmanager/secretVersion:SecretVersion":
      return { versionId: `${physical}-version` };
    case "random:index/randomPassword:RandomPassword":
      return { result: "Mock-Password-0123456789-!#%" };
    default:
      return {};
  }
}

function physicalName(type: string, logicalName: string, inputs: Record<string, unknown>): string {
  if (type === "aws:s3/bucket:Bucket" && typeof inputs.bucket === "string") return inputs.bucket;
  if (type === "aws:opensearch/domain:Domain" && typeof inputs.domainName === "string")
    return inputs.domainName;
  if (typeof inputs.name === "string") return inputs.name;
  return `${logicalName}-id`;
}

function arnFor(
  type: string,
  physical: string,
  provider: ProviderRecord | undefined,
  resourceRegion: string | undefined,
): string {
  const region = resourceRegion ?? "us-east-1";
  const account = provider?.accountId ?? "000000000000";
  switch (type) {
    case "aws:s3/bucket:Bucket":
      return `arn:aws:s3:::${physical}`;
    case "aws:iam/role:Role":
      return `arn:aws:iam::${account}:role/${physical}`;
    case "aws:kinesis/stream:Stream":
      return `arn:aws:kinesis:${region}:${account}:stream/${physical}`;
    case "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
      return `arn:aws:firehose:${region}:${account}:deliverystream/${physical}`;
    case "aws:cloudwatch/logDestination:LogDestination":
      return `arn:aws:logs:${region}:${account}:destination:${physical}`;
    case "aws:cloudwatch/logGroup:LogGroup":
      return `arn:aws:logs:${region}:${account}:log-group:${physical}`;
    case "aws:lambda/function:Function":
      return `arn:aws:lambda:${region}:${account}:function:${physical}`;
    case "aws:sqs/queue:Queue":
      return `arn:aws:sqs:${region}:${account}:${physical}`;
    case "aws:opensearch/domain:Domain":
      return `arn:aws:es:${region}:${account}:domain/${physical}`;
    case "aws:secretsmanager/secret:Secret":
      return `arn:aws:secretsmanager:${region}:${account}:secret:${physical}-AbCdEf`;
    case "aws:cloudwatch/eventBus:EventBus":
      return `arn:aws:events:${region}:${account}:event-bus/${physical}`;
    default: {
      const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
      return `arn:aws:${service}:${region}:${account}:${physical}`;
    }
  }
}

function parseJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
