/**
 * Parenting and creation order, read from what the engine receives: every AWS resource sits
 * under one of the project's components, and each resource that AWS checks against a policy at
 * create time waits for that policy (subscription filter -> destination policy, destination ->
 * role policy and target, Firehose / Lambda / flow log -> their role policy).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readStackFile } from "../tools/offline/stackFile";
import { type Registered, runStack, T } from "./support/program";

let p: Registered;

beforeAll(async () => {
  const dev = readStackFile("Pulumi.dev.yaml");
  p = await runStack(dev.stack, dev.config);
});

const key = (type: string, name: string) => `${type}::${name}`;

describe("parenting", () => {
  it("puts every AWS resource under a central-logging component", () => {
    for (const r of p.resources) expect(r.parent ?? "(stack root)", r.name).toMatch(/^central-logging:/);
  });

  it("nests components under Recipient and SourceAccount only", () => {
    const roots = p.components.filter((c) => c.parent === undefined).map((c) => c.type);
    expect(new Set(roots)).toEqual(
      new Set(["central-logging:recipient:Recipient", "central-logging:source:SourceAccount"]),
    );
  });
});

describe("creation order", () => {
  it("creates each subscription filter after the access policy of its region's destination", () => {
    const filters = p.ofType(T.filter);
    // Four configured; and the canaries' (operations.canary): 111111111111 in ap-northeast-1 and
    // us-east-2, 222222222222 in us-east-2.
    expect(filters.length).toBe(4 + 3);
    expect(
      filters
        .filter((f) => f.name.endsWith(":central-logging-dev-canary"))
        .map((f) => p.where(f))
        .sort(),
    ).toEqual(["111111111111/ap-northeast-1", "111111111111/us-east-2", "222222222222/us-east-2"]);
    for (const filter of filters) {
      const region = filter.region;
      expect(filter.dependsOn, filter.name).toContain(
        key(T.destinationPolicy, `recipient-destination-${region}-policy`),
      );
    }
  });

  it("creates each destination after its role's permissions and its target", () => {
    for (const destination of p.ofType(T.destination)) {
      expect(destination.dependsOn).toContain(key(T.rolePolicy, "recipient-destination-role-policy"));
      expect(destination.dependsOn).toContain(key(T.stream, "recipient-stream"));
    }
  });

  it("creates the Firehose after its role policy, the stream and the bucket, the Lambda after its own", () => {
    expect(p.one(T.firehose, "recipient-delivery").dependsOn).toEqual(
      expect.arrayContaining([
        key(T.rolePolicy, "recipient-delivery-role-policy"),
        key(T.stream, "recipient-stream"),
        key(T.bucket, "recipient-archive"),
      ]),
    );
    expect(p.one(T.lambda, "recipient-delivery-gunzip").dependsOn).toContain(
      key(T.rolePolicy, "recipient-delivery-gunzip-role-policy"),
    );
  });

  it("creates the events Firehose after its role policy and the archive bucket, event targets after their roles", () => {
    expect(p.one(T.firehose, "recipient-events-firehose").dependsOn).toEqual(
      expect.arrayContaining([
        key(T.rolePolicy, "recipient-events-firehose-role-policy"),
        key(T.bucket, "recipient-archive"),
      ]),
    );
    for (const target of p.ofType("aws:cloudwatch/eventTarget:EventTarget")) {
      expect(
        target.dependsOn.some((d) => d.startsWith(`${T.rolePolicy}::`) && d.endsWith("role-policy")),
      ).toBe(true);
      expect(target.dependsOn.some((d) => d.startsWith("aws:sqs/queuePolicy:QueuePolicy::"))).toBe(true);
    }
  });

  it("creates the flow log after its role policy, the bucket policy after the public-access block", () => {
    expect(p.one(T.flowLog).dependsOn).toContain(
      key(T.rolePolicy, "source-111111111111-us-east-2-flow-logs-role-policy"),
    );
    expect(p.one(T.bucketPolicy, "recipient-archive-policy").dependsOn).toContain(
      key(T.publicAccess, "recipient-archive-public-access"),
    );
  });
});
