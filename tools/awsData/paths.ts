/** Property paths into a resource's inputs: `rules[].transitions[].storageClass` visits every element. */

export interface PathValue {
  /** The concrete path, e.g. `rules[0].transitions[1].storageClass`. */
  path: string;
  value: unknown;
}

export function valuesAt(root: unknown, path: string): PathValue[] {
  let current: PathValue[] = [{ path: "", value: root }];
  for (const part of path.split(".")) {
    const each = part.endsWith("[]");
    const key = each ? part.slice(0, -2) : part;
    const next: PathValue[] = [];
    for (const { path: at, value } of current) {
      if (typeof value !== "object" || value === null || Array.isArray(value)) continue;
      const child = (value as Record<string, unknown>)[key];
      if (child === undefined || child === null) continue;
      const childPath = at ? `${at}.${key}` : key;
      if (each) {
        if (Array.isArray(child))
          child.forEach((c, i) => {
            next.push({ path: `${childPath}[${i}]`, value: c });
          });
      } else next.push({ path: childPath, value: child });
    }
    current = next;
  }
  return current;
}
