/**
 * What grading produces. Reporters render these and nothing else; they never compute grades.
 */

/** One HTTP request and its response, as the grader saw them: the raw material of feedback. */
export interface Exchange {
  browser: string;
  request: { method: string; path: string; form?: Record<string, string>; cookies: string[] };
  response?: {
    status: number;
    location?: string;
    headers: Record<string, string>;
    /** Each Set-Cookie header, unjoined. */
    setCookies: string[];
    /** Visible text: tags stripped, entities decoded, whitespace collapsed. */
    text: string;
  };
  /** Why there is no response (timeout, connection refused, app stopped). */
  failure?: string;
  /** The app's exception during this request, read from its error channel. */
  exception?: AppException;
  /** The session in the jar after this exchange, decoded without the key. */
  session?: Record<string, unknown> | null;
}

/** An exception the app raised (at import or while answering), located in the student's files. */
export interface AppException {
  /** Exception class, e.g. `KeyError`. */
  type: string;
  /** Its message, e.g. `'visits'`. */
  message: string;
  /** The last line of the traceback, e.g. `KeyError: 'visits'`. */
  summary: string;
  /** Where in the student's files it happened (the innermost frame in the submission). */
  location?: SourceLocation;
}

export interface SourceLocation {
  /** Path relative to the submission folder. */
  file: string;
  line: number;
  column?: number;
}

/** A file of the submission as the static look read it (the entry file), for source-aware hints. */
export interface SourceText {
  /** Path relative to the submission folder, e.g. `app.py`. */
  file: string;
  text: string;
}

export type CheckStatus = "pass" | "fail" | "error" | "skip";

/** The outcome of one check. */
export interface Verdict {
  id: string;
  title: string;
  status: CheckStatus;
  points: number;
  maxPoints: number;
  advisory: boolean;
  visibility: "visible" | "hidden" | "after-due-date";
  /** The rationale a student reads: what was expected and what happened. */
  message: string;
  /** A help line a beginner can act on. */
  hint?: string;
  /** What the grader sent and what came back, in order (empty for skipped checks). */
  exchanges: Exchange[];
  /** Where in the student's files the problem is, when known. */
  location?: SourceLocation;
  durationMs: number;
}

/** Why a submission could not be run at all: found before any check. */
export interface Problem {
  kind: "blanks" | "syntax" | "missing-module" | "no-app" | "import-crash" | "missing-file" | "boot-timeout" | "boot-failed" | "too-big";
  /** One paragraph for the student. */
  message: string;
  hint?: string;
  /** What could not be used, when it is not an app that failed to start (e.g. "answers.yaml"). */
  subject?: string;
  /** Every place the problem shows (each blank, the syntax error's line). */
  locations: SourceLocation[];
}

/** The grade of one submission for one exercise. */
export interface Result {
  exercise: string;
  /** Title of the exercise. */
  title: string;
  /** The submission folder as given. */
  submission: string;
  score: number;
  maxScore: number;
  /** `graded`: the checks ran (or the app could not start, the student's fault); `error`: the grader could not grade. */
  status: "graded" | "error";
  /** With status `error`: what went wrong on the grader's side. */
  error?: string;
  /** Why the app could not start, when it could not. */
  problem?: Problem;
  /** Advisory remarks that are not checks (e.g. `app.run()` at module level). */
  notes: string[];
  checks: Verdict[];
  durationMs: number;
}
