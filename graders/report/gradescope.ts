/**
 * Gradescope: `results.json` as an autograder writes it to /autograder/results/. One test per
 * check with its score and max_score, `passed` or `failed`, the feedback as output, and a
 * visibility.
 *
 * Hidden checks follow the rule of every format (students learn only whether they passed): the
 * scored test is visible with the short text. Gradescope hides a student's total score while any
 * test is not shown to them, so the full feedback of a `hidden` check that did not pass is never a
 * test: it goes to `extra_data.staff` (run_autograder prints it to its output, which only staff
 * see). An `after-due-date` or `after-published` check is the teacher asking for its details to
 * be released later: a second test worth 0 of 0 carries them, `after_due_date` or
 * `after_published`, and Gradescope hides the total until then. With `--reveal`, the scored test
 * carries the full feedback and there is nothing more.
 *
 * A submission the grader could not grade gets a failed test saying so, a banner at the top of
 * the output, and `extra_data.ungradable`, so the zero cannot pass for a grade in silence.
 *
 * Outputs are Markdown (`output_format: md`, which Gradescope renders): the feedback's sentences
 * as paragraphs with every Markdown character escaped (student text cannot format or link), what
 * the grader did as a code block, the hint in bold.
 */
import type { Result, Verdict } from "../verdict/types.js";
import { checkFeedback, formatPoints, graderErrorText, isConcealed, problemText, standaloneFeedback } from "./feedback.js";
import type { Reporter, ReporterOptions, Summary } from "./reporter.js";
import { latenessNote, readSubmissionMetadata, submissionTiming, type SubmissionMetadata, type SubmissionTiming } from "./submissionMetadata.js";
import { fenced } from "./summary.js";
import { qualifiedTitle } from "./where.js";
import { actionsSafe } from "../verdict/studentText.js";
import * as words from "../words/report.js";

export type GradescopeVisibility = "visible" | "hidden" | "after_due_date" | "after_published";

export interface GradescopeTest {
  score: number;
  max_score: number;
  status: "passed" | "failed";
  name: string;
  /** Orders the tests on Gradescope: `<exercise>.<check>`. */
  number: string;
  output: string;
  output_format: "md";
  tags: string[];
  visibility: GradescopeVisibility;
}

export interface GradescopeResults {
  score: number;
  /** Seconds. */
  execution_time: number;
  output: string;
  output_format: "md";
  test_output_format: "md";
  visibility: GradescopeVisibility;
  /** The autograder's stdout (the pretty report) is for staff. */
  stdout_visibility: GradescopeVisibility;
  tests: GradescopeTest[];
  extra_data: {
    maxScore: number;
    ungradable: string[];
    staff: StaffDetails[];
    /** With submission_metadata.json read: how late the submission was, or why the file could not be read. */
    submission?: SubmissionTiming & { problem?: string };
  };
}

/** The full feedback of a concealed check that did not pass, for staff. */
export interface StaffDetails {
  number: string;
  name: string;
  details: string;
}

export function createGradescopeReporter(options: ReporterOptions): Reporter {
  return {
    onResult() {},
    onEnd(summary) {
      const submission = options.submissionMetadata !== undefined ? readSubmissionMetadata(options.submissionMetadata) : undefined;
      options.write(actionsSafe(`${JSON.stringify(toGradescopeResults(summary, { ...options, submission }), null, 2)}\n`));
    },
  };
}

export interface GradescopeOptions {
  reveal?: boolean;
  /** submission_metadata.json as read (`readSubmissionMetadata`), when the run was asked to read it. */
  submission?: { metadata?: SubmissionMetadata; problem?: string };
}

export function toGradescopeResults(summary: Summary, options: GradescopeOptions = {}): GradescopeResults {
  const qualify = summary.results.length > 1;
  const tests: GradescopeTest[] = [];
  const staff: StaffDetails[] = [];
  summary.results.forEach((result, r) => {
    let n = 0;
    const number = () => `${r + 1}.${++n}`;
    for (const verdict of result.checks) tests.push(...checkTests(result, verdict, qualify, number, options.reveal ?? false, staff));
    if (result.status === "error" && !result.checks.some((v) => v.status === "error")) {
      tests.push({
        score: 0,
        max_score: Math.max(0, result.maxScore - result.checks.reduce((sum, v) => sum + v.maxPoints, 0)),
        status: "failed",
        name: `${result.exercise}: ${words.COULD_NOT_BE_GRADED}`,
        number: number(),
        output: markdown(graderErrorText(result)),
        output_format: "md",
        tags: [result.exercise, "grader-error"],
        visibility: "visible",
      });
    }
  });
  const ungradable = summary.results.filter((r) => r.status === "error");
  const timing = options.submission?.metadata ? submissionTiming(options.submission.metadata) : undefined;
  const late = timing && latenessNote(timing);
  const overviewText = overview(summary, ungradable);
  return {
    score: summary.score,
    execution_time: Math.round(summary.results.reduce((sum, r) => sum + r.durationMs, 0) / 1000),
    output: markdown(late ? `${late}\n\n${overviewText}` : overviewText),
    output_format: "md",
    test_output_format: "md",
    visibility: "visible",
    stdout_visibility: "hidden",
    tests,
    extra_data: {
      maxScore: summary.maxScore,
      ungradable: ungradable.map((r) => r.exercise),
      staff,
      ...(options.submission && { submission: { ...timing, ...(options.submission.problem && { problem: options.submission.problem }) } }),
    },
  };
}

/** When Gradescope shows students a concealed check's details (and hides their total until then). */
const RELEASE: Partial<Record<Verdict["visibility"], GradescopeVisibility>> = {
  "after-due-date": "after_due_date",
  "after-published": "after_published",
};
const RELEASE_LABEL: Partial<Record<Verdict["visibility"], string>> = words.RELEASE_LABELS;

function checkTests(result: Result, verdict: Verdict, qualify: boolean, number: () => string, reveal: boolean, staff: StaffDetails[]): GradescopeTest[] {
  const name = qualifiedTitle(result, verdict, qualify) + (verdict.advisory ? " (advisory, no points)" : "");
  const tags = [result.exercise, ...(verdict.advisory ? ["advisory"] : []), ...(verdict.visibility !== "visible" ? [verdict.visibility] : [])];
  const scored: GradescopeTest = {
    score: verdict.points,
    max_score: verdict.maxPoints,
    status: verdict.status === "pass" ? "passed" : "failed",
    name,
    number: number(),
    output: markdown(standaloneFeedback(verdict, { reveal, problem: result.problem })),
    output_format: "md",
    tags,
    visibility: "visible",
  };
  if (verdict.status === "pass" || !isConcealed(verdict, reveal)) return [scored];
  const details = checkFeedback(verdict, { reveal: true, problem: result.problem });
  staff.push({ number: scored.number, name, details });
  const release = RELEASE[verdict.visibility];
  if (!release) return [scored];
  return [
    scored,
    {
      score: 0,
      max_score: 0,
      status: "failed",
      name: `${name}: details (${RELEASE_LABEL[verdict.visibility]})`,
      number: number(),
      output: markdown(details),
      output_format: "md",
      tags: [...tags, "details"],
      visibility: release,
    },
  ];
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

/**
 * The shared feedback text as Markdown: indented lines (requests, answers, places) become one
 * code block, a "Label:" line above them a bold label, "Hint: ..." a bold "Hint:", and every other
 * line an escaped paragraph.
 */
export function markdown(text: string): string {
  const blocks: string[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    if (/^\s/.test(line) && line.trim() !== "") {
      const group: string[] = [];
      while (i < lines.length && (/^\s/.test(lines[i]!) || lines[i] === "") && !(lines[i] === "" && !/^\s/.test(lines[i + 1] ?? ""))) group.push(lines[i++]!);
      blocks.push(fenced(group.join("\n")).join("\n"));
      continue;
    }
    i++;
    if (line.trim() === "") continue;
    const hint = /^Hint: (.*)$/.exec(line);
    if (hint) blocks.push(`**Hint:** ${escapeMarkdown(hint[1]!)}`);
    else if (/:$/.test(line) && /^\s/.test(lines[i] ?? "")) blocks.push(`**${escapeMarkdown(line)}**`);
    else blocks.push(escapeMarkdown(line));
  }
  return blocks.join("\n\n");
}

/**
 * Plain text as one Markdown paragraph that renders as itself: the characters that start emphasis,
 * code, links, HTML or entities are backslash-escaped anywhere, and a line that would open a
 * block (heading, quote, list, rule) has its first mark escaped.
 */
function escapeMarkdown(text: string): string {
  const inline = text.replace(/[\\`*_[\]<>&~]/g, "\\$&");
  return inline.replace(/^(\s*)([#>+=|-]|\d+(?=[.)]))/, (_, space: string, mark: string) => `${space}${/\d/.test(mark) ? `${mark}\\` : `\\${mark}`}`);
}
