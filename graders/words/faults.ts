/**
 * Words for the grader's own failures: what a result or a check says when the grader, not the
 * student, kept it from being graded (a lost helper process, a machine too busy, its own time
 * limit). The decision of whose fault it was stays in graders/verdict/fault.ts.
 */
import { CLOSED_CONNECTION } from "./steps.js";

// ---- Causes, as fault.ts records them ----

export const WARM_SERVER_LOST = "the grader's warm server was lost during the check";
export const REQUEST_TIMED_OUT = "a request got no answer within the request time limit";
export const graderStoppedApp = (reason: string): string => `the grader stopped the app during a request (${reason})`;
export const appStoppedDuringRequest = (reason: string | undefined): string =>
  `the app stopped during a request (${reason ?? CLOSED_CONNECTION})`;

// ---- What the student and the teacher read ----

/** How a check the grader could not run reads, in every output format. */
export function couldNotGrade(reason: string): string {
  return `Could not grade this check: the grader failed twice (not your app). ${reason}`;
}

/** A result's error when checks could not be graded. */
export function checksNotGraded(titles: readonly string[]): string {
  return `Could not grade ${titles.map((t) => `"${t}"`).join(", ")}: the grader failed twice (not the app).`;
}

/** A result's error when a boot's outcome stayed doubtful on a fresh app (the first and second problems differ). */
export function bootNotSettled(first: string, second: string): string {
  return `The app did not start twice, each time for a reason the grader cannot hold the app to (${firstLine(first)}; then ${firstLine(second)}).`;
}

/** A batch submission whose time limit ran out on two tries: the grader's own limit, never a zero. */
export function timeLimitNotSettled(seconds: number): string {
  return (
    `Grading did not finish within the time limit of ${seconds} s, twice (the second time on a fresh app). ` +
    "The checks it could not finish are not the student's failures: grade it again with a longer --time-limit, on a less busy machine."
  );
}

/** Why a result has no trustworthy score; `error` is already plain text. */
export function graderError(exercise: string, error: string | undefined): string {
  return `The grader could not grade ${exercise} (not your fault): ${error ?? "unknown grader error"} ` + "The score is not final: ask your teacher to grade it again.";
}

function firstLine(text: string): string {
  return text.split("\n")[0]!.replace(/\.$/, "");
}

// ---- A batch submission's time limit (graders/batch/run.ts) ----

/** A check that had not passed when the time limit ran out twice: not the student's failure. */
export const notGradedAtLimit = (message: string): string => `Not graded: grading stopped at the time limit. ${message}`;
/** The problem of a submission that used up its whole time limit (on both tries). */
export const usedUpTimeLimit = (seconds: number): string => `Grading stopped: this submission used up its time limit of ${seconds} s.`;
export const USED_UP_TIME_LIMIT_HINT =
  "Look for code that never finishes or takes very long: an endless loop, input(), time.sleep(), or a page that keeps the browser waiting.";
export const didNotWindDown = (windDownSeconds: number, seconds: number): string =>
  `The grader did not finish within ${windDownSeconds} s after the time limit of ${seconds} s had stopped the app.`;

// ---- The machine cannot run apps (graders/boot/): the grader's, shown as its error ----

export const couldNotIsolate = (fault: string): string => `The grader could not isolate the app: ${fault}.`;
export const couldNotStartPython = (python: string, why: string): string => `Could not start the Python interpreter ${python} (${why}).`;
export const packageNotInstalled = (name: string, python: string): string =>
  `This exercise allows the Python package "${name}", but it is not installed for ${python}: install it with \`${python} -m pip install ${name}\` and grade again.`;
export const pythonNotFound = (tried: readonly string[]): string =>
  `Could not find Python 3 (tried ${tried.join(", ")}). ` +
  "Install it with Flask (`pip install -r requirements.txt`), or point AUTOGRADER_PYTHON at the interpreter.";
