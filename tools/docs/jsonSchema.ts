/**
 * The JSON Schema of a whole stack file (`Pulumi.<stack>.yaml`), generated from the zod schema so
 * that editors complete and check the file (`schema/stack-config.schema.json`, `npm run docs`).
 *
 * It describes what a user writes (`io: "input"`): keys with defaults are optional and show their
 * default. Draft-07, the draft every YAML language server reads. The schema's meta keys that are
 * not JSON Schema are resolved here: `jsonSchema` replaces what zod infers (an account id may be a
 * string or a number; a refused key accepts nothing), `defaultText` (a default the config step
 * computes) ends the description.
 */
import { z } from "zod";

type Json = Record<string, unknown>;

/** JSON Schema annotations a `jsonSchema` replacement keeps. */
const ANNOTATIONS = new Set(["description", "default", "title", "deprecated", "examples"]);

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One zod schema as JSON Schema, the project's meta keys resolved. */
export function toJsonSchema(schema: z.ZodType): Json {
  const json = z.toJSONSchema(schema, {
    io: "input",
    target: "draft-07",
    override: ({ jsonSchema }) => {
      const js = jsonSchema as Json;
      const { jsonSchema: replacement, defaultText } = js;
      delete js.jsonSchema;
      delete js.defaultText;
      if (isRecord(replacement)) {
        for (const key of Object.keys(js)) if (!ANNOTATIONS.has(key)) delete js[key];
        Object.assign(js, replacement);
      }
      if (typeof defaultText === "string") {
        const description = typeof js.description === "string" ? `${js.description} ` : "";
        js.description = `${description}Default: ${defaultText}.`;
      }
    },
  }) as Json;
  delete json.$schema;
  return json;
}

export interface StackFileSchemaOptions {
  /** The Pulumi project: its namespace prefixes every key of the config schema. */
  project: string;
  /** Where the schema comes from, named in its description. */
  source: string;
}

/**
 * The stack file: `config:` holds the project's keys (each prefixed with its namespace; any other
 * key of that namespace is refused, as the config step does) and any other namespace's keys
 * (`aws:region`, ...); Pulumi's other top-level keys are allowed as they are.
 */
export function stackFileSchema(config: z.ZodObject, options: StackFileSchemaOptions): Json {
  const { project, source } = options;
  const inner = toJsonSchema(config);
  const properties = isRecord(inner.properties) ? inner.properties : {};
  const required = Array.isArray(inner.required) ? inner.required : [];
  const escaped = project.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: `${project} stack file (Pulumi.<stack>.yaml)`,
    description: `Generated from ${source} by \`npm run docs\`; do not edit. It checks each key's shape; the config step's cross-field rules (regions an entry picks from its account's, accounts listed once, two subscription filters per log group, lifecycle order, filter- and event-pattern syntax, names derived from namePrefix, ...) cannot be expressed in JSON Schema: \`npm run plan\` checks those. \`{p}\` stands for namePrefix.`,
    type: "object",
    properties: {
      config: {
        description: `Stack config: the ${project}: keys below, and the keys of other namespaces (pulumi:, aws:, ...).`,
        type: "object",
        properties: {
          "pulumi:disable-default-providers": {
            description:
              'Keep ["*"] in every stack file: the Pulumi engine then refuses any resource without an explicit provider, instead of deploying it with ambient credentials.',
            type: "array",
            items: { type: "string" },
          },
          ...Object.fromEntries(
            Object.entries(properties).map(([key, value]) => [`${project}:${key}`, value]),
          ),
        },
        required: required.map((key) => `${project}:${String(key)}`),
        // Keys of other namespaces pass; an unknown key of the project's namespace (or one with no
        // namespace, which Pulumi files under the project's) is refused.
        patternProperties: { [`^(?!${escaped}:)[^:]+:`]: {} },
        additionalProperties: false,
      },
      secretsprovider: { description: "Where the stack's secrets are encrypted.", type: "string" },
      encryptedkey: {
        description: "The stack's data key, encrypted by the secrets provider.",
        type: "string",
      },
      encryptionsalt: { description: "Salt of the passphrase secrets provider.", type: "string" },
      environment: { description: "Pulumi ESC environments the stack imports." },
    },
  };
}

/** Two-space JSON with a final newline: the form biome's formatter leaves as it is. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
