/**
 * The reference page from a small planted schema: one section per top-level key, a section of its
 * own for a described map or a list of maps, other maps flattened into their parent's table; types
 * with their ranges, defaults as written or as `defaultText` says; a key without a description is
 * an error.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { PROJECT, StackConfigSchema } from "../../infra/config";
import { configReference, slug, table, typeText } from "./configReference";
import { CONFIG_REFERENCE_TEMPLATE } from "./configTemplate";

const Item = z
  .strictObject({ name: z.string().meta({ description: "The item's name." }) })
  .meta({ description: "One item." });

const Planted = z.strictObject({
  prefix: z.string().optional().meta({ description: "A prefix.", defaultText: "`x-<stack>`" }),
  box: z
    .strictObject({
      size: z.number().int().min(1).max(9).default(3).meta({ description: "How big." }),
      limits: z
        .strictObject({ low: z.number().min(0).default(0).meta({ description: "The floor." }) })
        .prefault({})
        .meta({ description: "Limits, flattened." }),
      shelf: z
        .strictObject({ mode: z.enum(["a", "b"]).default("a").meta({ description: "The mode." }) })
        .meta({ description: "A shelf: a section of its own." })
        .optional()
        .meta({ description: "The box's shelf.", defaultText: "none (no shelf)" }),
      items: z.array(Item).default([]).meta({ description: "The items." }),
    })
    .meta({ description: "The box." }),
});

const TEMPLATE = { intro: "# Title\n\nIntro.\n", after: { box: "After the box." } };

describe("configReference", () => {
  const page = configReference(Planted, "ns", TEMPLATE);

  it("renders the page's shape", () => {
    expect(page).toBe(
      [
        "# Title",
        "",
        "Intro.",
        "",
        "## `ns:prefix`",
        "",
        "| Key      | Type   | Default     | Description |",
        "| -------- | ------ | ----------- | --- |",
        "| `prefix` | string | `x-<stack>` | A prefix. |",
        "",
        "## `ns:box` (required map)",
        "",
        "The box.",
        "",
        "| Key          | Type               | Default            | Description |",
        "| ------------ | ------------------ | ------------------ | --- |",
        "| `size`       | integer, 1–9       | `3`                | How big. |",
        "| `limits`     | map                | its keys' defaults | Limits, flattened. |",
        "| `limits.low` | number, at least 0 | `0`                | The floor. |",
        "| `shelf`      | map                | none (no shelf)    | The box's shelf. See [`box.shelf`](#boxshelf). |",
        "| `items`      | list of maps       | `[]`               | The items. See [`box.items[]`](#boxitems). |",
        "",
        "### `box.shelf`",
        "",
        "A shelf: a section of its own.",
        "",
        "| Key    | Type       | Default | Description |",
        "| ------ | ---------- | ------- | --- |",
        "| `mode` | `a` \\| `b` | `a`     | The mode. |",
        "",
        "### `box.items[]`",
        "",
        "One item.",
        "",
        "| Key    | Type   | Default  | Description |",
        "| ------ | ------ | -------- | --- |",
        "| `name` | string | required | The item's name. |",
        "",
        "After the box.",
        "",
      ].join("\n"),
    );
  });

  it("refuses a key without a description, naming its path", () => {
    const bare = z.strictObject({
      box: z.strictObject({ size: z.number() }).meta({ description: "A box." }),
    });
    expect(() => configReference(bare, "ns", TEMPLATE)).toThrow("box.size: no description");
  });

  it("refuses template prose for a section that does not exist", () => {
    expect(() => configReference(Planted, "ns", { intro: "", after: { crate: "x" } })).toThrow("crate");
  });

  it("describes every key of the stack config", () => {
    const page = configReference(StackConfigSchema, PROJECT, CONFIG_REFERENCE_TEMPLATE);
    for (const heading of [
      "## `central-logging:recipient` (required map)",
      "### `recipient.athena`",
      "### `recipient.search`",
      "## `central-logging:sources` (list, default `[]`)",
      "### `sources[].events[]`",
    ])
      expect(page).toContain(`\n${heading}\n`);
  });
});

describe("typeText", () => {
  it("names types with their ranges, enums and alternatives", () => {
    expect(typeText({ type: "integer", minimum: 1, maximum: 5 })).toBe("integer, 1–5");
    expect(typeText({ type: "string", maxLength: 10 })).toBe("string, at most 10 characters");
    expect(typeText({ type: "array", items: { type: "string" }, minItems: 1 })).toBe(
      "list of strings, at least 1",
    );
    expect(
      typeText({
        anyOf: [
          { type: "string", pattern: "x" },
          { type: "integer", minimum: 1 },
        ],
      }),
    ).toBe("string or integer");
    expect(typeText({ type: "number", enum: [1, 3, 5, 7, 14, 30, 60] })).toBe("number, one of 7 values");
    expect(typeText({ not: {} })).toBe("— (refused)");
    expect(typeText({})).toBe("any");
  });
});

describe("table and slug", () => {
  it("escapes pipes in cells and slugs headings as GitHub does", () => {
    expect(table([{ key: "`k`", type: "a | b", default: "-", description: "x" }]).split("\n")[2]).toBe(
      "| `k` | a \\| b | -       | x |",
    );
    expect(slug("`central-logging:sources` (list, default `[]`)")).toBe(
      "central-loggingsources-list-default-",
    );
    expect(slug("`sources[].events[]`")).toBe("sourcesevents");
  });
});
