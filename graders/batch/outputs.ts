/**
 * Builds a report folder's documents from its manifest and records: gradebook.csv, results.json,
 * feedback/<student>.md and report.html. Each is written atomically, so a reader never sees half
 * of one. Run at the end of a batch, after a resume, and by merge.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { toJsonReport } from "../report/json.js";
import { summarize } from "../report/reporter.js";
import { feedbackMarkdown } from "./feedbackMarkdown.js";
import { buildRows, gradebookCsv, type StudentRow } from "./gradebook.js";
import { reportHtml } from "./html.js";
import { safeName, writeAtomic, type Manifest, type SubmissionRecord } from "./store.js";

export const FILES = { gradebook: "gradebook.csv", results: "results.json", feedback: "feedback", report: "report.html" } as const;

export function writeOutputs(out: string, manifest: Manifest, records: ReadonlyMap<string, SubmissionRecord>, options: { reveal?: boolean } = {}): StudentRow[] {
  const rows = buildRows(manifest, records);
  writeAtomic(join(out, FILES.gradebook), gradebookCsv(manifest, rows));
  writeAtomic(join(out, FILES.results), `${JSON.stringify(resultsJson(rows, options), null, 2)}\n`);

  const feedbackDir = join(out, FILES.feedback);
  const wanted = new Set(rows.map((r) => `${safeName(r.student)}.md`));
  for (const row of rows) writeAtomic(join(feedbackDir, `${safeName(row.student)}.md`), feedbackMarkdown(row, options));
  // Feedback of a student no longer in this report (a changed class folder) must not linger.
  if (existsSync(feedbackDir)) for (const name of readdirSync(feedbackDir)) if (!wanted.has(name)) rmSync(join(feedbackDir, name), { force: true });

  writeAtomic(join(out, FILES.report), reportHtml(manifest, rows));
  return rows;
}

/** The engine's JSON report (graders/report/json.ts), each result also naming its student. */
export function resultsJson(rows: readonly StudentRow[], options: { reveal?: boolean } = {}) {
  const owners = rows.flatMap((row) => row.results.map(() => row.student));
  const report = toJsonReport(summarize(rows.flatMap((row) => row.results)), options);
  return { ...report, results: report.results.map((result, i) => ({ student: owners[i]!, ...result })) };
}
