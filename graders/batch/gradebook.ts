/**
 * The class as rows: one per student folder, with the points per exercise, the total, the
 * percent and a status. Pure: a manifest and records in, rows and CSV text out. A submission the
 * grader could not grade never becomes a zero: its cell, the total and the percent stay empty and
 * the status says "could not grade". No timestamps or durations: the same class gives the same
 * gradebook byte for byte.
 */
import { formatPoints } from "../report/feedback.js";
import type { Result } from "../verdict/types.js";
import { recordKey, type Manifest, type SubmissionRecord } from "./store.js";
import { nameText } from "../verdict/studentText.js";

export type RowStatus = "graded" | "could not grade" | "no submission";

export interface StudentRow {
  student: string;
  /** The GitHub login, when the folder's name follows `<assignment>-<login>` (or --student-pattern). */
  login?: string;
  /** Points per exercise id; absent when there is no trustworthy number. */
  points: Record<string, number | undefined>;
  total?: number;
  percent?: number;
  status: RowStatus;
  /** Why, in a few words for the teacher (missing exercises, the grader's error, ...). */
  note: string;
  /** This student's results, in column order. */
  results: Result[];
  /** Where each graded folder is, relative to the class folder. */
  paths: Record<string, string>;
  /** Exercises this student has no folder for. */
  missing: string[];
  /** With status "no submission": why the folder is not one. */
  reason?: string;
}

export function buildRows(manifest: Manifest, records: ReadonlyMap<string, SubmissionRecord>): StudentRow[] {
  const available = manifest.exercises.reduce((sum, id) => sum + (manifest.maxScores[id] ?? 0), 0);
  return manifest.students.map((s) => {
    const row: StudentRow = { student: s.student, login: s.login, points: {}, status: "graded", note: "", results: [], paths: {}, missing: s.missing };
    if (s.notSubmission !== undefined) {
      row.status = "no submission";
      row.reason = s.notSubmission;
      row.note = `not a submission: ${s.notSubmission}`;
      return row;
    }
    const problems: string[] = [];
    for (const sub of s.submissions) {
      const record = records.get(recordKey(s.student, sub.exercise));
      row.paths[sub.exercise] = sub.path;
      if (!record) {
        problems.push(`${sub.exercise}: not graded yet (run again with --resume)`);
        continue;
      }
      row.results.push(record.result);
      if (record.result.status === "error") problems.push(`${sub.exercise}: ${record.result.error ?? "the grader failed"}`);
      else row.points[sub.exercise] = record.result.score;
    }
    const notes = s.missing.length ? [`no folder for ${s.missing.join(", ")}`] : [];
    if (problems.length) {
      row.status = "could not grade";
      row.note = [...problems, ...notes].join("; ");
      return row;
    }
    row.total = Object.values(row.points).reduce<number>((sum, p) => sum + (p ?? 0), 0);
    row.percent = available > 0 ? (100 * row.total) / available : 0;
    // Every row below full marks says why, in a few words: a bare zero tells the teacher nothing.
    row.note = [...row.results.flatMap((r) => resultNote(r) ?? []), ...notes].join("; ");
    return row;
  });
}

/** Longest piece of a note taken from a message. */
const NOTE_PIECE = 120;

/** Why a graded result is below full marks, for the teacher: the start-up problem, or the checks that did not pass. */
export function resultNote(result: Result): string | undefined {
  if (result.score >= result.maxScore && !result.problem) return undefined;
  if (result.problem) return `${result.exercise}: did not start: ${cap(result.problem.message.split("\n")[0]!.trim())}`;
  const failed = result.checks.filter((v) => v.status === "fail" && !v.advisory);
  const skipped = result.checks.filter((v) => v.status === "skip" && !v.advisory);
  if (failed.length === 0) return undefined;
  // The first failure's own words, without "Step 1 of 3 (GET /): ", say what happened (a hang, a crash, a wrong page).
  const why = firstSentence(failed[0]!.message.replace(/^Step \d+ of \d+ \([^)]*\): /, ""));
  const rest = failed.slice(1).map((v) => v.id);
  return (
    `${result.exercise}: failed ${failed[0]!.id} (${why})` +
    (rest.length ? `, ${rest.join(", ")}` : "") +
    (skipped.length ? `; ${skipped.length} check${skipped.length === 1 ? "" : "s"} skipped` : "")
  );
}

function firstSentence(text: string): string {
  const line = text.split("\n")[0]!.trim();
  return cap(/^.*?[.!?](?=\s|$)/.exec(line)?.[0] ?? line);
}

function cap(text: string): string {
  return text.length > NOTE_PIECE ? `${text.slice(0, NOTE_PIECE - 1)}…` : text.replace(/\.$/, "");
}

export function gradebookCsv(manifest: Manifest, rows: readonly StudentRow[]): string {
  // The login column only when some folder's name gives one (GitHub Classroom's naming, or --student-pattern).
  const logins = rows.some((r) => r.login !== undefined);
  const header = ["student", ...(logins ? ["login"] : []), ...manifest.exercises, "total", "percent", "status", "note"];
  const lines = [header, ...rows.map((r) => [
    nameText(r.student),
    ...(logins ? [r.login === undefined ? "" : nameText(r.login)] : []),
    ...manifest.exercises.map((id) => (r.points[id] === undefined ? "" : formatPoints(r.points[id]!))),
    r.total === undefined ? "" : formatPoints(r.total),
    r.percent === undefined ? "" : formatPercent(r.percent),
    r.status,
    r.note,
  ])];
  return lines.map((fields) => fields.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** One decimal, always: 100.0, 83.3, 0.0. */
export function formatPercent(value: number): string {
  return (Math.round(value * 10) / 10).toFixed(1);
}

/**
 * RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. A text that
 * starts like a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`, so a spreadsheet shows it
 * instead of running it (names and notes are student text); numbers are left as they are.
 */
export function csvField(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
