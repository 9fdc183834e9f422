/**
 * The pipeline: a Spec and a submission folder in, a Result out.
 * spec → plan → boot → drive → verdict; reporters take it from there.
 */
import { resolve } from "node:path";
import { lookAtSubmission } from "./boot/inspect.js";
import type { BootOutcome, RunningApp } from "./boot/handshake.js";
import { prepareSandbox, resolveLimits, takeIsolationNote, type AppLimits, type IsolationMode, type Sandbox } from "./boot/isolation.js";
import { launch, type LaunchOptions } from "./boot/launch.js";
import { SubmissionTooBig } from "./boot/privateCopy.js";
import { findPython } from "./boot/python.js";
import type { AppControl, CheckContext } from "./drive/runCheck.js";
import { blockingNeed, plan, type Plan, type PlannedCheck } from "./plan/plan.js";
import type { Spec } from "./spec/types.js";
import type { Problem, Result, Verdict } from "./verdict/types.js";

export interface GradeOptions {
  /** Python interpreter to run submissions with (default: discovered once). */
  python?: string;
  /**
   * What starts the app: the cold `launch` (default: a fresh Python per app) or another launcher
   * with the same contract, such as the warm fork server's (boot/warm.ts).
   */
  launcher?: (options: LaunchOptions) => Promise<BootOutcome>;
  /**
   * Isolation of the app (graders/boot/isolation.ts): `auto` (default, or AUTOGRADER_ISOLATION)
   * isolates where the machine allows it and otherwise runs a plain process, `required` makes a
   * machine that cannot isolate a grader error, `off` runs a plain process. In every mode the app
   * runs on a private copy of the submission, with a clean environment and its limits.
   */
  isolation?: IsolationMode;
  /** Limits over the spec's (e.g. from command-line flags); the rest come from the spec or the defaults. */
  limits?: Partial<AppLimits>;
  /** Told, once per process, what concerns the grading as a whole (e.g. that apps run without isolation here). */
  onNote?: (message: string) => void;
}

const NOTES: Record<string, string> = {
  "app-run-called":
    'Your file calls app.run() at the top level. The grader ignores it, but `flask run` and other tools would hang on it: put it under if __name__ == "__main__":',
};

/** Never throws: whatever keeps the grader from grading becomes a result with status `error`. */
export async function grade(spec: Spec, submissionDir: string, options: GradeOptions = {}): Promise<Result> {
  if (spec.kind === "quiz") {
    // A quiz starts no app: its answers.yaml is compared with the spec's questions.
    const { gradeQuiz } = await import("./quiz/gradeQuiz.js");
    return gradeQuiz(spec, submissionDir);
  }
  const started = Date.now();
  const p = plan(spec);
  const base = { exercise: p.exercise, title: p.title, submission: submissionDir, notes: [] as string[] };
  try {
    const limits = resolveLimits(spec.limits, options.limits);
    return await run(p, base, submissionDir, options, limits, started);
  } catch (err) {
    return { ...base, ...scoreOf([], p), status: "error", error: (err as Error).message, checks: [], durationMs: Date.now() - started };
  }
}

async function run(p: Plan, base: Base, submissionDir: string, options: GradeOptions, limits: AppLimits, started: number): Promise<Result> {
  const dir = resolve(submissionDir);
  const python = options.python ?? findPython();

  const { problem, source } = lookAtSubmission(dir, p.entry);
  if (problem) return notStarted(base, p, problem, started);
  const context: CheckContext = { source };

  // The app runs on a private copy, removed when grading ends, whatever happened.
  let sandbox: Sandbox;
  try {
    sandbox = await prepareSandbox({ submission: dir, limits, mode: options.isolation });
  } catch (err) {
    if (err instanceof SubmissionTooBig) return notStarted(base, p, err.problem, started);
    throw err;
  }
  try {
    return await runApp(p, base, sandbox, python, options, context, started);
  } finally {
    await sandbox.dispose();
  }
}

async function runApp(p: Plan, base: Base, sandbox: Sandbox, python: string, options: GradeOptions, context: CheckContext, started: number): Promise<Result> {
  const launcher = options.launcher ?? launch;
  const bootOnce = async () => {
    const outcome = await launcher({ python, dir: sandbox.dir, entry: p.entry, bootSeconds: p.bootSeconds, sandbox });
    const note = takeIsolationNote();
    if (note) options.onNote?.(note);
    return outcome;
  };
  // A boot that throws is the grader's or the machine's fault (no interpreter, no Flask, no
  // resources): tried once more before it counts. An app that does not start is a Problem instead.
  const boot = async (): Promise<BootOutcome> => {
    try {
      return await bootOnce();
    } catch {
      return bootOnce();
    }
  };
  const booting = boot();
  // The browsers' modules (tough-cookie and friends) load while Python starts, not before.
  const [first, { runCheck }] = await Promise.all([booting, import("./drive/runCheck.js")]);
  if ("problem" in first) return notStarted(base, p, first.problem, started);

  let app: RunningApp = first.app;
  let tainted = false;
  const control: AppControl = {
    current: () => app,
    async restart() {
      await app.stop();
      const again = await boot(); // throws on a grader fault: the check is an error, and is retried
      if ("problem" in again) return again.problem.message;
      app = again.app;
      return undefined;
    },
    taint: () => (tainted = true),
    sessionCookie: p.sessionCookie,
    requestSeconds: p.requestSeconds,
  };

  const verdicts: Verdict[] = [];
  const attempt = async (check: PlannedCheck): Promise<Verdict> => {
    if (tainted) {
      tainted = false;
      const restarted = Date.now();
      let why: string | undefined;
      try {
        why = await control.restart();
      } catch (err) {
        tainted = true;
        return verdict(check, "error", (err as Error).message, restarted);
      }
      if (why) return verdict(check, "fail", `Not tested: the app could not be started again (${why}).`, restarted);
    }
    return gradeCheck(check, verdicts, control, runCheck, context);
  };
  try {
    for (const check of p.checks) {
      let v = await attempt(check);
      if (v.status === "error") {
        // The grader's fault, not the student's: once more, on a fresh app.
        tainted = true;
        const again = await attempt(check);
        v = again.status === "error" ? { ...again, message: couldNotGrade(again.message) } : again;
      }
      verdicts.push(v);
    }
  } finally {
    await app.stop();
  }

  const notes = app.notes.map((n) => NOTES[n] ?? n);
  const errored = verdicts.filter((v) => v.status === "error");
  return {
    ...base,
    notes,
    ...scoreOf(verdicts, p),
    status: errored.length ? "error" : "graded",
    error: errored.length ? `Could not grade ${errored.map((v) => `"${v.title}"`).join(", ")}: the grader failed twice (not the app).` : undefined,
    checks: verdicts,
    durationMs: Date.now() - started,
  };
}

async function gradeCheck(
  check: PlannedCheck,
  done: Verdict[],
  control: AppControl,
  runCheck: typeof import("./drive/runCheck.js").runCheck,
  context: CheckContext,
): Promise<Verdict> {
  const started = Date.now();
  const blocker = blockingNeed(
    check,
    new Map(done.map((v) => [v.id, v.status])),
    new Map(done.map((v) => [v.id, v.title])),
  );
  if (blocker) return verdict(check, "skip", `Skipped: it builds on "${blocker}", which did not pass.`, started);
  try {
    const outcome = await runCheck(check, control, context);
    const v = verdict(check, outcome.passed ? "pass" : "fail", outcome.message, started);
    return { ...v, hint: outcome.passed ? undefined : outcome.hint, exchanges: outcome.exchanges, location: outcome.location };
  } catch (err) {
    control.taint();
    return verdict(check, "error", (err as Error).message, started);
  }
}

/** How a check the grader could not run reads, in every output format. */
function couldNotGrade(reason: string): string {
  return `Could not grade this check: the grader failed twice (not your app). ${reason}`;
}

function verdict(check: PlannedCheck, status: Verdict["status"], message: string, started: number): Verdict {
  return {
    id: check.id,
    title: check.title,
    status,
    points: status === "pass" ? check.maxPoints : 0,
    maxPoints: check.maxPoints,
    advisory: check.advisory,
    visibility: check.visibility,
    message,
    exchanges: [],
    durationMs: Date.now() - started,
  };
}

type Base = Omit<Result, "score" | "maxScore" | "status" | "checks" | "durationMs">;

function notStarted(base: Base, p: Plan, problem: Problem, started: number): Result {
  const short = problem.kind === "blanks" ? "fill in the blanks first" : "the app did not start";
  const checks = p.checks.map((c) => ({ ...verdict(c, "fail", `Not tested: ${short}.`, started), hint: problem.hint }));
  return { ...base, problem, ...scoreOf(checks, p), status: "graded", checks, durationMs: Date.now() - started };
}

function scoreOf(verdicts: Verdict[], p: Plan): { score: number; maxScore: number } {
  return {
    score: verdicts.reduce((sum, v) => sum + v.points, 0),
    maxScore: p.checks.reduce((sum, c) => sum + c.maxPoints, 0),
  };
}
