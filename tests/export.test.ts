/**
 * `npm run export`, in process and without packing the grader (`grader` given): the layout of a
 * student repository and of a Gradescope folder, the workflow GitHub Classroom needs, the public
 * specs without their hidden checks (which go to a file outside the folder), and a scan of every
 * exported file for solutions, fixtures and hidden-check text. The slow round trip (pack, npm
 * install, npm test) is exportRoundTrip.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { UsageError } from "../graders/errors.js";
import { mergeHiddenChecks, parseHiddenChecks } from "../graders/spec/hidden.js";
import { loadSpecText } from "../graders/spec/load.js";
import { exportAssignment, exportMain, type ExportOptions } from "../scripts/export.js";
import { forbiddenLines, MARKER, scanExport, specsWithHiddenChecks } from "./support/exportScan.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const GRADER = "file:../grader.tgz";

let dir: string;
let specs: string;
let original: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "autograde-export-"));
  specs = join(dir, "specs");
  original = specsWithHiddenChecks(root, specs);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (name: string, options: Partial<ExportOptions> = {}) => exportAssignment({ out: join(dir, name), specs, grader: GRADER, ...options });

describe("student repository", () => {
  let out: string;
  let report: Awaited<ReturnType<typeof exportAssignment>>;
  beforeAll(async () => {
    report = await run("repo");
    out = report.out;
  });

  test("the starters, the public specs, package.json, README, a test file and the workflow; quizzes left out", () => {
    const exercises = readdirSync(join(root, "starter")).filter((id) => existsSync(join(root, "specs", `${id}.yaml`)) && !readFileSync(join(root, "specs", `${id}.yaml`), "utf8").includes("kind: quiz"));
    expect(report.exercises.sort()).toEqual(exercises.sort());
    expect(report.left.map((l) => l.exercise)).toEqual(["quiz"]);
    expect(report.left[0]!.why).toMatch(/answers are in its spec/);
    for (const file of [".github/workflows/classroom.yml", ".gitignore", "README.md", "package.json", "requirements.txt", "specs/schema.json", "tests/autograder.test.js"]) {
      expect(report.files).toContain(file);
    }
    for (const id of report.exercises) {
      expect(report.files).toContain(`specs/${id}.yaml`);
      expect(report.files).toContain(`${id}/app.py`);
      expect(readFileSync(join(out, id, "app.py"), "utf8")).toBe(readFileSync(join(root, "starter", id, "app.py"), "utf8"));
    }
    expect(report.files.some((f) => f.startsWith("quiz") || f.includes("solutions") || f.includes("fixtures"))).toBe(false);
  });

  test("package.json installs the grader and jest; npm test runs the checks; npm run grade prints the report", () => {
    const pkg = JSON.parse(readFileSync(join(out, "package.json"), "utf8"));
    expect(pkg.type).toBe("module");
    expect(pkg.devDependencies["flask-sessions-autograder"]).toBe(GRADER);
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(["@jest/globals", "flask-sessions-autograder", "jest"]);
    expect(pkg.scripts.test).toBe("node --experimental-vm-modules node_modules/jest/bin/jest.js");
    expect(pkg.scripts.grade).toBe("autograde . --specs specs --format pretty");
    expect(pkg.jest).toEqual({ testEnvironment: "node", transform: {}, testMatch: ["<rootDir>/tests/**/*.test.js"] });
    const testFile = readFileSync(join(out, "tests", "autograder.test.js"), "utf8");
    expect(testFile).toContain('import { submissionTests } from "flask-sessions-autograder/jest";');
    expect(testFile).toContain('await submissionTests({ submission: process.env.SUBMISSION || ".", specs: "specs" });');
  });

  test("the workflow is the one GitHub Classroom reads: one grading step, then the grading reporter", () => {
    const workflow = parse(readFileSync(join(out, ".github", "workflows", "classroom.yml"), "utf8"));
    expect(workflow.name).toBe("Autograding Tests");
    expect(Object.keys(workflow.jobs)).toEqual(["run-autograding-tests"]);
    const steps = workflow.jobs["run-autograding-tests"].steps as { id?: string; uses?: string; run?: string; env?: Record<string, string>; with?: Record<string, string>; if?: string }[];
    const grading = steps.filter((s) => s.run?.includes("autograde"));
    expect(grading).toHaveLength(1);
    const grade = grading[0]!;
    expect(grade.run).toMatch(/^npx autograde \. --specs specs --format pretty,classroom=\S+$/);
    expect(grade.env).toEqual({ AUTOGRADER_HIDDEN_SPECS: "${{ secrets.AUTOGRADER_HIDDEN_SPECS }}" });
    const reporter = steps.at(-1)!;
    expect(steps.indexOf(reporter)).toBeGreaterThan(steps.indexOf(grade));
    expect(reporter.uses).toBe("classroom-resources/autograding-grading-reporter@v1");
    expect(reporter.with).toEqual({ runners: grade.id });
    // The reporter reads `<RUNNER ID upper-cased>_RESULTS`; it must run even when grading failed.
    expect(reporter.env).toEqual({ [`${grade.id!.toUpperCase()}_RESULTS`]: `\${{ steps.${grade.id}.outputs.result }}` });
    expect(reporter.if).toBe("${{ !cancelled() }}");
    expect(workflow.permissions).toMatchObject({ checks: "write", contents: "read" });
    // The only workflow, so the only one a push triggers (README: Classroom records whichever run reports).
    expect(readdirSync(join(out, ".github", "workflows"))).toEqual(["classroom.yml"]);
    // The reporter's own check of its input (src/main.js): runner ids of letters and digits.
    expect(reporter.with!.runners).toMatch(/^([a-zA-Z0-9]+,)*[a-zA-Z0-9]+$/);
  });

  test("hidden checks are left out of the public spec, which still loads; they go to a file outside the folder", () => {
    const text = readFileSync(join(out, "specs", "visit-counter.yaml"), "utf8");
    const spec = loadSpecText(text, "specs/visit-counter.yaml");
    expect(spec.checks.map((c) => c.id)).toEqual(original.filter((id) => !id.startsWith("zebra")));
    expect(report.hiddenChecks).toBe(2);
    expect(report.hiddenFile).toBe(`${out}.hidden-checks.yaml`);
    // That file is exactly what AUTOGRADER_HIDDEN_SPECS takes: merged back, every check is there.
    const merged = mergeHiddenChecks(spec, text, "specs/visit-counter.yaml", parseHiddenChecks(readFileSync(report.hiddenFile!, "utf8")));
    expect(merged.checks.map((c) => c.id).sort()).toEqual([...original].sort());
    expect(merged.checks.find((c) => c.id === "zebra-late")!.visibility).toBe("after-due-date");
    // Specs without hidden checks are copied as written, comments included.
    expect(readFileSync(join(out, "specs", "protected-page.yaml"), "utf8")).toBe(readFileSync(join(root, "specs", "protected-page.yaml"), "utf8"));
  });

  test("no solution, fixture or hidden-check text in any file", () => {
    const { files, findings } = scanExport(out, forbiddenLines(root), [MARKER]);
    expect(files.length).toBe(report.files.length);
    expect(findings).toEqual([]);
  });

  test("the scan finds a solution, a fixture or a hidden check when there is one", () => {
    const planted = join(dir, "planted");
    mkdirSync(join(planted, "x"), { recursive: true });
    copyFileSync(join(root, "solutions", "visit-counter", "app.py"), join(planted, "x", "app.py"));
    copyFileSync(join(root, "tests", "fixtures", "visit-counter", "no-secret-key", "expect.yaml"), join(planted, "expect.yaml"));
    writeFileSync(join(planted, "notes.md"), "Zebra: a hidden check between public ones\n");
    const found = scanExport(planted, forbiddenLines(root), [MARKER]).findings;
    expect(found.some((f) => f.file === "x/app.py" && f.what.includes("solutions/visit-counter/app.py"))).toBe(true);
    expect(found.some((f) => f.file === "expect.yaml" && f.what.includes("fixtures"))).toBe(true);
    expect(found.some((f) => f.file === "notes.md" && f.what.includes("hidden-check text"))).toBe(true);
  });

  test("the starters' READMEs give this repository's grading command", () => {
    for (const id of report.exercises) {
      const readme = readFileSync(join(out, id, "README.md"), "utf8");
      expect(readme).not.toContain("starter/");
      expect(readme).not.toContain("grader project");
    }
    const readme = readFileSync(join(out, "README.md"), "utf8");
    expect(readme).toContain("npm test");
    for (const id of report.exercises) expect(readme).toContain(`[\`${id}/\`](${id}/README.md)`);
  });
});

describe("Gradescope folder", () => {
  test("setup.sh and run_autograder (executable, valid bash), specs, the grader dependency, a README", async () => {
    const report = await run("gradescope", { gradescope: true, exercises: ["visit-counter", "quiz"] });
    expect(report.files).toEqual([
      "README.md",
      "package.json",
      "requirements.txt",
      "run_autograder",
      "setup.sh",
      "specs/quiz.yaml",
      "specs/schema.json",
      "specs/visit-counter.yaml",
    ]);
    for (const script of ["setup.sh", "run_autograder"]) {
      expect(statSync(join(report.out, script)).mode & 0o111).toBe(0o111);
      execFileSync("bash", ["-n", join(report.out, script)]);
    }
    const runner = readFileSync(join(report.out, "run_autograder"), "utf8");
    expect(runner).toContain("EXERCISES=(visit-counter quiz)");
    expect(runner).toContain('--format "pretty,gradescope=$ROOT/results/results.json"');
    expect(JSON.parse(readFileSync(join(report.out, "package.json"), "utf8")).dependencies).toEqual({ "flask-sessions-autograder": GRADER });
    expect(readFileSync(join(report.out, "README.md"), "utf8")).toContain("gradescope.hidden-checks.yaml");
    expect(scanExport(report.out, forbiddenLines(root), [MARKER]).findings).toEqual([]);
  });

  test("--include-hidden puts the hidden checks in the folder (the zip is staff-only)", async () => {
    const report = await run("gradescope-hidden", { gradescope: true, exercises: ["visit-counter"], includeHidden: true });
    expect(report.hiddenFile).toBeUndefined();
    const hidden = parseHiddenChecks(readFileSync(join(report.out, "hidden-checks.yaml"), "utf8"));
    expect(hidden.exercises.get("visit-counter")!.map((c) => (c as { id: string }).id)).toEqual(["zebra-early", "zebra-late"]);
  });
});

describe("refusals", () => {
  test.each<[string, Partial<ExportOptions>, RegExp]>([
    ["a quiz to a student repository", { exercises: ["quiz"] }, /Cannot export quiz to a student repository: a quiz's answers are in its spec/],
    ["an unknown exercise", { exercises: ["nope"] }, /Unknown exercise "nope"\. Known exercises: /],
    ["hidden checks inside a student repository", { includeHidden: true }, /--include-hidden is for --gradescope only/],
    ["the hidden checks' file inside the folder", { hiddenOut: "INSIDE" }, /--hidden-out must be outside/],
  ])("%s", async (name, options, message) => {
    const out = join(dir, `refused-${name.replace(/\W+/g, "-")}`);
    const hiddenOut = options.hiddenOut === "INSIDE" ? join(out, "hidden.yaml") : options.hiddenOut;
    await expect(exportAssignment({ out, specs, grader: GRADER, ...options, hiddenOut })).rejects.toThrow(message);
  });

  test("a folder that is not empty", async () => {
    const out = join(dir, "full");
    mkdirSync(out);
    writeFileSync(join(out, "keep.txt"), "");
    await expect(exportAssignment({ out, specs, grader: GRADER })).rejects.toThrow(UsageError);
  });

  test("a visible check that needs a hidden one", async () => {
    const broken = join(dir, "broken-specs");
    mkdirSync(broken);
    copyFileSync(join(root, "specs", "schema.json"), join(broken, "schema.json"));
    writeFileSync(
      join(broken, "visit-counter.yaml"),
      "id: visit-counter\ntitle: V\nchecks:\n  - { id: secret, title: S, visibility: hidden, steps: [{ request: GET / }] }\n  - { id: open, title: O, needs: [secret], steps: [{ request: GET / }] }\n",
    );
    await expect(exportAssignment({ out: join(dir, "broken"), specs: broken, grader: GRADER })).rejects.toThrow(
      /the visible check "open" needs the hidden check "secret"/,
    );
  });

  test("the command: --help, and bad usage exits 2", async () => {
    let stdout = "";
    let stderr = "";
    const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } };
    expect(await exportMain(["--help"], io)).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run export -- OUT-DIR/);
    expect(await exportMain([], io)).toBe(2);
    expect(stderr).toContain("Expected one output folder, got 0.");
    expect(await exportMain([join(dir, "x"), "--bogus"], io)).toBe(2);
  });
});
