/**
 * `npm run verify`: grade the reference solution and every mutant of it with the spec, `jobs` at a
 * time on the warm server, then analyse. The mutants' folders are removed whatever happens.
 */
import { availableParallelism } from "node:os";
import { GraderError } from "../errors.js";
import { launch } from "../boot/launch.js";
import { findPython } from "../boot/python.js";
import { warmLauncher, type Launcher } from "../boot/warm.js";
import { grade } from "../grade.js";
import type { Spec } from "../spec/types.js";
import type { Result } from "../verdict/types.js";
import { analyse, type Graded, type VerifyReport } from "./analyse.js";
import type { Marks } from "./marks.js";
import { makeMutants, writeMutants, type Mutant } from "./mutants.js";

export interface VerifyOptions {
  spec: Spec;
  /** The spec file as given, for the report. */
  specFile: string;
  solution: string;
  marks: Marks;
  jobs?: number;
  /** Only these mutant ids (or operators), e.g. to keep a test quick. Default: all. */
  only?: (mutant: Mutant) => boolean;
  python?: string;
  /** Told as each mutant is graded (progress). */
  onGraded?: (done: number, total: number) => void;
}

/** The reference solution does not get full marks: a spec cannot be judged by mutants of it. */
export class SolutionNotFullMarks extends GraderError {
  constructor(readonly result: Result) {
    const failing = result.checks.filter((v) => v.status !== "pass" && !v.advisory).map((v) => `${v.id} (${v.status})`);
    const why = result.status === "error" ? result.error : result.problem ? result.problem.message : `not passing: ${failing.join(", ")}`;
    super(
      `The solution ${result.submission} scores ${result.score}/${result.maxScore} with this spec (${why}). ` +
        "Verify grades mutants of a solution that gets full marks: fix the solution or the spec first.",
    );
  }
}

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

export async function verify(options: VerifyOptions): Promise<VerifyReport> {
  const python = options.python ?? findPython();
  const warm = warmLauncher();
  const kind = options.spec.kind ?? "flask-app";
  if (kind === "flask-app") void warm.prestart(python);
  try {
    const made = await makeMutants(python, options.spec, options.solution);
    const mutants = options.only ? made.mutants.filter(options.only) : made.mutants;

    // The solution is graded first in the same pool as the mutants, so that its time overlaps
    // theirs; when it does not get full marks, no further mutant starts and verify stops.
    const folders = writeMutants(options.solution, { file: made.file, mutants });
    try {
      const dirs = [options.solution, ...folders.dirs];
      const results: Result[] = new Array(dirs.length);
      let next = 0;
      let done = 0;
      let failed: Result | undefined;
      const worker = async () => {
        while (next < dirs.length && !failed) {
          const i = next++;
          results[i] = await gradeOne(options.spec, dirs[i]!, python, warm.launch, warm.losses);
          if (i === 0 && !fullMarks(results[0]!)) failed = results[0];
          else if (i > 0) options.onGraded?.(++done, mutants.length);
        }
      };
      const jobs = Math.max(1, Math.min(options.jobs ?? defaultJobs(), dirs.length));
      await Promise.all(Array.from({ length: jobs }, worker));
      if (failed) throw new SolutionNotFullMarks(failed);
      const graded: Graded[] = mutants.map((mutant, i) => ({ mutant, result: results[i + 1]! }));
      return analyse({ spec: options.spec, specFile: options.specFile, solution: options.solution, reference: results[0]!, file: made.file, graded, marks: options.marks });
    } finally {
      folders.dispose();
    }
  } finally {
    await warm.close();
  }
}

function fullMarks(result: Result): boolean {
  return result.status === "graded" && !result.problem && result.score === result.maxScore;
}

/**
 * One grade on the warm server. A grader fault (status error, or the zygote lost meanwhile) is
 * the grader's, never the mutant's: it is graded once more, cold.
 */
async function gradeOne(spec: Spec, dir: string, python: string, launcher: Launcher, losses: () => number): Promise<Result> {
  const before = losses();
  const result = await grade(spec, dir, { python, launcher });
  if (result.status !== "error" && losses() === before) return result;
  return grade(spec, dir, { python, launcher: launch });
}
