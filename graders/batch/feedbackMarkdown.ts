/**
 * `feedback/<student>.md`: what a student gets back, in Markdown, with the same words every other
 * format uses (graders/report/feedback.ts). Pure. Hidden checks stay hidden unless `reveal`.
 */
import { checkFeedback, formatPoints, graderErrorText, problemText } from "../report/feedback.js";
import type { Result, Verdict } from "../verdict/types.js";
import type { StudentRow } from "./gradebook.js";
import { nameText } from "../verdict/studentText.js";
import * as words from "../words/report.js";

const MARKS: Record<Verdict["status"], string> = { pass: "✅", fail: "❌", skip: "➖", error: "⚠️" };

export interface FeedbackMarkdownOptions {
  reveal?: boolean;
  /** Link (relative to the feedback file, URL-encoded) to the student's trace page, when there is one. */
  trace?: string;
}

export function feedbackMarkdown(row: StudentRow, options: FeedbackMarkdownOptions = {}): string {
  const lines = [words.feedbackFor(escapeInline(nameText(row.student))), ""];
  if (row.status === "no submission") {
    lines.push(words.noSubmission(escapeInline(row.reason ?? words.NOTHING_TO_GRADE)), "");
    return lines.join("\n");
  }
  const max = row.results.reduce((sum, r) => sum + r.maxScore, 0);
  if (row.status === "graded") lines.push(words.totalPoints(formatPoints(row.total ?? 0), formatPoints(max)), "");
  else lines.push(words.TOTAL_NOT_FINAL, "");
  if (options.trace) lines.push(words.traceLink(options.trace), "");
  for (const result of row.results) lines.push(...resultSection(result, row.paths[result.exercise], options), "");
  if (row.missing.length) lines.push(words.noFolderFor(row.missing), "");
  return lines.join("\n");
}

function resultSection(result: Result, path: string | undefined, options: { reveal?: boolean }): string[] {
  const lines = [`## ${escapeInline(result.title)} (${result.exercise}): ${result.status === "error" ? words.NOT_GRADED : `${formatPoints(result.score)} / ${formatPoints(result.maxScore)}`}`, ""];
  if (path) lines.push(words.folderLine(codeSpan(nameText(path))), "");
  if (result.status === "error") lines.push(...fenced(graderErrorText(result)), "");
  for (const note of result.notes) lines.push(`> ${escapeInline(note)}`, "");
  if (result.problem) lines.push(...fenced(problemText(result.problem)), "");
  for (const verdict of result.checks) {
    const points = verdict.advisory ? words.ADVICE : `${formatPoints(verdict.points)} / ${formatPoints(verdict.maxPoints)}`;
    lines.push(`- ${MARKS[verdict.status]} **${escapeInline(verdict.title)}** (${points})`);
    const text = checkFeedback(verdict, { reveal: options.reveal, problem: result.problem });
    if (verdict.status !== "pass" && text) lines.push("", ...fenced(text).map((l) => (l ? `  ${l}` : l)), "");
  }
  return lines;
}

/** Text the student's app produced goes in a fence, so nothing in it is read as Markdown. */
function fenced(text: string): string[] {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return [`${fence}text`, ...text.split("\n"), fence];
}

/** Text inside a line of Markdown: one line (a line break could start a heading), nothing read as markup. */
function escapeInline(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/([\\`*_{}[\]<>#|])/g, "\\$1");
}

/** One line as inline code, its delimiter longer than any run of backticks in it (CommonMark). */
function codeSpan(line: string): string {
  const longest = Math.max(0, ...Array.from(line.matchAll(/`+/g), (m) => m[0].length));
  const tick = "`".repeat(longest + 1);
  const pad = line.startsWith("`") || line.endsWith("`") ? " " : "";
  return `${tick}${pad}${line}${pad}${tick}`;
}
