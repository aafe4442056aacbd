import { describe, expect, it } from "vitest";
import {
  type FieldMapping,
  FLAT_OBJECT_FIELDS,
  fieldMapping,
  indexTemplate,
  indexTemplateName,
  KEYWORD_IGNORE_ABOVE,
} from "./indexTemplate";

/** Every leaf mapping with its dotted path, multi-fields included. */
function leaves(properties: Readonly<Record<string, FieldMapping>>, prefix = ""): [string, FieldMapping][] {
  return Object.entries(properties).flatMap(([name, m]): [string, FieldMapping][] => {
    const path = `${prefix}${name}`;
    if ("properties" in m) return leaves(m.properties, `${path}.`);
    const own: [string, FieldMapping] = [path, m];
    return "fields" in m && m.fields ? [own, ...leaves(m.fields, `${path}.`)] : [own];
  });
}

describe("indexTemplate", () => {
  // What reaches OpenSearch is the JSON text: assert on the parsed document.
  const body = JSON.parse(JSON.stringify(indexTemplate("cwl")));
  const properties = indexTemplate("cwl").template.mappings.properties;

  it("is a composable template for the prefix's daily indices", () => {
    expect(indexTemplateName("cwl")).toBe("cwl-logs");
    expect(body.index_patterns).toEqual(["cwl-*"]);
    expect(body.priority).toBe(100);
    expect(Object.keys(body).sort()).toEqual(["_meta", "index_patterns", "priority", "template"]);
  });

  it("raises the total-fields limit to 3000 (the write-up's fix) and leaves replicas to the domain", () => {
    expect(body.template.settings).toEqual({
      "index.number_of_shards": 1,
      "index.mapping.total_fields.limit": 3000,
      "index.mapping.ignore_malformed": true,
    });
  });

  it("sets replicas when asked, and refuses nonsense", () => {
    expect(indexTemplate("cwl", { replicas: 2 }).template.settings["index.number_of_replicas"]).toBe(2);
    expect(indexTemplate("cwl", { replicas: 0 }).template.settings["index.number_of_replicas"]).toBe(0);
    expect(() => indexTemplate("cwl", { replicas: -1 })).toThrow(/replicas/);
    expect(() => indexTemplate("cwl", { replicas: 1.5 })).toThrow(/replicas/);
  });

  it("maps apiVersion as text (the write-up's second fix) and detects no dates", () => {
    expect(body.template.mappings.properties.apiVersion).toEqual({ type: "text" });
    expect(body.template.mappings.date_detection).toBe(false);
    expect(body.template.mappings.dynamic).toBe(true);
  });

  it("maps the forwarder's envelope fields", () => {
    expect(body.template.mappings.properties["@timestamp"]).toEqual({ type: "date" });
    expect(body.template.mappings.properties["@message"]).toEqual({ type: "text" });
    for (const f of ["@id", "@owner", "@log_group", "@log_stream"]) {
      expect(body.template.mappings.properties[f]).toEqual({ type: "keyword", ignore_above: 1024 });
    }
  });

  it("maps the per-API trouble makers as flat_object and nothing else", () => {
    expect(FLAT_OBJECT_FIELDS).toEqual([
      "requestParameters",
      "responseElements",
      "additionalEventData",
      "serviceEventDetails",
    ]);
    const flat = leaves(properties)
      .filter(([, m]) => "type" in m && m.type === "flat_object")
      .map(([p]) => p);
    expect(flat).toEqual([...FLAT_OBJECT_FIELDS]);
    expect(fieldMapping(properties, "userIdentity.sessionContext.webIdFederationData")).toEqual({
      type: "object",
      enabled: false,
    });
  });

  it("maps CloudTrail's aggregation fields as keyword, its times as date", () => {
    for (const f of [
      "eventName",
      "eventSource",
      "awsRegion",
      "errorCode",
      "sourceIPAddress",
      "recipientAccountId",
      "userIdentity.type",
      "userIdentity.userName",
      "userIdentity.invokedBy",
      "userIdentity.sessionContext.sessionIssuer.userName",
      "errorMessage.keyword",
    ]) {
      expect(fieldMapping(properties, f), f).toEqual({ type: "keyword", ignore_above: KEYWORD_IGNORE_ABOVE });
    }
    expect(fieldMapping(properties, "eventTime")).toEqual({ type: "date" });
    expect(fieldMapping(properties, "userIdentity.sessionContext.attributes.creationDate")).toEqual({
      type: "date",
    });
    expect(fieldMapping(properties, "readOnly")).toEqual({ type: "boolean" });
  });

  it("bounds every keyword below Lucene's 32766-byte term limit, dynamic ones included", () => {
    const keywords = leaves(properties).filter(([, m]) => "type" in m && m.type === "keyword");
    expect(keywords.length).toBeGreaterThan(30);
    for (const [path, m] of keywords) {
      expect(m, path).toEqual({ type: "keyword", ignore_above: KEYWORD_IGNORE_ABOVE });
    }
    expect(body.template.mappings.dynamic_templates).toEqual([
      {
        strings: {
          match_mapping_type: "string",
          mapping: { type: "text", fields: { keyword: { type: "keyword", ignore_above: 256 } } },
        },
      },
    ]);
  });

  it("fieldMapping returns undefined for unmapped paths", () => {
    expect(fieldMapping(properties, "nope")).toBeUndefined();
    expect(fieldMapping(properties, "eventName.keyword")).toBeUndefined();
    expect(fieldMapping(properties, "userIdentity.nope")).toBeUndefined();
  });

  it("refuses an invalid prefix", () => {
    expect(() => indexTemplate("CWL")).toThrow(/index prefix/);
  });
});
