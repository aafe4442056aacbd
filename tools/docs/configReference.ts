/**
 * `docs/configuration.md` from the zod schema's own descriptions (`npm run docs`).
 *
 * One section per top-level key; a table of key | type | default | description for each map.
 * A nested map whose object carries a description of its own (`z.strictObject({...}).meta(...)`)
 * and every list of maps get a section of their own, introduced by that description; other nested
 * maps are flattened into their parent's table as `parent.key` rows. A key's description is the
 * first one met going in from the key's outermost wrapper, so `.optional().meta(...)` describes
 * the key and the object's own description introduces its section. Types come from the JSON
 * Schema (ranges and enums included, so they cannot drift from the validation); `defaultText`
 * names a default the config step computes. A key without a description is an error.
 */
import { z } from "zod";
import { toJsonSchema } from "./jsonSchema";

export interface ReferenceTemplate {
  /** The top of the page, up to the first generated section. */
  intro: string;
  /** Prose after a section and its subsections, by section path (`namePrefix`, `sources`). */
  after: Record<string, string>;
}

interface Row {
  key: string;
  type: string;
  default: string;
  description: string;
}

interface Section {
  path: string;
  heading: string;
  intro?: string;
  rows: Row[];
  children: Section[];
}

type Json = Record<string, unknown>;

/** A key's schema seen through its wrappers (optional, default, prefault, nullable). */
interface Key {
  core: z.ZodType;
  description?: string;
  defaultText?: string;
  hasDefault: boolean;
  defaultValue?: unknown;
  optional: boolean;
}

const WRAPPERS = new Set(["optional", "default", "prefault", "nullable", "readonly"]);

function meta(schema: z.ZodType): Record<string, unknown> {
  return z.globalRegistry.get(schema) ?? {};
}

function inspect(schema: z.ZodType): Key {
  const key: Key = { core: schema, hasDefault: false, optional: false };
  let layer = schema;
  for (;;) {
    const m = meta(layer);
    const isWrapper = WRAPPERS.has(layer.def.type);
    // An object's own description introduces its section; it does not describe the key.
    const ownsSection = !isWrapper && layer.def.type === "object";
    if (key.description === undefined && typeof m.description === "string" && !ownsSection)
      key.description = m.description;
    if (key.defaultText === undefined && typeof m.defaultText === "string") key.defaultText = m.defaultText;
    if (!isWrapper) break;
    const def = layer.def as { type: string; innerType: z.ZodType; defaultValue?: unknown };
    if (def.type === "optional") key.optional = true;
    if ((def.type === "default" || def.type === "prefault") && !key.hasDefault) {
      key.hasDefault = true;
      key.defaultValue = def.defaultValue;
    }
    layer = def.innerType;
  }
  key.core = layer;
  return key;
}

/** The object whose fields a key's section lists: the key's own map, or its list's element map. */
function sectionObject(key: Key): { object: z.ZodObject; list: boolean } | undefined {
  if (key.core instanceof z.ZodObject) {
    return typeof meta(key.core).description === "string" ? { object: key.core, list: false } : undefined;
  }
  if (key.core instanceof z.ZodArray) {
    const element = inspect(key.core.element as z.ZodType).core;
    if (element instanceof z.ZodObject) return { object: element, list: true };
  }
  return undefined;
}

/** GitHub's anchor for a heading (as `tests/readme.test.ts` computes it). */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

function code(text: string): string {
  return `\`${text}\``;
}

function typeName(type: unknown, plural = false): string {
  const names: Record<string, [string, string]> = {
    object: ["map", "maps"],
    array: ["list", "lists"],
    string: ["string", "strings"],
    integer: ["integer", "integers"],
    number: ["number", "numbers"],
    boolean: ["boolean", "booleans"],
  };
  const name = names[String(type)];
  return name ? name[plural ? 1 : 0] : String(type);
}

/** A JSON Schema node as the Type column shows it, ranges and enums included. */
export function typeText(js: Json, bare = false): string {
  if (isRecord(js.not) && Object.keys(js.not).length === 0) return "— (refused)";
  if (Array.isArray(js.anyOf)) return js.anyOf.map((alt) => typeText(alt as Json, true)).join(" or ");
  if (Array.isArray(js.type)) return js.type.map((t) => typeName(t)).join(" or ");
  if (Array.isArray(js.enum)) {
    if (js.enum.every((v) => typeof v === "string")) return js.enum.map((v) => code(String(v))).join(" | ");
    // A long list of numbers would swamp the column: the description lists them (`enumNote`).
    return js.enum.length > LONG_ENUM
      ? `${typeName(js.type)}, one of ${js.enum.length} values`
      : `${typeName(js.type)}: one of ${js.enum.join(", ")}`;
  }
  if (js.type === "array") {
    const items = isRecord(js.items) ? js.items : {};
    const list = items.type === undefined ? "list" : `list of ${typeName(items.type, true)}`;
    return !bare && typeof js.minItems === "number" ? `${list}, at least ${js.minItems}` : list;
  }
  if (js.type === undefined) return "any";
  const name = typeName(js.type);
  if (bare) return name;
  const { minimum: min, maximum: max, maxLength } = js;
  if (typeof min === "number" && typeof max === "number") return `${name}, ${min}–${max}`;
  if (typeof min === "number") return `${name}, at least ${min}`;
  if (typeof max === "number") return `${name}, at most ${max}`;
  if (typeof maxLength === "number") return `${name}, at most ${maxLength} characters`;
  return name;
}

const LONG_ENUM = 6;

/** The values of a long numeric enum, for the description cell. */
function enumNote(js: Json): string {
  const values = Array.isArray(js.enum) ? js.enum : [];
  return values.length > LONG_ENUM && values.some((v) => typeof v !== "string")
    ? ` Allowed: ${values.join(", ")}.`
    : "";
}

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function defaultCell(key: Key, type: string): string {
  if (key.defaultText !== undefined) return key.defaultText;
  if (type.startsWith("—")) return "—";
  if (key.hasDefault) {
    const value = key.defaultValue;
    if (value === "") return '`""` (everything)';
    if (typeof value === "string") return code(value);
    if (isRecord(value) && Object.keys(value).length === 0) return "its keys' defaults";
    return code(JSON.stringify(value));
  }
  return key.optional ? "none" : "required";
}

/** The rows of one map's table, and the sections of its nested blocks. */
function describeObject(object: z.ZodObject, path: string, prefix: string): Section {
  const section: Section = { path, heading: code(path), rows: [], children: [] };
  const intro = meta(object).description;
  if (typeof intro === "string") section.intro = intro;
  addFields(section, object, path, prefix);
  return section;
}

function addFields(section: Section, object: z.ZodObject, path: string, prefix: string): void {
  for (const [name, schema] of Object.entries(object.shape)) {
    const fieldPath = `${path}.${prefix}${name}`;
    const key = inspect(schema as z.ZodType);
    if (key.description === undefined)
      throw new Error(`${fieldPath}: no description (.meta({ description }))`);
    const js = toJsonSchema(schema as z.ZodType);
    const type = typeText(js);
    const row: Row = {
      key: code(`${prefix}${name}`),
      type,
      default: defaultCell(key, type),
      description: `${key.description}${enumNote(js)}`,
    };
    const nested = sectionObject(key);
    if (nested) {
      const child = describeObject(nested.object, `${fieldPath}${nested.list ? "[]" : ""}`, "");
      row.description = `${row.description} See [${child.heading}](#${slug(child.heading)}).`;
      section.rows.push(row);
      section.children.push(child);
    } else if (key.core instanceof z.ZodObject) {
      // A small map without a description of its own: its keys join this table as `key.field`.
      section.rows.push(row);
      addFields(section, key.core, path, `${prefix}${name}.`);
    } else {
      section.rows.push(row);
    }
  }
}

/** One `##` section per top-level key, `namespace:key` in its heading. */
function topSection(namespace: string, name: string, schema: z.ZodType): Section {
  const key = inspect(schema);
  // A top-level map may carry its description on the object itself (it has no wrapper).
  const own = meta(key.core).description;
  const description = key.description ?? (typeof own === "string" ? own : undefined);
  if (description === undefined) throw new Error(`${name}: no description (.meta({ description }))`);
  const heading = code(`${namespace}:${name}`);
  const type = typeText(toJsonSchema(schema));
  const nested =
    sectionObject(key) ?? (key.core instanceof z.ZodObject ? { object: key.core, list: false } : undefined);
  if (!nested) {
    return {
      path: name,
      heading,
      rows: [{ key: code(name), type, default: defaultCell(key, type), description }],
      children: [],
    };
  }
  const section = describeObject(nested.object, nested.list ? `${name}[]` : name, "");
  const kind = nested.list ? "list" : "map";
  const presence = key.hasDefault
    ? `${kind}, default ${defaultCell(key, type)}`
    : key.optional
      ? `${kind}, optional`
      : `required ${kind}`;
  const intro = [...new Set([description, section.intro].filter((t) => t !== undefined))].join(" ");
  return { ...section, path: name, heading: `${heading} (${presence})`, intro };
}

function cell(text: string): string {
  return text.replace(/\n/g, " ").replace(/(?<!\\)\|/g, "\\|");
}

/** A Markdown table, every column but the last padded to its widest cell. */
export function table(rows: Row[]): string {
  const header = ["Key", "Type", "Default", "Description"];
  const cells = [header, ...rows.map((r) => [r.key, r.type, r.default, r.description].map(cell))];
  const widths = header.map((_, i) => Math.max(3, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) =>
    `| ${c.map((text, i) => (i === c.length - 1 ? text : text.padEnd(widths[i] ?? 0))).join(" | ")} |`;
  const rule = widths.map((w, i) => "-".repeat(i === widths.length - 1 ? 3 : w));
  return [line(cells[0] ?? []), line(rule), ...cells.slice(1).map(line)].join("\n");
}

function render(section: Section, level: number, template: ReferenceTemplate): string[] {
  const parts = [`${"#".repeat(level)} ${section.heading}`];
  if (section.intro) parts.push(section.intro);
  parts.push(table(section.rows));
  for (const child of section.children) parts.push(...render(child, Math.min(level + 1, 6), template));
  const after = template.after[section.path];
  if (after) parts.push(after.trim());
  return parts;
}

/** The whole page: the template's intro, then one section per key of `schema` (`namespace:key`). */
export function configReference(schema: z.ZodObject, namespace: string, template: ReferenceTemplate): string {
  const sections = Object.entries(schema.shape).map(([name, s]) =>
    topSection(namespace, name, s as z.ZodType),
  );
  const used = new Set(
    sections.flatMap(function paths(s): string[] {
      return [s.path, ...s.children.flatMap(paths)];
    }),
  );
  const unknown = Object.keys(template.after).filter((path) => !used.has(path));
  if (unknown.length > 0) throw new Error(`template prose for unknown sections: ${unknown.join(", ")}`);
  const body = sections.flatMap((s) => render(s, 2, template));
  return `${[template.intro.trim(), ...body].join("\n\n")}\n`;
}
