/**
 * Test harness: run the real program under mocks with a stack config (once per test file: mock
 * state is process-global) and check every registered resource.
 */
import { runProgram, type StackConfig } from "../offline/run";
import { checkPlan } from "./check";
import { type Finding, formatFinding, type PlannedResource } from "./types";

export interface CheckedPlan {
  resources: PlannedResource[];
  findings: Finding[];
  /** Every finding, one line each (empty when the plan passes). */
  lines: string[];
}

export async function checkStack(stack: string, config: StackConfig): Promise<CheckedPlan> {
  const run = await runProgram(stack, config);
  if (!run.ok) throw new Error(`the program refused the config:\n${run.errors.join("\n")}`);
  const resources = run.mocks.resources;
  const findings = await checkPlan(resources);
  return { resources, findings, lines: findings.map(formatFinding) };
}
