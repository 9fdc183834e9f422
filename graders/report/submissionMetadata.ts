/**
 * Gradescope's /autograder/submission_metadata.json (documented in gradescope/autograder_samples,
 * docs/submission_metadata.md): when the submission was made and the assignment's due dates.
 * Read only when asked (AUTOGRADER_SUBMISSION_METADATA names the file; the exported
 * run_autograder sets it), to note a late submission in the output. It never changes a score:
 * lateness penalties are Gradescope's own setting.
 */
import { readFileSync } from "node:fs";

/** The fields used here; the file has more (users, previous submissions, ...). */
export interface SubmissionMetadata {
  created_at?: string;
  assignment?: { due_date?: string | null; late_due_date?: string | null; title?: string };
}

export interface SubmissionTiming {
  /** Minutes after the due date, when the submission was late. */
  lateMinutes?: number;
  /** Submitted after the late due date too. */
  afterLateDueDate?: boolean;
}

/** Reads the file; a missing or malformed file is a reason, never a crash (the grade stands). */
export function readSubmissionMetadata(path: string): { metadata?: SubmissionMetadata; problem?: string } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return { problem: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}` };
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return { problem: `${path} is not a JSON object` };
    return { metadata: parsed as SubmissionMetadata };
  } catch (error) {
    return { problem: `${path} is not valid JSON: ${(error as Error).message}` };
  }
}

export function submissionTiming(metadata: SubmissionMetadata): SubmissionTiming {
  const submitted = time(metadata.created_at);
  const due = time(metadata.assignment?.due_date);
  if (submitted === undefined || due === undefined || submitted <= due) return {};
  const lateDue = time(metadata.assignment?.late_due_date);
  return { lateMinutes: Math.floor((submitted - due) / 60_000), ...(lateDue !== undefined && submitted > lateDue && { afterLateDueDate: true }) };
}

/** The line for the output, or none when the submission was on time (or the dates are unknown). */
export function latenessNote(timing: SubmissionTiming): string | undefined {
  if (timing.lateMinutes === undefined) return undefined;
  const after = timing.afterLateDueDate ? "after the due date and after the late due date" : "after the due date";
  return `Late submission: made ${duration(timing.lateMinutes)} ${after}.`;
}

function time(value: string | null | undefined): number | undefined {
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function duration(minutes: number): string {
  if (minutes < 1) return "less than a minute";
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts = [days && `${days} day${days === 1 ? "" : "s"}`, hours && `${hours} h`, !days && mins && `${mins} min`].filter(Boolean);
  return parts.join(" ");
}
