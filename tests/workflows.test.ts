/**
 * The GitHub Actions workflows (`.github/workflows/*.yml`, docs/ci.md) are valid and have the shape
 * the project relies on.
 *
 * Validity: each file goes through GitHub's own workflow parser, `@actions/workflow-parser` (from
 * actions/languageservices: the schema and checks behind the Actions VS Code extension), parse and
 * conversion, offline. It reports unknown keys, wrong value types, bad `permissions` values, `needs`
 * that name no job, malformed `${{ }}` expressions, and contexts used where GitHub does not provide
 * them (`secrets` or `matrix` in a job's `if`). A planted invalid workflow proves the errors come out.
 *
 * Shape: pull requests run `npm ci`, `npm test` and the offline plan of every stack file; main deploys
 * the recipient stacks before the shards; jobs that get AWS credentials use OIDC (`id-token: write`,
 * `role-to-assume`) and no workflow holds long-lived AWS keys.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { register } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { listStacks } from "../.github/scripts/stacks";

// @actions/workflow-parser imports its JSON schema without `with { type: "json" }`, which Node
// refuses (actions/languageservices issue 387). This loader hook adds the attribute to those JSON
// imports, for this test process only.
const JSON_IMPORT_HOOK = `
export async function load(url, context, nextLoad) {
  if (url.includes("/@actions/") && url.endsWith(".json") && context.importAttributes?.type !== "json") {
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: "json" } });
  }
  return nextLoad(url, context);
}`;

type Parser = typeof import("@actions/workflow-parser");
let parser: Parser;

beforeAll(async () => {
  register(`data:text/javascript,${encodeURIComponent(JSON_IMPORT_HOOK)}`);
  parser = await import("@actions/workflow-parser");
});

/** Every error GitHub's parser reports for one workflow file: parsing, then conversion. */
async function workflowErrors(name: string, content: string): Promise<string[]> {
  const { context, value } = parser.parseWorkflow({ name, content }, new parser.NoOperationTraceWriter());
  const errors = context.errors.getErrors().map((e) => e.message);
  if (errors.length > 0 || value === undefined) return errors.length > 0 ? errors : [`${name}: empty`];
  const template = await parser.convertWorkflowTemplate(context, value);
  return [
    ...new Set([
      ...context.errors.getErrors().map((e) => e.message),
      ...(template.errors ?? []).map((e) => e.Message),
    ]),
  ];
}

const WORKFLOW_DIR = ".github/workflows";

/** The workflow files of a directory, with their errors. */
async function checkDir(dir: string): Promise<{ file: string; errors: string[] }[]> {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  return Promise.all(
    files.map(async (file) => ({
      file,
      errors: await workflowErrors(file, readFileSync(join(dir, file), "utf8")),
    })),
  );
}

// The workflows as plain YAML, for the shape checks.
interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  environment?: unknown;
  concurrency?: { group?: string; "cancel-in-progress"?: unknown };
  permissions?: Record<string, string> | string;
  strategy?: { matrix?: { include?: unknown } };
  outputs?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

const workflowFiles = readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f));
const workflows = new Map(
  workflowFiles.map((f) => [f, parse(readFileSync(join(WORKFLOW_DIR, f), "utf8")) as Workflow]),
);

function onlyWorkflow(pred: (w: Workflow) => boolean, what: string): Workflow {
  const found = [...workflows.values()].filter(pred);
  expect(found, what).toHaveLength(1);
  return found[0]!;
}

const prWorkflow = () => onlyWorkflow((w) => "pull_request" in (w.on ?? {}), "one pull_request workflow");
const deployWorkflow = () =>
  onlyWorkflow((w) => {
    const push = w.on?.push as { branches?: string[] } | undefined;
    return push?.branches?.includes("main") ?? false;
  }, "one workflow on push to main");

const needsOf = (job: Job): string[] =>
  job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
const steps = (job: Job): Step[] => job.steps ?? [];
const runs = (job: Job): string[] => steps(job).flatMap((s) => (s.run ? [s.run] : []));
const pulumiSteps = (job: Job) => steps(job).filter((s) => s.uses?.startsWith("pulumi/actions@"));
const jobsRunning = (w: Workflow, command: string) =>
  Object.entries(w.jobs).filter(([, job]) => pulumiSteps(job).some((s) => s.with?.command === command));

/** The job and output a matrix's `include` comes from: `${{ fromJSON(needs.<job>.outputs.<out>) }}`. */
function matrixSource(job: Job): { job: string; output: string } {
  const include = String(job.strategy?.matrix?.include ?? "");
  const m = /^\$\{\{\s*fromJSON\(needs\.([\w-]+)\.outputs\.([\w-]+)\)\s*\}\}$/.exec(include);
  expect(m, `matrix.include from a job's output: ${include}`).not.toBeNull();
  return { job: m![1]!, output: m![2]! };
}

/** The job whose step runs the stack lister and sets `output` from it. */
function expectListerOutput(w: Workflow, source: { job: string; output: string }): void {
  const lister = w.jobs[source.job];
  expect(lister, `job ${source.job}`).toBeDefined();
  const step = steps(lister!).find((s) => s.run?.includes(".github/scripts/stacks.ts"));
  expect(step?.id, `${source.job} runs .github/scripts/stacks.ts in a step with an id`).toBeDefined();
  expect(lister!.outputs?.[source.output]).toBe(`\${{ steps.${step!.id}.outputs.${source.output} }}`);
}

describe("GitHub's workflow parser", () => {
  it("finds the workflows", () => {
    expect(workflowFiles.length).toBeGreaterThanOrEqual(2);
  });

  it.each(workflowFiles)("%s has no error", async (file) => {
    expect(await workflowErrors(file, readFileSync(join(WORKFLOW_DIR, file), "utf8"))).toEqual([]);
  });

  it("reports a planted invalid workflow", async () => {
    const dir = mkdtempSync(join(tmpdir(), "workflows-"));
    writeFileSync(
      join(dir, "good.yml"),
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n",
    );
    writeFileSync(
      join(dir, "planted.yml"),
      [
        "on: pull_request",
        "permissions:",
        "  id-token: writ", // not read, write or none
        "jobs:",
        "  a:",
        "    runs-on: ubuntu-latest",
        "    timeout-minutes: soon", // not a number
        "    steps:",
        "      - run: echo ${{ github.event.( }}", // broken expression
        "        shell-script: bash", // unknown key
      ].join("\n"),
    );
    const results = await checkDir(dir);
    expect(results.find((r) => r.file === "good.yml")?.errors).toEqual([]);
    const errors = results.find((r) => r.file === "planted.yml")?.errors ?? [];
    expect(errors.some((e) => e.includes("'writ'"))).toBe(true);
    expect(errors.some((e) => e.includes("'soon'"))).toBe(true);
    expect(errors.some((e) => e.includes("'shell-script'"))).toBe(true);
    expect(errors.some((e) => e.includes("Unexpected symbol"))).toBe(true);
  });

  // Conversion runs once the file parses: it checks what depends on the whole workflow.
  it("reports a job that needs no such job, and a context where GitHub provides none", async () => {
    const errors = await workflowErrors(
      "converted.yml",
      [
        "on: push",
        "jobs:",
        "  a:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - run: echo",
        "  b:",
        "    needs: [a, nope]",
        "    if: secrets.TOKEN != ''", // no secrets context in a job's if
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - run: echo",
      ].join("\n"),
    );
    expect(errors.join("\n")).toMatch(/depends on unknown job 'nope'/);
    expect(errors.join("\n")).toMatch(/Unrecognized named-value: 'secrets'/);
  });
});

describe("pull request workflow", () => {
  it("runs npm ci and npm test", () => {
    const all = Object.values(prWorkflow().jobs).flatMap(runs);
    expect(all).toContain("npm ci");
    expect(all).toContain("npm test");
  });

  it("plans every stack file of the repository root offline", () => {
    const w = prWorkflow();
    const planJobs = Object.values(w.jobs).filter((job) =>
      runs(job).some((r) => r.includes('npm run plan -- --file "$FILE"')),
    );
    expect(planJobs).toHaveLength(1);
    const plan = planJobs[0]!;
    expect(runs(plan)).toContain("npm ci");
    const step = steps(plan).find((s) => s.run?.includes('npm run plan -- --file "$FILE"'));
    expect(step?.env?.FILE).toBe("${{ matrix.file }}");
    // A shard is planned with its recipient's planned outputs.
    expect(step?.run).toContain('--stack-outputs "$RECIPIENT_STACK=');
    const source = matrixSource(plan);
    expect(needsOf(plan)).toContain(source.job);
    expectListerOutput(w, source);
    expect(source.output).toBe("all");
    // ... and the lister's `all` is every Pulumi.<stack>.yaml here.
    const stackFiles = readdirSync(".").filter((f) => /^Pulumi\..+\.yaml$/.test(f));
    expect(stackFiles.length).toBeGreaterThan(0);
    expect(listStacks(".").all.map((s) => s.file)).toEqual(stackFiles.sort());
  });

  it("previews every stack with pulumi/actions when a preview role is configured", () => {
    const w = prWorkflow();
    const previews = jobsRunning(w, "preview");
    expect(previews).toHaveLength(1);
    const [, job] = previews[0]!;
    expect(job.if).toContain("vars.AWS_PREVIEW_ROLE_ARN != ''");
    expect(matrixSource(job).output).toBe("all");
    const step = pulumiSteps(job)[0]!;
    expect(step.uses).toMatch(/^pulumi\/actions@v\d+$/);
    expect(String(step.with?.["stack-name"])).toContain("matrix.stack");
    expect(step.with?.["comment-on-pr"]).toBe(true);
  });
});

describe("deploy workflow", () => {
  it("runs pulumi up of the recipient stacks, then of the shards after them", () => {
    const w = deployWorkflow();
    const ups = jobsRunning(w, "up");
    expect(ups.map(([id]) => id).sort()).toEqual(["recipients", "shards"]);
    const recipients = w.jobs.recipients!;
    const shards = w.jobs.shards!;
    expect(matrixSource(recipients).output).toBe("first");
    expect(matrixSource(shards).output).toBe("shards");
    expectListerOutput(w, matrixSource(recipients));
    expectListerOutput(w, matrixSource(shards));
    expect(needsOf(shards)).toContain("recipients");
    expect(needsOf(recipients)).not.toContain("shards");
    // An empty matrix is an error in GitHub Actions: no shards, no shard job.
    expect(shards.if).toContain("needs.stacks.outputs.shards != '[]'");
  });

  it("deploys each stack in its environment, one update per stack at a time", () => {
    for (const [id, job] of jobsRunning(deployWorkflow(), "up")) {
      expect(job.environment, id).toBe("${{ matrix.environment }}");
      expect(job.concurrency?.group, id).toContain("${{ matrix.stack }}");
      expect(job.concurrency?.["cancel-in-progress"], id).toBe(false);
      expect(job.if, id).toContain("vars.AWS_CI_ROLE_ARN != ''");
      const step = pulumiSteps(job)[0]!;
      expect(step.uses).toMatch(/^pulumi\/actions@v\d+$/);
      expect(String(step.with?.["stack-name"])).toContain("matrix.stack");
    }
  });

  it("runs the tests before deploying", () => {
    const w = deployWorkflow();
    const tested = Object.entries(w.jobs).filter(([, job]) => runs(job).includes("npm test"));
    expect(tested).toHaveLength(1);
    expect(needsOf(w.jobs.stacks!)).toContain(tested[0]![0]);
  });
});

describe("every workflow", () => {
  it("gets AWS credentials through OIDC only", () => {
    for (const [file, w] of workflows) {
      const text = readFileSync(join(WORKFLOW_DIR, file), "utf8");
      expect(text, file).not.toMatch(
        /aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/,
      );
      for (const [id, job] of Object.entries(w.jobs)) {
        const aws = steps(job).filter((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
        if (aws.length === 0) continue;
        const permissions = job.permissions ?? w.permissions;
        expect(permissions, `${file} ${id}`).toMatchObject({ "id-token": "write" });
        for (const s of aws) expect(s.with?.["role-to-assume"], `${file} ${id}`).toMatch(/^\$\{\{ vars\./);
      }
    }
  });

  it("pins every action to a major version and sets up Node 20 with the npm cache", () => {
    for (const [file, w] of workflows) {
      expect(w.permissions, `${file}: read-only by default`).toEqual({ contents: "read" });
      for (const [id, job] of Object.entries(w.jobs)) {
        for (const s of steps(job)) {
          if (s.uses === undefined) continue;
          expect(s.uses, `${file} ${id}`).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
          if (s.uses.startsWith("actions/setup-node@")) {
            expect(s.with, `${file} ${id}`).toEqual({ "node-version": 20, cache: "npm" });
          }
        }
        if (runs(job).includes("npm ci")) {
          const setup = steps(job).findIndex((s) => s.uses?.startsWith("actions/setup-node@"));
          expect(setup, `${file} ${id}: setup-node before npm ci`).toBeGreaterThanOrEqual(0);
        }
      }
    }
  });
});

describe("the stack lister (.github/scripts/stacks.ts)", () => {
  const stackFile = (config: Record<string, unknown>) =>
    `config:\n${Object.entries(config)
      .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
      .join("\n")}\n`;

  function orgDir(files: Record<string, Record<string, unknown>>): string {
    const dir = mkdtempSync(join(tmpdir(), "stacks-"));
    mkdirSync(join(dir, "infra"));
    writeFileSync(join(dir, "Pulumi.yaml"), "name: central-logging\n");
    for (const [name, config] of Object.entries(files)) writeFileSync(join(dir, name), stackFile(config));
    return dir;
  }

  it("puts shards after their recipient stack, in the recipient's environment", () => {
    const dir = orgDir({
      "Pulumi.dev.yaml": {},
      "Pulumi.acme-recipient.yaml": { "central-logging:part": "recipient" },
      "Pulumi.acme-shard-0.yaml": {
        "central-logging:part": "sources",
        "central-logging:recipientStack": "acme/central-logging/acme-recipient",
      },
      "Pulumi.acme-shard-1.yaml": {
        "central-logging:part": "sources",
        "central-logging:recipientStack": "acme/central-logging/acme-recipient",
      },
    });
    const sets = listStacks(dir);
    expect(sets.all.map((s) => s.stack)).toEqual(["acme-recipient", "acme-shard-0", "acme-shard-1", "dev"]);
    expect(sets.first.map((s) => [s.stack, s.part, s.environment])).toEqual([
      ["acme-recipient", "recipient", "acme-recipient"],
      ["dev", "all", "dev"],
    ]);
    expect(sets.shards).toEqual(
      [0, 1].map((n) => ({
        stack: `acme-shard-${n}`,
        file: `Pulumi.acme-shard-${n}.yaml`,
        part: "sources",
        environment: "acme-recipient",
        recipientStack: "acme/central-logging/acme-recipient",
        recipientFile: "Pulumi.acme-recipient.yaml",
      })),
    );
  });

  it("refuses a shard whose recipient stack has no stack file", () => {
    const dir = orgDir({
      "Pulumi.acme-shard-0.yaml": {
        "central-logging:part": "sources",
        "central-logging:recipientStack": "acme/central-logging/acme-recipient",
      },
      "Pulumi.odd.yaml": { "central-logging:part": "everything" },
    });
    expect(() => listStacks(dir)).toThrow(
      /Pulumi\.acme-shard-0\.yaml: its recipient stack 'acme\/central-logging\/acme-recipient' has no stack file here[\s\S]*Pulumi\.odd\.yaml: central-logging:part is 'everything'/,
    );
  });
});
