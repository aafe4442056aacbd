/**
 * Settings -> plan -> checks, each once: what the program realizes, what the plan CLI prints and
 * what the tests assert are the same plan. A config refused at any step stops everything before a
 * resource is registered, with one message naming each key and value (`ConfigError`).
 */
import * as pulumi from "@pulumi/pulumi";
import { checkPlan } from "./checks";
import { parseSettings, type RawConfig, rawConfigFrom, type Settings } from "./config";
import { ConfigError } from "./kernel/messages";
import { planRouting, type RoutingPlan } from "./plan";

export interface Stack {
  settings: Settings;
  plan: RoutingPlan;
}

export type StackResult = ({ ok: true } & Stack) | { ok: false; errors: string[] };

/** Pure: the stack's settings and plan, or every problem of its config. */
export function resolveStack(raw: RawConfig, stack: string): StackResult {
  const parsed = parseSettings(raw, stack);
  if (!parsed.ok) return parsed;
  const plan = planRouting(parsed.settings);
  const errors = checkPlan(parsed.settings, plan, raw);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, settings: parsed.settings, plan };
}

/** The current stack's settings and plan, from its `central-logging:*` config; or `ConfigError`. */
export function loadStack(): Stack {
  const result = resolveStack(rawConfigFrom(pulumi.runtime.allConfig()), pulumi.getStack());
  if (!result.ok) throw new ConfigError(result.errors);
  return { settings: result.settings, plan: result.plan };
}
