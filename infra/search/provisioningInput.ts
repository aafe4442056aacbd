/**
 * The JSON the `aws.lambda.Invocation` passes to the provisioner Lambda. The component builds it
 * with `provisioningInput()` from the pure definitions, so a changed definition changes the input
 * and Pulumi invokes the provisioner again; the Lambda parses it with `provisioningInputSchema`.
 */
import { z } from "zod";
import { dashboardObjects } from "./dashboards";
import { indexPrefixSchema, normalizeEndpoint } from "./indexName";
import { indexTemplate, indexTemplateName } from "./indexTemplate";
import { ismPolicy, ismPolicyId } from "./ismPolicy";
import {
  ADMIN_ROLES,
  IAM_ROLE_ARN,
  IAM_USER_ARN,
  READER_ROLES,
  writerRole,
  writerRoleMapping,
  writerRoleName,
} from "./security";

/** Names that end up as one URL path segment of a security / ISM / template API. */
const pathName = z
  .string()
  .regex(/^[A-Za-z0-9][\w.-]{0,254}$/, { error: "is not a plain name (letters, digits, _ . -)" });

const jsonObject = z.record(z.string(), z.unknown());

const endpoint = z.string().refine((e) => {
  try {
    return normalizeEndpoint(e) === e;
  } catch {
    return false;
  }
}, "is not an endpoint of the form https://<host>");

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/;

/** Bounds the whole run: Lambda stops at 15 minutes, and Pulumi waits for the invocation. */
export const DEFAULT_TIMEOUT_SECONDS = 540;
export const MAX_TIMEOUT_SECONDS = 840;

export const provisioningInputSchema = z.strictObject({
  endpoint,
  indexPrefix: indexPrefixSchema,
  indexTemplate: z.strictObject({ name: pathName, body: jsonObject }),
  ismPolicy: z.strictObject({ id: pathName, body: jsonObject }),
  writer: z.strictObject({
    role: pathName,
    definition: jsonObject,
    backendRoles: z.array(z.string().regex(IAM_ROLE_ARN, { error: "is not an IAM role ARN" })).min(1),
  }),
  admin: z.strictObject({
    secretArn: z.string().regex(SECRET_ARN, { error: "is not a Secrets Manager secret ARN" }),
    roles: z.array(pathName).min(1),
  }),
  /** IAM principals of people: mapped to `roles` (IAM roles as backend roles, IAM users as users). */
  readers: z
    .strictObject({
      roles: z.array(pathName).min(1),
      backendRoles: z.array(z.string().regex(IAM_ROLE_ARN, { error: "is not an IAM role ARN" })),
      users: z.array(z.string().regex(IAM_USER_ARN, { error: "is not an IAM user ARN" })),
    })
    .optional(),
  savedObjects: z.array(
    z.strictObject({
      type: z.string().min(1),
      id: z.string().min(1),
      attributes: jsonObject,
      references: z.array(z.strictObject({ name: z.string(), type: z.string(), id: z.string() })),
    }),
  ),
  timeoutSeconds: z.number().int().min(30).max(MAX_TIMEOUT_SECONDS).optional(),
});

export type ProvisioningInput = z.infer<typeof provisioningInputSchema>;

export interface ProvisioningInputArgs {
  /** The domain endpoint: the bare host (`aws.opensearch.Domain.endpoint`) or `https://<host>`. */
  readonly endpoint: string;
  readonly indexPrefix: string;
  readonly retentionDays: number;
  /** Replicas per daily index; omitted, the domain default applies. */
  readonly replicas?: number;
  /** IAM role ARNs of the forwarder(s): the writer role's backend roles. */
  readonly forwarderRoleArns: readonly string[];
  /** Secret holding `{"username": "...", "password": "..."}` for the Dashboards login user. */
  readonly adminSecretArn: string;
  readonly adminRoles?: readonly string[];
  /** IAM role or user ARNs of people allowed to sign requests (`allowedPrincipals`). */
  readonly readerPrincipals?: readonly string[];
  readonly readerRoles?: readonly string[];
  readonly timeoutSeconds?: number;
}

export function provisioningInput(args: ProvisioningInputArgs): ProvisioningInput {
  const prefix = args.indexPrefix;
  return provisioningInputSchema.parse({
    endpoint: normalizeEndpoint(args.endpoint),
    indexPrefix: prefix,
    indexTemplate: {
      name: indexTemplateName(prefix),
      body: indexTemplate(prefix, args.replicas === undefined ? {} : { replicas: args.replicas }),
    },
    ismPolicy: { id: ismPolicyId(prefix), body: ismPolicy(prefix, args.retentionDays) },
    writer: {
      role: writerRoleName(prefix),
      definition: writerRole(prefix),
      backendRoles: writerRoleMapping(args.forwarderRoleArns).backend_roles,
    },
    admin: { secretArn: args.adminSecretArn, roles: args.adminRoles ?? [...ADMIN_ROLES] },
    ...(args.readerPrincipals && args.readerPrincipals.length > 0
      ? {
          readers: {
            roles: args.readerRoles ?? [...READER_ROLES],
            backendRoles: args.readerPrincipals.filter((p) => IAM_ROLE_ARN.test(p)),
            users: args.readerPrincipals.filter((p) => IAM_USER_ARN.test(p)),
          },
        }
      : {}),
    savedObjects: dashboardObjects(prefix),
    ...(args.timeoutSeconds === undefined ? {} : { timeoutSeconds: args.timeoutSeconds }),
  });
}
