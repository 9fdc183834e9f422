/**
 * The pipeline: a Spec and a submission folder in, a Result out.
 * spec → plan → boot → drive → verdict; reporters take it from there.
 */
import { resolve } from "node:path";
import { lookAtSubmission } from "./boot/inspect.js";
import type { ResolvedEntry } from "./boot/entryForm.js";
import type { BootOutcome, RunnerNote, RunningApp } from "./boot/handshake.js";
import { prepareSandbox, resolveLimits, takeIsolationNote, type AppLimits, type IsolationMode } from "./boot/isolation.js";
import { launch, type LaunchOptions } from "./boot/launch.js";
import { SubmissionTooBig } from "./boot/privateCopy.js";
import { AppState } from "./boot/appState.js";
import { runnerSetupSteps, type RunnerSetupStep } from "./boot/setupSteps.js";
import { findPython } from "./boot/python.js";
import type { AppControl, CheckContext, CheckOutcome } from "./drive/runCheck.js";
import { GraderError } from "./errors.js";
import { mark } from "./timing.js";
import { blockingNeed, plan, type Plan, type PlannedCheck } from "./plan/plan.js";
import type { Spec } from "./spec/types.js";
import { blameCheck, blameProblem, bootNotSettled, checksNotGraded, couldNotGrade, firstDecision, settle, type Blame, type CheckEvidence, type Doubt } from "./verdict/fault.js";
import type { Problem, Result, Verdict } from "./verdict/types.js";
import { notTested, RUNNER_NOTE_WORDS } from "./words/startup.js";
import { notTestedNoRestart, skippedBecause } from "./words/steps.js";

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
  /**
   * How many times the launcher has lost a warm server so far (WarmLauncher.losses): a check that
   * did not pass while this changed is the grader's fault, and is tried again on a cold app.
   */
  losses?: () => number;
}

const NOTES: Record<RunnerNote, string> = RUNNER_NOTE_WORDS;

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

  const { problem, entry } = lookAtSubmission(dir, p.entries);
  if (problem) return notStarted(base, p, problem, started);
  if (!entry) throw new Error("the static look found no entry and no problem"); // lookAtSubmission returns one of them
  const context: CheckContext = {};

  // The app runs on a private copy, removed when grading ends, whatever happened.
  const setup = { exercise: runnerSetupSteps(p.setup), checks: new Map(p.checks.map((c) => [c.id, runnerSetupSteps(c.setup)])) };
  const makeCopy = () => prepareSandbox({ submission: dir, limits, mode: options.isolation });
  let state: AppState;
  try {
    state = new AppState(await makeCopy(), p.state, makeCopy);
    mark("sandbox prepared");
  } catch (err) {
    if (err instanceof SubmissionTooBig) return notStarted(base, p, err.problem, started);
    throw err;
  }
  try {
    return await runApp(p, base, state, setup, python, options, context, entry, started);
  } finally {
    await state.dispose();
  }
}

async function runApp(p: Plan, base: Base, state: AppState, { exercise: setupSteps, checks: checkSteps }: { exercise: RunnerSetupStep[]; checks: Map<string, RunnerSetupStep[]> }, python: string, options: GradeOptions, context: CheckContext, entry: ResolvedEntry, started: number): Promise<Result> {
  const launcher = options.launcher ?? launch;
  const losses = options.losses ?? (() => 0);
  const bootOnce = async (cold: boolean) => {
    const setup = await state.stepsForBoot(setupSteps);
    const sandbox = state.copy;
    const outcome = await launcher({ python, dir: sandbox.dir, entry: entry.target, ...(entry.attribute !== undefined && { attribute: entry.attribute }), packages: p.packages, bootSeconds: p.bootSeconds, sandbox, ...(cold && { cold }), ...(setup.length > 0 && { setup, setupSeconds: p.setupSeconds }) });
    if ("app" in outcome) state.booted();
    const note = takeIsolationNote();
    if (note) options.onNote?.(note);
    return outcome;
  };
  // A boot that throws is the grader's or the machine's fault (no interpreter, no Flask, no
  // resources): tried once more, cold, before it counts. An app that does not start is a Problem.
  const boot = async (cold = false): Promise<BootOutcome> => {
    try {
      return await bootOnce(cold);
    } catch {
      return bootOnce(true);
    }
  };
  mark("booting");
  const booting = boot();
  // The browsers' modules (tough-cookie and friends) load while Python starts, not before.
  // And run once on made-up input meanwhile (drive/warmUp.ts), imported one after the other.
  const drive = import("./drive/runCheck.js").then(async (module) => {
    await (await import("./drive/warmUp.js")).warmUpBrowsers();
    return module;
  });
  const [first, { runCheck }] = await Promise.all([booting, drive]);
  const settled = await settleBoot(first, boot);
  mark("app ready");
  if ("problem" in settled) return notStarted(base, p, settled.problem, started);
  let app = settled.app;

  let tainted = false;
  /** Boots during a retry are cold: the retry shares nothing with the attempt it checks. */
  let cold = false;
  /** Why a restart within the current attempt gave no app. */
  let restartProblem: Problem | undefined;
  /** Stops the app and starts it again, on a fresh private copy when `fresh` (per-check state). */
  const reboot = async (fresh: boolean) => {
    await app.stop();
    if (fresh) await state.renew();
    const again = await boot(cold); // throws on a grader fault: the check is an error, and is retried
    if ("problem" in again) {
      restartProblem = again.problem;
      return again.problem.message;
    }
    app = again.app;
    return undefined;
  };
  const control: AppControl = {
    current: () => app,
    restart: () => reboot(false),
    taint: () => (tainted = true),
    sessionCookie: p.sessionCookie,
    requestSeconds: p.requestSeconds,
  };

  const attempt = async (check: PlannedCheck, retry: boolean): Promise<Attempt> => {
    cold = retry;
    restartProblem = undefined;
    const lossesBefore = losses();
    const blocked = blockingNeed(check, new Map(verdicts.map((v) => [v.id, v.status])), new Map());
    const { restart, fresh } = state.beginCheck(checkSteps.get(check.id) ?? [], blocked === undefined);
    if (tainted || retry || restart) {
      tainted = false;
      const restarted = Date.now();
      let why: string | undefined;
      try {
        why = await reboot(fresh);
      } catch (err) {
        tainted = true;
        const message = (err as Error).message;
        return { verdict: verdict(check, "error", message, restarted), blame: blameCheck({ passed: false, threw: message }) };
      }
      if (why) {
        tainted = true;
        const v = verdict(check, "fail", notTestedNoRestart(why), restarted);
        return { verdict: v, blame: blameCheck({ passed: false, restartProblem }) };
      }
    }
    const { verdict: v, outcome, threw } = await gradeCheck(check, verdicts, control, runCheck, context);
    if (v.status === "skip") return { verdict: v, blame: { kind: "final" } };
    const evidence: CheckEvidence = {
      passed: v.status === "pass",
      threw,
      noResponse: outcome?.noResponse,
      ending: outcome?.noResponse ? control.current().ending() : undefined,
      warmLost: losses() !== lossesBefore,
      restartProblem,
    };
    return { verdict: v, blame: blameCheck(evidence) };
  };

  const verdicts: Verdict[] = [];
  const confirmed = new Set<Doubt>();
  try {
    for (const check of p.checks) {
      const first = await attempt(check, false);
      let v = first.verdict;
      if (firstDecision(first.blame, confirmed).do === "retry") {
        tainted = true;
        const second = await attempt(check, true);
        const settled = settle(first.blame, second.blame);
        if (settled.is === "graded") {
          v = second.verdict;
          if (settled.confirmed) confirmed.add(settled.confirmed);
        } else {
          v = { ...second.verdict, status: "error", points: 0, hint: undefined, message: couldNotGrade(settled.cause) };
        }
      }
      verdicts.push(v);
      mark(`check ${check.id}: ${v.status}`);
    }
  } finally {
    await app.stop();
    mark("app stopped");
  }

  const notes = app.notes.map((n) => NOTES[n]);
  const errored = verdicts.filter((v) => v.status === "error");
  return {
    ...base,
    notes,
    ...scoreOf(verdicts, p),
    status: errored.length ? "error" : "graded",
    error: errored.length ? checksNotGraded(errored.map((v) => v.title)) : undefined,
    checks: verdicts,
    durationMs: Date.now() - started,
  };
}

/**
 * The first boot's outcome, judged: an app, or a problem that is the student's. A problem the
 * machine may have caused (a boot that timed out or ended without a named limit) is booted once
 * more, cold; if the two problems differ, the grader cannot hold the app to either (GraderError).
 */
async function settleBoot(first: BootOutcome, boot: (cold: boolean) => Promise<BootOutcome>): Promise<BootOutcome> {
  if (!("problem" in first)) return first;
  const blame = blameProblem(first.problem);
  if (blame.kind === "final") return first;
  const again = await boot(true);
  if (!("problem" in again) || settle(blame, blameProblem(again.problem)).is === "graded") return again;
  throw new GraderError(bootNotSettled(first.problem.message, again.problem.message));
}

/** One attempt at a check: its verdict, and whose fault it is if it did not pass. */
interface Attempt {
  verdict: Verdict;
  blame: Blame;
}

async function gradeCheck(
  check: PlannedCheck,
  done: Verdict[],
  control: AppControl,
  runCheck: typeof import("./drive/runCheck.js").runCheck,
  context: CheckContext,
): Promise<{ verdict: Verdict; outcome?: CheckOutcome; threw?: string }> {
  const started = Date.now();
  const blocker = blockingNeed(
    check,
    new Map(done.map((v) => [v.id, v.status])),
    new Map(done.map((v) => [v.id, v.title])),
  );
  if (blocker) return { verdict: verdict(check, "skip", skippedBecause(blocker), started) };
  try {
    const outcome = await runCheck(check, control, context);
    const v = verdict(check, outcome.passed ? "pass" : "fail", outcome.message, started);
    return { verdict: { ...v, hint: outcome.passed ? undefined : outcome.hint, exchanges: outcome.exchanges, actions: outcome.actions, location: outcome.location }, outcome };
  } catch (err) {
    control.taint();
    const message = (err as Error).message;
    return { verdict: verdict(check, "error", message, started), threw: message };
  }
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
  const checks = p.checks.map((c) => ({ ...verdict(c, "fail", notTested(problem.kind), started), hint: problem.hint }));
  return { ...base, problem, ...scoreOf(checks, p), status: "graded", checks, durationMs: Date.now() - started };
}

function scoreOf(verdicts: Verdict[], p: Plan): { score: number; maxScore: number } {
  return {
    score: verdicts.reduce((sum, v) => sum + v.points, 0),
    maxScore: p.checks.reduce((sum, c) => sum + c.maxPoints, 0),
  };
}
