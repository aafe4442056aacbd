/**
 * What the command lines of decode, verify and redrive share: `parseArgs` with its errors as usage
 * errors (not throws), and the `--stack NAME` | `--file PATH` pair that names a stack file. Pure,
 * so every usage error is tested without spawning.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { nameProblem } from "../../infra/kernel/nameLimits";

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig["options"]>;

export type ParsedCommandLine<T extends ParseArgsOptionsConfig> =
  | {
      ok: true;
      values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; strict: true }>>["values"];
      positionals: string[];
    }
  | { ok: false; error: string };

/** `parseArgs`, strict, positionals allowed: an unknown option or a missing value is a usage error. */
export function parseCommandLine<T extends ParseArgsOptionsConfig>(
  argv: readonly string[],
  options: T,
): ParsedCommandLine<T> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    });
    return { ok: true, values, positionals };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** `--stack` and `--file`, for parseCommandLine's options. */
export const STACK_FILE_OPTIONS = {
  stack: { type: "string" },
  file: { type: "string" },
} as const satisfies ParseArgsOptionsConfig;

/** Pulumi's stack names: letters, digits, `_`, `.` and `-`. */
const STACK_NAME = /^[A-Za-z0-9_.-]+$/;

export const STACK_FILE_USAGE = "--stack NAME | --file PATH/Pulumi.NAME.yaml";

/** The stack file named by exactly one of `--stack` (`Pulumi.<stack>.yaml`) and `--file`. */
export function stackFileArg(values: {
  stack?: string | undefined;
  file?: string | undefined;
}): { ok: true; file: string } | { ok: false; error: string } {
  const { stack, file } = values;
  if (stack !== undefined && file !== undefined)
    return { ok: false, error: "--stack and --file name the same thing: give one" };
  if (file !== undefined) return { ok: true, file };
  if (stack === undefined) return { ok: false, error: `which stack? ${STACK_FILE_USAGE}` };
  if (!STACK_NAME.test(stack)) return { ok: false, error: `--stack ${stack} is not a stack name` };
  return { ok: true, file: `Pulumi.${stack}.yaml` };
}

/** Positionals where a command takes none. */
export function noPositionals(positionals: readonly string[]): string | undefined {
  return positionals.length > 0 ? `unexpected argument ${positionals.join(" ")}` : undefined;
}

/** `--role-name NAME`: assume that role in every account instead of the stack's `roleArn`. */
export const ROLE_NAME_OPTION = {
  "role-name": { type: "string" },
} as const satisfies ParseArgsOptionsConfig;

export function roleNameArg(values: {
  "role-name"?: string | undefined;
}): { ok: true; roleName?: string } | { ok: false; error: string } {
  const name = values["role-name"];
  if (name === undefined) return { ok: true };
  // The program's own names table: IAM's CreateRole rule for RoleName.
  const problem = nameProblem("iamRole", name);
  return problem === undefined
    ? { ok: true, roleName: name }
    : { ok: false, error: `--role-name ${JSON.stringify(name)} ${problem}` };
}

/** What verify and redrive both take: `--stack` | `--file`, and `--role-name`. */
export const STACK_TARGET_OPTIONS = { ...STACK_FILE_OPTIONS, ...ROLE_NAME_OPTION } as const;

/** Which stack an operator CLI acts on, and as whom. */
export interface StackTarget {
  /** The stack file: as given, or `Pulumi.<stack>.yaml` (resolved against the cwd by the caller). */
  readonly file: string;
  /** `--role-name`: the role assumed in every account instead of the stack's roleArn. */
  readonly roleName?: string;
}

/** The stack file and the role to assume, from STACK_TARGET_OPTIONS' values; no positionals. */
export function stackTargetArg(
  values: { stack?: string | undefined; file?: string | undefined; "role-name"?: string | undefined },
  positionals: readonly string[],
): { ok: true; target: StackTarget } | { ok: false; error: string } {
  const unexpected = noPositionals(positionals);
  if (unexpected !== undefined) return { ok: false, error: unexpected };
  const stackFile = stackFileArg(values);
  if (!stackFile.ok) return stackFile;
  const role = roleNameArg(values);
  if (!role.ok) return role;
  return {
    ok: true,
    target: { file: stackFile.file, ...(role.roleName !== undefined ? { roleName: role.roleName } : {}) },
  };
}
