/**
 * Builds a report folder's documents from its manifest and records: gradebook.csv, results.json,
 * feedback/<student>.md, trace/<student>.html and report.html. Each is written atomically, so a reader never sees half
 * of one. Run at the end of a batch, after a resume, and by merge.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { toJsonReport } from "../report/json.js";
import { summarize } from "../report/reporter.js";
import { traceHtml } from "../report/trace.js";
import { feedbackMarkdown } from "./feedbackMarkdown.js";
import { buildRows, gradebookCsv, type StudentRow } from "./gradebook.js";
import { reportHtml } from "./html.js";
import { hasTrace, TRACE_DIR, traceFileName, traceLink } from "./traceFiles.js";
import { safeName, writeAtomic, type Manifest, type SubmissionRecord } from "./store.js";

export const FILES = { gradebook: "gradebook.csv", results: "results.json", feedback: "feedback", report: "report.html", trace: TRACE_DIR } as const;

/**
 * `written`: students whose own files this run wrote already (writeStudentFiles, as each one's
 * last submission was graded): they are not written again.
 */
export function writeOutputs(
  out: string,
  manifest: Manifest,
  records: ReadonlyMap<string, SubmissionRecord>,
  options: { reveal?: boolean } = {},
  written: ReadonlySet<string> = new Set(),
): StudentRow[] {
  const rows = buildRows(manifest, records);
  writeAtomic(join(out, FILES.gradebook), gradebookCsv(manifest, rows));
  writeAtomic(join(out, FILES.results), `${JSON.stringify(resultsJson(rows, options), null, 2)}\n`);
  for (const row of rows) if (!written.has(row.student)) writeStudentFiles(out, row, options);
  removeOthers(join(out, FILES.trace), new Set(rows.filter(hasTrace).map((r) => traceFileName(r.student))));
  removeOthers(join(out, FILES.feedback), new Set(rows.map((r) => `${safeName(r.student)}.md`)));
  writeAtomic(join(out, FILES.report), reportHtml(manifest, rows));
  return rows;
}

/**
 * One student's own files: the trace of what the grader's browsers saw (when their app answered
 * at least once), and the feedback, which links to it. They depend on that student's records
 * alone, so a batch writes them as soon as the student's last submission is graded, while the
 * others are still running, rather than all at the end.
 */
export function writeStudentFiles(out: string, row: StudentRow, options: { reveal?: boolean } = {}): void {
  const traced = hasTrace(row);
  if (traced) writeAtomic(join(out, FILES.trace, traceFileName(row.student)), traceHtml(summarize(row.results), options.reveal));
  const trace = traced ? `../${traceLink(row.student)}` : undefined;
  writeAtomic(join(out, FILES.feedback, `${safeName(row.student)}.md`), feedbackMarkdown(row, { ...options, trace }));
}

/** Files of students no longer in this report (a changed class folder) must not linger. */
function removeOthers(dir: string, wanted: ReadonlySet<string>): void {
  if (existsSync(dir)) for (const name of readdirSync(dir)) if (!wanted.has(name)) rmSync(join(dir, name), { force: true });
}

/** The engine's JSON report (graders/report/json.ts), each result also naming its student. */
export function resultsJson(rows: readonly StudentRow[], options: { reveal?: boolean } = {}) {
  const owners = rows.flatMap((row) => row.results.map(() => row.student));
  const report = toJsonReport(summarize(rows.flatMap((row) => row.results)), options);
  return { ...report, results: report.results.map((result, i) => ({ student: owners[i]!, ...result })) };
}
