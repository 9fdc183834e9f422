#!/usr/bin/env node
/**
 * `npm run export -- <out-dir> [--exercise ID ...]`: an assignment, ready to hand out.
 *
 * Default: a student repository for GitHub Classroom: the starters, the public specs, a
 * package.json that installs the grader (packed into vendor/, or `--grader SPEC`), a README for
 * students, a jest test file so `npm test` runs the checks, and the `Autograding Tests` workflow.
 * `--gradescope`: the Gradescope autograder folder (setup.sh, run_autograder, specs) to zip.
 *
 * Never exported: the reference solutions, the known-wrong fixtures, the tests, and hidden
 * checks. Hidden checks are written to a separate file outside the folder (the value of the
 * AUTOGRADER_HIDDEN_SPECS secret), for the teacher to keep.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { GraderError, SpecError, UsageError } from "../graders/errors.js";
import { parseFlags } from "./cli/flags.js";
import { packageRoot } from "../graders/paths.js";
import { entryNames } from "../graders/boot/entryForm.js";
import { loadSpecText } from "../graders/spec/load.js";
import { isHiddenCheck } from "../graders/spec/hidden.js";
import type { Check, Spec } from "../graders/spec/types.js";
import { checkKnown, EXERCISE_RECORD, listExercises, specFile } from "../graders/targets.js";
import { graderManifest, listFiles, packedManifest, packGrader, tarballName } from "./exportPack.js";
import { derivedLockfile, type LockRoot } from "./exportLock.js";
import { hiddenSpecsText, splitSpec } from "./exportSpecs.js";
import { specReferences, type SpecReference } from "./exportReferences.js";

export interface ExportOptions {
  /** The folder to write; must not exist yet, or be empty. */
  out: string;
  /** Exercise ids; default: every exercise that can be exported. */
  exercises?: string[];
  /** Write the Gradescope autograder folder instead of a student repository. */
  gradescope?: boolean;
  /** An npm dependency spec for the grader (e.g. `github:owner/repo#v1`) instead of the packed tarball. */
  grader?: string;
  /** Folder of specs; default: the package's specs/. */
  specs?: string;
  /** Folder of starter exercise folders; default: the package's starter/. */
  starter?: string;
  /** Where the hidden checks go; default `<out>.hidden-checks.yaml`, beside the folder. */
  hiddenOut?: string;
  /** Gradescope only: put the hidden checks into the folder (hidden-checks.yaml). */
  includeHidden?: boolean;
}

export interface ExportReport {
  out: string;
  exercises: string[];
  /** Exercises left out of a default selection, and why. */
  left: { exercise: string; why: string }[];
  /** Every file written into `out`, relative to it. */
  files: string[];
  /** The hidden checks' file, when there were any and they were not put in the folder. */
  hiddenFile?: string;
  /** The files only hidden checks refer to, when they were not put in the folder (`specs/...` below it). */
  hiddenFilesDir?: string;
  hiddenChecks: number;
}

interface Exercise {
  id: string;
  spec: Spec;
  publicText: string;
  hidden: Check[];
  /** The files its spec refers to (scripts, setup scripts). */
  references: SpecReference[];
}

export async function exportAssignment(options: ExportOptions): Promise<ExportReport> {
  const root = packageRoot();
  const specsDir = resolve(options.specs ?? join(root, "specs"));
  const starterDir = resolve(options.starter ?? join(root, "starter"));
  const out = resolve(options.out);
  const gradescope = options.gradescope ?? false;
  if (options.includeHidden && !gradescope) {
    throw new UsageError("--include-hidden is for --gradescope only: a student repository must never hold hidden checks.");
  }
  checkOutFolder(out);
  const hiddenOut = resolve(options.hiddenOut ?? `${out}.hidden-checks.yaml`);
  if (hiddenOut === out || hiddenOut.startsWith(`${out}/`)) {
    throw new UsageError(`--hidden-out must be outside ${out}: the hidden checks must not ship with the assignment.`);
  }

  const known = listExercises(specsDir);
  const explicit = options.exercises !== undefined && options.exercises.length > 0;
  const ids = explicit ? [...new Set(options.exercises)] : known;
  for (const id of ids) checkKnown(id, known);

  const exercises: Exercise[] = [];
  const left: ExportReport["left"] = [];
  for (const id of ids) {
    const file = specFile(specsDir, id);
    const text = await readFile(file, "utf8");
    const spec = loadSpecText(text, file);
    const why = gradescope ? undefined : studentRepoProblem(spec, starterDir);
    if (why) {
      if (explicit) throw new UsageError(`Cannot export ${id} to a student repository: ${why}`);
      left.push({ exercise: id, why });
      continue;
    }
    const references = specReferences(spec, file, specsDir);
    exercises.push({ id, spec, references, ...splitSpec(spec, text, file) });
  }
  if (exercises.length === 0) throw new UsageError("Nothing to export: no exercise left to export.");

  mkdirSync(out, { recursive: true });
  const files = new Files(out);
  for (const exercise of exercises) files.text(`specs/${exercise.id}.yaml`, exercise.publicText);
  files.copy(join(specsDir, "schema.json"), "specs/schema.json", true);
  // Referenced files keep their place below specs/, so the specs' relative paths still resolve.
  const references = exercises.flatMap((e) => e.references);
  for (const ref of references) if (!ref.hidden || options.includeHidden) files.copy(ref.file, `specs/${ref.rel}`);
  files.text("requirements.txt", "flask>=3.0,<4\n");

  const dependency = options.grader ?? `file:vendor/${files.vendor(packGrader)}`;
  const title = exercises.length === 1 ? exercises[0]!.spec.title : "Sessions & Cookies";
  // A TypeScript custom check is transpiled where it is graded, by the typescript package.
  const typescript = references.some((ref) => ref.typescript) ? typescriptVersion() : undefined;
  if (gradescope) writeGradescope(files, exercises, dependency, title, options, out, typescript);
  else writeStudentRepo(files, exercises, dependency, title, starterDir, typescript);

  const hiddenCount = exercises.reduce((sum, e) => sum + e.hidden.length, 0);
  let hiddenFile: string | undefined;
  if (hiddenCount > 0) {
    const text = hiddenSpecsText(new Map(exercises.map((e) => [e.id, e.hidden])));
    if (options.includeHidden) files.text("hidden-checks.yaml", text);
    else {
      hiddenFile = hiddenOut;
      mkdirSync(dirname(hiddenFile), { recursive: true });
      writeFileSync(hiddenFile, text);
    }
  }
  let hiddenFilesDir: string | undefined;
  const hiddenRefs = references.filter((ref) => ref.hidden);
  if (hiddenRefs.length > 0 && !options.includeHidden) {
    hiddenFilesDir = hiddenFilesFolder(hiddenOut);
    if (hiddenFilesDir === out || hiddenFilesDir.startsWith(`${out}/`)) throw new UsageError(`--hidden-out must be outside ${out}: the hidden checks' files must not ship with the assignment.`);
    for (const ref of hiddenRefs) {
      const to = join(hiddenFilesDir, "specs", ref.rel);
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(ref.file, to);
    }
  }
  return {
    out,
    exercises: exercises.map((e) => e.id),
    left,
    files: listFiles(out),
    ...(hiddenFile && { hiddenFile }),
    ...(hiddenFilesDir && { hiddenFilesDir }),
    hiddenChecks: hiddenCount,
  };
}

/** Why an exercise cannot go to a student repository, or undefined when it can. */
function studentRepoProblem(spec: Spec, starterDir: string): string | undefined {
  if (spec.kind === "quiz") {
    return "a quiz's answers are in its spec, and the repository would have to ship them to grade it; grade quizzes on Gradescope (--gradescope).";
  }
  if (!isDirectory(join(starterDir, spec.id))) return `it has no starter (no folder ${join(starterDir, spec.id)}).`;
  return undefined;
}

/** Where the files only hidden checks use go: beside the hidden checks' file, named after it. */
function hiddenFilesFolder(hiddenFile: string): string {
  return `${hiddenFile.replace(/\.ya?ml$/, "")}-files`;
}

/** The typescript version range the grader itself is built with. */
function typescriptVersion(): string {
  const dev = (graderManifest().devDependencies ?? {}) as Record<string, string>;
  return dev.typescript ?? "^5.0.0";
}

function writeStudentRepo(files: Files, exercises: Exercise[], dependency: string, title: string, starterDir: string, typescript?: string): void {
  for (const { id } of exercises) {
    copyStarter(join(starterDir, id), id, files);
    // The folder says which exercise it is, so that it grades as that one whatever it is called.
    files.text(`${id}/${EXERCISE_RECORD}`, `${id}\n`);
  }
  const manifest = graderManifest();
  const dev = (manifest.devDependencies ?? {}) as Record<string, string>;
  const pkg = {
    name: "flask-sessions-assignment",
    private: true,
    description: `${title}: a Flask exercise graded by ${manifest.name}.`,
    type: "module",
    // The Node.js versions the grader supports, and npm's record that jest's file watcher needs no
    // install script (its binaries come prebuilt), so that `npm install` has nothing to warn about.
    engines: manifest.engines ?? { node: ">=20" },
    allowScripts: manifest.allowScripts ?? {},
    scripts: {
      test: "node --experimental-vm-modules node_modules/jest/bin/jest.js",
      grade: "autograde . --specs specs --format pretty",
    },
    devDependencies: {
      "@jest/globals": dev["@jest/globals"] ?? "^30.0.0",
      jest: dev.jest ?? "^30.0.0",
      ...(typescript && { typescript }),
      [manifest.name]: dependency,
    },
    jest: { testEnvironment: "node", transform: {}, testMatch: ["<rootDir>/tests/**/*.test.js"] },
  };
  files.text("package.json", `${JSON.stringify(pkg, null, 2)}\n`);
  writeLockfile(files, { name: pkg.name, kind: "devDependencies", dependencies: pkg.devDependencies, engines: pkg.engines }, dependency);
  files.text("tests/autograder.test.js", template("student/autograder.test.js", {}));
  files.text(".gitignore", template("student/gitignore", {}));
  files.text(".github/workflows/classroom.yml", template("student/classroom.yml", {}));
  const list = exercises.map(({ id, spec }) => `- [\`${id}/\`](${id}/README.md): ${spec.title}`).join("\n");
  files.text("README.md", template("student/README.md", { title, exerciseList: list }));
}

function writeGradescope(files: Files, exercises: Exercise[], dependency: string, title: string, options: ExportOptions, out: string, typescript?: string): void {
  const manifest = graderManifest();
  const pkg = {
    name: "flask-sessions-gradescope-autograder",
    private: true,
    type: "module",
    dependencies: { ...(typescript && { typescript }), [manifest.name]: dependency },
  };
  files.text("package.json", `${JSON.stringify(pkg, null, 2)}\n`);
  writeLockfile(files, { name: pkg.name, kind: "dependencies", dependencies: pkg.dependencies }, dependency);
  const ids = exercises.map((e) => e.id);
  files.text("setup.sh", template("gradescope/setup.sh", {}), 0o755);
  files.text("run_autograder", template("gradescope/run_autograder", { exerciseIds: ids.map(shellWord).join(" ") }), 0o755);
  const hiddenCount = exercises.reduce((sum, e) => sum + e.hidden.length, 0);
  const hiddenFile = options.hiddenOut ?? `${basename(out)}.hidden-checks.yaml`;
  const hiddenSection =
    hiddenCount === 0
      ? "These exercises have no hidden checks."
      : options.includeHidden
        ? `\`hidden-checks.yaml\` holds ${hiddenCount} hidden check(s) and is graded with the rest. Students see only whether each ` +
          "passed, and their total score; staff see the details in the autograder output (for `after-due-date` and `after-published` checks, " +
          "also in a 0-point test shown to students after the due date or once grades are published: Gradescope hides their total until then)."
        : `The ${hiddenCount} hidden check(s) are not in this folder. To grade them, copy the file the export wrote beside it ` +
          `(\`${hiddenFile}\`) into it as \`hidden-checks.yaml\` before zipping` +
          (exercises.some((e) => e.references.some((ref) => ref.hidden))
            ? `, and the files below \`${hiddenFilesFolder(hiddenFile)}/specs/\` into its \`specs/\` at the same paths. `
            : ". ") +
          "Students then see only whether each passed, and their total; staff see the " +
          "details in the autograder output (for `after-due-date` and `after-published` checks, also in a 0-point test shown to students " +
          "after the due date or once grades are published: Gradescope hides their total until then).";
  const layout = ids.length === 1 ? `\`${exercises[0]!.spec.kind === "quiz" ? "answers.yaml" : entryNames(exercises[0]!.spec.entry).join("` or `")}\` at the top, or in a folder \`${ids[0]}/\`` : `one folder per exercise, named ${ids.map((id) => `\`${id}/\``).join(", ")}`;
  files.text(
    "README.md",
    template("gradescope/README.md", { title, exerciseIds: ids.join(", "), folderName: basename(out), submissionLayout: layout, hiddenSection }),
  );
}

/**
 * package-lock.json beside a package.json that installs the packed grader: the versions it is
 * tested with, cut from its own lockfile. A `--grader` spec is not ours to pin: no lockfile then.
 */
function writeLockfile(files: Files, root: LockRoot, dependency: string): void {
  const packed = /^file:(vendor\/[^/]+\.tgz)$/.exec(dependency)?.[1];
  if (!packed) return;
  const lock = derivedLockfile(root, { spec: dependency, tarball: files.path(packed), manifest: packedManifest(graderManifest()) });
  if (lock) files.text("package-lock.json", `${JSON.stringify(lock, null, 2)}\n`);
}

/** A starter folder, minus Python's caches; its README's grading command becomes this repository's. */
function copyStarter(from: string, id: string, files: Files): void {
  for (const rel of listFiles(from)) {
    if (rel.split(/[\\/]/).includes("__pycache__") || rel.endsWith(".pyc") || basename(rel) === ".DS_Store") continue;
    if (basename(rel) === "README.md") {
      const text = readFileSync(join(from, rel), "utf8")
        .replace(/\(from the root of the grader project\)/g, "(from the root of this repository)")
        .replace(new RegExp(`npm run grade -- starter/${id}/?`, "g"), "npm run grade");
      files.text(`${id}/${rel}`, text);
    } else {
      files.copy(join(from, rel), `${id}/${rel}`);
    }
  }
}

/** Writes files below the export folder, remembering nothing but what it wrote. */
class Files {
  constructor(private readonly out: string) {}

  text(rel: string, text: string, mode?: number): void {
    const path = join(this.out, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    if (mode !== undefined) chmodSync(path, mode);
  }

  path(rel: string): string {
    return join(this.out, rel);
  }

  copy(from: string, rel: string, optional = false): void {
    if (optional && !existsSync(from)) return;
    const path = join(this.out, rel);
    mkdirSync(dirname(path), { recursive: true });
    copyFileSync(from, path);
  }

  /** Runs `pack` into vendor/, returning the file name it wrote. */
  vendor(pack: (dir: string) => string): string {
    return pack(join(this.out, "vendor"));
  }
}

/** A path as the user would write it: relative when below the current folder, absolute otherwise. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" ? "." : rel.startsWith("..") ? path : rel;
}

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

function template(name: string, values: Record<string, string>): string {
  const text = readFileSync(join(packageRoot(), "templates", name), "utf8");
  return text.replace(PLACEHOLDER, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`templates/${name}: no value for ${whole}`);
    return value;
  });
}

function shellWord(value: string): string {
  return /^[a-z0-9-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function checkOutFolder(out: string): void {
  if (!existsSync(out)) return;
  if (!isDirectory(out)) throw new UsageError(`${out} is a file. Expected a folder to create (or an empty one).`);
  if (readdirSync(out).length > 0) throw new UsageError(`${out} is not empty. Export into a new or empty folder.`);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- command line

const SYNOPSIS = "npm run export -- OUT-DIR [--exercise ID ...] [--gradescope] [--grader SPEC] [--hidden-out FILE] [--include-hidden]";

export const USAGE = `Usage: ${SYNOPSIS}

Writes an assignment into OUT-DIR (a new or empty folder).

  default           a student repository for GitHub Classroom: the starters, the public specs,
                    package.json installing the grader, a README for students, tests/ so that
                    npm test runs the checks, and .github/workflows/classroom.yml
  --gradescope      the Gradescope autograder folder instead (setup.sh, run_autograder, specs):
                    zip its contents and upload them
  --exercise ID     an exercise to include (repeat for several); default: every exercise that
                    can be exported (quizzes only to Gradescope: their specs hold the answers)
  --grader SPEC     install the grader from this npm dependency spec (e.g. github:you/grader#v1)
                    instead of packing it into OUT-DIR/vendor/
  --hidden-out FILE where hidden checks go (default: OUT-DIR.hidden-checks.yaml, beside the
                    folder, never inside it): the value of the AUTOGRADER_HIDDEN_SPECS secret
  --include-hidden  with --gradescope: put the hidden checks into the folder (the zip is staff-only)
  --specs DIR       folder of specs (default: the grader's specs/)
  --starter DIR     folder of starter exercise folders (default: the grader's starter/)
  -h, --help        show this help

Never exported: reference solutions, known-wrong fixtures, tests, and hidden checks.
Files a spec refers to (script:, pythonFile:) go with it, at their paths below specs/; those
only hidden checks use go beside the hidden checks' file (in OUT-DIR with --include-hidden).
`;

export async function exportMain(argv: readonly string[], io: { stdout: { write(t: string): unknown }; stderr: { write(t: string): unknown } }): Promise<number> {
  try {
    const parsed = parseFlags(argv, {
      exercise: { type: "string", multiple: true },
      gradescope: { type: "boolean", default: false },
      grader: { type: "string" },
      specs: { type: "string" },
      starter: { type: "string" },
      "hidden-out": { type: "string" },
      "include-hidden": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    }, SYNOPSIS);
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`Expected one output folder, got ${positionals.length}. Expected: ${SYNOPSIS}.`);
    const report = await exportAssignment({
      out: positionals[0]!,
      exercises: values.exercise,
      gradescope: values.gradescope,
      grader: values.grader,
      specs: values.specs,
      starter: values.starter,
      hiddenOut: values["hidden-out"],
      includeHidden: values["include-hidden"],
    });
    io.stdout.write(describe(report, values.gradescope ?? false));
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof SpecError) {
      io.stderr.write(`export: ${error.message}\nRun \`npm run export -- --help\` for usage.\n`);
      return 2;
    }
    if (error instanceof GraderError) {
      io.stderr.write(`export: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`export: failed:\n${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

function describe(report: ExportReport, gradescope: boolean): string {
  const where = shown(report.out);
  const lines = [`Exported ${report.exercises.join(", ")} to ${where}/ (${report.files.length} files).`];
  for (const { exercise, why } of report.left) lines.push(`Left out ${exercise}: ${why}`);
  if (report.hiddenFile) {
    const file = shown(report.hiddenFile);
    lines.push(`${report.hiddenChecks} hidden check(s) left out of the folder and written to ${file}. Keep that file away from students.`);
    lines.push(
      gradescope
        ? `To grade them, copy it into ${where}/ as hidden-checks.yaml before zipping.`
        : `To grade them, store it as the secret AUTOGRADER_HIDDEN_SPECS: gh secret set AUTOGRADER_HIDDEN_SPECS --org ORG --visibility private < ${file}`,
    );
  }
  if (report.hiddenFilesDir) {
    const dir = shown(report.hiddenFilesDir);
    lines.push(
      `The files only hidden checks use are in ${dir}/specs/, also kept away from students. ` +
        (gradescope
          ? `Copy them into ${where}/specs/ (same paths) before zipping.`
          : `The grading workflow must put them at the same paths below specs/ at grade time (a secret holds text only).`),
    );
  }
  lines.push(gradescope ? `Next: cd ${where} && zip -r ../autograder.zip . and upload it on Gradescope.` : `Next: push ${where}/ as the assignment's template repository.`);
  return `${lines.join("\n")}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await exportMain(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
}
