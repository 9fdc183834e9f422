/**
 * The checks as jest tests, for students who run `npm test`: one test per check, named
 * `<exercise> › <check title>`, failing with the same feedback text as the CLI. A student's test
 * file is three lines:
 *
 *   import { submissionTests } from "flask-sessions-autograder/jest";
 *   await submissionTests({ submission: process.env.SUBMISSION || ".", specs: "specs" });
 *
 * (`npm run export` writes exactly that into a student repository.)
 *
 * Test names must exist when jest collects the file, so the specs are loaded before (top-level
 * await); the apps are started in `beforeAll`, once per exercise.
 */
import { afterAll, beforeAll, describe, test } from "@jest/globals";
import { resolve } from "node:path";
import { packageRoot } from "../paths.js";
import { bundledTargets, findTargets, listExercises, specFile, userFolder, type Target } from "../targets.js";
import type { Spec } from "../spec/types.js";
import type { Result, Verdict } from "../verdict/types.js";
import { takeVariable } from "../initialEnvironment.js";
import { HIDDEN_SPECS_ENV, hiddenChecksFromEnv, loadSpecWithHidden } from "../spec/hidden.js";
import { checkFeedback, formatPoints, graderErrorText, isConcealed, standaloneFeedback } from "./feedback.js";
import type { Launcher, WarmLauncher } from "../boot/warm.js";
import { startWarm } from "../boot/warmStart.js";
import { checkEntryUsable } from "../boot/entryForm.js";
import { mayBeSubmission } from "./ignored.js";
import { actionsSafe, nameText } from "../verdict/studentText.js";
import * as words from "../words/report.js";

export interface SubmissionTestsOptions {
  /** Exercise folder or folder of exercise folders. Default: env SUBMISSION, else the package's solutions/. */
  submission?: string;
  /** The exercise `submission` is a folder of, when its name does not say. Default: env EXERCISE. */
  exercise?: string;
  /** Folder of `<id>.yaml` specs. Default: the package's specs/. */
  specs?: string;
  /** Show hidden checks' details. Default: env REVEAL is set (non-empty, not `0`). */
  reveal?: boolean;
  /** Time to grade one exercise (boot plus every check). */
  timeoutMs?: number;
}

export interface PlannedExercise {
  target: Target;
  spec: Spec;
}

export interface SubmissionPlan {
  exercises: PlannedExercise[];
  /** Subfolders skipped because no exercise has their name. */
  ignored: string[];
}

const DEFAULT_TIMEOUT_MS = 180_000;

/** Declares the tests. Await it at the top level of the test file. */
export async function submissionTests(options: SubmissionTestsOptions = {}): Promise<void> {
  const plan = await planSubmission(options);
  const reveal = options.reveal ?? revealFromEnv();
  for (const folder of plan.ignored.filter(mayBeSubmission)) warn(words.ignoringFolder(nameText(folder)));
  // As in the CLI: one warm Python forks every app, started now so that it warms up while jest
  // collects the tests; stopped after the last test, so that nothing keeps running.
  const warm = plan.exercises.some((e) => e.spec.kind !== "quiz") ? await startWarm() : undefined;
  afterAll(() => warm?.close());
  for (const { target, spec } of plan.exercises) {
    describe(target.exercise, () => {
      let result: Result | undefined;
      beforeAll(async () => {
        result = await gradeExercise({ target, spec }, warm?.launch);
        for (const note of result.notes) warn(`${target.exercise}: Note: ${note}`);
        if (result.status === "error") warn(`${target.exercise}: ${graderErrorText(result)}`);
      }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      // The score, once the checks have been shown: what GitHub Classroom and the CLI would give.
      afterAll(() => {
        if (result) warn(scoreLine(result));
      });
      for (const check of plannedChecks(spec)) {
        test(testName(check), () => {
          // No result: beforeAll failed, and jest already reports its error on this test.
          if (!result) return;
          const outcome = checkOutcome(result, check.id, reveal);
          if (outcome.kind === "warn") warn(`⚠ ${target.exercise} › ${check.title} (advisory)\n${indent(outcome.text)}`);
          if (outcome.kind === "fail") throw new CheckFailure(outcome.text);
        });
      }
    });
  }
}

/** Finds the exercises and loads their specs, by the CLI's rules. Throws SpecError / UsageError. */
export async function planSubmission(options: SubmissionTestsOptions = {}): Promise<SubmissionPlan> {
  const root = packageRoot();
  const specsDir = options.specs !== undefined ? resolve(options.specs) : resolve(root, "specs");
  const known = listExercises(specsDir);
  const submission = options.submission ?? process.env.SUBMISSION;
  const discovery = submission !== undefined && submission !== ""
    ? // Relative to where the student typed `npm test` (npm starts jest in the package's root).
      findTargets(userFolder(submission), known, options.exercise ?? (process.env.EXERCISE || undefined))
    : // The reference solutions by default: the suite then shows that every check can pass.
      bundledTargets(root, known, options.exercise, ["solutions"]);
  // Hidden checks join when the environment holds them (the grading step of CI), as in the CLI.
  // Taken out of this process's environment, /proc/PID/environ included (see initialEnvironment.ts).
  const hidden = hiddenChecksFromEnv({ [HIDDEN_SPECS_ENV]: takeVariable(HIDDEN_SPECS_ENV).value });
  const exercises: PlannedExercise[] = [];
  for (const target of discovery.targets) {
    const spec = await loadSpecWithHidden(specFile(specsDir, target.exercise), hidden);
    checkEntryUsable(resolve(target.dir), spec); // a folder without __init__.py: a UsageError, as in the CLI
    exercises.push({ target, spec });
  }
  return { exercises, ignored: discovery.ignored };
}

/** Grades one planned exercise with the same pipeline as the CLI (cold boots unless a launcher is given). */
export async function gradeExercise({ target, spec }: PlannedExercise, launcher?: Launcher): Promise<Result> {
  const { grade } = await import("../grade.js");
  return grade(spec, target.dir, launcher ? { launcher } : {});
}


export type CheckOutcome = { kind: "pass" } | { kind: "warn"; text: string } | { kind: "fail"; text: string };

/**
 * What jest makes of one check. Advisory checks never fail the run (they warn); a skipped check
 * fails with its reason, since jest cannot skip a test once it has started.
 */
export function checkOutcome(result: Result, checkId: string, reveal = false): CheckOutcome {
  const verdict: Verdict | undefined = result.checks.find((v) => v.id === checkId);
  if (!verdict) {
    const why = result.status === "error" ? result.error ?? words.UNKNOWN_ERROR : words.noVerdictFor(checkId);
    return { kind: "fail", text: words.couldNotGradeSubmission(why) };
  }
  if (verdict.status === "pass") return { kind: "pass" };
  // The grader's fault (graders/verdict/fault.ts): jest has no "error" outcome, so the test fails,
  // saying whose fault it is; a hidden check's own words stay hidden.
  if (verdict.status === "error") {
    const detail = isConcealed(verdict, reveal) ? "" : `\n\n${verdict.message}`;
    return { kind: "fail", text: `${graderErrorText(result)}${detail}` };
  }
  // An app that did not start: the first scored check says why, once; the others point at it.
  if (result.problem) {
    const first = result.checks.find((v) => !v.advisory);
    const text = verdict.id === first?.id
      ? standaloneFeedback(verdict, { reveal, problem: result.problem })
      : `${checkFeedback(verdict, { reveal, problem: result.problem })}${words.whyShownUnder(first?.title)}`;
    return verdict.advisory ? neverRan(result, text) : { kind: "fail", text };
  }
  const text = standaloneFeedback(verdict, { reveal });
  if (verdict.advisory) return verdict.status === "skip" ? neverRan(result, text) : { kind: "warn", text: `${text}${words.ADVISORY_ONLY}` };
  return { kind: "fail", text };
}

/**
 * An advisory check that never ran must not look passed. It fails beside the scored check that
 * kept it from running (the run fails anyway); with no scored failure it only warns, so that an
 * advisory check alone never fails `npm test`.
 */
function neverRan(result: Result, text: string): CheckOutcome {
  const said = words.advisoryNotRun(text);
  return result.checks.some((v) => !v.advisory && v.status !== "pass") ? { kind: "fail", text: said } : { kind: "warn", text: said };
}

export interface PlannedTest {
  id: string;
  title: string;
  /** Points the check is worth (0 for an advisory one). */
  points: number;
  advisory: boolean;
}

/** The checks a spec declares, in order: quizzes grade questions, apps grade checks. */
export function plannedChecks(spec: Spec): PlannedTest[] {
  if (spec.kind === "quiz") return (spec.questions ?? []).map((q) => ({ id: q.id, title: q.text, points: q.points ?? 1, advisory: false }));
  return (spec.checks ?? []).map((c) => ({ id: c.id, title: c.title, points: c.advisory ? 0 : (c.points ?? 1), advisory: c.advisory ?? false }));
}

/** A test's name says what the check is worth: "The page opens (2 points)", "... (advisory, no points)". */
export function testName(check: PlannedTest): string {
  if (check.advisory) return `${check.title} (advisory, no points)`;
  return `${check.title} (${formatPoints(check.points)} point${check.points === 1 ? "" : "s"})`;
}

/** "visit-counter: 6/10 points (3 of 5 checks passed)", or why there is no score. */
export function scoreLine(result: Result): string {
  if (result.status === "error") return words.noScore(result.exercise, graderErrorText(result));
  const scored = result.checks.filter((v) => !v.advisory);
  const passed = scored.filter((v) => v.status === "pass").length;
  return words.scoreLine(result.exercise, formatPoints(result.score), formatPoints(result.maxScore), passed, scored.length);
}

/** A failed check as jest shows it: the feedback alone, no stack trace into the grader. */
export class CheckFailure extends Error {
  constructor(feedback: string) {
    // Students run `npm test` on GitHub Actions too: the feedback quotes their app.
    const text = actionsSafe(feedback);
    super(text);
    this.name = "CheckFailure";
    // jest prints `stack`, taking as the message everything before the first "at file:line:col"
    // frame (or only the first line when there is none, the rest shown dimmed as if a trace).
    // This frame marks where the feedback ends, and jest drops it as an anonymous one.
    this.stack = `${text}\n    at <anonymous>:0:0`;
  }
}

/**
 * Warnings go straight to stderr: console.warn in jest adds a code frame pointing into this file,
 * which a student would read as "the error is in the grader".
 */
function warn(text: string): void {
  process.stderr.write(actionsSafe(`${text}\n\n`));
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, "    ");
}

function revealFromEnv(): boolean {
  const value = process.env.REVEAL;
  return value !== undefined && value !== "" && value !== "0";
}
