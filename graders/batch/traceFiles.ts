/**
 * Where a student's trace page lives in a report folder, and whether they have one: decided here
 * for outputs.ts (which writes it), the feedback file and report.html (which link to it).
 */
import { safeName } from "./store.js";
import type { StudentRow } from "./gradebook.js";

export const TRACE_DIR = "trace";

/** A student has a trace when their app answered at least one request: otherwise it would be empty. */
export function hasTrace(row: StudentRow): boolean {
  return row.results.some((result) => result.checks.some((check) => check.exchanges.length > 0));
}

/** The trace's file name inside TRACE_DIR (the student's name made safe for a file). */
export function traceFileName(student: string): string {
  return `${safeName(student)}.html`;
}

/** A link to the trace from the report folder's root, URL-encoded (the file name itself holds `%`). */
export function traceLink(student: string): string {
  return `${TRACE_DIR}/${encodeURIComponent(safeName(student))}.html`;
}
