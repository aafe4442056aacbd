/**
 * OpenSearch Dashboards saved objects for
 * `POST /_dashboards/api/saved_objects/_bulk_create?overwrite=true`: the `<prefix>-*` index pattern
 * and the write-up's "CloudTrail" dashboard with its seven visualizations.
 *
 * Modern saved-object shape: every object carries `attributes` and `references`; visualizations
 * point at the index pattern through `indexRefName`, the dashboard at its panels through
 * `panelRefName`. Ids derive from the prefix only, so `overwrite=true` updates in place.
 *
 * Changes from the write-up's Kibana 5 export: fields are the template's keyword fields
 * (`eventName`, not `eventName.keyword`); the time axis is `@timestamp`, the index pattern's time
 * field, so the time picker and the histograms agree; the user-name cloud no longer excludes one
 * account's user (`homes-dev`).
 */
import { assertIndexPrefix, indexPattern } from "./indexName";

export interface SavedObjectReference {
  readonly name: string;
  readonly type: string;
  readonly id: string;
}

export interface SavedObject {
  readonly type: "index-pattern" | "visualization" | "dashboard";
  readonly id: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly references: readonly SavedObjectReference[];
}

export interface GridData {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

type Chart = "area" | "pie" | "tagcloud";

interface VisualizationSpec {
  readonly slug: string;
  readonly title: string;
  readonly chart: Chart;
  readonly field: string;
  readonly size: number;
  readonly grid: GridData;
}

/** Dashboards lays panels out on a 48-column grid. */
export const GRID_COLUMNS = 48;

export const TIME_FIELD = "@timestamp";

const VISUALIZATIONS: readonly VisualizationSpec[] = [
  {
    slug: "owners",
    title: "Owner accounts",
    chart: "pie",
    field: "@owner",
    size: 10,
    grid: { x: 0, y: 0, w: 12, h: 12 },
  },
  {
    slug: "regions",
    title: "Regions",
    chart: "pie",
    field: "awsRegion",
    size: 5,
    grid: { x: 12, y: 0, w: 12, h: 12 },
  },
  {
    slug: "event-names",
    title: "Event names over time",
    chart: "area",
    field: "eventName",
    size: 5,
    grid: { x: 24, y: 0, w: 24, h: 18 },
  },
  {
    slug: "user-names",
    title: "User names",
    chart: "tagcloud",
    field: "userIdentity.userName",
    size: 15,
    grid: { x: 0, y: 12, w: 24, h: 12 },
  },
  {
    slug: "error-codes",
    title: "Error codes over time",
    chart: "area",
    field: "errorCode",
    size: 5,
    grid: { x: 24, y: 18, w: 24, h: 18 },
  },
  {
    slug: "session-issuers",
    title: "Session issuer user names",
    chart: "tagcloud",
    field: "userIdentity.sessionContext.sessionIssuer.userName",
    size: 10,
    grid: { x: 0, y: 24, w: 24, h: 12 },
  },
  {
    slug: "invoked-by",
    title: "Invoked by",
    chart: "tagcloud",
    field: "userIdentity.invokedBy",
    size: 20,
    grid: { x: 0, y: 36, w: 24, h: 12 },
  },
];

const INDEX_REF = "kibanaSavedObjectMeta.searchSourceJSON.index";

export function indexPatternId(prefix: string): string {
  return `${assertIndexPrefix(prefix)}-index-pattern`;
}

export function dashboardId(prefix: string): string {
  return `${assertIndexPrefix(prefix)}-cloudtrail`;
}

function visualizationId(prefix: string, slug: string): string {
  return `${prefix}-cloudtrail-${slug}`;
}

const countMetric = { id: "1", enabled: true, type: "count", schema: "metric", params: {} };

function terms(id: string, schema: "segment" | "group", field: string, size: number) {
  return {
    id,
    enabled: true,
    type: "terms",
    schema,
    params: {
      field,
      size,
      order: "desc",
      orderBy: "1",
      otherBucket: false,
      otherBucketLabel: "Other",
      missingBucket: false,
      missingBucketLabel: "Missing",
    },
  };
}

const dateHistogram = {
  id: "2",
  enabled: true,
  type: "date_histogram",
  schema: "segment",
  params: { field: TIME_FIELD, interval: "auto", min_doc_count: 1, extended_bounds: {} },
};

const areaParams = {
  type: "area",
  grid: { categoryLines: false },
  categoryAxes: [
    {
      id: "CategoryAxis-1",
      type: "category",
      position: "bottom",
      show: true,
      style: {},
      scale: { type: "linear" },
      labels: { show: true, filter: true, truncate: 100 },
      title: {},
    },
  ],
  valueAxes: [
    {
      id: "ValueAxis-1",
      name: "LeftAxis-1",
      type: "value",
      position: "left",
      show: true,
      style: {},
      scale: { type: "linear", mode: "normal" },
      labels: { show: true, rotate: 0, filter: false, truncate: 100 },
      title: { text: "Count" },
    },
  ],
  seriesParams: [
    {
      show: true,
      type: "area",
      mode: "stacked",
      data: { label: "Count", id: "1" },
      drawLinesBetweenPoints: true,
      showCircles: true,
      interpolate: "linear",
      valueAxis: "ValueAxis-1",
    },
  ],
  addTooltip: true,
  addLegend: true,
  legendPosition: "right",
  times: [],
  addTimeMarker: false,
};

const pieParams = {
  type: "pie",
  addTooltip: true,
  addLegend: true,
  legendPosition: "right",
  isDonut: true,
  labels: { show: false, values: true, last_level: true, truncate: 100 },
};

const tagcloudParams = {
  scale: "linear",
  orientation: "single",
  minFontSize: 18,
  maxFontSize: 42,
  showLabel: true,
};

function visState(spec: VisualizationSpec): Record<string, unknown> {
  switch (spec.chart) {
    case "area":
      return {
        title: spec.title,
        type: "area",
        params: areaParams,
        aggs: [countMetric, dateHistogram, terms("3", "group", spec.field, spec.size)],
      };
    case "pie":
      return {
        title: spec.title,
        type: "pie",
        params: pieParams,
        aggs: [countMetric, terms("2", "segment", spec.field, spec.size)],
      };
    case "tagcloud":
      return {
        title: spec.title,
        type: "tagcloud",
        params: tagcloudParams,
        aggs: [countMetric, terms("2", "segment", spec.field, spec.size)],
      };
  }
}

const emptyQuery = { query: { query: "", language: "kuery" }, filter: [] };

function visualization(prefix: string, spec: VisualizationSpec): SavedObject {
  return {
    type: "visualization",
    id: visualizationId(prefix, spec.slug),
    attributes: {
      title: `CloudTrail: ${spec.title}`,
      visState: JSON.stringify(visState(spec)),
      uiStateJSON: "{}",
      description: "",
      version: 1,
      kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify({ ...emptyQuery, indexRefName: INDEX_REF }) },
    },
    references: [{ name: INDEX_REF, type: "index-pattern", id: indexPatternId(prefix) }],
  };
}

function dashboard(prefix: string): SavedObject {
  const panels = VISUALIZATIONS.map((spec, i) => ({
    panelIndex: String(i + 1),
    gridData: { ...spec.grid, i: String(i + 1) },
    version: "7.10.2",
    embeddableConfig: {},
    panelRefName: `panel_${i}`,
  }));
  return {
    type: "dashboard",
    id: dashboardId(prefix),
    attributes: {
      title: "CloudTrail",
      hits: 0,
      description: `CloudTrail events in ${indexPattern(prefix)} (central-logging)`,
      panelsJSON: JSON.stringify(panels),
      optionsJSON: JSON.stringify({ hidePanelTitles: false, useMargins: true }),
      version: 1,
      timeRestore: true,
      timeFrom: "now-24h",
      timeTo: "now",
      refreshInterval: { pause: true, value: 0 },
      kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify(emptyQuery) },
    },
    references: VISUALIZATIONS.map((spec, i) => ({
      name: `panel_${i}`,
      type: "visualization",
      id: visualizationId(prefix, spec.slug),
    })),
  };
}

/** Index pattern first, dashboard last: each object's references precede it. */
export function dashboardObjects(prefix: string): SavedObject[] {
  return [
    {
      type: "index-pattern",
      id: indexPatternId(prefix),
      attributes: { title: indexPattern(prefix), timeFieldName: TIME_FIELD },
      references: [],
    },
    ...VISUALIZATIONS.map((spec) => visualization(prefix, spec)),
    dashboard(prefix),
  ];
}
