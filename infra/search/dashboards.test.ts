import { describe, expect, it } from "vitest";
import { dashboardId, dashboardObjects, GRID_COLUMNS, indexPatternId, TIME_FIELD } from "./dashboards";
import { AGGREGATABLE_TYPES, fieldMapping, indexTemplate } from "./indexTemplate";

interface Agg {
  type: string;
  schema: string;
  params: { field?: string };
}

const objects = JSON.parse(JSON.stringify(dashboardObjects("cwl")));
const visualizations = objects.filter((o: { type: string }) => o.type === "visualization");
const dashboard = objects.find((o: { type: string }) => o.type === "dashboard");

describe("dashboardObjects", () => {
  it("has stable ids: the index pattern, seven visualizations and the CloudTrail dashboard", () => {
    expect(objects.map((o: { type: string; id: string }) => `${o.type}:${o.id}`)).toEqual([
      "index-pattern:cwl-index-pattern",
      "visualization:cwl-cloudtrail-owners",
      "visualization:cwl-cloudtrail-regions",
      "visualization:cwl-cloudtrail-event-names",
      "visualization:cwl-cloudtrail-user-names",
      "visualization:cwl-cloudtrail-error-codes",
      "visualization:cwl-cloudtrail-session-issuers",
      "visualization:cwl-cloudtrail-invoked-by",
      "dashboard:cwl-cloudtrail",
    ]);
    expect(indexPatternId("cwl")).toBe("cwl-index-pattern");
    expect(dashboardId("cwl")).toBe("cwl-cloudtrail");
    expect(dashboardObjects("cwl")).toEqual(dashboardObjects("cwl"));
  });

  it("gives each prefix its own ids, so two pipelines can share a domain", () => {
    const a = new Set(dashboardObjects("cwl").map((o) => o.id));
    for (const o of dashboardObjects("audit")) expect(a.has(o.id)).toBe(false);
  });

  it("defines the index pattern with @timestamp as time field", () => {
    expect(objects[0]).toEqual({
      type: "index-pattern",
      id: "cwl-index-pattern",
      attributes: { title: "cwl-*", timeFieldName: "@timestamp" },
      references: [],
    });
  });

  it("points every visualization at the index pattern by reference (no legacy index id)", () => {
    for (const v of visualizations) {
      const source = JSON.parse(v.attributes.kibanaSavedObjectMeta.searchSourceJSON);
      expect(source).toEqual({
        query: { query: "", language: "kuery" },
        filter: [],
        indexRefName: "kibanaSavedObjectMeta.searchSourceJSON.index",
      });
      expect(v.references).toEqual([
        {
          name: "kibanaSavedObjectMeta.searchSourceJSON.index",
          type: "index-pattern",
          id: "cwl-index-pattern",
        },
      ]);
      const state = JSON.parse(v.attributes.visState);
      expect(state.title).toBe(v.attributes.title.replace("CloudTrail: ", ""));
    }
  });

  it("aggregates on the write-up's fields, by time for the area charts", () => {
    const fields = visualizations.map((v: { attributes: { visState: string } }) => {
      const state = JSON.parse(v.attributes.visState);
      return [state.type, ...state.aggs.map((a: Agg) => `${a.type}(${a.params.field ?? ""})`)].join(" ");
    });
    expect(fields).toEqual([
      "pie count() terms(@owner)",
      "pie count() terms(awsRegion)",
      "area count() date_histogram(@timestamp) terms(eventName)",
      "tagcloud count() terms(userIdentity.userName)",
      "area count() date_histogram(@timestamp) terms(errorCode)",
      "tagcloud count() terms(userIdentity.sessionContext.sessionIssuer.userName)",
      "tagcloud count() terms(userIdentity.invokedBy)",
    ]);
  });

  it("aggregates only on fields the index template maps with an aggregatable type", () => {
    const properties = indexTemplate("cwl").template.mappings.properties;
    const aggregated = visualizations.flatMap((v: { attributes: { visState: string } }) =>
      JSON.parse(v.attributes.visState)
        .aggs.map((a: Agg) => a.params.field)
        .filter((f: string | undefined) => f !== undefined),
    );
    expect(aggregated.length).toBe(9);
    for (const field of [...aggregated, TIME_FIELD]) {
      const mapping = fieldMapping(properties, field);
      expect(mapping && "type" in mapping ? mapping.type : undefined, field).toSatisfy(
        (t: string | undefined) => (t === undefined ? false : AGGREGATABLE_TYPES.has(t)),
      );
    }
    expect(fieldMapping(properties, objects[0].attributes.timeFieldName)).toEqual({ type: "date" });
  });

  it("places every visualization once on the dashboard, by reference, without overlaps", () => {
    const panels = JSON.parse(dashboard.attributes.panelsJSON);
    expect(panels).toHaveLength(7);
    expect(dashboard.references.map((r: { id: string }) => r.id)).toEqual(
      visualizations.map((v: { id: string }) => v.id),
    );
    for (const [i, p] of panels.entries()) {
      expect(p.panelRefName).toBe(`panel_${i}`);
      expect(dashboard.references[i]).toEqual({
        name: `panel_${i}`,
        type: "visualization",
        id: visualizations[i].id,
      });
      expect(p.gridData.i).toBe(p.panelIndex);
      expect(p.gridData.x + p.gridData.w).toBeLessThanOrEqual(GRID_COLUMNS);
      expect(p.id).toBeUndefined();
    }
    const cells = new Set<string>();
    for (const { gridData: g } of panels) {
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`), `${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
    expect(dashboard.attributes.title).toBe("CloudTrail");
    expect(JSON.parse(dashboard.attributes.kibanaSavedObjectMeta.searchSourceJSON)).toEqual({
      query: { query: "", language: "kuery" },
      filter: [],
    });
  });
});
