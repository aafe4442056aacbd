import { describe, expect, it } from "vitest";
import { archiveBucketSecure, S3_TYPES } from "./archiveBucket";
import {
  asInPreview,
  type ResourceInput,
  runStackPolicy,
  stackArgs,
  UNKNOWN_INPUT,
  urnOf,
} from "./validation";

const NAME = "central-logging-dev-archive-999999999999-ap-northeast-1";
const ARN = `arn:aws:s3:::${NAME}`;
const [BUCKET, ENCRYPTION, VERSIONING, PUBLIC_ACCESS, POLICY] = [
  S3_TYPES.bucket[0],
  S3_TYPES.encryption[0],
  S3_TYPES.versioning[0],
  S3_TYPES.publicAccessBlock[0],
  S3_TYPES.policy[0],
];

const tlsDeny = (extra: object = {}) => ({
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: [ARN, `${ARN}/*`],
  Condition: { Bool: { "aws:SecureTransport": "false" } },
  ...extra,
});
const policyDoc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

const bucket: ResourceInput = { type: BUCKET, name: "archive", props: { bucket: NAME, forceDestroy: false } };
const encryption: ResourceInput = {
  type: ENCRYPTION,
  name: "archive-encryption",
  props: {
    bucket: NAME,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
  },
};
const versioning: ResourceInput = {
  type: VERSIONING,
  name: "archive-versioning",
  props: { bucket: NAME, versioningConfiguration: { status: "Enabled" } },
};
const publicAccess: ResourceInput = {
  type: PUBLIC_ACCESS,
  name: "archive-public-access",
  props: {
    bucket: NAME,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  },
};
const bucketPolicy: ResourceInput = {
  type: POLICY,
  name: "archive-policy",
  props: { bucket: NAME, policy: policyDoc(tlsDeny()) },
};
const secure = [bucket, encryption, versioning, publicAccess, bucketPolicy];

const check = (...resources: ResourceInput[]) => runStackPolicy(archiveBucketSecure, stackArgs(resources));
const replace = (r: ResourceInput, props: Record<string, unknown>) =>
  secure.map((x) => (x === r ? { ...r, props } : x));
const at = (r: ResourceInput, message: string) => ({ urn: urnOf(r.type, r.name), message });
const missingEverything = (r: ResourceInput, name: string) => [
  at(r, `bucket ${name} is not encrypted: no aws.s3.BucketServerSideEncryptionConfiguration names it`),
  at(r, `bucket ${name} is not versioned: no aws.s3.BucketVersioning names it`),
  at(r, `bucket ${name} does not block public access: no aws.s3.BucketPublicAccessBlock names it`),
  at(r, `bucket ${name} accepts plain HTTP: no aws.s3.BucketPolicy names it`),
];

describe("archive-bucket-secure", () => {
  it("passes the archive bucket as the program builds it", async () => {
    expect(await check(...secure)).toEqual([]);
  });

  it("passes the deprecated V2 resource types as well", async () => {
    const v2 = (r: ResourceInput, type: string) => ({ ...r, type });
    expect(
      await check(
        v2(bucket, "aws:s3/bucketV2:BucketV2"),
        v2(encryption, S3_TYPES.encryption[1]),
        v2(versioning, S3_TYPES.versioning[1]),
        publicAccess,
        bucketPolicy,
      ),
    ).toEqual([]);
  });

  it.each([
    [
      encryption,
      `bucket ${NAME} is not encrypted: no aws.s3.BucketServerSideEncryptionConfiguration names it`,
    ],
    [versioning, `bucket ${NAME} is not versioned: no aws.s3.BucketVersioning names it`],
    [publicAccess, `bucket ${NAME} does not block public access: no aws.s3.BucketPublicAccessBlock names it`],
    [bucketPolicy, `bucket ${NAME} accepts plain HTTP: no aws.s3.BucketPolicy names it`],
  ])("fails a bucket without its %s", async (missing, message) => {
    expect(await check(...secure.filter((r) => r !== missing))).toEqual([at(bucket, message)]);
  });

  it("counts only the settings that name the bucket", async () => {
    const others = [encryption, versioning, publicAccess, bucketPolicy].map((r) => ({
      ...r,
      props: { ...r.props, bucket: "someone-elses" },
    }));
    expect(await check(bucket, ...others)).toEqual(missingEverything(bucket, NAME));
  });

  it("fails weak or missing default encryption", async () => {
    expect(await check(...replace(encryption, { bucket: NAME, rules: [] }))).toEqual([
      at(encryption, `bucket ${NAME} has no default encryption rule`),
    ]);
    const none = { bucket: NAME, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "NONE" } }] };
    expect(await check(...replace(encryption, none))).toEqual([
      at(encryption, `default encryption of bucket ${NAME} is NONE, not AES256 or aws:kms`),
    ]);
    expect(
      await check(...replace(encryption, { bucket: NAME, rules: [{ bucketKeyEnabled: true }] })),
    ).toEqual([at(encryption, `default encryption of bucket ${NAME} is unset, not AES256 or aws:kms`)]);
  });

  it("refuses a bucket key with SSE-S3, which S3 ignores, and accepts it with SSE-KMS", async () => {
    const keyed = (sseAlgorithm: string) => ({
      bucket: NAME,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm }, bucketKeyEnabled: true }],
    });
    expect(await check(...replace(encryption, keyed("AES256")))).toEqual([
      at(
        encryption,
        `bucket ${NAME} sets bucketKeyEnabled with AES256: a bucket key applies only to SSE-KMS`,
      ),
    ]);
    expect(await check(...replace(encryption, keyed("aws:kms")))).toEqual([]);
  });

  it("passes SSE-KMS", async () => {
    const kms = {
      bucket: NAME,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }],
    };
    expect(await check(...replace(encryption, kms))).toEqual([]);
  });

  it("fails suspended versioning", async () => {
    expect(
      await check(...replace(versioning, { bucket: NAME, versioningConfiguration: { status: "Suspended" } })),
    ).toEqual([at(versioning, `versioning of bucket ${NAME} is Suspended, not Enabled`)]);
  });

  it("fails a public access block that leaves settings off", async () => {
    const open = { ...publicAccess.props, blockPublicPolicy: false, restrictPublicBuckets: undefined };
    expect(await check(...replace(publicAccess, open))).toEqual([
      at(
        publicAccess,
        `public access block of bucket ${NAME} leaves blockPublicPolicy, restrictPublicBuckets off`,
      ),
    ]);
  });

  describe("TLS-only bucket policy", () => {
    const withPolicy = (policy: string) => check(...replace(bucketPolicy, { bucket: NAME, policy }));
    const PLAIN_HTTP =
      `bucket policy of ${NAME} does not refuse plain HTTP: deny s3:* to everyone on ` +
      `${ARN} and ${ARN}/* when aws:SecureTransport is false`;

    it.each([
      ["split over two statements", [tlsDeny({ Resource: ARN }), tlsDeny({ Resource: `${ARN}/*` })]],
      [
        "with Principal {AWS: *}, Action * and a boolean false",
        [
          tlsDeny({
            Principal: { AWS: "*" },
            Action: "*",
            Condition: { Bool: { "aws:SecureTransport": false } },
          }),
        ],
      ],
      [
        "beside other statements",
        [
          {
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:GetBucketAcl",
            Resource: ARN,
          },
          tlsDeny(),
        ],
      ],
    ])("passes a deny %s", async (_, statements) => {
      expect(await withPolicy(policyDoc(...statements))).toEqual([]);
    });

    it.each([
      [
        "no deny at all",
        [
          {
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:GetBucketAcl",
            Resource: ARN,
          },
        ],
      ],
      ["a deny that covers the objects only", [tlsDeny({ Resource: `${ARN}/*` })]],
      [
        "a deny on SecureTransport true",
        [tlsDeny({ Condition: { Bool: { "aws:SecureTransport": "true" } } })],
      ],
      ["a deny for one account only", [tlsDeny({ Principal: { AWS: "111111111111" } })]],
      ["a deny of one action only", [tlsDeny({ Action: "s3:GetObject" })]],
      ["a deny on another bucket", [tlsDeny({ Resource: ["arn:aws:s3:::other", "arn:aws:s3:::other/*"] })]],
    ])("fails %s", async (_, statements) => {
      expect(await withPolicy(policyDoc(...statements))).toEqual([at(bucketPolicy, PLAIN_HTTP)]);
    });

    it("fails a policy that does not parse", async () => {
      expect(await withPolicy("{")).toEqual([
        at(bucketPolicy, `bucket policy of ${NAME} is not a policy document (not valid JSON)`),
      ]);
    });
  });

  it("judges each bucket on its own", async () => {
    const second: ResourceInput = { type: BUCKET, name: "second", props: { bucket: "second-bucket" } };
    expect(await check(...secure, second)).toEqual(missingEverything(second, "second-bucket"));
  });

  describe("during preview", () => {
    const preview = (r: ResourceInput, props: Record<string, unknown>): ResourceInput => ({
      ...r,
      props: asInPreview(props),
    });

    it("does not judge a bucket whose name is unknown", async () => {
      expect(await check(preview(bucket, { bucket: UNKNOWN_INPUT }))).toEqual([]);
    });

    it("does not call a setting missing while one of its kind names an unknown bucket", async () => {
      const pending = preview(versioning, {
        bucket: UNKNOWN_INPUT,
        versioningConfiguration: { status: "Enabled" },
      });
      expect(await check(...secure.filter((r) => r !== versioning), pending)).toEqual([]);
    });

    it("does not judge settings whose values are unknown", async () => {
      const resources = [
        bucket,
        preview(encryption, {
          bucket: NAME,
          rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: UNKNOWN_INPUT } }],
        }),
        preview(versioning, { bucket: NAME, versioningConfiguration: UNKNOWN_INPUT }),
        preview(publicAccess, { ...publicAccess.props, blockPublicAcls: UNKNOWN_INPUT }),
        preview(bucketPolicy, { bucket: NAME, policy: UNKNOWN_INPUT }),
      ];
      expect(await check(...resources)).toEqual([]);
    });

    it("still fails what is already known to be wrong", async () => {
      const resources = [
        preview(bucket, { bucket: NAME, arn: UNKNOWN_INPUT }),
        encryption,
        versioning,
        publicAccess,
      ];
      expect(await check(...resources)).toEqual([
        at(bucket, `bucket ${NAME} accepts plain HTTP: no aws.s3.BucketPolicy names it`),
      ]);
    });
  });
});
