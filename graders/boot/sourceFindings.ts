/**
 * What runner.py reports about the student's source and writes, read from its channel: the
 * source scan (sourceScan.py: blanks, the secret key's finding, facts hints quote) and the lines
 * that wrote the session or a cookie during a request (stateWrites.py). Every field is checked
 * and made plain here, where it enters: the channel is shared with the student's code.
 */
import type { KeyFinding } from "../verdict/secretKey.js";
import type { SourceLocation, SourceScan, StateWrite } from "../verdict/types.js";
import { nameText, plainText } from "../verdict/studentText.js";

const WRITE_KINDS: readonly string[] = ["session-set", "session-delete", "session-clear", "session-update", "set-cookie", "delete-cookie"];
const KEY_WAYS: readonly string[] = ["misspelt", "under-main", "in-request", "in-function", "env", "empty", "never-set", "unknown"];
const MAX_RECORDS = 50;

const text = (value: unknown, max = 200): string | undefined => (typeof value === "string" ? plainText(value.slice(0, max)) : undefined);
const lineNumber = (value: unknown): number | undefined => (Number.isInteger(value) && (value as number) > 0 ? (value as number) : undefined);
const lines = (value: unknown): number[] => (Array.isArray(value) ? value.slice(0, MAX_RECORDS).flatMap((n) => lineNumber(n) ?? []) : []);

/**
 * The scan among the channel's events: only the first "scan" event is believed (the runner sends
 * exactly one, before the student's module is imported; any later one is the student's).
 */
export function scanFrom(events: readonly { event: string; [field: string]: unknown }[]): SourceScan | undefined {
  const e = events.find((x) => x.event === "scan");
  if (!e || typeof e.file !== "string") return undefined;
  const key = keyFrom(e.key);
  if (!key) return undefined;
  const hasKey = Array.isArray(e.hasKey)
    ? e.hasKey.slice(0, MAX_RECORDS).flatMap((h) => {
        const { line, object, key: k } = (h ?? {}) as Record<string, unknown>;
        const n = lineNumber(line);
        const o = text(object, 60);
        const kk = text(k, 60);
        return n && o !== undefined && kk !== undefined ? [{ line: n, object: o, key: kk }] : [];
      })
    : [];
  const uncalled = Array.isArray(e.uncalled)
    ? e.uncalled.slice(0, MAX_RECORDS).flatMap((u) => {
        const { line, text: t } = (u ?? {}) as Record<string, unknown>;
        const n = lineNumber(line);
        const tt = text(t, 60);
        return n && tt !== undefined ? [{ line: n, text: tt }] : [];
      })
    : [];
  const imports: Record<string, string> = {};
  if (e.imports && typeof e.imports === "object") {
    for (const [module, names] of Object.entries(e.imports as Record<string, unknown>).slice(0, MAX_RECORDS)) {
      const n = text(names);
      if (n !== undefined) imports[plainText(module.slice(0, 60))] = n;
    }
  }
  return { file: nameText(e.file.slice(0, 200)), key, setCookieLines: lines(e.setCookieLines), removeLines: lines(e.removeLines), hasKey, uncalled, imports };
}

function keyFrom(value: unknown): KeyFinding | undefined {
  const k = (value ?? {}) as Record<string, unknown>;
  if (typeof k.way !== "string" || !KEY_WAYS.includes(k.way)) return undefined;
  const line = lineNumber(k.line);
  switch (k.way) {
    case "never-set":
      return { way: k.way };
    case "unknown":
      return { way: k.way, ...(line && { line }) };
    case "misspelt":
      return line && typeof k.written === "string" ? { way: "misspelt", line, written: text(k.written)! } : undefined;
    case "in-request":
      return line && typeof k.fn === "string" && typeof k.decorator === "string" ? { way: "in-request", line, fn: text(k.fn)!, decorator: text(k.decorator)! } : undefined;
    case "in-function":
      return line && typeof k.fn === "string" ? { way: "in-function", line, fn: text(k.fn)! } : undefined;
    case "env":
      return line ? { way: "env", line, ...(typeof k.variable === "string" && { variable: text(k.variable)! }) } : undefined;
    default:
      return line ? { way: k.way as "under-main" | "empty", line } : undefined;
  }
}

/**
 * The writes an endpoint event carries (bounded; the student's code shares the runner's process);
 * undefined when the runner did not watch them (then "no write" cannot be told).
 */
export function writesFrom(value: unknown): StateWrite[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.slice(0, 20).flatMap((w) => {
    const { kind, key, file, line } = (w ?? {}) as Record<string, unknown>;
    const n = lineNumber(line);
    if (typeof kind !== "string" || !WRITE_KINDS.includes(kind) || typeof file !== "string" || !n) return [];
    return [{ kind: kind as StateWrite["kind"], ...(typeof key === "string" && { key: text(key, 60)! }), location: { file: nameText(file.slice(0, 200)), line: n } }];
  });
}

/** The blanks the runner's scan found (a "problem" event of kind "blanks"), checked and bounded. */
export function blankLocations(locations: unknown): SourceLocation[] {
  if (!Array.isArray(locations)) return [];
  return locations.slice(0, MAX_RECORDS).flatMap((l) => {
    const { file, line, column } = (l ?? {}) as Record<string, unknown>;
    const n = lineNumber(line);
    // File names are student text: they are quoted in the Problem and its locations.
    return typeof file === "string" && n ? [{ file: nameText(file.slice(0, 200)), line: n, ...(lineNumber(column) && { column: column as number }) }] : [];
  });
}
