/**
 * The files `npm run docs` writes from the stack-config schema (and the alarms table of
 * docs/operations.md), with their content as the code gives it now; `generated.test.ts` fails while a committed copy differs.
 */
import { readFileSync } from "node:fs";
import { PROJECT, StackConfigSchema } from "../../infra/config";
import { OPERATIONS_PATH, withAlarmTable } from "./alarmTable";
import { configReference } from "./configReference";
import { CONFIG_REFERENCE_TEMPLATE } from "./configTemplate";
import { formatJson, stackFileSchema } from "./jsonSchema";

export const CONFIG_REFERENCE_PATH = "docs/configuration.md";
export const STACK_SCHEMA_PATH = "schema/stack-config.schema.json";

export interface GeneratedFile {
  path: string;
  content: string;
}

export function generatedFiles(): GeneratedFile[] {
  return [
    {
      path: CONFIG_REFERENCE_PATH,
      content: configReference(StackConfigSchema, PROJECT, CONFIG_REFERENCE_TEMPLATE),
    },
    {
      path: STACK_SCHEMA_PATH,
      content: formatJson(
        stackFileSchema(StackConfigSchema, { project: PROJECT, source: "infra/config.ts" }),
      ),
    },
    // Hand-written page, one generated block: the alarms, from infra/operations/alarmKinds.ts.
    { path: OPERATIONS_PATH, content: withAlarmTable(readFileSync(OPERATIONS_PATH, "utf8")) },
  ];
}
