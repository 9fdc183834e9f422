/**
 * Gradescope: `results.json` as an autograder writes it to /autograder/results/. One test per
 * check with its score and max_score, `passed` or `failed`, the feedback as output, and a
 * visibility.
 *
 * Hidden checks follow the rule of every format (students learn only whether they passed), using
 * Gradescope's own visibilities for the rest: the scored test is visible with the short text, and
 * when it did not pass, a second test worth 0 of 0 carries the full feedback, `hidden` (staff
 * only) for a hidden check and `after_due_date` for an after-due-date one. With `--reveal`, the
 * scored test carries the full feedback and there is no second test.
 *
 * A submission the grader could not grade gets a failed test saying so, a banner at the top of
 * the output, and `extra_data.ungradable`, so the zero cannot pass for a grade in silence.
 */
import type { Result, Verdict } from "../verdict/types.js";
import { checkFeedback, formatPoints, graderErrorText, isConcealed, problemText, standaloneFeedback } from "./feedback.js";
import type { Reporter, ReporterOptions, Summary } from "./reporter.js";
import { qualifiedTitle } from "./where.js";
import { actionsSafe } from "../verdict/studentText.js";

export type GradescopeVisibility = "visible" | "hidden" | "after_due_date" | "after_published";

export interface GradescopeTest {
  score: number;
  max_score: number;
  status: "passed" | "failed";
  name: string;
  /** Orders the tests on Gradescope: `<exercise>.<check>`. */
  number: string;
  output: string;
  output_format: "text";
  tags: string[];
  visibility: GradescopeVisibility;
}

export interface GradescopeResults {
  score: number;
  /** Seconds. */
  execution_time: number;
  output: string;
  output_format: "text";
  test_output_format: "text";
  visibility: GradescopeVisibility;
  /** The autograder's stdout (the pretty report) is for staff. */
  stdout_visibility: GradescopeVisibility;
  tests: GradescopeTest[];
  extra_data: { maxScore: number; ungradable: string[] };
}

export function createGradescopeReporter(options: ReporterOptions): Reporter {
  return {
    onResult() {},
    onEnd(summary) {
      options.write(actionsSafe(`${JSON.stringify(toGradescopeResults(summary, options), null, 2)}\n`));
    },
  };
}

export function toGradescopeResults(summary: Summary, options: { reveal?: boolean } = {}): GradescopeResults {
  const qualify = summary.results.length > 1;
  const tests: GradescopeTest[] = [];
  summary.results.forEach((result, r) => {
    let n = 0;
    const number = () => `${r + 1}.${++n}`;
    for (const verdict of result.checks) tests.push(...checkTests(result, verdict, qualify, number, options.reveal ?? false));
    if (result.status === "error" && !result.checks.some((v) => v.status === "error")) {
      tests.push({
        score: 0,
        max_score: Math.max(0, result.maxScore - result.checks.reduce((sum, v) => sum + v.maxPoints, 0)),
        status: "failed",
        name: `${result.exercise}: could not be graded`,
        number: number(),
        output: graderErrorText(result),
        output_format: "text",
        tags: [result.exercise, "grader-error"],
        visibility: "visible",
      });
    }
  });
  const ungradable = summary.results.filter((r) => r.status === "error");
  return {
    score: summary.score,
    execution_time: Math.round(summary.results.reduce((sum, r) => sum + r.durationMs, 0) / 1000),
    output: overview(summary, ungradable),
    output_format: "text",
    test_output_format: "text",
    visibility: "visible",
    stdout_visibility: "hidden",
    tests,
    extra_data: { maxScore: summary.maxScore, ungradable: ungradable.map((r) => r.exercise) },
  };
}

function checkTests(result: Result, verdict: Verdict, qualify: boolean, number: () => string, reveal: boolean): GradescopeTest[] {
  const name = qualifiedTitle(result, verdict, qualify) + (verdict.advisory ? " (advisory, no points)" : "");
  const tags = [result.exercise, ...(verdict.advisory ? ["advisory"] : []), ...(verdict.visibility !== "visible" ? [verdict.visibility] : [])];
  const scored: GradescopeTest = {
    score: verdict.points,
    max_score: verdict.maxPoints,
    status: verdict.status === "pass" ? "passed" : "failed",
    name,
    number: number(),
    output: standaloneFeedback(verdict, { reveal, problem: result.problem }),
    output_format: "text",
    tags,
    visibility: "visible",
  };
  if (verdict.status === "pass" || !isConcealed(verdict, reveal)) return [scored];
  const later = verdict.visibility === "after-due-date";
  const details: GradescopeTest = {
    score: 0,
    max_score: 0,
    status: "failed",
    name: `${name}: details (${later ? "shown after the due date" : "staff only"})`,
    number: number(),
    output: checkFeedback(verdict, { reveal: true, problem: result.problem }),
    output_format: "text",
    tags: [...tags, "details"],
    visibility: later ? "after_due_date" : "hidden",
  };
  return [scored, details];
}

/** The text above the tests: each exercise's score, why an app could not start, notes, grader failures first. */
function overview(summary: Summary, ungradable: readonly Result[]): string {
  const parts: string[] = [];
  for (const result of ungradable) parts.push(`⚠ ${graderErrorText(result)}`);
  for (const result of summary.results) {
    const lines = [`${result.exercise} — ${result.title}: ${formatPoints(result.score)}/${formatPoints(result.maxScore)}${result.status === "error" ? " (incomplete)" : ""}`];
    if (result.problem) lines.push(problemText(result.problem));
    for (const note of result.notes) lines.push(`Note: ${note}`);
    parts.push(lines.join("\n"));
  }
  return parts.join("\n\n");
}
