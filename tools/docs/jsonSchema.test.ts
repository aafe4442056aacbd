/**
 * The committed JSON Schema of a stack file, read by a JSON Schema validator (ajv, strict) the way
 * an editor's YAML language server reads it: the example stacks and the docs' complete examples
 * pass; planted mistakes (an unknown key, a wrong type, an unknown `central-logging:` key) are
 * reported at their path. Also the schema's meta keys (`jsonSchema`, `defaultText`).
 */
import { readFileSync } from "node:fs";
import Ajv, { type ErrorObject } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { STACK_SCHEMA_PATH } from "./generated";
import { stackFileSchema, toJsonSchema } from "./jsonSchema";

type Doc = { config: Record<string, unknown> } & Record<string, unknown>;

const schema = JSON.parse(readFileSync(STACK_SCHEMA_PATH, "utf8"));
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

/** Every problem as `path: message`, the way an editor underlines it. */
function problems(doc: unknown): string[] {
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.message}`);
}

function stack(file: string): Doc {
  return parse(readFileSync(file, "utf8")) as Doc;
}

/** A copy of the dev stack with `edit` applied to its config. */
function dev(edit: (config: Record<string, unknown>) => void): Doc {
  const doc = stack("Pulumi.dev.yaml");
  edit(doc.config);
  return doc;
}

function recipient(config: Record<string, unknown>): Record<string, unknown> {
  return config["central-logging:recipient"] as Record<string, unknown>;
}

function firstSource(config: Record<string, unknown>): Record<string, unknown> {
  return (config["central-logging:sources"] as Record<string, unknown>[])[0] as Record<string, unknown>;
}

/** The YAML blocks of a Markdown page that are whole stack files (they name a recipient). */
function stackExamples(page: string): Doc[] {
  const blocks = [...readFileSync(page, "utf8").matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) =>
    parse(m[1] ?? ""),
  );
  return blocks.filter(
    (b): b is Doc =>
      typeof b === "object" && b !== null && "config" in b && "central-logging:recipient" in (b.config ?? {}),
  );
}

describe("the example stacks", () => {
  it.each(["Pulumi.dev.yaml", "Pulumi.prod.yaml"])("%s is valid and points editors at the schema", (file) => {
    expect(problems(stack(file))).toEqual([]);
    expect(readFileSync(file, "utf8").split("\n")[0]).toBe(
      `# yaml-language-server: $schema=./${STACK_SCHEMA_PATH}`,
    );
  });

  it.each(["README.md", "docs/configuration.md"])("the complete examples of %s are valid", (page) => {
    const examples = stackExamples(page);
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expect(problems(example)).toEqual([]);
  });
});

describe("planted mistakes", () => {
  it("reports an unknown key inside a map", () => {
    const doc = dev((c) => {
      recipient(c).bucketNmae = "x";
    });
    expect(problems(doc)).toContain("/config/central-logging:recipient must NOT have additional properties");
  });

  it("reports a wrong type, a value out of range and a value not in the enum", () => {
    const doc = dev((c) => {
      recipient(c).transport = "kinesis-stream";
      recipient(c).lifecycle = { glacierDays: "365", expireDays: 0 };
      firstSource(c).regions = "us-east-1";
    });
    expect(problems(doc)).toEqual(
      expect.arrayContaining([
        "/config/central-logging:recipient/transport must be equal to one of the allowed values",
        "/config/central-logging:recipient/lifecycle/glacierDays must be integer",
        "/config/central-logging:recipient/lifecycle/expireDays must be >= 1",
        "/config/central-logging:sources/0/regions must be array",
      ]),
    );
  });

  it("refuses an unknown key of the project's namespace, and a bare key", () => {
    for (const key of ["central-logging:namePrefx", "namePrefix"]) {
      const doc = dev((c) => {
        c[key] = "audit";
      });
      expect(problems(doc)).toEqual(["/config must NOT have additional properties"]);
    }
  });

  it("requires the recipient", () => {
    const doc = dev((c) => {
      delete c["central-logging:recipient"];
    });
    expect(problems(doc)).toEqual(["/config must have required property 'central-logging:recipient'"]);
  });

  it("refuses allowedCidrs whatever its value", () => {
    const doc = dev((c) => {
      recipient(c).search = { allowedCidrs: ["10.0.0.0/8"] };
    });
    expect(problems(doc)).toEqual([
      "/config/central-logging:recipient/search/allowedCidrs must NOT be valid",
    ]);
  });
});

describe("what a stack file may also hold", () => {
  it("takes an account id as a quoted string or a 12-digit number, not one that lost a digit", () => {
    const numeric = dev((c) => {
      recipient(c).accountId = 999_999_999_999;
    });
    expect(problems(numeric)).toEqual([]);
    const short = dev((c) => {
      recipient(c).accountId = 99_999_999_999;
    });
    expect(problems(short).join("\n")).toContain("/config/central-logging:recipient/accountId");
  });

  it("passes other namespaces and Pulumi's own top-level keys", () => {
    const doc = dev((c) => {
      c["aws:region"] = "us-east-1";
      c["pulumi:tags"] = { team: "security" };
    });
    doc.secretsprovider = "passphrase";
    doc.encryptionsalt = "v1:abc";
    doc.environment = ["central-logging/dev"];
    expect(problems(doc)).toEqual([]);
  });
});

describe("the project's meta keys", () => {
  it("lets `jsonSchema` replace what zod infers and ends the description with `defaultText`", () => {
    const s = z.strictObject({
      id: z
        .preprocess((v) => String(v), z.string())
        .meta({ description: "An id.", jsonSchema: { type: ["string", "integer"] } }),
      name: z.string().optional().meta({ description: "A name.", defaultText: "the id" }),
    });
    expect(toJsonSchema(s)).toEqual({
      type: "object",
      properties: {
        id: { description: "An id.", type: ["string", "integer"] },
        name: { description: "A name. Default: the id.", type: "string" },
      },
      required: ["id"],
      additionalProperties: false,
    });
  });

  it("prefixes the config keys with the project's namespace", () => {
    const json = stackFileSchema(z.strictObject({ a: z.string() }), { project: "p.x", source: "s" });
    const config = (json.properties as Record<string, Record<string, unknown>>).config ?? {};
    expect(Object.keys(config.properties as object)).toEqual(["pulumi:disable-default-providers", "p.x:a"]);
    expect(config.required).toEqual(["p.x:a"]);
    expect(config.patternProperties).toEqual({ "^(?!p\\.x:)[^:]+:": {} });
  });
});
