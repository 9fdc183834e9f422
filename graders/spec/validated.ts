/**
 * A memo of specs that already passed schema validation. Validation is a pure function of the
 * spec's data and the schema, but compiling the schema costs ~100 ms at every start of the CLI,
 * which is a third of a Python start: the number the grader is measured against. A spec the
 * teacher has not changed since its last successful load skips ajv entirely.
 */
import { createHash } from "node:crypto";
import { readCacheFile, writeCacheFile } from "../userCache.js";

const KEEP = 200;
/** In the user's own cache folder (see userCache.ts): a memo another user could plant would skip validation. */
const MEMO = "valid-specs.json";

export function validationKey(schemaText: string, data: unknown): string {
  return createHash("sha256").update(schemaText).update("\0").update(JSON.stringify(data)).digest("hex");
}

function read(): string[] {
  try {
    const list: unknown = JSON.parse(readCacheFile(MEMO) ?? "[]");
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

export function knownValid(key: string): boolean {
  return read().includes(key);
}

export function rememberValid(key: string): void {
  const list = read().filter((k) => k !== key);
  list.push(key);
  writeCacheFile(MEMO, JSON.stringify(list.slice(-KEEP)));
}
