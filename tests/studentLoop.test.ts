/**
 * The student's loop, with the commands run as processes the way npm runs them (a private build,
 * see support/transpile.ts), their output read through a pipe as a script or CI would:
 * - `npm run grade -- .` inside an exercise folder: npm starts the script in the package's root
 *   and keeps the student's folder in INIT_CWD, which the grader resolves the folder against;
 * - the default output is the pretty report, without colours, on a pipe too (JSON only when asked);
 * - a folder not named after an exercise: a usage error that lists the exercises and says how to
 *   choose; a folder that records its exercise (as exported ones do) needs no --exercise;
 * - `npm run check -- FOLDER` (what `SUBMISSION=FOLDER npm test` runs): that submission's checks
 *   as jest tests and nothing else, on the compiled grader;
 * - an exported repository records each folder's exercise, says which Node.js it supports, and
 *   installs a Node.js LTS that is not past its end of life in CI and on Gradescope.
 * Needs Python with Flask.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { EXERCISE_RECORD, userFolder } from "../graders/targets.js";
import { checkRun } from "../scripts/check.js";
import { exportAssignment } from "../scripts/export.js";
import { privateBuildAround } from "./support/transpile.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const build = privateBuildAround(root, ".loop-test-");
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "student-loop-"));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The environment of a student's shell: none of this test run's jest, npm or colour variables. */
function shellEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|INIT_CWD$|JEST_|GITHUB_|NODE_OPTIONS$|SUBMISSION$|EXERCISE$|REVEAL$|FORCE_COLOR$|NO_COLOR$|CI$)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** What `npm run <script>` typed in `typedIn` sets: the script runs in the package root. */
function npmRunEnv(typedIn: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return shellEnv({ INIT_CWD: typedIn, npm_package_json: join(root, "package.json"), npm_lifecycle_event: "grade", ...extra });
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runNode(script: string, args: string[], env: NodeJS.ProcessEnv, cwd = root): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(build(), script), ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("folders, relative to where the student is", () => {
  test("INIT_CWD is trusted only in the folder npm started the script in", () => {
    const here = process.cwd();
    const npm = { INIT_CWD: join(here, "starter", "visit-counter"), npm_package_json: join(here, "package.json") };
    expect(userFolder(".", npm)).toBe(join("starter", "visit-counter"));
    expect(userFolder("../protected-page", npm)).toBe(join("starter", "protected-page"));
    expect(userFolder("/abs/folder", npm)).toBe("/abs/folder");
    // Outside the package root: absolute, as the user could not write it relative to the root.
    expect(userFolder("..", { ...npm, INIT_CWD: tmpdir() })).toBe(join(tmpdir(), ".."));
    // Inherited by a process started elsewhere (npm_package_json is not beside it): ignored.
    expect(userFolder(".", { ...npm, npm_package_json: join(tmpdir(), "package.json") })).toBe(".");
    expect(userFolder(".", {})).toBe(".");
  });

  test("`npm run grade -- .` inside an exercise folder grades that folder; piped, the report is pretty and plain", async () => {
    const { code, stdout, stderr } = await runNode("scripts/grade.js", ["."], npmRunEnv(join(root, "starter", "visit-counter")));
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("visit-counter — Visit counter");
    expect(stdout).toContain("it still has blanks to fill in");
    expect(stdout).toMatch(/Score: 0\/\d+/);
    expect(stdout).not.toContain("\u001b[");
    expect(stdout.trimStart().startsWith("{")).toBe(false);
  }, 60_000);

  test("JSON only when asked for", async () => {
    const { code, stdout } = await runNode("scripts/grade.js", [".", "--format", "json"], npmRunEnv(join(root, "solutions", "visit-counter")));
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { score: number; maxScore: number; results: { submission: string }[] };
    expect(report.score).toBe(report.maxScore);
    expect(report.results[0]!.submission).toBe(join("solutions", "visit-counter"));
  }, 60_000);

  test("a folder not named after an exercise: a usage error listing the exercises and how to choose", async () => {
    const mine = join(work, "my-work");
    cpSync(join(root, "starter", "visit-counter"), mine, { recursive: true });
    const { code, stdout, stderr } = await runNode("scripts/grade.js", ["."], npmRunEnv(mine));
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(`${mine} is not named after an exercise`);
    expect(stderr).toMatch(/Choose it with --exercise, e\.g\. `npm run grade -- \S+ --exercise [a-z-]+`/);
    expect(stderr).toMatch(/Known exercises: ([a-z-]+, )*visit-counter/);
  }, 60_000);

  test(`a folder that records its exercise (${EXERCISE_RECORD}, written by the export) needs no --exercise; a wrong record is a usage error`, async () => {
    const mine = join(work, "recorded");
    cpSync(join(root, "solutions", "visit-counter"), mine, { recursive: true });
    writeFileSync(join(mine, EXERCISE_RECORD), "visit-counter\n");
    const graded = await runNode("scripts/grade.js", [mine], shellEnv());
    expect(graded.stderr).toBe("");
    expect(graded.stdout).toMatch(/visit-counter — Visit counter[\s\S]*Score: 10\/10/);
    writeFileSync(join(mine, EXERCISE_RECORD), "visit-countr\n");
    const wrong = await runNode("scripts/grade.js", [mine], shellEnv());
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`${join(mine, EXERCISE_RECORD)} should hold the id of this folder's exercise`);
  }, 60_000);
});

describe("npm run check -- FOLDER: one submission's checks as jest tests", () => {
  test("the solution: every check is a passing test, and no test of the grader runs", async () => {
    const { code, stdout, stderr } = await runNode("scripts/check.js", ["."], npmRunEnv(join(root, "solutions", "visit-counter")));
    const out = `${stdout}${stderr}`;
    expect(out).toMatch(/visit-counter\n\s+✓ The home page opens without an error/);
    expect(out).toMatch(/Test Suites: 1 passed, 1 total\nTests:\s+7 passed, 7 total/);
    expect(code).toBe(0);
  }, 120_000);

  test("SUBMISSION, relative to where `npm test` was typed, and a failing submission fails with the feedback", async () => {
    const { code, stdout, stderr } = await runNode("scripts/check.js", [], npmRunEnv(join(root, "starter"), { SUBMISSION: "visit-counter" }));
    const out = `${stdout}${stderr}`;
    expect(out).toContain("Your app could not start: it still has blanks to fill in.");
    expect(out).toMatch(/Tests:\s+\d+ failed/);
    expect(code).toBe(1);
  }, 120_000);

  test("no folder: a usage error that says how to give one", async () => {
    const { code, stderr } = await runNode("scripts/check.js", [], shellEnv());
    expect(code).toBe(2);
    expect(stderr).toContain("Which submission? Give its folder, e.g. `npm run check -- starter/visit-counter`");
  });

  test("--watch is the grader's own watch mode on the same folder", () => {
    const run = checkRun(["starter/visit-counter", "--watch", "--exercise", "visit-counter"], {});
    if (run === "help") throw new Error("expected a run");
    expect(run.args.slice(1)).toEqual([join(process.cwd(), "starter", "visit-counter"), "--watch", "--exercise", "visit-counter"]);
    expect(run.args[0]).toMatch(/scripts[\\/]grade\.(js|ts)$/);
  });

  test("npm test with SUBMISSION runs this command instead of the grader's suite", () => {
    const scripts = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.check).toBe("node dist/scripts/check.js");
    expect(scripts.test).toMatch(/^if \[ -n "\$SUBMISSION" \]; then node dist\/scripts\/check\.js; else tsc --noEmit && .* jest; fi$/);
  });
});

describe("an exported assignment", () => {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { engines: { node: string }; allowScripts: Record<string, boolean> };

  test("each exercise folder records its exercise; package.json: the grader's engines, jest's watcher needs no install script", async () => {
    const report = await exportAssignment({ out: join(work, "repo"), exercises: ["visit-counter"], grader: "file:../grader.tgz" });
    expect(readFileSync(join(report.out, "visit-counter", EXERCISE_RECORD), "utf8")).toBe("visit-counter\n");
    const pkg = JSON.parse(readFileSync(join(report.out, "package.json"), "utf8")) as typeof manifest;
    expect(pkg.engines).toEqual(manifest.engines);
    expect(pkg.allowScripts).toEqual({ "@parcel/watcher": false });
    const workflow = parse(readFileSync(join(report.out, ".github", "workflows", "classroom.yml"), "utf8"));
    const node = workflow.jobs["run-autograding-tests"].steps.find((s: { uses?: string }) => s.uses?.startsWith("actions/setup-node"));
    expect(supportedLts(String(node.with["node-version"]))).toBe(true);
  });

  test("the instructor's workflow and Gradescope's setup.sh install a supported LTS", async () => {
    const workflow = parse(readFileSync(join(root, "templates", "instructor", "grade-class.yml"), "utf8"));
    const versions = Object.values(workflow.jobs as Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>)
      .flatMap((job) => job.steps)
      .filter((s) => s.uses?.startsWith("actions/setup-node"))
      .map((s) => String(s.with!["node-version"]));
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) expect(supportedLts(version)).toBe(true);
    const report = await exportAssignment({ out: join(work, "gradescope"), exercises: ["visit-counter"], grader: "file:../grader.tgz", gradescope: true });
    const setup = readFileSync(join(report.out, "setup.sh"), "utf8");
    const nodesource = /deb\.nodesource\.com\/setup_(\d+)\.x/.exec(setup);
    expect(supportedLts(nodesource![1]!)).toBe(true);
  });

  /** An even (LTS) major that the grader's engines allow and that has not reached its end of life (20: 2026-04-30). */
  function supportedLts(version: string): boolean {
    const major = Number(version);
    return major % 2 === 0 && major >= 22 && manifest.engines.node.includes(`^${major}.`);
  }
});
