/**
 * Comparing structured values (a session's lists and dicts, a JSON answer) the way a teacher
 * means it: deep equality with numbers compared as numbers, Python's `in`, Python's `len`, and
 * paths into nested values. Pure.
 */

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Loose at the leaves ("2" on a page equals 2 in the spec), exact in shape; key order never matters. */
export function deepSame(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepSame(x, b[i]));
  }
  if (isMapping(a) || isMapping(b)) {
    if (!isMapping(a) || !isMapping(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepSame(a[k], b[k]));
  }
  if (typeof a === "number" || typeof b === "number") return a !== null && b !== null && a !== "" && b !== "" && a !== undefined && b !== undefined && Number(a) === Number(b);
  return a === b;
}

/** Python's `item in container`; undefined when the container cannot hold anything (a number, None). */
export function holdsItem(container: unknown, item: unknown): boolean | undefined {
  if (Array.isArray(container)) return container.some((x) => deepSame(x, item));
  if (typeof container === "string") return typeof item === "string" || typeof item === "number" ? container.includes(String(item)) : false;
  if (isMapping(container)) return typeof item === "string" && Object.hasOwn(container, item);
  return undefined;
}

/** Python's `len()`; undefined for a value without a length. */
export function lengthOf(value: unknown): number | undefined {
  if (Array.isArray(value)) return value.length;
  if (typeof value === "string") return [...value].length;
  if (isMapping(value)) return Object.keys(value).length;
  return undefined;
}

/** The value at a dotted path (`user.name`, `items.0`; `.` is the whole value). */
export function atPath(root: unknown, path: string): { found: true; value: unknown } | { found: false } {
  if (path === "." || path === "") return { found: true, value: root };
  let node = root;
  for (const step of path.split(".")) {
    if (Array.isArray(node) && /^\d+$/.test(step) && Number(step) < node.length) node = node[Number(step)];
    else if (isMapping(node) && Object.hasOwn(node, step)) node = node[step];
    else return { found: false };
  }
  return { found: true, value: node };
}
