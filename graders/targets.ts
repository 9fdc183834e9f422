/**
 * What to grade: turns a folder given on the command line (or by SUBMISSION for jest) into
 * (exercise, folder) pairs. One rule set for the CLI, the jest helper and, later, batch grading,
 * so a folder grades the same everywhere.
 *
 * A folder is one exercise folder when `--exercise` says so, when it records its exercise (the
 * file EXERCISE_RECORD, written by the export) or when it is named after an exercise; otherwise it
 * is a folder of exercise folders, each recording or named after its exercise.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { UsageError } from "./errors.js";

export interface Target {
  exercise: string;
  /** The submission folder, as given (joined with the subfolder's name), for messages. */
  dir: string;
}

export interface Discovery {
  targets: Target[];
  /** Subfolders skipped because no exercise has their name: worth telling, never an error. */
  ignored: string[];
}

/**
 * The file in an exercise folder that names its exercise (one line: the id). The export writes it
 * into every exercise folder of a student repository, so the folder grades as that exercise
 * whatever it is called, and the student never types --exercise.
 */
export const EXERCISE_RECORD = ".exercise";

/**
 * A folder as the user typed it, made relative to where they typed it. `npm run` starts scripts
 * in the package's root and keeps the user's folder in INIT_CWD; it is trusted only when this
 * process runs where npm started it (beside npm_package_json), so that a child process started
 * elsewhere with an inherited environment is not misled. The result is relative to the current
 * folder when below it (as every other path the grader shows), absolute otherwise.
 */
export function userFolder(path: string, env: NodeJS.ProcessEnv = process.env): string {
  const from = env.INIT_CWD;
  const pkg = env.npm_package_json;
  if (isAbsolute(path) || !from || !pkg || resolve(dirname(pkg)) !== process.cwd()) return path;
  const full = resolve(from, path);
  const rel = relative(process.cwd(), full);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? full : rel;
}

/** Exercise ids known from `<specsDir>/<id>.yaml`, sorted. Reads names only: no spec is parsed. */
export function listExercises(specsDir: string): string[] {
  if (!isDirectory(specsDir)) throw new UsageError(`No specs folder at ${specsDir}.`);
  return readdirSync(specsDir)
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => name.slice(0, -".yaml".length))
    .sort();
}

export function specFile(specsDir: string, exercise: string): string {
  return join(specsDir, `${exercise}.yaml`);
}

/** The targets in one folder given by the user. Throws UsageError when there is nothing to grade. */
export function findTargets(path: string, known: readonly string[], exercise?: string): Discovery {
  if (!existsSync(path)) {
    throw new UsageError(`No folder at ${path}. Expected an exercise folder or a folder of exercise folders.`);
  }
  if (!isDirectory(path)) {
    throw new UsageError(`${path} is a file. Expected an exercise folder or a folder of exercise folders.`);
  }
  if (exercise !== undefined) {
    checkKnown(exercise, known);
    return { targets: [{ exercise, dir: path }], ignored: [] };
  }
  const own = exerciseOf(path, known);
  if (own !== undefined) return { targets: [{ exercise: own, dir: path }], ignored: [] };

  const found = exerciseFolders(path, known);
  if (found.targets.length === 0) {
    const name = basename(resolve(path));
    const example = known[0] ?? "ID";
    throw new UsageError(
      `${name === basename(path) ? path : `${path} (folder "${name}")`} is not named after an exercise and holds no folder named after one, so the grader ` +
        `cannot tell which exercise it is. Choose it with --exercise, e.g. \`npm run grade -- ${path} --exercise ${example}\`, ` +
        `or rename the folder after its exercise. Known exercises: ${knownList(known)}.`,
    );
  }
  return found;
}

/**
 * The package's own `solutions/*` and `starter/*` (grading them with no path shows what a full
 * and an empty submission score). `exercise` narrows them to one exercise, `folders` to some.
 */
export function bundledTargets(
  root: string,
  known: readonly string[],
  exercise?: string,
  folders: readonly string[] = ["solutions", "starter"],
): Discovery {
  if (exercise !== undefined) checkKnown(exercise, known);
  const all: Discovery = { targets: [], ignored: [] };
  for (const folder of folders) {
    const dir = join(root, folder);
    if (!isDirectory(dir)) continue;
    const found = exerciseFolders(dir, known);
    all.targets.push(...found.targets.filter((t) => exercise === undefined || t.exercise === exercise));
    all.ignored.push(...found.ignored);
  }
  if (all.targets.length === 0) {
    throw new UsageError(
      `No path given and the package has no bundled ${folders.map((f) => `${f}/${exercise ?? ""}`).join(" or ")} to grade. ` +
        "Give an exercise folder or a folder of exercise folders.",
    );
  }
  return all;
}

/** Throws the usage error for an unknown exercise id, listing the known ones. */
export function checkKnown(exercise: string, known: readonly string[]): void {
  if (!known.includes(exercise)) {
    throw new UsageError(`Unknown exercise "${exercise}". Known exercises: ${knownList(known)}.`);
  }
}

function exerciseFolders(dir: string, known: readonly string[]): Discovery {
  const found: Discovery = { targets: [], ignored: [] };
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    // Tool folders (.git, .venv, __pycache__, node_modules) are never submissions: no note for them.
    if (!entry.isDirectory() || entry.name.startsWith(".") || entry.name === "__pycache__" || entry.name === "node_modules") continue;
    const sub = join(dir, entry.name);
    const exercise = exerciseOf(sub, known);
    if (exercise !== undefined) found.targets.push({ exercise, dir: sub });
    else found.ignored.push(sub);
  }
  return found;
}

/**
 * The exercise a folder is for: the one it records, else the one it is named after (resolve(), so
 * that "." and "solutions/counter/" are named by their real folder name); undefined when neither.
 */
function exerciseOf(dir: string, known: readonly string[]): string | undefined {
  const record = join(dir, EXERCISE_RECORD);
  if (existsSync(record)) {
    // A few bytes are enough for an id; a bigger file is not a record (and must not stall us).
    const recorded = statSync(record).size <= 200 ? readFileSync(record, "utf8").trim() : "";
    if (!known.includes(recorded)) {
      throw new UsageError(`${record} should hold the id of this folder's exercise, one of: ${knownList(known)}. Fix it, or delete it and pass --exercise.`);
    }
    return recorded;
  }
  const name = basename(resolve(dir));
  return known.includes(name) ? name : undefined;
}

function knownList(known: readonly string[]): string {
  return known.length > 0 ? known.join(", ") : "none (the specs folder has no .yaml files)";
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
