/**
 * Log forwarding's part of the stack-config schema: a source's subscriptions, flow logs and
 * account-wide forwarding; the recipient's organization mode and trust-policy quota.
 */
import { z } from "zod";
import { TRUST_POLICY_DEFAULT_MAX_CHARS, TRUST_POLICY_RAISED_MAX_CHARS } from "../kernel/policyDocument";
import {
  FILTER_PATTERN_RULE,
  filterName,
  filterPattern,
  int,
  logGroupName,
  type Resolved,
  type RuleContext,
  region,
  retentionDays,
} from "../kernel/schema";

/** CloudWatch Logs allows at most two subscription filters per log group (a fixed quota). */
export const MAX_FILTERS_PER_LOG_GROUP = 2;

const SubscriptionSchema = z
  .strictObject({
    logGroup: logGroupName.meta({
      description:
        "An existing log group of the account: 1–512 characters of `a-z A-Z 0-9 _ - / . #`. It must exist at deploy time (the offline plan cannot check that).",
    }),
    region: region.optional().meta({
      description: "Required when the account lists several regions; must be one of the account's `regions`.",
      defaultText: "the account's only region",
    }),
    filterPattern: filterPattern.default("").meta({
      description: `Passed to CloudWatch Logs exactly as written. ${FILTER_PATTERN_RULE}`,
    }),
    filterName: filterName.optional().meta({
      description:
        "1–512 characters, no `:` or `*`. Two filters on one log group need distinct names (CloudWatch Logs allows two per group).",
      defaultText: "`{p}`",
    }),
  })
  .meta({
    description:
      "Forward a log group that **already exists** in the source account; the program never creates or adopts it.",
  });

const FlowLogSchema = z
  .strictObject({
    vpcId: z
      .string()
      .regex(/^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/, { error: "is not a VPC id (vpc-xxxxxxxx)" })
      .meta({ description: "`vpc-` and 8 or 17 hex digits. One flow log per VPC and region." }),
    region: region.optional().meta({
      description: "Required when the account lists several regions; must be one of the account's `regions`.",
      defaultText: "the account's only region",
    }),
    trafficType: z
      .enum(["ALL", "ACCEPT", "REJECT"], { error: "must be ALL, ACCEPT or REJECT" })
      .default("ALL")
      .meta({ description: "Which traffic the flow log records; upper case." }),
    logGroup: logGroupName.optional().meta({
      description:
        "A **new** log group that `pulumi up` creates (it must not already exist: delete a hand-made one or `pulumi import` it first). Same characters as a subscription's `logGroup`; unique per account and region among the flow logs.",
      defaultText: "`vpc-flow-logs/<vpcId>`",
    }),
    retentionDays: retentionDays.default(30).meta({
      description:
        "Days the flow-log group keeps events; CloudWatch Logs accepts only its fixed retention periods.",
    }),
    forward: z.boolean().default(true).meta({
      description:
        "Forward the flow-log group to the recipient (empty filter pattern). `false` keeps the flow logs in the source account only.",
    }),
    filterName: filterName.optional().meta({
      description: "The subscription filter's name, as for subscriptions.",
      defaultText: "`{p}`",
    }),
  })
  .meta({
    description:
      "A VPC flow log into a **new** log group that this program creates; the group is forwarded whole (empty filter pattern) unless `forward: false`.",
  });

const ForwardAllSchema = z
  .strictObject({
    regions: z.array(region).min(1, { error: "must list at least one region" }).optional().meta({
      description:
        "Regions of the account to forward every log group of; each one of the account's `regions`, none twice. A region where the account forwards nothing else still gets a destination.",
      defaultText: "all of the account's `regions`",
    }),
    filterPattern: filterPattern.default("").meta({
      description: `Applies to every log group the policy covers. ${FILTER_PATTERN_RULE}`,
    }),
    exclude: z.array(logGroupName).default([]).meta({
      description:
        "Log groups to leave out, besides the pipeline's own and those with an entry of their own. Exact names only: CloudWatch Logs accepts only `LogGroupName NOT IN [...]` as selection criteria.",
    }),
  })
  .meta({
    description:
      "One **account-level subscription filter policy** `{p}-forward-all` per region: every log group of the account in that region, including groups created later, goes to that region's destination. Present, even as `{}`, it covers all of the account's regions. What it leaves out, and why: [Account-wide forwarding](organization.md#account-wide-forwarding-forwardall).",
  });

/** A source's forwarding keys. */
export const forwardingSourceKeys = {
  subscriptions: z
    .array(SubscriptionSchema)
    .default([])
    .meta({ description: "Existing log groups to forward." }),
  flowLogs: z.array(FlowLogSchema).default([]).meta({ description: "VPC flow logs to create." }),
  forwardAll: ForwardAllSchema.optional().meta({
    description: "Account-wide forwarding: one account-level subscription filter policy per region.",
  }),
};

/** The recipient's forwarding keys: who may send to the destinations. */
export const forwardingRecipientKeys = {
  organizationId: z
    .string()
    .regex(/^o-[a-z0-9]{10,32}$/, { error: "is not an AWS Organizations id (o- and 10-32 of a-z 0-9)" })
    .optional()
    .meta({
      description:
        "`o-` and 10–32 of `a-z 0-9`. Set, it switches on [organization mode](organization.md#organization-mode): destinations admit the whole organization (`aws:PrincipalOrgID`) instead of listing accounts, so adding an account changes nothing on the recipient side, and each source account gets sender roles. The recipient and every source must be in this organization.",
    }),
  trustPolicyMaxChars: int(TRUST_POLICY_DEFAULT_MAX_CHARS, TRUST_POLICY_RAISED_MAX_CHARS)
    .default(TRUST_POLICY_DEFAULT_MAX_CHARS)
    .meta({
      description:
        "The recipient account's IAM quota \"Role trust policy length\" (raise it in Service Quotas, then set it here). Without `organizationId` the destination role's trust lists every sending account per region, and a config that outgrows this is refused (see [Policy size limits](validation.md#policy-size-limits)).",
    }),
};

export type TrafficType = z.output<typeof FlowLogSchema>["trafficType"];
export type Subscription = Resolved<z.output<typeof SubscriptionSchema>, "region" | "filterName">;
export type FlowLog = Resolved<z.output<typeof FlowLogSchema>, "region" | "logGroup" | "filterName">;
export type ForwardAllSettings = Resolved<z.output<typeof ForwardAllSchema>, "regions">;

/** `forwardAll`'s regions: the account's own, none twice; unset means all of them. */
export function resolveForwardAll(
  source: { regions: string[]; forwardAll?: z.output<typeof ForwardAllSchema> },
  ctx: RuleContext,
): ForwardAllSettings | undefined {
  if (!source.forwardAll) return undefined;
  const f = source.forwardAll;
  const regions = f.regions ?? source.regions;
  f.regions?.forEach((r, i) => {
    if (!source.regions.includes(r))
      ctx.fail(
        ctx.at("forwardAll", "regions", i),
        `is not one of this account's regions (${source.regions.join(", ")})`,
      );
  });
  regions.forEach((r, i) => {
    if (regions.indexOf(r) !== i) ctx.fail(ctx.at("forwardAll", "regions", i), "is listed twice");
  });
  return { regions, filterPattern: f.filterPattern, exclude: f.exclude };
}
