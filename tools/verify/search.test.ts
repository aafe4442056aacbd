import { describe, expect, it } from "vitest";
import { CANARY_ID_KEY } from "../../infra/operations/names";
import { FAKE_ENDPOINT, type FakeRequest, fakeSearchClient } from "../../tests/doubles/fakeOpenSearch";
import { openSearchProbe, parseAdminSecret } from "./search";

describe("openSearchProbe", () => {
  it("asks for every pending id in one query and keeps exact matches only", async () => {
    const requests: FakeRequest[] = [];
    const client = fakeSearchClient(
      (request) => {
        requests.push(request);
        return {
          status: 200,
          body: {
            hits: {
              hits: [
                { _index: "cwl-2025.06.01", _id: "1", _source: { [CANARY_ID_KEY]: "a" } },
                // A phrase match that is not the id itself, and a document without the field.
                { _index: "cwl-2025.06.01", _id: "2", _source: { [CANARY_ID_KEY]: "a-b" } },
                { _index: "cwl-2025.06.01", _id: "3", _source: {} },
              ],
            },
          },
        };
      },
      { username: "admin", password: "secret-password" },
    );
    const found = await openSearchProbe(client, "cwl-*").find(["a", "b"]);
    expect([...found]).toEqual(["a"]);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: "POST", path: "/cwl-*/_search" });
    expect(requests[0]?.query.get("ignore_unavailable")).toBe("true");
    expect(requests[0]?.query.get("allow_no_indices")).toBe("true");
    expect(JSON.parse(requests[0]!.body)).toMatchObject({
      _source: [CANARY_ID_KEY],
      query: {
        bool: {
          should: [{ match_phrase: { [CANARY_ID_KEY]: "a" } }, { match_phrase: { [CANARY_ID_KEY]: "b" } }],
          minimum_should_match: 1,
        },
      },
    });
  });

  it("asks nothing for no ids, and passes errors on", async () => {
    let calls = 0;
    const client = fakeSearchClient(() => {
      calls++;
      return { status: 401, body: { message: "Unauthorized" } };
    });
    expect((await openSearchProbe(client, "cwl-*").find([])).size).toBe(0);
    expect(calls).toBe(0);
    await expect(openSearchProbe(client, "cwl-*").find(["a"])).rejects.toThrow();
    expect(FAKE_ENDPOINT).toMatch(/^https:/);
  });
});

describe("parseAdminSecret", () => {
  it("reads the login and never shows the password in an error", () => {
    expect(parseAdminSecret("s", '{"username":"admin","password":"pw-12345678"}')).toEqual({
      username: "admin",
      password: "pw-12345678",
    });
    expect(() => parseAdminSecret("s", undefined)).toThrow("secret s has no string value");
    expect(() => parseAdminSecret("s", "pw-12345678")).toThrow("secret s is not JSON");
    expect(() => parseAdminSecret("s", '{"password":"pw-12345678"}')).toThrow(
      'secret s needs {"username", "password"}',
    );
    expect(() => parseAdminSecret("s", "null")).toThrow('secret s needs {"username", "password"}');
  });
});
