/**
 * What `npm run verify` does, as a function of its arguments and streams (tests run it in process):
 * find the spec and the solution, grade the mutants (graders/verify/run.ts), print the report.
 * Exit status: 0 the spec catches every counted mutant with no unexplained double penalty,
 * 1 it does not (or the solution does not get full marks, or the grader failed), 2 usage.
 */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "../../graders/errors.js";
import { parseFlags } from "../cli/flags.js";
import { reportCommandError } from "../cli/commandError.js";
import { packageRoot } from "../../graders/paths.js";
import { shouldColor } from "../../graders/report/colors.js";
import { hiddenChecksFromEnv, loadSpecWithHidden } from "../../graders/spec/hidden.js";
import { checkKnown, listExercises, specFile } from "../../graders/targets.js";
import { marksFile, readMarks } from "../../graders/verify/marks.js";
import { createVerifyReporter, VERIFY_FORMATS, type VerifyFormat } from "../../graders/verify/report.js";
import { verify } from "../../graders/verify/run.js";

export interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export const USAGE = `Usage: npm run verify -- <EXERCISE ID | SPEC FILE> [--solution DIR] [--format pretty|json] [--jobs N] [--only IDS]

Proves that a spec catches the mistakes it should: makes mutants of the reference solution (each a
copy with one realistic mistake of the lesson), grades the solution (it must get full marks) and
every mutant with the spec, and reports the mutants that still get full marks, the mistakes that
cost points in more than one check, and what each check catches.

  EXERCISE ID      a bundled exercise (specs/<id>.yaml), or a spec file of your own
  --solution DIR   the reference solution; default: solutions/<id> of this package
  --format F       pretty (default) or json
  --jobs N         mutants graded at once; default: the number of cores
  --only IDS       only the mutants whose id or operator starts with one of these (comma-separated)
  -h, --help       show this help

Mutants marked in <spec folder>/<id>.mutants.yml (equivalent: id -> reason; double-penalty:
id -> reason) are listed but not counted. Exit status: 0 nothing to fix, 1 something to fix, 2 usage.
`;

export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    return reportCommandError(error, io.stderr, { command: "verify", help: "npm run verify -- --help" }).status;
  }
}

async function run(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, {
    solution: { type: "string" },
    format: { type: "string", default: "pretty" },
    jobs: { type: "string" },
    only: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  });

  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("give one exercise id or spec file.");
  const format = values.format as VerifyFormat;
  if (!VERIFY_FORMATS.includes(format)) throw new UsageError(`unknown format "${values.format}": use pretty or json.`);
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1)) throw new UsageError(`--jobs takes a whole number of at least 1, not "${values.jobs}".`);

  const root = packageRoot();
  const target = positionals[0]!;
  const file = isFile(target) ? resolve(target) : bundledSpec(root, target);
  // With the hidden checks of AUTOGRADER_HIDDEN_SPECS, as students are graded.
  const spec = await loadSpecWithHidden(file, hiddenChecksFromEnv(io.env));
  const solution = values.solution ?? join(root, "solutions", spec.id);
  if (!isDirectory(solution)) {
    throw new UsageError(`No solution folder at ${solution}. Give the reference solution with --solution DIR.`);
  }
  const read = readMarks(marksFile(file, spec.id));
  const marks = { ...read, file: shown(root, read.file) };
  const prefixes = values.only?.split(",").map((s) => s.trim()).filter(Boolean);

  const progress = io.stderr.isTTY === true;
  const report = await verify({
    spec,
    specFile: shown(root, file),
    solution: shown(root, resolve(solution)),
    marks,
    jobs,
    only: prefixes && ((m) => prefixes.some((p) => m.id.startsWith(p) || m.operator === p)),
    onGraded: progress ? (done, total) => io.stderr.write(`\rverify: graded ${done}/${total} mutants`) : undefined,
  });
  if (progress) io.stderr.write("\n");
  createVerifyReporter(format, { write: (text) => io.stdout.write(text), color: format === "pretty" && shouldColor(io.stdout, io.env) }).onEnd(report);
  return report.ok ? 0 : 1;
}

function bundledSpec(root: string, id: string): string {
  const specsDir = join(root, "specs");
  if (id.endsWith(".yaml") || id.includes("/")) throw new UsageError(`No spec file at ${id}.`);
  checkKnown(id, listExercises(specsDir));
  return specFile(specsDir, id);
}

/** Paths in the report relative to the package when inside it: the same report on every machine. */
function shown(root: string, path: string): string {
  return path.startsWith(root + "/") ? path.slice(root.length + 1) : path;
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
