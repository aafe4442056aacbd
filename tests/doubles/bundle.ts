import { createRequire, isBuiltin } from "node:module";

const nodeRequire = createRequire(__filename);

/** Evaluates a CJS bundle the way Lambda would, but with only Node built-ins resolvable. */
export function evaluateBundle(code: string): Record<string, unknown> {
  const builtinsOnly = (id: string): unknown => {
    if (!isBuiltin(id)) {
      throw new Error(`bundle requires non-builtin module ${id}`);
    }
    return nodeRequire(id);
  };
  const module: { exports: Record<string, unknown> } = { exports: {} };
  new Function("module", "exports", "require", code)(module, module.exports, builtinsOnly);
  return module.exports;
}
