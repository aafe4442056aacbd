/**
 * The pack as `pulumi preview --policy-pack policy` runs it, without the CLI: the Node language
 * host resolves `@pulumi/pulumi/cmd/run-policy-pack` from the pack's folder and starts it there
 * with `<engine address> <pack folder>`; the runner compiles index.ts with ts-node (type-checked,
 * policy/tsconfig.json), the PolicyPack prints its gRPC port, and the engine calls the Analyzer
 * service. This test plays the engine's part over the same protocol (@pulumi/pulumi's generated
 * client, on the @grpc/grpc-js and google-protobuf that @pulumi/pulumi itself depends on).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { join, resolve } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
  AnalyzeRequest,
  type AnalyzeResponse,
  type AnalyzerInfo,
  AnalyzerProviderResource,
  AnalyzerResource,
  AnalyzerResourceOptions,
  AnalyzeStackRequest,
  EnforcementLevel,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policies } from "./policies";
import { AWS_PROVIDER_TYPE } from "./providers";
import { UNKNOWN_INPUT, urnOf } from "./validation";

const ROOT = resolve(__dirname, "..");
const PACK = join(ROOT, "policy");

let runner: ChildProcess | undefined;
let client: AnalyzerClient;

/** What the language host's locateModule does: resolve the runner from the pack's folder. */
const resolveRunner = () =>
  execFileSync(
    process.execPath,
    ["-e", "console.log(require.resolve('@pulumi/pulumi/cmd/run-policy-pack'))"],
    {
      cwd: PACK,
      encoding: "utf8",
    },
  ).trim();

function startPack(): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolveRunner(), "127.0.0.1:0", PACK], {
      cwd: PACK,
      stdio: ["ignore", "pipe", "pipe"],
    });
    runner = child;
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.once("data", (chunk: Buffer) => done(Number(chunk.toString().trim())));
    child.once("exit", (code) => fail(new Error(`policy pack exited with ${code}:\n${stderr}`)));
  });
}

beforeAll(async () => {
  const port = await startPack();
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

afterAll(() => {
  client?.close();
  runner?.kill();
});

const unary = <T>(call: (callback: (err: grpc.ServiceError | null, response: T) => void) => unknown) =>
  new Promise<T>((done, fail) => call((err, response) => (err ? fail(err) : done(response))));

const provider = (name: string, props: Record<string, unknown>) =>
  new AnalyzerProviderResource()
    .setType(AWS_PROVIDER_TYPE)
    .setName(name)
    .setUrn(urnOf(AWS_PROVIDER_TYPE, name))
    .setProperties(Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]));

const EXPLICIT = provider("aws-999999999999-ap-northeast-1", { allowedAccountIds: '["999999999999"]' });

function analyze(
  type: string,
  props: Record<string, unknown>,
  withProvider = EXPLICIT,
): Promise<AnalyzeResponse> {
  const request = new AnalyzeRequest()
    .setType(type)
    .setName("r")
    .setUrn(urnOf(type, "r"))
    .setProperties(Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]))
    .setOptions(new AnalyzerResourceOptions())
    .setProvider(withProvider);
  return unary((callback) => client.analyze(request, callback));
}

/** The framework puts the policy's description in front of each message it reports. */
const reported = (policy: string, message: string) =>
  `${policies.find((p) => p.name === policy)?.description}\n${message}`;

const diagnostics = (response: AnalyzeResponse) =>
  response.getDiagnosticsList().map((d) => ({
    policy: d.getPolicyname(),
    mandatory: d.getEnforcementlevel() === EnforcementLevel.MANDATORY,
    message: d.getMessage(),
  }));

describe("the policy pack under the Pulumi runner", () => {
  it("resolves the runner from the repository's node_modules, as the language host does", () => {
    expect(resolveRunner()).toBe(join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js"));
  });

  it("serves the pack: its name, version (policy/package.json) and policies", async () => {
    const info = await unary<AnalyzerInfo>((callback) => client.getAnalyzerInfo(new Empty(), callback));
    expect(info.getName()).toBe("central-logging");
    expect(info.getVersion()).toBe("0.1.0");
    expect(
      info
        .getPoliciesList()
        .map((p) => [p.getName(), p.getEnforcementlevel() === EnforcementLevel.MANDATORY]),
    ).toEqual(policies.map((p) => [p.name, p.name !== "no-partial-wildcard-actions"]));
  });

  it("reports mandatory violations of a resource", async () => {
    const defaultProvider = provider("default_7_48_0", {});
    expect(
      diagnostics(await analyze("aws:cloudwatch/logGroup:LogGroup", { name: "lg" }, defaultProvider)),
    ).toEqual([
      {
        policy: "aws-explicit-provider",
        mandatory: true,
        message: reported(
          "aws-explicit-provider",
          `uses the default AWS provider (${urnOf(AWS_PROVIDER_TYPE, "default_7_48_0")}): pass an explicit aws.Provider`,
        ),
      },
      {
        policy: "log-group-retention",
        mandatory: true,
        message: reported("log-group-retention", "log group keeps its events forever: set retentionInDays"),
      },
    ]);
  });

  it("passes a compliant resource", async () => {
    expect(diagnostics(await analyze("aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 30 }))).toEqual(
      [],
    );
  });

  it("turns a value unknown in preview into an advisory, not a failure", async () => {
    const response = await analyze("aws:cloudwatch/logGroup:LogGroup", { retentionInDays: UNKNOWN_INPUT });
    expect(diagnostics(response)).toEqual([
      {
        policy: "log-group-retention",
        mandatory: false,
        message:
          "can't run policy 'log-group-retention' from policy pack 'central-logging@v0.1.0' during preview: " +
          "string value at .retentionInDays can't be known during preview",
      },
    ]);
  });

  it("runs the stack policies over the whole stack", async () => {
    const bucketUrn = urnOf("aws:s3/bucket:Bucket", "archive");
    const bucket = new AnalyzerResource()
      .setType("aws:s3/bucket:Bucket")
      .setName("archive")
      .setUrn(bucketUrn)
      .setProperties(Struct.fromJavaScript({ bucket: "b" }))
      .setOptions(new AnalyzerResourceOptions())
      .setProvider(EXPLICIT);
    const request = new AnalyzeStackRequest().setResourcesList([bucket]);
    const response = await unary<AnalyzeResponse>((callback) => client.analyzeStack(request, callback));
    const bucketMessages = [
      "bucket b is not encrypted: no aws.s3.BucketServerSideEncryptionConfiguration names it",
      "bucket b is not versioned: no aws.s3.BucketVersioning names it",
      "bucket b does not block public access: no aws.s3.BucketPublicAccessBlock names it",
      "bucket b accepts plain HTTP: no aws.s3.BucketPolicy names it",
    ];
    expect(
      response
        .getDiagnosticsList()
        .map((d) => [d.getPolicyname(), d.getEnforcementlevel(), d.getUrn(), d.getMessage()]),
    ).toEqual(
      bucketMessages.map((m) => [
        "archive-bucket-secure",
        EnforcementLevel.MANDATORY,
        bucketUrn,
        reported("archive-bucket-secure", m),
      ]),
    );
  });
});
