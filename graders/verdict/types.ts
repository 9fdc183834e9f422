/**
 * What grading produces. Reporters render these and nothing else; they never compute grades.
 */
import type { KeyFinding } from "./secretKey.js";

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
  /** The browser's cookies after this exchange (bounded: see drive/runCheck.ts), for the trace. */
  jar?: JarEntry[];
  /** The spec's number of the step that sent this request (1 for the first step). */
  step?: number;
  /** How the page led to this request, in words, when a step followed a link or submitted a form. */
  via?: string;
  /** Values the grader noted from this response, to compare with in later steps. */
  noted?: { what: string; value: unknown }[];
}

/** A step of a check that sends no request (a restart, a cookie set, dropped, edited or forged by hand). */
export interface StepAction {
  /** The spec's number of the step (1 for the first step). */
  step: number;
  browser: string;
  /** What the grader did, in words: "restart the app". */
  text: string;
  /** The browser's cookies after this step (bounded like an exchange's). */
  jar?: JarEntry[];
}

/** One cookie of a browser's jar, as recorded for the trace: plain text, long values cut. */
export interface JarEntry {
  name: string;
  value: string;
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

/** A route of the student's app, as Flask's url_map lists it (the runner reports them once). */
export interface AppRoute {
  /** e.g. `/login` or `/user/<name>`. */
  rule: string;
  endpoint: string;
  /** Methods it accepts, HEAD and OPTIONS left out, e.g. `["GET", "POST"]`. */
  methods: string[];
}

/** The view function that answered a request (Flask's request.endpoint), located when it is the student's. */
export interface AnsweringView {
  endpoint: string;
  /** The function's name, e.g. `dashboard`. */
  function: string;
  /** Its first line in the student's files. */
  location?: SourceLocation;
  /** The student's lines that wrote the session or a cookie while it answered (runner's stateWrites.py). */
  writes?: StateWrite[];
  /** The app answered with Flask's own session cookie and a single secret key (no fallbacks). */
  flaskSession?: boolean;
}

/** The entry file's findings, from the runner's source scan before any student code ran (graders/boot/sourceScan.py, read by sourceFindings.ts). */
export interface SourceScan {
  /** The entry's source file, relative to the submission (`app.py`, `flaskr/__init__.py`). */
  file: string;
  key: KeyFinding;
  /** Lines of a call to `.set_cookie(`. */
  setCookieLines: number[];
  /** Lines that remove a key: `del ...`, `.pop(`. */
  removeLines: number[];
  /** `d.has_key(k)` calls: the student's own dictionary and key, as written. */
  hasKey: { line: number; object: string; key: string }[];
  /** A method named on a line of its own and never called (`session.clear`): it does nothing. */
  uncalled: { line: number; text: string }[];
  /** Module → the names the file's first top-level `from module import ...` imports, as written. */
  imports: Record<string, string>;
}

/** One write of the session or a cookie, made by the student's line while answering a request. */
export interface StateWrite {
  kind: "session-set" | "session-delete" | "session-clear" | "session-update" | "set-cookie" | "delete-cookie";
  /** The key or cookie name as Python writes it (`'visits'`), when there was one. */
  key?: string;
  location: SourceLocation;
}

export interface SourceLocation {
  /** Path relative to the submission folder. */
  file: string;
  line: number;
  column?: number;
  /** What is there, when saying it helps the student, e.g. `the view dashboard`. */
  label?: string;
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
  visibility: "visible" | "hidden" | "after-due-date" | "after-published";
  /** The rationale a student reads: what was expected and what happened. */
  message: string;
  /** A help line a beginner can act on. */
  hint?: string;
  /** What the grader sent and what came back, in order (empty for skipped checks). */
  exchanges: Exchange[];
  /** The steps that sent no request, numbered like the exchanges' steps, to list every step in feedback. */
  actions?: StepAction[];
  /** Where in the student's files the problem is, when known. */
  location?: SourceLocation;
  durationMs: number;
}

/** Why a submission could not be run at all: found before any check. */
export interface Problem {
  kind: "blanks" | "syntax" | "missing-module" | "no-app" | "import-crash" | "missing-file" | "boot-timeout" | "boot-failed" | "too-big" | "setup" | "setup-timeout";
  /** One paragraph for the student. */
  message: string;
  hint?: string;
  /** What could not be used, when it is not an app that failed to start (e.g. "answers.yaml"). */
  subject?: string;
  /** Every place the problem shows (each blank, the syntax error's line). */
  locations: SourceLocation[];
  /** The limit that stopped the app, when the grader can name it (then the stop is the app's own doing). */
  limit?: string;
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
