/**
 * The human format: one block per submission, one line per check, the feedback under each check
 * that did not pass, and the score. Streams: each result is printed as soon as it is graded.
 */
import type { Result, Verdict } from "../verdict/types.js";
import { checkFeedback, formatPoints as num, graderErrorText, problemText } from "./feedback.js";
import { palette, type Palette } from "./colors.js";
import type { Reporter, ReporterOptions, Summary } from "./reporter.js";
import { actionsSafe, nameText } from "../verdict/studentText.js";
import * as words from "../words/report.js";

/** Titles longer than this are not padded further, so one long title does not push every score off-screen. */
const TITLE_COLUMN = 56;

export function createPrettyReporter(options: ReporterOptions): Reporter {
  let printed = 0;
  return {
    onResult(result) {
      // Student text is in it, and this often runs on GitHub Actions.
      options.write(actionsSafe(`${printed++ > 0 ? "\n" : ""}${renderResult(result, options)}`));
    },
    onEnd(summary) {
      // One result already ends with its score; a total only helps when there are several.
      if (summary.results.length > 1) options.write(`\n${renderTotal(summary, options)}`);
    },
  };
}

export function renderResult(result: Result, options: { color?: boolean; reveal?: boolean } = {}): string {
  const c = palette(options.color ?? false);
  const lines = [`${c.bold(result.exercise)} — ${result.title}  ${c.dim(`(${nameText(result.submission)})`)}`];
  if (result.problem) lines.push(...block(problemText(result.problem), "  ").map((line, i) => (i === 0 ? c.red(line) : line)));

  const width = Math.min(TITLE_COLUMN, Math.max(0, ...result.checks.map((v) => v.title.length)));
  for (const verdict of result.checks) {
    const feedback = verdict.status === "pass" ? "" : checkFeedback(verdict, { reveal: options.reveal, problem: result.problem });
    // With a Problem (shown above), "not run" fits on the check's line: a block per check would bury the Problem.
    if (result.problem && feedback) lines.push(`  ${checkLine(verdict, width, c)}  ${c.dim(feedback)}`);
    else lines.push(`  ${checkLine(verdict, width, c)}`, ...(feedback ? block(feedback, "      ") : []));
  }
  for (const note of result.notes) lines.push(...block(words.noteLine(note), "  ").map(c.yellow));
  if (result.status === "error") {
    // The grader's fault, not the student's: the score below is not final.
    lines.push(c.red(`  ! ${graderErrorText(result)}`));
    lines.push(`  ${c.bold(words.SCORE_LABEL)} ${result.checks.length > 0 ? words.incompleteScore(num(result.score), num(result.maxScore)) : words.NOT_GRADED}`);
    return lines.join("\n") + "\n";
  }
  const full = result.score === result.maxScore;
  lines.push(`  ${c.bold("Score:")} ${(full ? c.green : c.bold)(`${num(result.score)}/${num(result.maxScore)}`)}`);
  return lines.join("\n") + "\n";
}

export function renderTotal(summary: Summary, options: { color?: boolean } = {}): string {
  const c = palette(options.color ?? false);
  return `${c.bold("Total:")} ${num(summary.score)}/${num(summary.maxScore)} over ${summary.results.length} submissions\n`;
}

function checkLine(verdict: Verdict, width: number, c: Palette): string {
  const title = verdict.title.padEnd(width);
  // Advisory checks are warnings: they never show points, so they cannot read as lost marks.
  if (verdict.advisory) {
    const symbol = verdict.status === "pass" ? c.green("✓") : verdict.status === "skip" ? c.dim("–") : c.yellow("⚠");
    return `${symbol} ${title}  ${c.dim("advisory")}`;
  }
  const points = `${num(verdict.points)}/${num(verdict.maxPoints)}`;
  switch (verdict.status) {
    case "pass":
      return `${c.green("✓")} ${title}  ${c.green(points)}`;
    case "fail":
      return `${c.red("✗")} ${title}  ${c.red(points)}`;
    case "error":
      return `${c.red("!")} ${title}  ${c.red(points)}`;
    case "skip":
      return `${c.dim("–")} ${c.dim(title)}  ${c.dim(points)}`;
  }
}

function block(text: string, prefix: string): string[] {
  return text.split("\n").map((line) => prefix + line);
}
