/**
 * The export, end to end, for one exercise (visit-counter, with two hidden checks added): the
 * compiled `export` command packs the grader into a student repository; every file of it, the
 * tarball unpacked, is scanned for solutions, fixtures and hidden-check text; `npm install` there
 * (offline: from the cache this project's npm ci filled, by the exported lockfile), then `npm test` fails on the starter
 * with the blanks message and passes once the reference solution is in place. Then the grading
 * step exactly as the Classroom workflow runs it, hidden checks from AUTOGRADER_HIDDEN_SPECS
 * included, and the Gradescope folder's run_autograder on the same solution.
 *
 * Slow (a TypeScript build and an npm install): the only test of its kind.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ClassroomReport } from "../graders/report/classroom.js";
import type { GradescopeResults } from "../graders/report/gradescope.js";
import { forbiddenLines, MARKER, scanExport, specsWithHiddenChecks } from "./support/exportScan.js";
import { installArgs, offlineInstall } from "./support/offlineInstall.js";
import { cleanEnv, output, sh } from "./support/studentShell.js";
import { sharedTscBuild } from "./support/transpile.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const EXERCISE = "visit-counter";

let build: string;
let work: string;
let repo: string;
let specs: string;
let hiddenText: string;


beforeAll(async () => {
  // Built from the sources, apart from dist/ (which may be stale, and rebuilding it in place
  // would race); shared with the other test files that ship the package (support/transpile.ts).
  build = await sharedTscBuild(root, "scripts/export.js");

  work = mkdtempSync(join(tmpdir(), "autograde-roundtrip-"));
  specs = join(work, "specs");
  specsWithHiddenChecks(root, specs);
  repo = join(work, "repo");
  const exported = sh(process.execPath, [join(build, "scripts", "export.js"), repo, "--exercise", EXERCISE, "--specs", specs], work);
  if (exported.status !== 0) throw new Error(`export failed:\n${output(exported)}`);
  hiddenText = readFileSync(`${repo}.hidden-checks.yaml`, "utf8");
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("a student repository, from export to grade", () => {
  test("no solution, fixture or hidden-check text in any file, the packed grader included", () => {
    const { files, findings } = scanExport(repo, forbiddenLines(root), [MARKER]);
    expect(findings).toEqual([]);
    // The tarball was unpacked and scanned too, and holds the runtime only.
    const packed = files.filter((f) => f.includes(".tgz!/"));
    expect(packed.some((f) => f.endsWith("package/dist/graders/grade.js"))).toBe(true);
    expect(packed.some((f) => f.endsWith("package/graders/boot/runner.py"))).toBe(true);
    expect(packed.some((f) => /package\/(specs\/[^/]+\.yaml|solutions|starter|tests|templates)/.test(f))).toBe(false);
    expect(hiddenText).toContain("zebra-early");
  });

  test(
    "npm install (offline, by the exported lockfile), then npm test fails on the starter with the blanks message",
    () => {
      // The workflow's install step, as students also run it.
      offlineInstall(repo, installArgs(readFileSync(join(repo, ".github", "workflows", "classroom.yml"), "utf8")), cleanEnv());
      const tested = sh("npm", ["test"], repo);
      expect(tested.status).not.toBe(0);
      expect(output(tested)).toContain("Your app could not start: it still has blanks to fill in.");
      expect(output(tested)).toMatch(/Tests:\s+\d+ failed/);
    },
    400_000,
  );

  test("with the reference solution in place, npm test passes", () => {
    copyFileSync(join(root, "solutions", EXERCISE, "app.py"), join(repo, EXERCISE, "app.py"));
    const tested = sh("npm", ["test"], repo);
    expect(output(tested)).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(tested.status).toBe(0);
  }, 120_000);

  test("the workflow's grading step: full marks, hidden checks added from the secret and shown as pass/fail only", () => {
    const githubOutput = join(work, "github-output");
    const summary = join(work, "step-summary.md");
    writeFileSync(githubOutput, "");
    writeFileSync(summary, "");
    const env = cleanEnv({ AUTOGRADER_HIDDEN_SPECS: hiddenText, GITHUB_ACTIONS: "true", GITHUB_OUTPUT: githubOutput, GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: repo });
    const workflow = readFileSync(join(repo, ".github", "workflows", "classroom.yml"), "utf8");
    const command = /run: (npx autograde .*)$/m.exec(workflow)![1]!.split(" ");
    const graded = sh(command[0]!, command.slice(1), repo, env);
    expect(graded.stderr).toContain("autograde: note: 2 hidden checks added to visit-counter from AUTOGRADER_HIDDEN_SPECS.");
    expect(graded.status).toBe(0);
    const published = /^result=(.*)$/m.exec(readFileSync(githubOutput, "utf8"))![1]!;
    const report = JSON.parse(Buffer.from(published, "base64").toString("utf8")) as ClassroomReport;
    expect(report.status).toBe("pass");
    expect(report.tests.reduce((s, t) => s + t.score, 0)).toBe(report.max_score);
    const hidden = report.tests.filter((t) => t.name.startsWith("Zebra"));
    expect(hidden.map((t) => [t.status, t.test_code])).toEqual([
      ["pass", "Hidden check: passed."],
      ["pass", "Hidden check: passed."],
    ]);
    expect(JSON.stringify(report)).not.toMatch(/zebra (hint|page|comment)|zebra-path/i);
    expect(readFileSync(summary, "utf8")).toMatch(/^## Autograding: (\d+)\/\1 points/);
  }, 120_000);
});

describe("the Gradescope folder", () => {
  test("run_autograder grades a submission and writes results.json as Gradescope reads it", () => {
    const folder = join(work, "gradescope");
    const exported = sh(process.execPath, [join(build, "scripts", "export.js"), folder, "--gradescope", "--exercise", EXERCISE, "--specs", specs, "--include-hidden"], work);
    if (exported.status !== 0) throw new Error(`export failed:\n${output(exported)}`);
    // setup.sh's install (the rest of it sets up the machine: Python, Node.js).
    offlineInstall(folder, installArgs(readFileSync(join(folder, "setup.sh"), "utf8")), cleanEnv());
    const gradescopeRoot = join(work, "autograder");
    mkdirSync(join(gradescopeRoot, "submission"), { recursive: true });
    copyFileSync(join(root, "tests", "fixtures", EXERCISE, "no-secret-key", "app.py"), join(gradescopeRoot, "submission", "app.py"));
    const graded = sh(join(folder, "run_autograder"), [], folder, cleanEnv({ AUTOGRADER_ROOT: gradescopeRoot, AUTOGRADER_SOURCE: folder }));
    expect(graded.status).toBe(0);
    const results = JSON.parse(readFileSync(join(gradescopeRoot, "results", "results.json"), "utf8")) as GradescopeResults;
    expect(results.score).toBe(0);
    expect(results.tests.length).toBeGreaterThan(0);
    for (const t of results.tests) {
      expect(["passed", "failed"]).toContain(t.status);
      expect(["visible", "hidden", "after_due_date", "after_published"]).toContain(t.visibility);
      expect(typeof t.max_score).toBe("number");
    }
    const first = results.tests[0]!;
    expect(first).toMatchObject({ status: "failed", score: 0, max_score: 2, visibility: "visible" });
    expect(first.output).toContain("no secret key");
    // The hidden checks ran (the zip is staff-only): students see only that they did not pass.
    expect(results.tests.find((t) => t.name === "Zebra: a hidden check between public ones")).toMatchObject({ output: "Hidden check: skipped." });
  }, 120_000);
});
