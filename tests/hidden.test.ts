/**
 * Hidden checks added at grade time from AUTOGRADER_HIDDEN_SPECS: parsed, appended to their
 * exercise's public spec, validated like any spec with every problem pointing at a line and
 * column of the variable, scored as usual, and shown to students as pass/fail only.
 */
import { afterAll, afterEach, describe, expect, test } from "@jest/globals";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SpecError } from "../graders/errors.js";
import type { JsonReport } from "../graders/report/json.js";
import { planSubmission } from "../graders/report/jest.js";
import { HIDDEN_SPECS_ENV, hiddenChecksFromEnv, mergeHiddenChecks, parseHiddenChecks } from "../graders/spec/hidden.js";
import { loadSpecText } from "../graders/spec/load.js";
import { main } from "../scripts/cli/main.js";
import { removeTempApps, tempApp } from "./support/tempApps.js";

const root = fileURLToPath(new URL("..", import.meta.url));

const PUBLIC = `id: counter
title: Counter
checks:
  - id: page-answers
    title: The page opens
    points: 2
    steps:
      - request: GET /
        expect: { status: 200 }
`;
const publicSpec = loadSpecText(PUBLIC, "specs/counter.yaml");

function merge(hiddenText: string) {
  return mergeHiddenChecks(publicSpec, PUBLIC, "specs/counter.yaml", parseHiddenChecks(hiddenText));
}

function specError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return (error as Error).message;
  }
  throw new Error("expected a SpecError");
}

describe("parsing and merging", () => {
  test("unset, empty or only comments: nothing to add", () => {
    expect(hiddenChecksFromEnv({})).toBeUndefined();
    expect(hiddenChecksFromEnv({ [HIDDEN_SPECS_ENV]: "  \n" })).toBeUndefined();
    expect(parseHiddenChecks("# nothing yet\n").exercises.size).toBe(0);
  });

  test("checks are appended after the public ones, hidden unless they say otherwise, and may need public checks", () => {
    const spec = merge(`counter:
  checks:
    - id: second-visit
      title: A second visit works too
      needs: [page-answers]
      steps:
        - request: GET /
        - request: GET /
          expect: { status: 200 }
    - id: later
      title: Revealed after the due date
      visibility: after-due-date
      needs: [second-visit]
      steps: [{ request: GET /health }]
`);
    expect(spec.checks.map((c) => [c.id, c.visibility])).toEqual([
      ["page-answers", undefined],
      ["second-visit", "hidden"],
      ["later", "after-due-date"],
    ]);
    // The public spec itself is not changed.
    expect(publicSpec.checks).toHaveLength(1);
  });

  test("checks for other exercises leave the spec as it is", () => {
    expect(merge("other-exercise:\n  checks: []\n")).toBe(publicSpec);
  });

  test.each([
    [
      "a typo in a step",
      "counter:\n  checks:\n    - id: x\n      title: X\n      steps:\n        - request: GET /\n          expct: { status: 200 }\n",
      'AUTOGRADER_HIDDEN_SPECS:7:11: unknown key "expct" in a step (did you mean "expect"?)',
    ],
    [
      "a need that does not exist",
      "counter:\n  checks:\n    - id: x\n      title: X\n      needs: [page-answer]\n      steps: [{ request: GET / }]\n",
      'AUTOGRADER_HIDDEN_SPECS:5:15: needs "page-answer", but no earlier check has that id (did you mean "page-answers"?)',
    ],
    ["an id the public spec already has", "counter:\n  checks:\n    - id: page-answers\n      title: X\n      steps: [{ request: GET / }]\n", "AUTOGRADER_HIDDEN_SPECS:3:11: check id \"page-answers\" is used twice"],
    ["a check without steps", "counter:\n  checks:\n    - id: x\n      title: X\n", 'AUTOGRADER_HIDDEN_SPECS:3:7: a check needs "steps"'],
  ])("%s: the position is in the variable", (_name, text, message) => {
    expect(specError(() => merge(text))).toContain(message);
  });

  test.each([
    ["a list at the top", "- counter\n", "AUTOGRADER_HIDDEN_SPECS:1:1: expected exercise ids as keys"],
    ["not an exercise id", "Visit Counter:\n  checks: []\n", 'AUTOGRADER_HIDDEN_SPECS:1:1: "Visit Counter" is not an exercise id'],
    ["an exercise without a mapping", "counter: 3\n", 'AUTOGRADER_HIDDEN_SPECS:1:10: counter must be a mapping with "checks"'],
    ["another key than checks", "counter:\n  limits: {}\n", 'AUTOGRADER_HIDDEN_SPECS:2:3: unknown key "limits" under counter: only "checks" can be added'],
    ["checks that are not a list", "counter:\n  checks: 1\n", 'AUTOGRADER_HIDDEN_SPECS:2:11: "checks" of counter must be a list of checks'],
    ["broken YAML", "counter:\n  checks: [\n", "AUTOGRADER_HIDDEN_SPECS:3:1: invalid YAML"],
  ])("%s is refused with its position", (_name, text, message) => {
    expect(specError(() => parseHiddenChecks(text))).toContain(message);
  });
});

describe("grading with hidden checks", () => {
  const saved = process.env[HIDDEN_SPECS_ENV];
  afterAll(() => removeTempApps());
  afterEach(() => {
    if (saved === undefined) delete process.env[HIDDEN_SPECS_ENV];
    else process.env[HIDDEN_SPECS_ENV] = saved;
  });

  // One passes and one fails on the reference solution; the failing one has a telling hint.
  const HIDDEN = `visit-counter:
  checks:
    - id: third-visit
      title: The third visit says 3
      points: 3
      needs: [counts-up]
      steps:
        - request: GET /
        - request: GET /
        - request: GET /
          expect: { text: { number: 3 } }
    - id: impossible
      title: An impossible page
      hint: HIDDEN-HINT the page /nowhere must exist
      steps:
        - request: GET /nowhere
          expect: { status: 200 }
`;

  async function cli(argv: string[], env: NodeJS.ProcessEnv) {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, { stdout: { write: (t: string) => (stdout += t), isTTY: false }, stderr: { write: (t: string) => (stderr += t) }, env });
    return { code, stdout, stderr };
  }

  test("they are scored like any check; students see only passed or failed; the apps cannot read the variable", async () => {
    process.env[HIDDEN_SPECS_ENV] = "must be removed before any app starts";
    const { code, stdout, stderr } = await cli([join(root, "solutions", "visit-counter"), "--format", "json"], { [HIDDEN_SPECS_ENV]: HIDDEN });
    expect(code).toBe(0);
    expect(stderr).toBe("autograde: note: 2 hidden checks added to visit-counter from AUTOGRADER_HIDDEN_SPECS.\n");
    expect(process.env[HIDDEN_SPECS_ENV]).toBeUndefined();
    const [result] = (JSON.parse(stdout) as JsonReport).results;
    const last = result!.checks.slice(-2);
    expect(last).toEqual([
      { id: "third-visit", title: "The third visit says 3", status: "pass", points: 3, maxPoints: 3, message: "Hidden check: passed." },
      { id: "impossible", title: "An impossible page", status: "fail", points: 0, maxPoints: 1, message: "Hidden check: failed." },
    ]);
    expect(result!.maxScore - result!.score).toBe(1);
    expect(stdout).not.toContain("HIDDEN-HINT");
  });

  test("a submission cannot read the hidden checks from its environment", async () => {
    const app = tempApp(`
      import os
      from flask import Flask
      app = Flask(__name__)

      @app.route("/")
      def index():
          return "secret: " + os.environ.get("AUTOGRADER_HIDDEN_SPECS", "none")
    `);
    const specs = join(app, "specs");
    mkdirSync(specs);
    copyFileSync(join(root, "specs", "schema.json"), join(specs, "schema.json"));
    writeFileSync(join(specs, "leak.yaml"), "id: leak\ntitle: Leak\nchecks:\n  - id: opens\n    title: Opens\n    steps: [{ request: GET / }]\n");
    const hidden = "leak:\n  checks:\n    - id: no-secret\n      title: No secret\n      steps:\n        - request: GET /\n          expect: { text: { notContains: checks } }\n";
    // As in a real run, the variable is in this process's environment too.
    process.env[HIDDEN_SPECS_ENV] = hidden;
    const { code, stdout } = await cli([app, "--exercise", "leak", "--specs", specs, "--format", "json"], { [HIDDEN_SPECS_ENV]: hidden });
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as JsonReport).results[0]!.checks.map((c) => [c.id, c.status])).toEqual([
      ["opens", "pass"],
      ["no-secret", "pass"],
    ]);
  });

  test("--reveal shows the teacher everything", async () => {
    const { stdout } = await cli([join(root, "solutions", "visit-counter"), "--format", "json", "--reveal"], { [HIDDEN_SPECS_ENV]: HIDDEN });
    expect(stdout).toContain("HIDDEN-HINT");
  });

  test("an invalid hidden spec stops the run before any app starts (exit 2), at its line and column", async () => {
    const { code, stdout, stderr } = await cli([join(root, "starter", "visit-counter")], { [HIDDEN_SPECS_ENV]: "visit-counter:\n  checks:\n    - id: x\n      titel: X\n" });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^autograde: invalid spec: AUTOGRADER_HIDDEN_SPECS:4:7: unknown key "titel" in a check \(did you mean "title"\?\)/);
  });

  test("checks only for other exercises: a note, so that a typo in an id does not go unseen", async () => {
    const { code, stderr } = await cli([join(root, "starter", "visit-counter")], { [HIDDEN_SPECS_ENV]: "visit-countr:\n  checks: []\n" });
    expect(code).toBe(0);
    expect(stderr).toBe("autograde: note: AUTOGRADER_HIDDEN_SPECS has no checks for visit-counter (it has checks for visit-countr).\n");
  });

  test("the jest helper adds them too (students' npm test never has the variable; CI may)", async () => {
    process.env[HIDDEN_SPECS_ENV] = HIDDEN;
    const plan = await planSubmission({ submission: join(root, "starter", "visit-counter") });
    expect(plan.exercises[0]!.spec.checks.map((c) => c.id).slice(-2)).toEqual(["third-visit", "impossible"]);
  });
});
