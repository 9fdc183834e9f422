/**
 * The report folder on disk. Nothing lost, nothing repeated:
 * - `batch.json` (the manifest) says what this folder grades: the exercises, the shard, every
 *   student folder and its submissions. Written before grading starts.
 * - `submissions/<student>/<exercise>.json` holds one submission's result, written as soon as it
 *   is graded, atomically (a temporary file renamed over the final name): a grader killed at any
 *   moment, even with SIGKILL, leaves each record whole or absent, never half written.
 * - Everything else (gradebook, results, feedback, report.html) is rebuilt from those records at
 *   the end of a run, so `--resume` and `merge` only need the records.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, type Stats } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { AppLimits, IsolationMode } from "../boot/isolation.js";
import { packageFile } from "../paths.js";
import type { Result } from "../verdict/types.js";
import { byName } from "./discover.js";

export const MANIFEST = "batch.json";
export const RECORDS = "submissions";
const TEMP_MARK = ".tmp-";

export interface ManifestStudent {
  student: string;
  /** The GitHub login, when the folder's name gives one (graders/batch/discover.ts). */
  login?: string;
  submissions: { exercise: string; path: string }[];
  notSubmission?: string;
  missing: string[];
}

export interface Manifest {
  version: 1;
  /** The class folder as given, for messages. */
  class: string;
  /** Exercise ids in column order. */
  exercises: string[];
  /** Points available per exercise, as the engine counts them. */
  maxScores: Record<string, number>;
  /** `i/n`, or null for the whole class (and for a merge). */
  shard: string | null;
  /** For a merge: the shards it combines. */
  merged?: string[];
  /** Every student folder this report covers, sorted. */
  students: ManifestStudent[];
}

export interface SubmissionRecord {
  version: 1;
  student: string;
  exercise: string;
  path: string;
  /** Hash of the spec, the grading settings and the submission's files: on resume, a record whose hash changed is graded again. */
  fingerprint: string;
  result: Result;
}

/** Writes a whole file or nothing: a reader (or a resumed run) never sees half of it. */
export function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}${TEMP_MARK}${process.pid}-${randomBytes(4).toString("hex")}`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

export function recordKey(student: string, exercise: string): string {
  return `${student}\u0000${exercise}`;
}

/** Student folder names become one path segment, whatever characters they hold. */
export function safeName(student: string): string {
  return encodeURIComponent(student).replace(/^\./, "%2E");
}

export function recordFile(out: string, student: string, exercise: string): string {
  return join(out, RECORDS, safeName(student), `${exercise}.json`);
}

export function writeRecord(out: string, record: SubmissionRecord): void {
  writeAtomic(recordFile(out, record.student, record.exercise), `${JSON.stringify(record, null, 1)}\n`);
}

export function readManifest(out: string): Manifest | undefined {
  const file = join(out, MANIFEST);
  if (!existsSync(file)) return undefined;
  const data = JSON.parse(readFileSync(file, "utf8")) as Manifest;
  if (data?.version !== 1 || !Array.isArray(data.students) || !Array.isArray(data.exercises)) {
    throw new Error(`${file} is not a batch report manifest`);
  }
  return data;
}

export function writeManifest(out: string, manifest: Manifest): void {
  writeAtomic(join(out, MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
}

/**
 * Every record in a report folder, by recordKey. Temporary files left by a killed run are
 * removed; a record that cannot be read is ignored (it will be graded again).
 */
export function readRecords(out: string): Map<string, SubmissionRecord> {
  const records = new Map<string, SubmissionRecord>();
  const root = join(out, RECORDS);
  if (!existsSync(root)) return records;
  for (const folder of readdirSync(root).sort(byName)) {
    const dir = join(root, folder);
    if (!lstatSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir).sort(byName)) {
      const file = join(dir, name);
      if (name.includes(TEMP_MARK)) {
        rmSync(file, { force: true });
        continue;
      }
      if (!name.endsWith(".json")) continue;
      try {
        const record = JSON.parse(readFileSync(file, "utf8")) as SubmissionRecord;
        if (record.version === 1 && typeof record.student === "string" && typeof record.exercise === "string" && record.result) {
          records.set(recordKey(record.student, record.exercise), record);
        }
      } catch {
        // unreadable: graded again
      }
    }
  }
  return records;
}

/** Folders never hashed: tools' caches and environments, not the student's work. */
const SKIPPED = new Set([".git", "__pycache__", "node_modules", ".venv", "venv", ".mypy_cache", ".pytest_cache"]);
/** Bigger files count by size only: a submission is small, a stray data file need not be read. */
const HASHED_BYTES = 1024 * 1024;

/**
 * How a run grades, besides the spec and the files: a result graded otherwise is stale. The
 * spec's own limits are in its text; these are the ones over it.
 */
export interface GradingSettings {
  /** graderVersion(): a changed grader may grade differently. */
  grader: string;
  /** Limits from the command line, over the spec's. */
  limits: Partial<AppLimits>;
  isolation: IsolationMode;
  /** The per-submission time limit: a result cut by a shorter one may differ. */
  timeLimitSeconds: number;
}

/** What decides a submission's grade: the spec's text, how the run grades, and the submission's files. */
export function fingerprint(specText: string, dir: string, settings: GradingSettings): string {
  const hash = createHash("sha256");
  hash.update(specText);
  // Keys in a fixed order, so that equal settings always hash the same.
  const limits = Object.fromEntries(Object.entries(settings.limits).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
  hash.update(`\0settings\0${JSON.stringify([settings.grader, limits, settings.isolation, settings.timeLimitSeconds])}\0`);
  walkTree(dir, 8, (path, stat) => {
    const rel = relative(dir, path);
    if (stat.isFile()) {
      hash.update(`\0${rel}\0${stat.size}\0`);
      if (stat.size <= HASHED_BYTES) hash.update(readFileSync(path));
    } else if (stat.isSymbolicLink()) {
      hash.update(`\0${rel}\0link\0`);
    }
  });
  return hash.digest("hex").slice(0, 32);
}

let version: string | undefined;

/**
 * The grader's version: its package version and a hash of its own code (the running modules and
 * the Python it starts apps with), so that a grader changed without a version bump counts too.
 */
export function graderVersion(): string {
  if (version) return version;
  const hash = createHash("sha256");
  const code = (top: string) =>
    walkTree(top, 4, (path, stat) => {
      if (stat.isFile() && /\.(js|ts|py)$/.test(path)) hash.update(`\0${relative(top, path)}\0`).update(readFileSync(path));
    });
  code(dirname(dirname(fileURLToPath(import.meta.url)))); // graders/, as it runs (sources or dist/)
  code(packageFile("graders/boot"));
  const pkg = JSON.parse(readFileSync(packageFile("package.json"), "utf8")) as { version?: string };
  return (version = `${pkg.version ?? "unknown"}+${hash.digest("hex").slice(0, 12)}`);
}

/**
 * Visits every entry below `top` (not following links), in code-point order of names, down to
 * `maxDepth` folders deep, leaving out the folders that are never a submission's business.
 */
function walkTree(top: string, maxDepth: number, visit: (path: string, stat: Stats) => void): void {
  const walk = (folder: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(folder).sort(byName);
    } catch {
      return;
    }
    for (const name of names) {
      if (SKIPPED.has(name)) continue;
      const path = join(folder, name);
      const stat = lstatSync(path, { throwIfNoEntry: false });
      if (!stat) continue; // gone since the folder was read
      if (stat.isDirectory()) {
        if (depth < maxDepth) walk(path, depth + 1);
      } else visit(path, stat);
    }
  };
  walk(top, 0);
}
