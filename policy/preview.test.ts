import { describe, expect, it } from "vitest";
import { isUnknownValueError, known, plain, toPlain, UNKNOWN } from "./preview";
import { asInPreview, awsProvider, stackResource, UNKNOWN_INPUT } from "./validation";

const preview = asInPreview({
  name: "stream",
  arn: UNKNOWN_INPUT,
  config: { enabled: true, target: UNKNOWN_INPUT },
  rules: [{ id: "a" }, UNKNOWN_INPUT],
});

describe("values unknown during preview", () => {
  it("recognises the framework's error and nothing else", () => {
    let thrown: unknown;
    try {
      void preview.arn;
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe("string value at .arn can't be known during preview");
    expect(isUnknownValueError(thrown)).toBe(true);
    expect(isUnknownValueError(new Error("string value at .arn can't be known during preview"))).toBe(false);
    expect(isUnknownValueError("arn")).toBe(false);
  });

  it("known() says whether a read succeeded and rethrows real errors", () => {
    expect(known(() => preview.name)).toEqual({ known: true, value: "stream" });
    expect(known(() => preview.arn)).toEqual({ known: false });
    expect(() =>
      known(() => {
        throw new TypeError("bug");
      }),
    ).toThrow("bug");
  });

  it("plain() copies everything, unknown leaves as UNKNOWN", () => {
    expect(plain(preview)).toEqual({
      name: "stream",
      arn: UNKNOWN,
      config: { enabled: true, target: UNKNOWN },
      rules: [{ id: "a" }, UNKNOWN],
    });
  });

  it("plain() leaves non-plain objects alone", () => {
    const date = new Date(0);
    const copy = plain({ when: date }) as { when: Date };
    expect(copy.when).toBe(date);
  });

  it("toPlain() reads a stack resource and its provider's inputs", () => {
    const resource = stackResource({
      type: "aws:kinesis/stream:Stream",
      name: "s",
      props: preview,
      provider: awsProvider("p", asInPreview({ region: "us-east-1", allowedAccountIds: UNKNOWN_INPUT })),
    });
    expect(toPlain(resource)).toEqual({
      type: "aws:kinesis/stream:Stream",
      urn: "urn:pulumi:test::central-logging::aws:kinesis/stream:Stream::s",
      props: {
        name: "stream",
        arn: UNKNOWN,
        config: { enabled: true, target: UNKNOWN },
        rules: [{ id: "a" }, UNKNOWN],
      },
      providerProps: { region: "us-east-1", allowedAccountIds: UNKNOWN },
    });
  });
});
