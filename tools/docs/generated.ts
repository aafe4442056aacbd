/**
 * The files `npm run docs` writes from the stack-config schema, with their content as the schema
 * gives it now; `generated.test.ts` fails while a committed copy differs.
 */
import { PROJECT, StackConfigSchema } from "../../infra/config";
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
  ];
}
