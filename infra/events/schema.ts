/**
 * The events archive's part of the stack-config schema: a source's EventBridge rules and the
 * recipient's events Firehose buffering.
 */
import { z } from "zod";
import { buffering } from "../archive/schema";
import { formatPath } from "../kernel/messages";
import { NAME_RULES } from "../kernel/nameLimits";
import { kebabName, type Resolved, type RuleContext, region } from "../kernel/schema";
import { checkEventPattern, DEFAULT_EVENT_PATTERN, eventPatternJson } from "./eventPattern";

/** IAM, STS and sign-in events reach EventBridge only in us-east-1 (they are global services). */
export const IAM_EVENTS_REGION = "us-east-1";

/**
 * An EventBridge rule in the source account (the EventBridge write-up). The pattern defaults to the
 * write-up's: IAM API calls recorded by CloudTrail, which surface only in us-east-1.
 */
const EventRuleSchema = z
  .strictObject({
    name: kebabName.default("iam").meta({
      description:
        "1–63 lowercase letters, digits and hyphens. The rule is `{p}-<name>`, at most 64 characters; unique per region within the account.",
    }),
    region: region.optional().meta({
      description:
        "Any region (not only the account's `regions`). IAM, STS and sign-in events reach EventBridge only in us-east-1. With a `pattern`, required when the account lists several regions.",
      defaultText: "`us-east-1` without `pattern`; with one, the account's only region",
    }),
    pattern: z
      .unknown()
      .superRefine((pattern, ctx) => {
        if (pattern === undefined) return;
        const check = checkEventPattern(pattern);
        if (!check.ok)
          ctx.addIssue({ code: "custom", message: `is not a valid event pattern: ${check.message}` });
      })
      .optional()
      .meta({
        description:
          "An EventBridge event pattern, checked before anything is deployed: a non-empty object; every leaf a non-empty list of values or of one-filter objects (`prefix`, `suffix`, `anything-but`, `numeric`, `exists`, `cidr`, `equals-ignore-case`, `wildcard`); `$or` a list of at least two patterns; at most 4,096 characters as JSON. Passed to EventBridge as compact JSON.",
        defaultText: '`{"source":["aws.iam"],"detail-type":["AWS API Call via CloudTrail"]}`',
        jsonSchema: { type: ["object", "string"] },
      }),
    readOnlyEvents: z.boolean().default(false).meta({
      description:
        "`true` sets the rule state `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`, so read-only management events delivered by CloudTrail match too; `false` is `ENABLED`.",
    }),
    description: z.string().max(512).optional().meta({
      description: "The rule's description.",
      defaultText: "`central-logging: events matching the '<name>' pattern into the archive`",
    }),
  })
  .meta({
    description:
      "One EventBridge rule `{p}-<name>` on the account's default event bus in `region`, delivering to the recipient's event bus ([Events archive](events.md)). `- name: iam`, or even `- {}`, is the EventBridge write-up's rule.",
  });

/** A source's events key. */
export const eventsSourceKeys = {
  events: z
    .array(EventRuleSchema)
    .default([])
    .meta({ description: "EventBridge rules whose events reach the recipient's events archive." }),
};

/** The recipient's events key. */
export const eventsRecipientKeys = {
  events: buffering.prefault({}).meta({
    description:
      "Buffering of the events Firehose `{p}-events` ([Events archive](events.md)), partitioned too; used only when a source has `events`.",
  }),
};

/** `pattern` is the JSON text EventBridge takes. */
export type EventRuleSettings = Resolved<Omit<z.output<typeof EventRuleSchema>, "pattern">, "region"> & {
  pattern: string;
};

/** EventBridge rules: IAM events (the default pattern) surface only in us-east-1. */
export function resolveEvents(
  source: { accountId: string; regions: string[]; events: z.output<typeof EventRuleSchema>[] },
  ctx: RuleContext,
): EventRuleSettings[] {
  const { prefix, at, fail } = ctx;
  const events: EventRuleSettings[] = [];
  const ruleNames = new Map<string, number>();
  source.events.forEach((e, i) => {
    let r = e.region;
    if (r === undefined && e.pattern === undefined) r = IAM_EVENTS_REGION;
    else if (r === undefined && source.regions.length === 1) r = source.regions[0];
    else if (r === undefined)
      fail(
        at("events", i, "region"),
        `is required for a custom pattern: account ${source.accountId} has several regions (${source.regions.join(", ")})`,
      );
    const ruleMax = NAME_RULES.eventRule.max;
    if (prefix.length + 1 + e.name.length > ruleMax)
      fail(
        at("events", i, "name"),
        `makes the rule name '${prefix}-${e.name}' longer than ${ruleMax} characters`,
      );
    const key = `${r}/${e.name}`;
    const first = ruleNames.get(key);
    if (first !== undefined) {
      const path = at("events", i, "name");
      const shown = ctx.given(path) === undefined ? `'${e.name}' (default) ` : "";
      ctx.report(
        `${formatPath(path)}: ${shown || `'${e.name}' `}is used twice in ${r} (also events[${first}]); set a distinct name`,
      );
    }
    ruleNames.set(key, i);
    if (r === undefined) return;
    events.push({
      name: e.name,
      region: r,
      pattern: eventPatternJson(e.pattern ?? DEFAULT_EVENT_PATTERN),
      readOnlyEvents: e.readOnlyEvents,
      ...(e.description !== undefined ? { description: e.description } : {}),
    });
  });
  return events;
}
