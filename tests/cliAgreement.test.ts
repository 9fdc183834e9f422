/**
 * The CLI and the jest helper must agree: same folder in, same status per check out. Runs the
 * real built CLI (`scripts/grade.js`) the way `npm run grade` does, so the bin itself is covered.
 *
 * The CLI is compiled into a private folder for this run instead of reusing dist/: dist may be
 * missing or stale, and rebuilding it in place would race with other test files or a developer's
 * build. The folder is below dist/ (ignored by git), so the compiled files find the package's
 * dependencies and its package.json ("type": "module", the package root) as dist/ itself would.
 *
 * Needs Python with Flask, like grading itself.
 */
import { beforeAll, describe, expect, test } from "@jest/globals";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { checkOutcome, gradeExercise, planSubmission } from "../graders/report/jest.js";
import type { JsonReport } from "../graders/report/json.js";
import { sharedTscBuild } from "./support/transpile.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
let outDir: string;

beforeAll(async () => {
  outDir = await sharedTscBuild(root, "scripts/grade.js");
}, 120_000);

const cases: { name: string; submission: string; exercise?: string }[] = [
  // Every check passes.
  { name: "the reference solutions", submission: "solutions" },
  // A failure, then skips.
  { name: "an app without a secret key", submission: "tests/fixtures/visit-counter/no-secret-key", exercise: "visit-counter" },
  // Failures, passes, and an advisory warning.
  { name: "a guessable secret key", submission: "tests/fixtures/protected-page/guessable-key-dev", exercise: "protected-page" },
  // The app does not start: a Problem.
  { name: "the starters, with their blanks", submission: "starter" },
];

describe.each(cases)("CLI and jest agree on $name", ({ submission, exercise }) => {
  test("same status for every check", async () => {
    const args = [join(outDir, "scripts", "grade.js"), submission, "--format", "json", ...(exercise ? ["--exercise", exercise] : [])];
    const { stdout } = await run(process.execPath, args, { cwd: root, env: { ...process.env, NO_COLOR: "1" } });
    const cli = JSON.parse(stdout) as JsonReport;

    const plan = await planSubmission({ submission: join(root, submission), exercise });
    expect(plan.exercises.map((e) => e.target.exercise)).toEqual(cli.results.map((r) => r.exercise));
    for (const [i, planned] of plan.exercises.entries()) {
      const result = await gradeExercise(planned);
      const fromCli = cli.results[i]!;
      expect(result.checks.map((v) => [v.id, v.status])).toEqual(fromCli.checks.map((c) => [c.id, c.status]));
      // And what jest makes of each verdict matches the status, with the CLI's feedback text.
      for (const check of fromCli.checks) {
        const verdict = result.checks.find((v) => v.id === check.id)!;
        const outcome = checkOutcome(result, check.id);
        // An advisory check that never ran fails beside the scored failure that stopped it (never a ✓).
        const neverRan = verdict.advisory && (result.problem || check.status === "skip");
        const scoredFailure = result.checks.some((v) => !v.advisory && v.status !== "pass");
        const expected = check.status === "pass" ? "pass" : neverRan && scoredFailure ? "fail" : verdict.advisory ? "warn" : "fail";
        expect([check.id, outcome.kind]).toEqual([check.id, expected]);
        if (outcome.kind !== "pass") expect(outcome.text.startsWith(check.message)).toBe(true);
      }
    }
  }, 120_000);
});
