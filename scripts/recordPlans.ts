/**
 * `npm run record-plans [-- <name> ...]`: runs the program under mocks for each recorded config
 * (tests/support/recordedPlan.ts) in a process of its own and writes its plan fixture. Run it
 * after a deliberate change of the plan; review the fixture's diff.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fixturePath, recordedConfigs, recordPlan } from "../tests/support/recordedPlan";
import { runProgram } from "../tools/offline/run";

async function one(name: string): Promise<void> {
  const entry = recordedConfigs().find((c) => c.name === name);
  if (!entry) throw new Error(`no recorded config named ${name}`);
  const run = await runProgram(entry.stack, entry.config);
  if (!run.ok) throw new Error(`${name}: the program failed:\n${run.errors.join("\n")}`);
  writeFileSync(fixturePath(name), `${JSON.stringify(recordPlan(run), null, 1)}\n`);
  console.log(`recorded ${fixturePath(name)}`);
}

const [mode, ...names] = process.argv.slice(2);
if (mode === "--one" && names[0]) {
  // Mock state is process-global: one config per process.
  one(names[0]).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
} else {
  const wanted = mode ? [mode, ...names] : recordedConfigs().map((c) => c.name);
  for (const name of wanted)
    execFileSync(process.execPath, [...process.execArgv, __filename, "--one", name], { stdio: "inherit" });
}
