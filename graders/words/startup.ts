/**
 * Words for start-up problems: what a student reads when the app could not be graded at all
 * (a missing file, blanks, a syntax error, a crash at import, a hang, a failed setup step, a
 * folder too big). Only words live here; the boot modules decide which problem it is and pass
 * in what they saw, already made plain (student text is neutralised where it enters).
 */
import type { Problem } from "../verdict/types.js";

// ---- The entry file (graders/boot/inspect.ts) ----

/** Where the entry file belongs, as a student knows it (never the grading machine's path). */
export const EXERCISE_FOLDER = "the exercise folder";

/** Why the entry file cannot be used: a link, not a file, or absent (under one name or several). */
export function entryLink(entry: string, where: string): string {
  return `${entry} in ${where} is a symbolic link, and the grader never follows one.`;
}
export function entryNotAFile(entry: string, where: string): string {
  return `${entry} in ${where} is not a file.`;
}
export function noneOfEntries(places: readonly string[], where: string): string {
  return `None of ${places.join(", ")} is in ${where}.`;
}
export function noEntry(place: string, where: string): string {
  return `There is no ${place} in ${where}.`;
}
/** The missing-file message: what is wrong, then the Python files that are there. */
export function missingFileMessage(what: string, present: readonly string[]): string {
  return `${what}${present.length ? ` Python files found: ${present.join(", ")}.` : ""}`;
}
export function entryOneOfHint(places: readonly string[]): string {
  return `Your app must be in a file with one of these names, at the top of the exercise folder: ${places.join(", ")}.`;
}
export function entryPackageHint(place: string): string {
  return `Your app must be in ${place} (a package folder needs an __init__.py), at the top of the exercise folder.`;
}
export function entryRenameHint(entry: string, present: string): string {
  return `Your app must be in a file named ${entry}, at the top of the exercise folder: rename ${present} to ${entry}.`;
}
export function entryHint(entry: string): string {
  return `Your app must be in a file named ${entry}, at the top of the exercise folder.`;
}

// ---- The submission folder (graders/boot/privateCopy.ts) ----

export function tooBig(what: string): string {
  return `Your submission folder is too big to grade: ${what}.`;
}
export function tooBigHint(bounds: { entries: number; megabytes: number; depth: number }): string {
  return (
    `Submit only your app: its .py files, templates and static files (at most ${bounds.entries} files and folders, ` +
    `${bounds.megabytes} MB in all, folders at most ${bounds.depth} deep). Leave out virtual environments, ` +
    "downloads, data files and anything your app writes while it runs."
  );
}
export const tooDeep = (depth: number): string => `its folders are nested more than ${depth} deep`;
export const tooManyEntries = (entries: number): string => `it holds more than ${entries} files and folders`;
export const tooManyMegabytes = (megabytes: number): string => `its files add up to more than ${megabytes} MB`;

// ---- Booting (graders/boot/handshake.ts) ----

export function bootTimeout(seconds: number): string {
  return `The app did not start within ${seconds} s.`;
}
export const BOOT_TIMEOUT_HINT =
  "Look for code at the top level of your file that never finishes: an endless loop, input(), time.sleep(), or a server started by hand.";

/** The app's process ended before it was ready; `tail` is its last output (plain). */
export function stoppedBeforeReady(exited: string, tail: string): string {
  return `The app stopped before it was ready (${exited}).${tail ? `\nIts last output:\n${tail}` : ""}`;
}
/** How an exit reason reads when a limit ended the app (`phrase` from isolation.ts's limitPhrase). */
export const stoppedForLimit = (phrase: string): string => `it was stopped for going over ${phrase}`;
/** An exception's summary with the limit it ran into named. */
export const overLimit = (summary: string, phrase: string): string => `${summary} (the app went over ${phrase})`;

/** What to look for when the app ran into one of its limits, by limit. */
export const LIMIT_HINTS: Record<string, string> = {
  threads: "Look for code that starts threads in a loop, or that keeps making data bigger.",
  memory: "Look for code that keeps making data bigger: a list that grows in a loop, a huge string or range.",
  "file-size": "Look for code that writes a lot to a file, or writes in a loop.",
  "open-files": "Open files with `with open(...) as f:` so that each is closed, and do not open them in a loop.",
  processes: "Look for code that starts processes or threads in a loop (os.fork, subprocess, threading.Thread).",
  cpu: "Look for a loop that never ends, or work that is repeated far more often than needed.",
};

export function blanks(locations: readonly { file: string; line: number }[]): string {
  const n = locations.length;
  return `Your app still has ${n} blank${n === 1 ? "" : "s"} (___) to fill in: ${locations.map((b) => `${b.file} line ${b.line}`).join(", ")}.`;
}
export const BLANKS_HINT = "Replace each ___ with your own code, then run the grader again. Nothing is tested until every blank is filled in.";

export function syntaxError(file: string, line: unknown, message: string, text: string | undefined): string {
  return `Python cannot read ${file} line ${line}: ${message}${text ? `\n    ${text.trim()}` : ""}`;
}
export const SYNTAX_HINT = "Look at that line and the one before it: a missing colon, bracket or quote, or wrong indentation.";

export function missingModule(module: string): string {
  return `Your app imports the module "${module}", which is not installed here.`;
}
export const missingOwnModuleHint = (module: string): string =>
  `A file ${module}.py exists in your folder: check that the import's spelling matches it.`;
export const MISSING_MODULE_HINT = `Check the spelling of the import. Only Flask and the Python standard library are available to graded apps.`;

export function noApp(entry: string, message: string): string {
  return `No Flask app found in ${entry}: ${message}`;
}
export const NO_APP_HINT = "Create the app at the top level of the file with app = Flask(__name__).";

export function importCrash(summary: string, at: { file: string; line: number } | undefined): string {
  return `Your app crashed while starting: ${summary}${at ? ` (${at.file} line ${at.line})` : ""}`;
}
export const IMPORT_CRASH_HINT = "This happens before any page is requested: look at the code outside your view functions.";

// ---- Setup steps (graders/boot/setupSteps.ts) ----

/** What went wrong in a setup step, by how it ended. */
export const setupTimedOut = (seconds: number): string => `it did not finish within ${seconds} s`;
/** Fallbacks when the runner did not say which exception or signal. */
export const AN_EXCEPTION = "an exception";
export const A_SIGNAL = "a signal";
export const setupRaised = (summary: string, at: { file: string; line: number } | undefined): string =>
  `${summary}${at ? ` (${at.file} line ${at.line})` : ""}`;
export const setupSignalled = (signal: string): string => `it was stopped by ${signal}`;
export const setupExited = (code: number): string => `it exited with code ${code}`;

export function setupFailed(step: string, said: string, output: string): string {
  return `The setup step \`${step}\` failed: ${said}.${output ? `\nIts output:\n${output}` : ""}`;
}
export const setupCommandHint = (command: string): string =>
  `The grader runs \`${command}\` in your folder before your app starts, as the exercise's instructions do. Run it yourself, fix what it reports, and make sure it finishes without an error.`;
export const SETUP_CODE_HINT =
  "The grader prepares your app with this step before it starts. The error above comes from your code: look at the line it names.";

// ---- Notes the runner made while importing (graders/grade.ts) ----

/** One advisory note per kind the runner reports (handshake.ts's RUNNER_NOTES). */
export const RUNNER_NOTE_WORDS = {
  "app-run-called":
    'Your file calls app.run() at the top level. The grader ignores it, but `flask run` and other tools would hang on it: put it under if __name__ == "__main__":',
} as const;

// ---- Short forms, where a report refers to the start-up problem it shows in full once ----

/** What kind of start-up problem it was, in a few words, after "Your app could not start: ". */
export const PROBLEM_LABELS: Record<Problem["kind"], string> = {
  blanks: "it still has blanks to fill in",
  syntax: "Python found a syntax error",
  "missing-module": "it imports a module that is not installed",
  "no-app": "no Flask app was found",
  "import-crash": "it crashed while starting",
  "missing-file": "a file is missing",
  "boot-timeout": "it did not start in time",
  "boot-failed": "it failed to start",
  "too-big": "the submission folder is too big",
  setup: "a setup step failed before it started",
  "setup-timeout": "a setup step did not finish in time",
};

/** The first line of a start-up problem's full text. */
export function problemHeadline(problem: Problem): string {
  return problem.subject
    ? `Your ${problem.subject} could not be used.`
    : `Your app could not start: ${PROBLEM_LABELS[problem.kind] ?? problem.kind}.`;
}

/** A GitHub annotation's title for the problem, after the exercise's name. */
export function problemTitle(problem: Problem): string {
  return problem.subject ? `your ${problem.subject} could not be used` : "your app could not start";
}

/** What each check of the result says instead of its feedback (the problem is shown once). */
export function checkNotRun(problem: Problem): string {
  return problem.subject ? `Not checked: ${problem.subject} could not be used.` : "Not run: the app did not start.";
}

/** A check's verdict message when the app did not start. */
export function notTested(kind: Problem["kind"]): string {
  return `Not tested: ${kind === "blanks" ? "fill in the blanks first" : "the app did not start"}.`;
}

/** An annotation at a blank after the first (the first one carries the whole problem). */
export const ANOTHER_BLANK = "Another blank (___) to fill in.";
