/**
 * `npm run deployer-role -- --stack <name> [--account <id>] [--json]` and `-- --stackset`: the
 * deployer-role CLI (tools/deployerRole/cli.ts) on this process's streams.
 */
import { deployerRoleMain } from "../tools/deployerRole/cli";

deployerRoleMain(process.argv.slice(2), { log: (t) => console.log(t), error: (t) => console.error(t) }).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
