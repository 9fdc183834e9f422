/**
 * Whose fault an outcome is, and what the grader does about it. The one place that decides it,
 * for the CLI, jest and batch alike (they all grade through grade.ts). Pure: no processes.
 *
 * The rule: an outcome the student's code causes reliably repeats on a fresh app. So
 * - a pass, or a failure with evidence (an answer that is wrong, an app that went over a limit
 *   the grader names, a file that does not compile), is final;
 * - an ambiguous outcome (no answer in time, an app that vanished without a limit named, a boot
 *   that timed out or ended) is tried once more on a fresh cold app, and only a repeat of the same
 *   outcome is the student's;
 * - the grader's own faults (it threw, lost its warm server, stopped the app itself) are tried
 *   once more on a fresh cold app, and if the outcome is still not final, the check or the
 *   submission could not be graded (status `error`), never a zero.
 * Retries only happen after an outcome that is not a pass: the happy path costs nothing.
 */
import type { Problem } from "./types.js";

/** Outcomes that may be the student's or the machine's: one retry tells them apart. */
export type Doubt = "request-timeout" | "app-vanished" | "boot-timeout" | "boot-ended" | "setup-timeout";

export type Blame =
  /** Final: a pass, or the student's failure with evidence. */
  | { kind: "final" }
  /** Maybe the student's, maybe the machine's: once more on a fresh cold app. */
  | { kind: "doubt"; doubt: Doubt; cause: string }
  /** The grader's: once more on a fresh cold app; if it persists, an error. */
  | { kind: "grader"; cause: string };

/** What the grader saw of one attempt at a check. */
export interface CheckEvidence {
  passed: boolean;
  /** The grader threw while running the check. */
  threw?: string;
  /** A request got no response: no answer in time, or the connection failed. */
  noResponse?: "timeout" | "connection";
  /** How the app ended, when it had ended by the time the check did. */
  ending?: AppEnding;
  /** A warm server the launcher used was lost during the attempt. */
  warmLost?: boolean;
  /** A restart within the check gave an app that did not start: the boot's own problem. */
  restartProblem?: Problem;
}

/** How an app ended, as the grader can tell it. */
export interface AppEnding {
  reason: string;
  /** The limit that stopped it, when the grader can name it: the student's, reliably. */
  limit?: string;
  /** The grader stopped it (a time limit, a restart) before it ended by itself. */
  byGrader?: boolean;
}

export function blameCheck(e: CheckEvidence): Blame {
  if (e.passed) return { kind: "final" };
  if (e.threw !== undefined) return { kind: "grader", cause: e.threw };
  if (e.warmLost) return { kind: "grader", cause: "the grader's warm server was lost during the check" };
  if (e.restartProblem) return blameProblem(e.restartProblem);
  if (e.noResponse === "timeout") return { kind: "doubt", doubt: "request-timeout", cause: "a request got no answer within the request time limit" };
  if (e.noResponse === "connection") {
    if (e.ending?.limit) return { kind: "final" };
    if (e.ending?.byGrader) return { kind: "grader", cause: `the grader stopped the app during a request (${e.ending.reason})` };
    return { kind: "doubt", doubt: "app-vanished", cause: `the app stopped during a request (${e.ending?.reason ?? "it closed the connection"})` };
  }
  return { kind: "final" }; // an answer that is wrong: evidence
}

/** An app that did not start. A boot that threw is the grader's: boot.ts callers treat throws as grader blame. */
export function blameProblem(problem: Problem): Blame {
  switch (problem.kind) {
    case "boot-timeout":
      return { kind: "doubt", doubt: "boot-timeout", cause: problem.message };
    case "setup-timeout": // a setup step that ran out of time on a busy machine: once more, like a boot
      return { kind: "doubt", doubt: "setup-timeout", cause: problem.message };
    case "boot-failed":
      // An app stopped for going over a named limit did so by itself; any other end may be the machine's.
      return problem.limit ? { kind: "final" } : { kind: "doubt", doubt: "boot-ended", cause: problem.message };
    default:
      return { kind: "final" }; // blanks, syntax, a missing module, no app, a crash at import, a setup step that raised: in the files
  }
}

export type Decision =
  /** Keep the outcome as it is: final, or a doubt already confirmed in this grading. */
  | { do: "keep" }
  /** Try once more, on a fresh cold app. */
  | { do: "retry" };

/**
 * What to do after a first attempt. `confirmed` holds the doubts that have already repeated in
 * this grading: the app has shown that it does this (say, it hangs), so the same outcome of a
 * later check is the student's without a retry (a hanging app costs one request limit per check,
 * not two).
 */
export function firstDecision(blame: Blame, confirmed: ReadonlySet<Doubt>): Decision {
  if (blame.kind === "final") return { do: "keep" };
  if (blame.kind === "doubt" && confirmed.has(blame.doubt)) return { do: "keep" };
  return { do: "retry" };
}

export type Settled =
  /** The second attempt's outcome is the grade (final, or the same doubt twice: the student's). */
  | { is: "graded"; confirmed?: Doubt }
  /** Neither attempt gave an outcome the student can be held to. */
  | { is: "error"; cause: string };

/** After the retry: the second outcome is the grade when it is final or repeats the first doubt. */
export function settle(first: Blame, second: Blame): Settled {
  if (second.kind === "final") return { is: "graded" };
  if (second.kind === "doubt" && first.kind === "doubt" && first.doubt === second.doubt) return { is: "graded", confirmed: second.doubt };
  return { is: "error", cause: second.cause };
}

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

function firstLine(text: string): string {
  return text.split("\n")[0]!.replace(/\.$/, "");
}
