/**
 * Setup steps (a spec's `setup:`), the grader's side: what the runner is told to run before the
 * app boots (runner.py hands the list to setupSteps.py, in the sandbox, in the private copy), and
 * how a step that failed reads for the student. Whether a boot runs them at all is decided by
 * graders/boot/appState.ts (once per private copy).
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { SpecError } from "../errors.js";
import type { SetupStep } from "../spec/types.js";
import { nameText, plainText } from "../verdict/studentText.js";
import type { Problem, SourceLocation } from "../verdict/types.js";

/** Seconds a setup step may take unless the spec's `limits.setupSeconds` says otherwise. */
export const DEFAULT_SETUP_SECONDS = 10;

/** One step as runner.py takes it (`--setup` JSON): words for the app's Flask CLI, or code. */
export interface RunnerSetupStep {
  /** How feedback names the step: `flask init-db`, `python setup/seed.py`. */
  name: string;
  flask?: string[];
  python?: string;
}

/**
 * Bytes the steps may take in all: they travel as one command-line argument of the runner, which
 * Linux caps at 128 KiB. A longer setup script belongs with the app's files.
 */
export const MAX_SETUP_BYTES = 64 * 1024;

/** Each of the spec's setup steps as the runner takes it; a `pythonFile` is read here, once. */
export function runnerSetupSteps(steps: readonly SetupStep[] | undefined): RunnerSetupStep[] {
  const planned = (steps ?? []).map(runnerStep);
  const bytes = Buffer.byteLength(JSON.stringify(planned));
  if (bytes > MAX_SETUP_BYTES) {
    const why = `the setup steps take ${bytes} bytes, more than ${MAX_SETUP_BYTES}: put a long script in the starter's files and run it with a short python: step`;
    throw new SpecError("the spec", 0, 0, why);
  }
  return planned;
}

function runnerStep(step: SetupStep): RunnerSetupStep {
  if (step.flask !== undefined) {
    const words = typeof step.flask === "string" ? step.flask.trim().split(/\s+/) : step.flask;
    return { name: `flask ${words.join(" ")}`, flask: words };
  }
  if (step.pythonFile !== undefined) {
    let code: string;
    try {
      code = readFileSync(step.pythonFile, "utf8");
    } catch (error) {
      throw new SpecError(step.pythonFile, 0, 0, `cannot read the setup script (${(error as NodeJS.ErrnoException).code ?? error})`);
    }
    return { name: `python ${basename(step.pythonFile)}`, python: code };
  }
  const code = step.python ?? "";
  const firstLine = code.trim().split("\n")[0] ?? "";
  return { name: `python: ${firstLine.length > 40 ? `${firstLine.slice(0, 40)}…` : firstLine}`, python: code };
}

/** The runner's arguments for a boot that runs setup steps (none for a boot that does not). */
export function setupArgs(steps: readonly RunnerSetupStep[] | undefined, seconds: number): string[] {
  return steps?.length ? ["--setup", JSON.stringify({ steps, seconds })] : [];
}

/** Seconds a boot that runs `steps` may take before the app is ready: the boot's own and each step's. */
export function bootBudget(bootSeconds: number, steps: readonly RunnerSetupStep[] | undefined, setupSeconds: number): number {
  return bootSeconds + (steps?.length ?? 0) * setupSeconds;
}

/** Characters of a failed step's output shown: its end, where the error is. */
const OUTPUT_SHOWN = 1200;

/**
 * The runner's `problem` event of kind `setup`, worded for the student. Every field is student
 * text (the step ran the student's code): made plain here, where it enters.
 */
export function setupProblem(e: Record<string, unknown>, entry: string, setupSeconds: number): Problem {
  const step = plainText(String(e.step ?? "setup")).slice(0, 200);
  const where: SourceLocation | undefined = typeof e.file === "string" && typeof e.line === "number" ? { file: nameText(e.file.slice(0, 200)), line: e.line } : undefined;
  const output = plainText(String(e.output ?? "")).slice(-OUTPUT_SHOWN).trim();
  const timedOut = e.reason === "timeout";
  const what = timedOut
    ? `it did not finish within ${setupSeconds} s`
    : e.reason === "exception"
      ? `${plainText(String(e.summary ?? e.type ?? "an exception")).slice(0, 500)}${where ? ` (${where.file} line ${where.line})` : ""}`
      : e.reason === "signal"
        ? `it was stopped by ${plainText(String(e.signal ?? "a signal")).slice(0, 40)}`
        : `it exited with code ${Number(e.code)}`;
  const said = what.replace(/\.+$/, "");
  const command = step.startsWith("flask ") ? `flask --app ${entry.replace(/\.py$/, "")} ${step.slice("flask ".length)}` : undefined;
  return {
    kind: timedOut ? "setup-timeout" : "setup",
    message: `The setup step \`${step}\` failed: ${said}.${output ? `\nIts output:\n${output}` : ""}`,
    hint: command
      ? `The grader runs \`${command}\` in your folder before your app starts, as the exercise's instructions do. Run it yourself, fix what it reports, and make sure it finishes without an error.`
      : "The grader prepares your app with this step before it starts. The error above comes from your code: look at the line it names.",
    locations: where ? [where] : [],
  };
}
