/**
 * `npm run deployer-role -- --stack <name> [--account <id>] [--json]`: the deployer role of every
 * account of a stack (trust and permission policies), from the resources the program plans there.
 * Runs the program under mocks: offline, no AWS credentials.
 *
 * `npm run deployer-role -- --stackset`: rewrites deploy/deployer-role.stackset.yaml from the table
 * and the resource types of the recorded plans. The entry point is scripts/deployerRole.ts; tests
 * call `deployerRoleMain` in-process.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseSettings, rawConfigFrom } from "../../infra/config";
import { loadStackFile } from "../cli/stack";
import { runProgram } from "../offline/run";
import { readStackFile } from "../offline/stackFile";
import { UNCONFIRMED_ACTIONS } from "./actions";
import { recordedPlans } from "./fixtures";
import {
  type AccountRole,
  accountPrincipal,
  deployerRoles,
  type PlannedAwsResource,
  type TrustOptions,
  trustPolicy,
} from "./generate";
import { operatorPolicy } from "./operator";
import { renderStackSetTemplate, TEMPLATE_PATH, typesByPart } from "./stackset";

const USAGE = [
  "usage: npm run deployer-role -- --stack <name> [--account <id>] [--json]",
  "         [--principal <arn> | --management-account <id>] [--external-id <id>] [--org-id <o-...>]",
  "       npm run deployer-role -- --stack <name> --operator [--account <id>] [--json] [--principal <arn> | --management-account <id>]",
  "       npm run deployer-role -- --stackset",
].join("\n");

/** Placeholder principal (the README's example): replace it with the role that runs `pulumi up`. */
const EXAMPLE_PRINCIPAL = "arn:aws:iam::000000000000:role/PlatformDeploy";

/** Where the CLI writes: the process's streams, or a test's buffers. */
export interface CliIo {
  log: (text: string) => void;
  error: (text: string) => void;
}

function writeStackSet(io: CliIo): number {
  const plans = recordedPlans().map((p) => p.plan);
  writeFileSync(TEMPLATE_PATH, renderStackSetTemplate(typesByPart(plans)));
  io.log(`wrote ${TEMPLATE_PATH}`);
  return 0;
}

function formatRole(role: AccountRole): string {
  const lines = [
    `== account ${role.accountId} (${role.parts.join(" + ")}): role ${role.roleArn ?? `${role.roleName} (no roleArn in the config: the ambient credentials deploy this account)`}`,
    `-- resource types: ${role.types.join(", ") || "(none)"}`,
    "-- trust policy",
    JSON.stringify(role.trust, null, 2),
  ];
  for (const p of role.policies)
    lines.push(`-- managed policy ${p.name}`, JSON.stringify(p.document, null, 2));
  return lines.join("\n");
}

/** The role `--role-name` names for verify and redrive, as `--operator` prints it. */
export const OPERATOR_ROLE_NAME = "CentralLoggingOperator";

/**
 * `--operator`: per account, a role for verify and redrive (`--role-name CentralLoggingOperator`):
 * the same trust as the deployer's (the tools' session names match it too) and the policy the two
 * need (tools/deployerRole/operator.ts), from the stack's plan alone (no program run).
 */
function printOperatorRoles(
  file: string,
  account: string | undefined,
  trust: TrustOptions,
  json: boolean,
  io: CliIo,
): number {
  const loaded = loadStackFile(file);
  if (!loaded.ok) {
    io.error(loaded.lines.join("\n"));
    return 1;
  }
  const { plan } = loaded;
  const accounts = [...new Set([plan.recipient.accountId, ...plan.sources.map((s) => s.accountId)])]
    .filter((a) => account === undefined || a === account)
    .flatMap((accountId) => {
      const policy = operatorPolicy(plan, accountId);
      return policy
        ? [
            {
              accountId,
              roleName: OPERATOR_ROLE_NAME,
              trust: trustPolicy(trust, "CentralLoggingOperators"),
              policy,
            },
          ]
        : [];
    });
  if (accounts.length === 0) {
    io.error(
      `account ${account} is not an account of stack ${loaded.stack}, or verify and redrive call nothing there`,
    );
    return 1;
  }
  if (json) io.log(JSON.stringify({ stack: loaded.stack, accounts }, null, 2));
  else
    io.log(
      accounts
        .map((a) =>
          [
            `== account ${a.accountId}: role ${a.roleName} (npm run verify / redrive -- --role-name ${a.roleName})`,
            "-- trust policy",
            JSON.stringify(a.trust, null, 2),
            "-- inline policy (verify, redrive)",
            JSON.stringify(a.policy, null, 2),
          ].join("\n"),
        )
        .join("\n\n"),
    );
  return 0;
}

/** The CLI without the process: its exit code, its output through `io`. */
export async function deployerRoleMain(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      stack: { type: "string" },
      file: { type: "string" },
      account: { type: "string" },
      json: { type: "boolean", default: false },
      principal: { type: "string" },
      "management-account": { type: "string" },
      "external-id": { type: "string" },
      "org-id": { type: "string" },
      stackset: { type: "boolean", default: false },
      operator: { type: "boolean", default: false },
    },
  });
  if (values.stackset) return writeStackSet(io);
  if (!values.stack && !values.file) {
    io.error(USAGE);
    return 2;
  }
  if (values.principal && values["management-account"]) {
    io.error(`--principal and --management-account exclude each other\n${USAGE}`);
    return 2;
  }
  const trust: TrustOptions = {
    principal: values["management-account"]
      ? accountPrincipal(values["management-account"])
      : (values.principal ?? EXAMPLE_PRINCIPAL),
    ...(values["external-id"] ? { externalId: values["external-id"] } : {}),
    ...(values["org-id"] ? { organizationId: values["org-id"] } : {}),
  };
  const file = values.file ?? `Pulumi.${values.stack}.yaml`;
  if (values.operator) {
    // verify and redrive assume roles without an external id (tools/aws/clients.ts).
    if (values["external-id"]) {
      io.error(`--operator takes no --external-id: verify and redrive pass none\n${USAGE}`);
      return 2;
    }
    return printOperatorRoles(file, values.account, trust, values.json, io);
  }
  const { stack, config } = readStackFile(resolve(file));
  const parsed = parseSettings(rawConfigFrom(config), stack);
  if (!parsed.ok) {
    io.error(`the stack config is invalid:\n${parsed.errors.map((e) => `  - ${e}`).join("\n")}`);
    return 1;
  }
  const run = await runProgram(stack, config);
  if (!run.ok) {
    io.error(`the program failed under mocks:\n${run.errors.join("\n")}`);
    return 1;
  }
  const resources: PlannedAwsResource[] = [
    ...[...run.mocks.providers.values()].map((p) => ({
      type: "pulumi:providers:aws",
      account: p.accountId,
      inputs: {},
    })),
    ...run.mocks.resources.map((r) => ({
      type: r.type,
      ...(r.provider ? { account: r.provider.accountId } : {}),
      inputs: r.inputs,
    })),
  ];
  let roles = deployerRoles(parsed.settings, resources, trust);
  if (values.account) {
    roles = roles.filter((r) => r.accountId === values.account);
    if (roles.length === 0) {
      io.error(`account ${values.account} is not an account of stack ${stack}`);
      return 1;
    }
  }
  if (values.json) {
    io.log(JSON.stringify({ stack, accounts: roles, unconfirmedActions: UNCONFIRMED_ACTIONS }, null, 2));
  } else {
    io.log(roles.map(formatRole).join("\n\n"));
    io.log(
      `\nNot yet confirmed against AWS: ${UNCONFIRMED_ACTIONS.map((u) => u.action).join(", ")} (docs/deployer-role.md).`,
    );
  }
  if (!values.principal && !values["management-account"])
    io.error(`note: the trust names the example principal ${EXAMPLE_PRINCIPAL}; pass --principal <arn>`);
  return 0;
}
