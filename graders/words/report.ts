/**
 * Words that frame feedback in the reports: the lines around a check's own message (the steps
 * list, where to look, the hint) and the notes a report adds (hidden checks, GitHub's
 * annotation limit, the total). graders/report/ lays them out per format.
 */

export const hiddenCheck = (status: "pass" | "skip" | string): string =>
  `Hidden check: ${status === "pass" ? "passed" : status === "skip" ? "skipped" : "failed"}.`;
export const WHAT_THE_GRADER_DID = "What the grader did:";
export const lookAt = (place: string, label: string | undefined): string => `Look at ${place}${label ? ` (${label})` : ""}.`;
/** A hint as its own line; a hint that already starts with "Hint:" is kept as written. */
export const hintLine = (hint: string): string => (/^hint:/i.test(hint) ? hint : `Hint: ${hint}`);

// ---- The steps list (feedback.ts's exchangesText) ----

export const earlierRequestsNotShown = (n: number): string => `(${n} earlier request${n === 1 ? "" : "s"} not shown)`;
export const earlierStepsNotShown = (last: number): string => `(steps 1 to ${last} not shown)`;
export const NO_SESSION = "none";
export const sessionLine = (session: string): string => `session: ${session}`;
export const notedLine = (value: string, what: string): string => `noted ${value}: ${what}`;
export const noResponse = (failure: string | undefined): string => `→ no response: ${failure ?? "the app did not answer"}`;
export const redirectsTo = (location: string): string => `, redirects to ${location}`;
export const pageQuoted = (text: string): string => `, page: "${text}"`;
export const setsCookies = (names: readonly string[]): string => `sets cookie${names.length === 1 ? "" : "s"}: ${names.join(", ")}`;
export const deletesCookies = (names: readonly string[]): string => `deletes cookie${names.length === 1 ? "" : "s"}: ${names.join(", ")}`;
export const appRaised = (summary: string, where: string | undefined): string => `your app raised ${summary}${where ? ` at ${where}` : ""}`;

// ---- GitHub annotations (github.ts) ----

export const COULD_NOT_BE_GRADED = "could not be graded";
export const MORE_IN_SUMMARY_TITLE = "Autograding: more in the summary";
export const moreNotAnnotated = (left: number): string =>
  `${left} more ${left === 1 ? "problem is" : "problems are"} not annotated here (GitHub shows 10 errors and 10 warnings per step): the step summary on the run's page lists every check with its feedback.`;
export const TOTAL_TITLE = "Autograding";
export const INCOMPLETE = " (incomplete: the grader could not grade everything)";
export const pointsTotal = (score: string, max: string, incomplete: string): string => `Points ${score}/${max}${incomplete}`;

// ---- What changed since the last run (changes.ts) ----

/** How a check's status changed, after its id. */
export const NOW_WORDS = {
  pass: "now passes",
  fail: "now fails",
  skip: "is now skipped",
  error: "could not be graded this time",
} as const;
export const isNewAnd = (status: string): string => `is new and ${status}`;
export const PASSES = "passes";
export const ADVISORY_MARK = " (advisory)";
export const NO_CHANGE = "No change since the last run.";
export const andMoreLines = (n: number): string => `and ${n} more`;
export const scoreStill = (score: number, max: number): string => `score still ${score}/${max}`;
export const scoreChanged = (before: number, after: number, max: number): string => `score ${before} → ${after} of ${max}`;
export const sinceLastRun = (score: string): string => `Since the last run (${score}):`;

// ---- A student's feedback file from a batch (graders/batch/feedbackMarkdown.ts), Markdown ----

export const feedbackFor = (student: string): string => `# Feedback for ${student}`;
export const NOTHING_TO_GRADE = "nothing to grade";
export const noSubmission = (reason: string): string => `No submission was found in your folder: ${reason}.`;
export const totalPoints = (total: string, max: string): string => `**Total: ${total} / ${max} points.**`;
export const TOTAL_NOT_FINAL = "**Some of your work could not be graded (not your fault): the total is not final.**";
export const traceLink = (href: string): string => `What the grader's browsers saw, step by step: [your trace](<${href}>) (open it in a browser).`;
export const noFolderFor = (exercises: readonly string[]): string => `No folder was found for: ${exercises.join(", ")} (0 points).`;
export const NOT_GRADED = "not graded";
export const folderLine = (path: string): string => `Folder: ${path}`;
export const ADVICE = "advice";

// ---- jest (jest.ts) ----

export const noVerdictFor = (checkId: string): string => `it gave no verdict for check "${checkId}" (a grader bug)`;
export const UNKNOWN_ERROR = "unknown error";
export const couldNotGradeSubmission = (why: string): string => `The grader could not grade this submission: ${why}`;
/** After a check's line when the start-up problem is told under another check. */
export const whyShownUnder = (title: string | undefined): string => ` Why is shown once, under "${title ?? "the first check"}".`;
/** An advisory check that never ran. */
export const advisoryNotRun = (text: string): string => `${text}\n(Advisory, not run: it costs no points, and it runs once the checks it builds on pass.)`;

// ---- Labels of the other formats ----

/** pretty.ts (the terminal). */
export const noteLine = (note: string): string => `Note: ${note}`;
export const SCORE_LABEL = "Score:";
export const incompleteScore = (score: string, max: string): string => `${score}/${max} (incomplete)`;
/** trace.ts (the HTML trace). */
export const traceTitle = (title: string | undefined): string => (title === undefined ? "Trace of a grading" : `Trace: ${title}`);
export const STATUS_LABELS = { pass: "passed", fail: "failed", error: "grader error", skip: "skipped" } as const;
/** gradescope.ts: when a check's details are released. */
export const RELEASE_LABELS = {
  "after-due-date": "shown after the due date",
  "after-published": "shown when grades are published",
} as const;
/** classroom.ts and junit.ts: the test that stands for a run or a result that could not be graded. */
export const COULD_NOT_RUN = "autograde could not run";
export const NO_CHECKS_WITH_POINTS = "no checks with points";
export const ADVISORY_ONLY = "\n(Advisory: a warning only, it costs no points.)";
export const noScore = (exercise: string, error: string): string => `${exercise}: no score: ${error}`;
export const scoreLine = (exercise: string, score: string, max: string, passed: number, scored: number): string =>
  `${exercise}: ${score}/${max} points (${passed} of ${scored} checks passed)`;
export const ignoringFolder = (folder: string): string => `Ignoring ${folder}: no exercise has this name.`;
