/**
 * A Markdown summary for the run's page on GitHub Actions (appended to `$GITHUB_STEP_SUMMARY`):
 * the total, then per exercise a table with one row per check and its points, why the app could
 * not start, and the feedback of each check that did not pass, folded. The CLI adds it on its own
 * on GitHub Actions; `--format summary=FILE` writes it anywhere.
 */
import type { Result, Verdict } from "../verdict/types.js";
import { checkFeedback, formatPoints, graderErrorText, problemText } from "./feedback.js";
import type { Reporter, ReporterOptions, Summary } from "./reporter.js";
import { actionsSafe } from "../verdict/studentText.js";

export function createSummaryReporter(options: ReporterOptions): Reporter {
  return {
    onResult() {},
    onEnd(summary) {
      options.write(toMarkdownSummary(summary, options));
    },
  };
}

export function toMarkdownSummary(summary: Summary, options: { reveal?: boolean } = {}): string {
  const incomplete = summary.results.some((r) => r.status === "error") ? " (incomplete)" : "";
  const parts = [`## Autograding: ${formatPoints(summary.score)}/${formatPoints(summary.maxScore)} points${incomplete}`];
  for (const result of summary.results) parts.push(resultMarkdown(result, options.reveal ?? false));
  // Written to a file GitHub renders, or to a log the runner reads for commands.
  return actionsSafe(`${parts.join("\n\n")}\n`);
}

function resultMarkdown(result: Result, reveal: boolean): string {
  const lines = [`### ${cell(result.exercise)} — ${cell(result.title)}: ${formatPoints(result.score)}/${formatPoints(result.maxScore)}`];
  if (result.status === "error") lines.push("", ...alert("WARNING", graderErrorText(result)));
  if (result.problem) lines.push("", ...alert("CAUTION", problemText(result.problem)));
  if (result.checks.length > 0) {
    lines.push("", "| | Check | Points |", "|---|---|---|");
    for (const verdict of result.checks) lines.push(`| ${symbol(verdict)} | ${cell(verdict.title)} | ${pointsCell(verdict)} |`);
  }
  for (const note of result.notes) lines.push("", ...alert("NOTE", note));
  // With a Problem every check says only "not run": the alert above is the feedback.
  const explained = result.problem ? [] : result.checks.filter((v) => v.status !== "pass");
  for (const verdict of explained) {
    lines.push("", `<details><summary>${symbol(verdict)} ${cell(verdict.title)}</summary>`, "", ...fenced(checkFeedback(verdict, { reveal })), "", "</details>");
  }
  return lines.join("\n");
}

function symbol(verdict: Verdict): string {
  if (verdict.status === "pass") return "✅";
  if (verdict.status === "skip") return "⏭️";
  if (verdict.status === "error") return "❗";
  return verdict.advisory ? "⚠️" : "❌";
}

function pointsCell(verdict: Verdict): string {
  if (verdict.advisory) return "advisory";
  const points = `${formatPoints(verdict.points)}/${formatPoints(verdict.maxPoints)}`;
  return verdict.status === "skip" ? `${points} (skipped)` : points;
}

/** Text that quotes the app (an exception, its output): every Markdown character escaped, so no link, image or heading. */
function alert(kind: "WARNING" | "CAUTION" | "NOTE", text: string): string[] {
  return [`> [!${kind}]`, ...text.split("\n").map((line) => `> ${escapeMarkdown(line)}`.trimEnd())];
}

/** CommonMark shows a backslash-escaped ASCII punctuation character as itself. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>#|!~]/g, "\\$&");
}

/** A code block whose fence is longer than any run of backticks in the text. */
export function fenced(text: string): string[] {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return [`${fence}text`, text, fence];
}

/** Text inside a table cell or a heading: no pipes, no HTML, one line. */
function cell(text: string): string {
  return escapeHtml(text).replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
