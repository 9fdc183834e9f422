/**
 * What a class folder holds: one folder per student (a GitHub Classroom download), and in each
 * either the exercise folders (named by exercise id) or the files of one exercise. A folder that
 * holds neither is not a submission: it gets a row in the gradebook that says so, and no grade.
 *
 * Pure apart from reading folder listings; everything is sorted by code point, so two machines
 * (or two shards) see the same class in the same order.
 */
import { readdirSync, statSync, type Dirent } from "node:fs";
import { UsageError } from "../errors.js";
import { basename, join, resolve } from "node:path";

/** One student's work on one exercise. */
export interface Submission {
  student: string;
  exercise: string;
  /** Absolute path of the folder to grade. */
  dir: string;
  /** The folder relative to the class folder, with `/`: how reports name it. */
  path: string;
}

export interface StudentPlan {
  student: string;
  /** The GitHub login in the folder's name (`<assignment>-<login>`, or --student-pattern), when there is one. */
  login?: string;
  /** In the order of the exercise columns. */
  submissions: Submission[];
  /** Set when the folder holds nothing to grade: why, in words for the teacher. */
  notSubmission?: string;
  /** Selected exercises this student has no folder for. */
  missing: string[];
}

export interface ClassPlan {
  /** Exercise ids, one gradebook column each, in column order. */
  exercises: string[];
  /** Every student folder, sorted by name. */
  students: StudentPlan[];
  /** Entries of the class folder that are not student folders (files), for a note. */
  ignored: string[];
}

/** Folders of tools, never of students or exercises. */
const TOOL_FOLDERS = new Set(["__pycache__", "node_modules", "venv", "__MACOSX"]);

/** Code-point order: the same on every machine, whatever its locale. */
export function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function entries(dir: string): Dirent[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith(".") && !TOOL_FOLDERS.has(e.name))
    .sort((a, b) => byName(a.name, b.name));
}

/** Files that make a folder an exercise's submission by themselves. */
function holdsExerciseFiles(list: Dirent[]): boolean {
  return list.some((e) => e.isFile() && (e.name.endsWith(".py") || e.name === "answers.yaml"));
}

/**
 * @param known every exercise with a spec
 * @param selected the `--exercise` ids (empty: every exercise found in some student's folder)
 */
export function discoverClass(classDir: string, known: readonly string[], selected: readonly string[] = [], studentPattern?: RegExp): ClassPlan {
  const root = resolve(classDir);
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    throw new UsageError(`No folder at ${classDir}. Expected the class folder: one folder per student.`);
  }
  if (!isDir) throw new UsageError(`${classDir} is a file. Expected the class folder: one folder per student.`);
  const pool = selected.length > 0 ? selected : known;
  const className = basename(root);
  const students: StudentPlan[] = [];
  const ignored: string[] = [];
  const found = new Set<string>();

  for (const entry of entries(root)) {
    if (!entry.isDirectory()) {
      ignored.push(entry.name);
      continue;
    }
    const plan = studentPlan(root, entry.name, pool, className);
    for (const s of plan.submissions) found.add(s.exercise);
    students.push(plan);
  }

  const logins = loginsOf(students.map((p) => p.student), known, studentPattern);
  for (const plan of students) if (logins.has(plan.student)) plan.login = logins.get(plan.student);
  const exercises = selected.length > 0 ? [...selected] : known.filter((id) => found.has(id));
  for (const plan of students) {
    plan.submissions.sort((a, b) => exercises.indexOf(a.exercise) - exercises.indexOf(b.exercise));
    plan.missing = plan.notSubmission ? [] : exercises.filter((id) => !plan.submissions.some((s) => s.exercise === id));
  }
  return { exercises, students, ignored };
}

function studentPlan(root: string, student: string, pool: readonly string[], className: string): StudentPlan {
  let rel = student;
  let list = entries(join(root, rel));
  // A download that wraps the repository in one folder (`alice/flask-sessions-main/...`): look inside.
  for (let depth = 0; depth < 2; depth++) {
    const dirs = list.filter((e) => e.isDirectory());
    const files = list.filter((e) => !e.isDirectory());
    if (files.length > 0 || dirs.length !== 1 || pool.includes(dirs[0]!.name)) break;
    rel = `${rel}/${dirs[0]!.name}`;
    list = entries(join(root, rel));
  }
  const plan: StudentPlan = { student, submissions: [], missing: [] };
  const at = (path: string, exercise: string): Submission => ({ student, exercise, dir: join(root, path), path });

  const exerciseDirs = list.filter((e) => e.isDirectory() && pool.includes(e.name));
  if (exerciseDirs.length > 0) {
    plan.submissions = exerciseDirs.map((e) => at(`${rel}/${e.name}`, e.name));
    return plan;
  }
  if (holdsExerciseFiles(list)) {
    const exercise = exerciseOfFiles(student, pool, className);
    if (exercise) plan.submissions = [at(rel, exercise)];
    else {
      plan.notSubmission =
        `it holds an exercise's files but not which exercise (${pool.join(", ")}): ` +
        "pass --exercise ID, or name the folders after their exercise";
    }
    return plan;
  }
  plan.notSubmission = list.length === 0
    ? "the folder is empty"
    : `no folder named after an exercise (${pool.join(", ")}) and no Python file`;
  return plan;
}

/**
 * Which exercise a folder of files is: the one exercise selected, the one the class folder is
 * named after, or the one the student folder's name starts with (GitHub Classroom names each
 * repository `<assignment>-<username>`).
 */
function exerciseOfFiles(student: string, pool: readonly string[], className: string): string | undefined {
  if (pool.length === 1) return pool[0];
  if (pool.includes(className)) return className;
  const prefixed = pool.filter((id) => student.startsWith(`${id}-`)).sort((a, b) => b.length - a.length);
  return prefixed[0];
}

/**
 * The GitHub login in each student folder's name. GitHub Classroom names a repository
 * `<assignment>-<login>`, the assignment being the teacher's name for it (often, not always, an
 * exercise id). A login is read when the folder starts with an exercise id and a dash, or when
 * every folder of the class (two or more) shares one prefix ending in a dash. With a pattern
 * (`--student-pattern`), its group named `login` (or its first group, or the whole match) is the login.
 */
export function loginsOf(folders: readonly string[], known: readonly string[], pattern?: RegExp): Map<string, string> {
  const logins = new Map<string, string>();
  if (pattern) {
    for (const folder of folders) {
      const m = pattern.exec(folder);
      const login = m ? (m.groups?.login ?? m[1] ?? m[0]) : undefined;
      if (login) logins.set(folder, login);
    }
    return logins;
  }
  const shared = folders.length >= 2 ? sharedPrefix(folders) : "";
  for (const folder of folders) {
    const assignment = [...known].sort((a, b) => b.length - a.length).find((id) => folder.startsWith(`${id}-`));
    const prefix = assignment ? `${assignment}-` : shared;
    if (prefix && folder.length > prefix.length) logins.set(folder, folder.slice(prefix.length));
  }
  return logins;
}

/** The longest prefix every name shares, cut after its last dash ("" when there is none). */
function sharedPrefix(names: readonly string[]): string {
  let prefix = names[0] ?? "";
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const dash = prefix.lastIndexOf("-");
  return dash > 0 ? prefix.slice(0, dash + 1) : "";
}
