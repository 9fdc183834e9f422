/**
 * GitHub Classroom: the result a runner hands to `classroom-resources/autograding-grading-reporter`
 * (version 1, as the classroom's own command and io graders write it), one test per check with its
 * partial points. The reporter reads it base64-encoded from the step output `result`, so with
 * `setOutput` (GITHUB_OUTPUT set) the document is also published there.
 *
 * What students see: the grading reporter prints, for a plain failure, only `name` and
 * `test_code` (`message` only for an error), so both carry the feedback. Advisory checks score
 * 0 of 0. A submission the grader could not grade makes the whole result `error` with
 * `max_score` 0: the reporter then fails the run ("Some tests errored") and the classroom records
 * no points for it, instead of a zero that would look earned.
 */
import type { Result, Verdict } from "../verdict/types.js";
import { graderErrorText, standaloneFeedback } from "./feedback.js";
import type { Reporter, ReporterOptions, Summary } from "./reporter.js";
import { checkLocation, qualifiedTitle } from "./where.js";
import { actionsSafe } from "../verdict/studentText.js";

export type ClassroomStatus = "pass" | "fail" | "error";

export interface ClassroomTest {
  name: string;
  status: ClassroomStatus;
  score: number;
  /** Not read by the grading reporter (it takes the total from the top level); for people and other tools. */
  max_score: number;
  message: string;
  test_code: string;
  filename: string;
  line_no: number;
  /** Milliseconds. */
  duration: number;
}

export interface ClassroomReport {
  version: 1;
  status: ClassroomStatus;
  max_score: number;
  tests: ClassroomTest[];
}

/** The step output the grading reporter reads (as env `<STEP ID>_RESULTS`). */
export const CLASSROOM_OUTPUT = "result";

export function createClassroomReporter(options: ReporterOptions): Reporter {
  return {
    onResult() {},
    onEnd(summary) {
      const report = toClassroomReport(summary, options);
      const json = JSON.stringify(report);
      options.setOutput?.(CLASSROOM_OUTPUT, Buffer.from(json, "utf8").toString("base64"));
      options.write(actionsSafe(`${JSON.stringify(report, null, 2)}\n`));
    },
  };
}

export function toClassroomReport(summary: Summary, options: { reveal?: boolean; root?: string } = {}): ClassroomReport {
  const qualify = summary.results.length > 1;
  const tests = summary.results.flatMap((result) => resultTests(result, qualify, options));
  const ungradable = summary.results.some((r) => r.status === "error");
  const allPassed = summary.results.every((r) => r.checks.every((v) => v.advisory || v.status === "pass"));
  return {
    version: 1,
    status: ungradable ? "error" : allPassed ? "pass" : "fail",
    max_score: ungradable ? 0 : summary.maxScore,
    tests,
  };
}

function resultTests(result: Result, qualify: boolean, options: { reveal?: boolean; root?: string }): ClassroomTest[] {
  const tests = result.checks.map((verdict) => checkTest(result, verdict, qualify, options));
  // A grader failure that no check reports (it stopped before any) still gets a test of its own.
  if (result.status === "error" && !result.checks.some((v) => v.status === "error")) {
    const text = actionsSafe(graderErrorText(result));
    tests.push({
      name: `${result.exercise}: could not be graded`,
      status: "error",
      score: 0,
      max_score: Math.max(0, result.maxScore - result.checks.reduce((sum, v) => sum + v.maxPoints, 0)),
      message: text,
      test_code: text,
      filename: "",
      line_no: 0,
      duration: result.durationMs,
    });
  }
  return tests;
}

function checkTest(result: Result, verdict: Verdict, qualify: boolean, options: { reveal?: boolean; root?: string }): ClassroomTest {
  // The grading reporter prints these fields line by line into the log the runner reads.
  const text = actionsSafe(standaloneFeedback(verdict, { reveal: options.reveal, problem: result.problem }));
  const location = checkLocation(result, verdict, options);
  const name = actionsSafe(qualifiedTitle(result, verdict, qualify) + (verdict.advisory ? " (advisory, no points)" : ""));
  return {
    name,
    status: verdict.status === "pass" ? "pass" : verdict.status === "error" ? "error" : "fail",
    score: verdict.points,
    max_score: verdict.maxPoints,
    message: text,
    test_code: text,
    filename: location?.path ?? "",
    line_no: location?.line ?? 0,
    duration: verdict.durationMs,
  };
}
