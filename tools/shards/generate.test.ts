/**
 * The generated stack files (generate.ts) from an organization file (orgFile.ts): their headers and
 * config, stability (adding an account to the organization file rewrites exactly one shard file
 * and the recipient file, whatever the new account's id and place in the list), and the problems
 * an organization file is refused for. Pure: no program runs (plan.test.ts plans the files).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type GeneratedStack, generateShardSet, type ShardOptions } from "./generate";
import { type OrgFile, parseOrgFile } from "./orgFile";

const EXAMPLE = readFileSync("org/example.yaml", "utf8");

function org(text: string, path = "org/example.yaml"): OrgFile {
  const parsed = parseOrgFile(text, path);
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  return parsed.org;
}

function generate(text: string, options: ShardOptions = {}): GeneratedStack[] {
  const set = generateShardSet(org(text), options);
  if (!set.ok) throw new Error(set.errors.join("\n"));
  return set.stacks;
}

/** Regenerate as the CLI does: the previous files record the assignment. */
function regenerate(text: string, before: GeneratedStack[], options: ShardOptions = {}): GeneratedStack[] {
  return generate(text, { ...options, existing: before });
}

/** The example with one more source, inserted first in the list. */
function withAccount(text: string, accountId: string): string {
  return text.replace(
    "sources:\n",
    `sources:\n  - accountId: "${accountId}"\n    regions: [us-east-2]\n    subscriptions:\n      - logGroup: /aws/lambda/new\n`,
  );
}

function changedFiles(before: GeneratedStack[], after: GeneratedStack[]): string[] {
  const old = new Map(before.map((s) => [s.file, s.text]));
  return after.filter((s) => old.get(s.file) !== s.text).map((s) => s.file);
}

const config = (s: GeneratedStack | undefined) =>
  (parse(s?.text ?? "") as { config: Record<string, unknown> }).config;

describe("the generated stack files", () => {
  const stacks = generate(EXAMPLE);
  const [recipient, shard0] = stacks;

  it("say they are generated and from which file, and disable default providers", () => {
    for (const s of stacks) {
      expect(s.text).toMatch(/^# Generated from org\/example\.yaml by `npm run shards`: do not edit\./);
      expect(config(s)["pulumi:disable-default-providers"]).toEqual(["*"]);
      expect(config(s)["central-logging:namePrefix"]).toBe("example-logs");
    }
  });

  it("give the recipient stack every source and part: recipient", () => {
    expect(config(recipient)["central-logging:part"]).toBe("recipient");
    expect(config(recipient)["central-logging:recipientStack"]).toBeUndefined();
    expect(recipient?.accounts).toEqual(["222222222222", "333333333333", "444444444444", "555555555555"]);
    expect(config(recipient)["central-logging:sources"]).toHaveLength(4);
  });

  it("give each shard the same recipient block, its recipient stack and its own sources, as written", () => {
    const c = config(shard0);
    expect(c["central-logging:part"]).toBe("sources");
    expect(c["central-logging:recipientStack"]).toBe("acme/central-logging/example-recipient");
    expect(c["central-logging:recipient"]).toEqual((parse(EXAMPLE) as { recipient: unknown }).recipient);
    expect((c["central-logging:sources"] as { accountId: string }[]).map((s) => s.accountId)).toEqual([
      "222222222222",
      "333333333333",
    ]);
    // Comments of the organization file are kept.
    expect(shard0?.text).toContain("expireDays: 2555 # seven years");
    expect(stacks[2]?.text).toContain("forward: false # kept locally only");
  });

  it("are the same bytes when regenerated from their own files", () => {
    expect(changedFiles(stacks, regenerate(EXAMPLE, stacks))).toEqual([]);
  });

  it("keep what Pulumi and people added to a stack file outside central-logging's keys", () => {
    const edited = (shard0?.text ?? "")
      .replace("config:\n", "encryptionsalt: v1:abc:def\nconfig:\n")
      .replace("config:\n", 'config:\n  aws:skipMetadataApiCheck: "false"\n');
    const again = regenerate(
      EXAMPLE,
      stacks.map((s) => (s === shard0 ? { ...s, text: edited } : s)),
    );
    expect(config(again[1])["aws:skipMetadataApiCheck"]).toBe("false");
    expect((parse(again[1]?.text ?? "") as Record<string, unknown>).encryptionsalt).toBe("v1:abc:def");
    expect(regenerate(EXAMPLE, again).map((s) => s.text)).toEqual(again.map((s) => s.text));
  });

  it("quote an account id the organization file wrote as a bare number", () => {
    const bare = generate(EXAMPLE.replace('accountId: "555555555555"', "accountId: 555555555555"));
    expect(bare.map((s) => s.text)).toEqual(stacks.map((s) => s.text));
  });
});

describe("adding an account to the organization file", () => {
  const before = generate(EXAMPLE, { accountsPerShard: 3 });

  it("rewrites the recipient file and exactly the one shard file that gets it", () => {
    // The smallest id, first in the list: it must not push other accounts along.
    const after = regenerate(withAccount(EXAMPLE, "100000000000"), before, { accountsPerShard: 3 });
    expect(changedFiles(before, after)).toEqual([
      "Pulumi.example-recipient.yaml",
      "Pulumi.example-shard-1.yaml",
    ]);
    expect(after[2]?.accounts).toEqual(["100000000000", "555555555555"]);
    expect(after[1]?.text).toBe(before[1]?.text);
  });

  it("opens one new shard file when every shard is full", () => {
    const full = generate(EXAMPLE);
    const after = regenerate(withAccount(EXAMPLE, "100000000000"), full);
    expect(changedFiles(full, after)).toEqual([
      "Pulumi.example-recipient.yaml",
      "Pulumi.example-shard-2.yaml",
    ]);
    expect(after[3]?.accounts).toEqual(["100000000000"]);
  });

  it("moves nothing when the bound is lowered below a shard's size: it refuses, naming the file", () => {
    const set = generateShardSet(org(EXAMPLE), { accountsPerShard: 2, existing: before });
    expect(set.ok).toBe(false);
    if (!set.ok)
      expect(set.errors[0]).toMatch(/^Pulumi\.example-shard-0\.yaml holds 3 accounts, more than the 2/);
  });
});

describe("sizing by provider budget", () => {
  it("bounds each shard's provider processes by the budget (400 MiB each, estimated)", () => {
    const set = generateShardSet(org(EXAMPLE), { providerBudgetMiB: 1300 });
    if (!set.ok) throw new Error(set.errors.join("\n"));
    expect(set.capacity).toBe(3);
    expect(set.stacks.map((s) => [s.providerProcesses, s.memoryMiB])).toEqual([
      [1, 400],
      [3, 1200],
      [1, 400],
    ]);
  });

  it("takes the organization file's providerBudgetMiB, and counts random in a recipient with search", () => {
    const text = EXAMPLE.replace("  accountsPerShard: 2 #", "  providerBudgetMiB: 800 #").replace(
      "  transport: kinesis\n",
      "  transport: kinesis\n  search: {}\n",
    );
    const set = generateShardSet(org(text));
    if (!set.ok) throw new Error(set.errors.join("\n"));
    expect(set.capacity).toBe(2);
    expect(set.stacks[0]?.providerProcesses).toBe(2);
  });

  it("refuses a budget that fits no provider", () => {
    const set = generateShardSet(org(EXAMPLE), { providerBudgetMiB: 399 });
    expect(set.ok).toBe(false);
  });
});

describe("an organization file with problems", () => {
  const errors = (text: string) => {
    const parsed = parseOrgFile(text, "org/bad.yaml");
    return parsed.ok ? [] : parsed.errors;
  };

  it("is refused with the program's own config messages, prefixed with the file", () => {
    expect(errors(EXAMPLE.replace("regions: [us-east-2]", "regions: [us-east-9]"))).toContain(
      "org/bad.yaml: sources[0].regions[0]: 'us-east-9' is not an AWS region",
    );
    expect(errors(EXAMPLE.replace('accountId: "555555555555"', 'accountId: "222222222222"'))).not.toEqual([]);
  });

  it("needs namePrefix, stacks.organization, and one way of sizing", () => {
    expect(errors(EXAMPLE.replace(/^namePrefix: .*$/m, ""))).toEqual([
      expect.stringMatching(/^org\/bad\.yaml: namePrefix: is required: every stack of the set must share it/),
    ]);
    expect(errors(EXAMPLE.replace(/^ {2}organization: .*$/m, ""))).toEqual([
      expect.stringMatching(/^org\/bad\.yaml: stacks\.organization: /),
    ]);
    expect(
      errors(
        EXAMPLE.replace("  accountsPerShard: 2 #", "  providerBudgetMiB: 5632\n  accountsPerShard: 2 #"),
      ),
    ).toEqual(["org/bad.yaml: stacks: sets both accountsPerShard and providerBudgetMiB; keep one"]);
  });

  it("refuses keys the generator sets (part, recipientStack) and unknown ones", () => {
    expect(errors(`part: sources\n${EXAMPLE}`)).toEqual([
      "org/bad.yaml: (top level): part: not a key of an organization file (stacks, namePrefix, recipient, sources)",
    ]);
  });
});
