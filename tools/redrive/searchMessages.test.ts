import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { deadLetterBody } from "../../infra/search/forwarder/deadLetter";
import { envelopeDocuments } from "../../infra/search/forwarder/transform";
import { envelope, gz, malformedLetter, REF, rejectedLetter } from "./fixtures";
import { planSearchMessage, type SearchAction } from "./searchMessages";

const PREFIX = "cwl";

const documents = (a: SearchAction) => {
  if (a.action !== "index") throw new Error(`${a.action}: ${"reason" in a ? a.reason : ""}`);
  return a.documents;
};

describe("planSearchMessage", () => {
  it("re-sends a rejected document as it was: same index, same _id", () => {
    const body = rejectedLetter("e1", PREFIX);
    const letter = JSON.parse(body) as { index: string; document: string };
    const [d] = documents(planSearchMessage(body, PREFIX));
    expect(d).toEqual({
      index: letter.index,
      id: "e1",
      source: letter.document,
      bytes: Buffer.byteLength(letter.document),
    });
  });

  it("decodes a malformed record with the forwarder's decoder into the forwarder's documents", () => {
    const env = envelope(["e1", "e2"]);
    const planned = documents(planSearchMessage(malformedLetter(gz(env)), PREFIX));
    const forwarder = envelopeDocuments(env, PREFIX).map((r) => (r.ok ? r.document : undefined));
    expect(planned).toEqual(forwarder);
    expect(planned.map((d) => d.id)).toEqual(["e1", "e2"]);
  });

  it("has nothing to index for a control message", () => {
    const control = { ...envelope([]), messageType: "CONTROL_MESSAGE", owner: "CloudwatchLogs" };
    const body = malformedLetter(gzipSync(JSON.stringify(control)));
    expect(planSearchMessage(body, PREFIX)).toEqual({ kind: "malformed-record", action: "done" });
  });

  it("counts a record that is still malformed as still failing", () => {
    expect(planSearchMessage(malformedLetter(Buffer.from("nope")), PREFIX)).toMatchObject({
      kind: "malformed-record",
      action: "fail",
      reason: expect.stringMatching(/^still malformed: gunzip failed/),
    });
  });

  it("rebuilds a document the forwarder could not build, failing the same way", () => {
    const letter = (timestamp: number) =>
      deadLetterBody({
        kind: "rejected-event",
        reason: "timestamp ... is outside years 0000-9999",
        record: REF,
        owner: "222222222222",
        logGroup: "/g",
        logStream: "s",
        eventId: "e9",
        document: JSON.stringify({ id: "e9", timestamp, message: "plain text" }),
      });
    expect(planSearchMessage(letter(1e16), PREFIX)).toMatchObject({
      action: "fail",
      reason: expect.stringMatching(/outside years/),
    });
    const [d] = documents(planSearchMessage(letter(Date.UTC(2025, 0, 2)), PREFIX));
    expect(d).toMatchObject({ index: `${PREFIX}-2025.01.02`, id: "e9" });
    expect(JSON.parse(d!.source)).toMatchObject({ "@message": "plain text", "@log_group": "/g" });
  });

  it.each([
    ["not JSON", "{", "unrecognized"],
    ["another sender's message", JSON.stringify({ hello: 1 }), "unrecognized"],
    [
      "Lambda's own on-failure report",
      JSON.stringify({ requestContext: {}, KinesisBatchInfo: { shardId: "s", startSequenceNumber: "1" } }),
      "lambda-batch-report",
    ],
    [
      "a truncated payload",
      JSON.stringify({ ...JSON.parse(malformedLetter(Buffer.from("x"))), truncated: true }),
      "malformed-record",
    ],
    [
      "an unknown kind",
      JSON.stringify({ source: "central-logging-search-forwarder", kind: "other" }),
      "other",
    ],
  ])("leaves %s", (_, body, kind) => {
    expect(planSearchMessage(body, PREFIX)).toMatchObject({ kind, action: "leave" });
  });
});
