/**
 * Records are encrypted at rest on their way to the archive. Kinesis streams use KMS. A Firehose
 * either encrypts itself (`serverSideEncryption`, which AWS offers for direct put only) or reads a
 * Kinesis stream (see infra/archive/archiveDelivery.ts): then the stream holds the records at
 * rest, so it must be one of this stack's streams and KMS-encrypted.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { isRecord, type PlainResource, type StackViolation, toPlain, UNKNOWN } from "./preview";
import { allowedAccountIds } from "./providers";

export const STREAM_TYPE = "aws:kinesis/stream:Stream";
export const FIREHOSE_TYPE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream";

export function streamEncryptionViolations(props: Record<string, unknown>): string[] {
  const type = props.encryptionType;
  if (type === "KMS") return [];
  return [
    `stream is not encrypted at rest (encryptionType ${String(type ?? "unset")}): set encryptionType KMS`,
  ];
}

export function firehoseEncryptionViolations(props: Record<string, unknown>): string[] {
  if (isRecord(props.kinesisSourceConfiguration)) return []; // firehose-source-stream-encrypted checks the stream
  const sse = props.serverSideEncryption;
  if (isRecord(sse) && sse.enabled === true) return [];
  return [
    "Firehose does not encrypt at rest: enable serverSideEncryption (direct put) " +
      "or read from a KMS-encrypted Kinesis stream (kinesisSourceConfiguration)",
  ];
}

export interface StreamArn {
  region: string;
  account: string;
  name: string;
}

export function parseStreamArn(arn: string): StreamArn | undefined {
  const match = /^arn:[\w-]+:kinesis:([\w-]+):(\d{12}):stream\/(.+)$/.exec(arn);
  if (!match) return undefined;
  const [, region = "", account = "", name = ""] = match;
  return { region, account, name };
}

function isStream(stream: PlainResource, arn: string): boolean {
  if (typeof stream.props.arn === "string") return stream.props.arn === arn;
  // Before `pulumi up` the stream has no ARN yet: compare its name, its provider's account, and its
  // region (its own `region` input, @pulumi/aws 7, else its provider's).
  const parsed = parseStreamArn(arn);
  const region = typeof stream.props.region === "string" ? stream.props.region : stream.providerProps.region;
  const ids = allowedAccountIds(stream.providerProps.allowedAccountIds);
  return (
    parsed !== undefined &&
    stream.props.name === parsed.name &&
    (typeof region !== "string" || region === parsed.region) &&
    (ids?.length !== 1 || ids[0] === parsed.account)
  );
}

const sourceStreamArn = (firehose: PlainResource) => {
  const source = firehose.props.kinesisSourceConfiguration;
  return isRecord(source) ? source.kinesisStreamArn : undefined;
};

/** Plain resources of the stack in, findings out. A source ARN unknown during preview is judged after `pulumi up`. */
export function sourceStreamViolations(resources: readonly PlainResource[]): StackViolation[] {
  const streams = resources.filter((r) => r.type === STREAM_TYPE);
  return resources
    .filter((r) => r.type === FIREHOSE_TYPE)
    .flatMap((firehose) => {
      const arn = sourceStreamArn(firehose);
      if (typeof arn !== "string") return [];
      const stream = streams.find((s) => isStream(s, arn));
      if (!stream) {
        // A stream whose name is still unknown may be the one.
        if (streams.some((s) => s.props.name === UNKNOWN)) return [];
        const message = `Firehose reads ${arn}, which this stack does not manage: its encryption cannot be checked`;
        return [{ urn: firehose.urn, message }];
      }
      const type = stream.props.encryptionType;
      if (type === "KMS" || type === UNKNOWN) return [];
      const message = `Firehose reads ${arn}, which is not KMS-encrypted (encryptionType ${String(type ?? "unset")})`;
      return [{ urn: firehose.urn, message }];
    });
}

export const kinesisStreamEncrypted: ResourceValidationPolicy = {
  name: "kinesis-stream-encrypted",
  description: "Every Kinesis stream sets encryptionType KMS.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== STREAM_TYPE) return;
    for (const message of streamEncryptionViolations(args.props)) reportViolation(message);
  },
};

export const firehoseEncrypted: ResourceValidationPolicy = {
  name: "firehose-encrypted",
  description: "Every Firehose enables server-side encryption or reads from a Kinesis stream.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== FIREHOSE_TYPE) return;
    for (const message of firehoseEncryptionViolations(args.props)) reportViolation(message);
  },
};

export const firehoseSourceStreamEncrypted: StackValidationPolicy = {
  name: "firehose-source-stream-encrypted",
  description: "A Firehose that reads a Kinesis stream reads one of this stack's KMS-encrypted streams.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const relevant = args.resources.filter((r) => r.type === FIREHOSE_TYPE || r.type === STREAM_TYPE);
    for (const v of sourceStreamViolations(relevant.map(toPlain))) reportViolation(v.message, v.urn);
  },
};
