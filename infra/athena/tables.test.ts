import { describe, expect, it } from "vitest";
import { AWS_REGIONS } from "../kernel/regions";
import { athenaTables, PROJECTED_YEARS, projectionParameters, type TableContext } from "./tables";

const CTX: TableContext = {
  bucket: "b",
  organizationMode: false,
  logAccounts: ["111111111111", "222222222222"],
  eventAccounts: ["111111111111"],
  trailAccounts: ["222222222222"],
};

const byName = (ctx: TableContext) => Object.fromEntries(athenaTables(ctx).map((t) => [t.name, t]));

describe("athenaTables", () => {
  it("has one table per kind of data that reaches the archive, and none for what does not", () => {
    expect(athenaTables(CTX).map((t) => [t.kind, t.name])).toEqual([
      ["logs", "cloudwatch_logs"],
      ["events", "events"],
      ["cloudtrail", "cloudtrail"],
    ]);
    expect(athenaTables({ ...CTX, eventAccounts: [], trailAccounts: [] }).map((t) => t.name)).toEqual([
      "cloudwatch_logs",
    ]);
    expect(athenaTables({ ...CTX, logAccounts: [], eventAccounts: [], trailAccounts: [] })).toEqual([]);
    const org = athenaTables({
      ...CTX,
      organizationTrail: { organizationId: "o-abcdefghij", accounts: ["1"] },
    });
    expect(org.map((t) => t.name)).toContain("cloudtrail_org");
  });

  it("projects the listed accounts as an enum, or as injected in organization mode", () => {
    const listed = byName(CTX);
    expect(listed.cloudwatch_logs?.parameters["projection.account.values"]).toBe("111111111111,222222222222");
    expect(listed.events?.parameters["projection.account.values"]).toBe("111111111111");
    expect(listed.cloudtrail?.parameters["projection.account.values"]).toBe("222222222222");
    const org = byName({ ...CTX, organizationMode: true });
    for (const t of Object.values(org)) {
      expect(t.parameters["projection.account.type"]).toBe("injected");
      expect(t.parameters["projection.account.values"]).toBeUndefined();
    }
  });

  it("projects every region a multi-region trail writes, and its days", () => {
    const t = byName(CTX).cloudtrail!;
    expect(t.parameters["projection.region.values"]?.split(",")).toEqual([...AWS_REGIONS]);
    expect(t.partitionKeys).toEqual([
      { name: "account", type: "string" },
      { name: "region", type: "string" },
      { name: "dt", type: "string" },
    ]);
  });

  it("never repeats a partition as a column, and keeps Glue's lowercase names", () => {
    for (const t of athenaTables({
      ...CTX,
      organizationTrail: { organizationId: "o-abcdefghij", accounts: ["1"] },
    })) {
      const columns = t.columns.map((c) => c.name);
      for (const k of t.partitionKeys) expect(columns).not.toContain(k.name);
      for (const name of [...columns, ...t.partitionKeys.map((k) => k.name)])
        expect(name).toBe(name.toLowerCase());
      for (const c of t.columns) expect(c.type).toBe(c.type.toLowerCase());
    }
  });
});

describe("projectionParameters", () => {
  it.each([
    [
      { type: "enum" as const, values: ["a", "b"] },
      { "projection.c.type": "enum", "projection.c.values": "a,b" },
    ],
    [
      { type: "integer" as const, range: [1, 12] as [number, number], digits: 2 },
      { "projection.c.type": "integer", "projection.c.range": "1,12", "projection.c.digits": "2" },
    ],
    [
      { type: "integer" as const, range: PROJECTED_YEARS },
      { "projection.c.type": "integer", "projection.c.range": `${PROJECTED_YEARS[0]},${PROJECTED_YEARS[1]}` },
    ],
    [
      {
        type: "date" as const,
        format: "yyyy/MM/dd",
        range: "2020/01/01,NOW",
        interval: 1,
        unit: "DAYS" as const,
      },
      {
        "projection.c.type": "date",
        "projection.c.format": "yyyy/MM/dd",
        "projection.c.range": "2020/01/01,NOW",
        "projection.c.interval": "1",
        "projection.c.interval.unit": "DAYS",
      },
    ],
    [{ type: "injected" as const }, { "projection.c.type": "injected" }],
  ])("%j", (projection, expected) => {
    expect(projectionParameters("c", projection)).toEqual(expected);
  });

  it("refuses an enum with nothing to project (Athena would refuse the table)", () => {
    expect(() => projectionParameters("account", { type: "enum", values: [] })).toThrow(
      /no values to project/,
    );
  });
});
