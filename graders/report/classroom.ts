/**
 * GitHub Classroom: the result a runner hands to `classroom-resources/autograding-grading-reporter`
 * (version 1, as the classroom's own command and io graders write it). The reporter reads it
 * base64-encoded from the step output `result`, so with `setOutput` (GITHUB_OUTPUT set) the
 * document is also published there, with the step outputs `points` ("X/Y") and `max-points`.
 *
 * Every figure the reporter prints is the grader's score. It records the sum of the tests'
 * scores, but prints per runner (tests passed ÷ tests) × max_score and "tests passed: P/T"
 * (its src/helpers/test-helpers.js and src/console-results.js). So every test is worth the same
 * (one per point, see `pointUnit`) and checks worth nothing (advisory ones) are not tests: their
 * warnings are in the annotations and the step summary.
 *
 * What students see: for a plain failure the reporter prints only `name` and `test_code`; for an
 * error `message`, then `test_code`. So the feedback is in `test_code`, or in `message` alone for
 * an error, printed once. A submission the grader could not grade makes the whole result `error`
 * with `max_score` 0: the reporter then fails the run ("Some tests errored") and the classroom
 * records no points for it, instead of a zero that would look earned.
 */
import type { Result, Verdict } from "../verdict/types.js";
import { formatPoints, graderErrorText, standaloneFeedback } from "./feedback.js";
import type { Reporter, ReporterOptions, Summary } from "./reporter.js";
import { checkLocation, qualifiedTitle } from "./where.js";
import { actionsSafe } from "../verdict/studentText.js";
import * as words from "../words/report.js";

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
      if (options.setOutput) publishReport(report, options.setOutput);
      // As the older Classroom action did (`Points` = "X/Y", read by points bars and badges); none
      // when the run could not be graded, so that no badge shows an unearned zero.
      if (report.status !== "error") {
        options.setOutput?.("points", `${formatPoints(summary.score)}/${formatPoints(summary.maxScore)}`);
        options.setOutput?.("max-points", formatPoints(summary.maxScore));
      }
      options.write(actionsSafe(`${JSON.stringify(report, null, 2)}\n`));
    },
  };
}

/** Hands the report to the grading reporter: the step output it reads, base64-encoded JSON. */
export function publishReport(report: ClassroomReport, setOutput: (name: string, value: string) => void): void {
  setOutput(CLASSROOM_OUTPUT, Buffer.from(JSON.stringify(report), "utf8").toString("base64"));
}

/**
 * The result of a run that graded nothing (a usage error, an invalid spec, a grader crash): an
 * error with the reason, which the reporter prints ("Error: ...") before failing the step,
 * instead of choking on a missing output ("Unexpected end of JSON input"). No points recorded.
 */
export function failedRunReport(reason: string): ClassroomReport {
  return {
    version: 1,
    status: "error",
    max_score: 0,
    tests: [{ ...EMPTY_TEST, name: words.COULD_NOT_RUN, status: "error", message: actionsSafe(reason) }],
  };
}

export function toClassroomReport(summary: Summary, options: { reveal?: boolean; root?: string } = {}): ClassroomReport {
  const qualify = summary.results.length > 1;
  const unit = pointUnit(summary.results);
  const tests = summary.results.flatMap((result) => resultTests(result, qualify, unit, options));
  // The reporter divides by the number of tests: never hand it none.
  if (tests.length === 0) tests.push({ ...EMPTY_TEST, name: words.NO_CHECKS_WITH_POINTS, status: "pass" });
  const ungradable = summary.results.some((r) => r.status === "error");
  const allPassed = summary.results.every((r) => r.checks.every((v) => v.advisory || v.status === "pass"));
  return {
    version: 1,
    status: ungradable ? "error" : allPassed ? "pass" : "fail",
    max_score: ungradable ? 0 : summary.maxScore,
    tests,
  };
}

const EMPTY_TEST: ClassroomTest = { name: "", status: "pass", score: 0, max_score: 0, message: "", test_code: "", filename: "", line_no: 0, duration: 0 };

/** Decimals a check's points may have and still be split exactly into equal tests. */
const DECIMALS = 3;

/**
 * The points every test is worth: the largest amount up to 1 that divides every check's points
 * and maximum (1 for whole points, 0.5 when a check is worth 1.5, ...). The reporter prints
 * (tests passed ÷ tests) × max_score and "tests passed: 5/6", so the tests must be of equal worth
 * for those to match the sum of the scores, which is what the classroom records.
 */
export function pointUnit(results: readonly Result[]): number {
  const scale = 10 ** DECIMALS;
  const amounts = results.flatMap((r) => r.checks.filter((v) => !v.advisory && v.maxPoints > 0).flatMap((v) => [v.points, v.maxPoints]));
  // One point at most, so that "tests passed: P/T" reads as the points when they are whole.
  return amounts.map((a) => Math.round(a * scale)).reduce((acc, a) => gcd(acc, a), scale) / scale;
}

function gcd(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : gcd(b, a % b);
}

function resultTests(result: Result, qualify: boolean, unit: number, options: { reveal?: boolean; root?: string }): ClassroomTest[] {
  // Checks worth nothing (advisory ones): as tests they would change the reporter's count-based figures.
  const tests = result.checks.filter((v) => !v.advisory && v.maxPoints > 0).flatMap((verdict) => checkTests(result, verdict, qualify, unit, options));
  // A grader failure that no check reports (it stopped before any) still gets a test of its own.
  if (result.status === "error" && !result.checks.some((v) => v.status === "error")) {
    const text = actionsSafe(graderErrorText(result));
    tests.push({
      ...EMPTY_TEST,
      name: `${result.exercise}: ${words.COULD_NOT_BE_GRADED}`,
      status: "error",
      max_score: Math.max(0, result.maxScore - result.checks.reduce((sum, v) => sum + v.maxPoints, 0)),
      // The reporter prints `message` for an error, and `test_code` after it: say it once.
      message: text,
      duration: result.durationMs,
    });
  }
  return tests;
}

/**
 * One test per `unit` of the check's points, the earned ones first: a 3-point check is three
 * tests. Its feedback and place go on the first, so that the reporter prints them once.
 */
function checkTests(result: Result, verdict: Verdict, qualify: boolean, unit: number, options: { reveal?: boolean; root?: string }): ClassroomTest[] {
  // The grading reporter prints these fields line by line into the log the runner reads.
  const text = actionsSafe(standaloneFeedback(verdict, { reveal: options.reveal, problem: result.problem }));
  const location = checkLocation(result, verdict, options);
  const name = actionsSafe(qualifiedTitle(result, verdict, qualify));
  const parts = Math.max(1, Math.round(verdict.maxPoints / unit));
  const earned = Math.round(verdict.points / unit);
  const missed: ClassroomStatus = verdict.status === "error" ? "error" : "fail";
  return Array.from({ length: parts }, (_, i): ClassroomTest => {
    const status: ClassroomStatus = i < earned ? "pass" : missed;
    const first = i === 0;
    // For an error the reporter prints `message` and then `test_code`; otherwise only `test_code`.
    const said = first ? text : "";
    return {
      name: parts === 1 ? name : `${name} [${i + 1}/${parts}]`,
      status,
      score: status === "pass" ? unit : 0,
      max_score: unit,
      message: said,
      test_code: status === "error" ? "" : said,
      filename: first ? (location?.path ?? "") : "",
      line_no: first ? (location?.line ?? 0) : 0,
      duration: first ? verdict.durationMs : 0,
    };
  });
}
