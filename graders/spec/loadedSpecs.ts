/**
 * A memo of loaded specs, so that a command's start does not pay for what a spec's load costs
 * each time (the YAML parser, css-select for the selector rules and the parse itself: ~100 ms of
 * CPU, a half of a Python start, the number the grader is measured against). A spec is taken from
 * the memo only when everything its load depends on is the same as when it loaded cleanly: the
 * spec's text and absolute path, specs/schema.json, the loader's own modules (this folder and
 * errors.js, by content) and the versions of the libraries it uses. Anything else, and any spec
 * with hidden checks added, is loaded in full (load.ts), and remembered when it loads cleanly.
 *
 * The memo is in the user's own cache folder (userCache.ts): a memo another user could plant
 * would hand the grader a spec no one wrote. Only specs that survive JSON exactly are kept.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SpecError } from "../errors.js";
import { packageFile } from "../paths.js";
import { readCacheFile, writeCacheFile } from "../userCache.js";
import type { HiddenChecks } from "./hidden.js";
import type { Spec } from "./types.js";
import { recordWarnings, specWarnings } from "./warnings.js";

const MEMO = "loaded-specs.json";
const KEEP = 24;
/** The libraries whose behaviour decides what a spec loads to. */
const LIBRARIES = ["yaml", "css-select"];

interface Entry {
  key: string;
  spec: Spec;
  warnings: string[];
}

/**
 * Loads a spec file as load.ts/hidden.ts would (same result, same errors): from the memo when
 * nothing it depends on changed, else in full.
 */
export async function loadSpecFile(file: string, hidden?: HiddenChecks): Promise<Spec> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new SpecError(file, 0, 0, `cannot read the spec (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  const key = hidden ? undefined : memoKey(file, text);
  const remembered = key === undefined ? undefined : read().find((entry) => entry.key === key);
  if (remembered) return recordWarnings(remembered.spec, remembered.warnings);
  const { specWithHidden } = await import("./hidden.js");
  const spec = specWithHidden(text, file, hidden);
  if (key !== undefined && survivesJson(spec)) remember({ key, spec: JSON.parse(JSON.stringify(spec)) as Spec, warnings: [...specWarnings(spec)] });
  return spec;
}

function memoKey(file: string, text: string): string | undefined {
  const loader = loaderFingerprint();
  if (loader === undefined) return undefined;
  let schema: string;
  try {
    schema = readFileSync(packageFile("specs/schema.json"), "utf8");
  } catch {
    return undefined; // load.ts says what is missing
  }
  return createHash("sha256").update(loader).update("\0").update(schema).update("\0").update(resolve(file)).update("\0").update(text).digest("hex");
}

let fingerprint: string | undefined;

/** The loader's code and libraries, as one hash; undefined when they cannot all be read (no memo then). */
function loaderFingerprint(): string | undefined {
  if (fingerprint !== undefined) return fingerprint;
  try {
    const here = fileURLToPath(import.meta.url);
    const dir = dirname(here);
    const ext = extname(here); // .js from dist/, .ts under ts-jest
    const hash = createHash("sha256");
    const modules = [...readdirSync(dir).filter((name) => name.endsWith(ext)).sort().map((name) => join(dir, name)), join(dir, "..", `errors${ext}`)];
    for (const path of modules) hash.update(path).update("\0").update(readFileSync(path)).update("\0");
    const require = createRequire(import.meta.url);
    for (const name of LIBRARIES) hash.update(`${name}@${libraryVersion(require.resolve(name), name)}\0`);
    return (fingerprint = hash.digest("hex"));
  } catch {
    return undefined;
  }
}

/** The version in the package.json of the package `entry` belongs to. */
function libraryVersion(entry: string, name: string): string {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (!existsSync(manifest)) continue;
    const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; version?: string };
    if (parsed.name === name && typeof parsed.version === "string") return parsed.version;
  }
  throw new Error(`no version found for ${name}`);
}

function read(): Entry[] {
  try {
    const entries: unknown = JSON.parse(readCacheFile(MEMO) ?? "[]");
    return Array.isArray(entries) ? entries.filter(isEntry) : [];
  } catch {
    return [];
  }
}

function isEntry(value: unknown): value is Entry {
  const entry = value as Partial<Entry> | null;
  return typeof entry?.key === "string" && typeof entry.spec === "object" && entry.spec !== null && Array.isArray(entry.warnings) && entry.warnings.every((w) => typeof w === "string");
}

function remember(entry: Entry): void {
  const entries = read().filter((e) => e.key !== entry.key);
  entries.push(entry);
  writeCacheFile(MEMO, JSON.stringify(entries.slice(-KEEP)));
}

/**
 * Whether JSON gives back exactly this value: plain objects and lists, text, finite numbers (not
 * -0), booleans and null; no undefined (JSON drops the key) and no "__proto__" key.
 */
function survivesJson(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(survivesJson);
  if (typeof value !== "object") return false;
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.entries(value).every(([key, item]) => key !== "__proto__" && survivesJson(item));
}
