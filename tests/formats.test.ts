/**
 * The formats other tools read, each checked against what its consumer expects: GitHub
 * Classroom's runner result (parses, scores add up), Gradescope's results.json (the required
 * fields and values), JUnit XML (validates against graders/report/junit.xsd with libxml2 as WebAssembly), GitHub
 * workflow commands and the Markdown summary. Then `--format` on the command line: several at
 * once, each to stdout or its file, and what the CLI adds on its own on GitHub Actions.
 *
 * Hand-made Results, except the CLI tests, which grade the visit-counter starter (its blanks stop
 * it before any app starts: fast, no Flask needed beyond finding Python).
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { validateXML } from "xmllint-wasm";
import { toClassroomReport, createClassroomReporter, type ClassroomReport } from "../graders/report/classroom.js";
import { checkFeedback } from "../graders/report/feedback.js";
import { reporterFigures } from "./support/classroomReporter.js";
import { plannedAnnotations, resultAnnotations, totalAnnotation, workflowCommand } from "../graders/report/github.js";
import { createGradescopeReporter, markdown, toGradescopeResults, type GradescopeResults } from "../graders/report/gradescope.js";
import { toJunitXml } from "../graders/report/junit.js";
import { summarize, type Summary } from "../graders/report/reporter.js";
import { toMarkdownSummary } from "../graders/report/summary.js";
import { parseFormats } from "../scripts/cli/args.js";
import { main } from "../scripts/cli/main.js";
import type { Problem, Result, Verdict } from "../graders/verdict/types.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const XSD = join(root, "graders", "report", "junit.xsd");

// ---------------------------------------------------------------- fixtures

function verdict(overrides: Partial<Verdict> = {}): Verdict {
  return {
    id: "page-answers",
    title: "The home page opens",
    status: "pass",
    points: 2,
    maxPoints: 2,
    advisory: false,
    visibility: "visible",
    message: "The home page opens",
    exchanges: [],
    durationMs: 12,
    ...overrides,
  };
}

const pass = verdict();
const fail = verdict({
  id: "counts-up",
  title: "Each visit adds one | or not",
  status: "fail",
  points: 0,
  maxPoints: 3,
  message: 'Step 2 of 2 (GET /): expected the page to show the number 2, but it shows "Visits: 1 <b>&</b>".',
  hint: "Save the count back with session['visits'] = visits.",
  exchanges: [
    {
      browser: "browser",
      request: { method: "GET", path: "/", cookies: [] },
      response: { status: 200, headers: {}, setCookies: [], text: "Visits: 1 \u0001 ]]> \"quoted\"" },
      exception: { type: "KeyError", message: "'visits'", summary: "KeyError: 'visits'", location: { file: "app.py", line: 12 } },
    },
  ],
  location: { file: "app.py", line: 12, column: 5 },
});
const partial = verdict({ id: "half", title: "Half marks", status: "pass", points: 0.5, maxPoints: 0.5, message: "Half marks" });
const skip = verdict({
  id: "independent",
  title: "Each browser has its own count",
  status: "skip",
  points: 0,
  maxPoints: 2,
  message: 'Skipped: it builds on "Each visit adds one", which did not pass.',
});
const advisory = verdict({
  id: "guessable-key",
  title: "The secret key is hard to guess",
  status: "fail",
  points: 0,
  maxPoints: 0,
  advisory: true,
  message: "The dashboard let in a session signed with the key dev.",
  hint: "Use a long random key.",
});
const hidden = verdict({
  id: "survives-restart",
  title: "The count survives a restart",
  status: "fail",
  points: 0,
  maxPoints: 1,
  visibility: "hidden",
  message: "SECRET-EXPECTATION: expected 2 after the restart.",
  hint: "SECRET-HINT",
  location: { file: "app.py", line: 30 },
});
const later = verdict({ ...hidden, id: "later", title: "Shown after the due date", visibility: "after-due-date" });
const hiddenPass = verdict({ id: "hidden-pass", title: "A hidden check that passes", visibility: "hidden", points: 1, maxPoints: 1, message: "SECRET-RATIONALE" });
const errored = verdict({
  id: "grader-broke",
  title: "A check the grader could not run",
  status: "error",
  points: 0,
  maxPoints: 1,
  message: "The grader could not run this check (not your fault): socket hang up",
});

const checks = [pass, fail, partial, skip, advisory, hidden, later, hiddenPass, errored];

function result(overrides: Partial<Result> = {}): Result {
  const list = overrides.checks ?? checks;
  return {
    exercise: "visit-counter",
    title: "Visit counter",
    submission: "work/visit-counter",
    score: list.reduce((sum, v) => sum + v.points, 0),
    maxScore: list.reduce((sum, v) => sum + v.maxPoints, 0),
    status: "graded",
    notes: ["Your file calls app.run() at the top level."],
    checks: list,
    durationMs: 1500,
    ...overrides,
  };
}

const blanks: Problem = {
  kind: "blanks",
  message: "Your app still has 2 blanks (___) to fill in: app.py line 3, app.py line 9.",
  hint: "Replace each ___ with your own code.",
  locations: [
    { file: "app.py", line: 3, column: 18 },
    { file: "app.py", line: 9, column: 5 },
  ],
};

const notStarted = result({
  exercise: "protected-page",
  title: "Protected page",
  submission: "work/protected-page",
  problem: blanks,
  notes: [],
  checks: [
    verdict({ id: "a", title: "A", status: "fail", points: 0, maxPoints: 2, message: "Not tested: fill in the blanks first." }),
    verdict({ id: "b", title: "B", status: "fail", points: 0, maxPoints: 0, advisory: true, message: "Not tested: fill in the blanks first." }),
  ],
});

const ungradable = result({
  exercise: "login-logout",
  title: "Log in and out",
  submission: "work/login-logout",
  status: "error",
  error: "Could not find Python 3.",
  checks: [],
  score: 0,
  maxScore: 10,
  notes: [],
});

const graded = summarize([result(), notStarted]);
const withError = summarize([result(), ungradable]);
const ROOT = join(root, "work", "..");

// ---------------------------------------------------------------- classroom

describe("classroom (GitHub Classroom runner result, version 1)", () => {
  const parse = (summary: Summary, reveal = false): ClassroomReport => JSON.parse(JSON.stringify(toClassroomReport(summary, { reveal, root: ROOT })));

  test("parses, with exactly the documented keys; a test per point (here per half point), none for advisory checks", () => {
    const report = parse(graded);
    expect(Object.keys(report).sort()).toEqual(["max_score", "status", "tests", "version"]);
    expect(report.version).toBe(1);
    // Half marks make the unit 0.5: 13.5 points are 27 tests of 0.5 each.
    expect(report.tests).toHaveLength(27);
    for (const t of report.tests) {
      expect(Object.keys(t).sort()).toEqual(["duration", "filename", "line_no", "max_score", "message", "name", "score", "status", "test_code"]);
      expect(["pass", "fail", "error"]).toContain(t.status);
      expect(t.max_score).toBe(0.5);
      expect(t.score).toBe(t.status === "pass" ? 0.5 : 0);
      expect(Number.isInteger(t.line_no)).toBe(true);
    }
    expect(report.tests.some((t) => t.name.includes(advisory.title))).toBe(false);
    // Whole points: one test per point.
    expect(parse(summarize([result({ checks: [pass, fail, skip, advisory] })])).tests.map((t) => [t.name, t.status])).toEqual([
      ["The home page opens [1/2]", "pass"],
      ["The home page opens [2/2]", "pass"],
      ["Each visit adds one | or not [1/3]", "fail"],
      ["Each visit adds one | or not [2/3]", "fail"],
      ["Each visit adds one | or not [3/3]", "fail"],
      ["Each browser has its own count [1/2]", "fail"],
      ["Each browser has its own count [2/2]", "fail"],
    ]);
  });

  test("the test scores add up to the total, partial points included; max_score is the sum of the maxima", () => {
    const report = parse(graded);
    const sum = report.tests.reduce((s, t) => s + t.score, 0);
    expect(sum).toBeCloseTo(graded.score, 10);
    expect(report.max_score).toBe(graded.maxScore);
    expect(report.tests.reduce((s, t) => s + t.max_score, 0)).toBe(graded.maxScore);
    expect(report.tests.find((t) => t.name.endsWith("Half marks"))).toMatchObject({ status: "pass", score: 0.5, max_score: 0.5 });
    // A check with partial points: its earned parts pass, first.
    const third = verdict({ id: "third", title: "Partly", status: "fail", points: 1, maxPoints: 3, message: "One of three." });
    expect(parse(summarize([result({ checks: [third] })])).tests.map((t) => t.status)).toEqual(["pass", "fail", "fail"]);
  });

  test("the reporter's printed figures are the score: (passed ÷ tests) × max_score, tests passed P/T", () => {
    for (const summary of [graded, summarize([result({ checks: [pass, fail, skip, advisory] })]), summarize([result({ checks: [advisory] })])]) {
      const figures = reporterFigures(parse(summary));
      expect(figures.countBased).toBeCloseTo(summary.score, 10);
      if (summary.maxScore > 0) expect(figures.notice!.totalPoints).toBeCloseTo(summary.score, 10);
      expect(Number.isNaN(figures.countBased)).toBe(false);
    }
  });

  test("the reason is in test_code of a check's first test, which the reporter shows on a plain failure; a place when known", () => {
    const report = parse(graded);
    const parts = report.tests.filter((t) => t.name.startsWith("visit-counter › Each visit adds one | or not ["));
    expect(parts).toHaveLength(6);
    expect(parts[0]!.status).toBe("fail");
    expect(parts[0]!.test_code).toBe(checkFeedback(fail));
    expect(parts[0]!.message).toBe(parts[0]!.test_code);
    expect(parts[0]).toMatchObject({ filename: "work/visit-counter/app.py", line_no: 12 });
    // Said once: the other parts carry no text and no place.
    for (const part of parts.slice(1)) expect(part).toMatchObject({ test_code: "", message: "", filename: "", line_no: 0 });
    // A pass whose rationale is only its title adds nothing to the name.
    expect(report.tests[0]).toMatchObject({ status: "pass", score: 0.5, test_code: "" });
  });

  test("skips fail with their reason; a grader error is an error whose text is printed once (message, not test_code)", () => {
    const tests = parse(graded).tests;
    expect(tests.find((t) => t.name.includes(skip.title))).toMatchObject({ status: "fail", score: 0, test_code: skip.message });
    expect(tests.find((t) => t.name.includes(errored.title))).toMatchObject({ status: "error", message: errored.message, test_code: "" });
  });

  test("an app that did not start: the first test carries the Problem and points at the first blank", () => {
    const tests = parse(summarize([notStarted])).tests;
    expect(tests[0]!.test_code).toContain("Your app could not start: it still has blanks to fill in.");
    expect(tests[0]!.test_code).toContain("app.py:9:5");
    expect(tests[0]).toMatchObject({ filename: "work/protected-page/app.py", line_no: 3, name: "A [1/2]" });
  });

  test("hidden checks: only passed or failed, no place, unless revealed", () => {
    const tests = parse(graded).tests;
    const text = JSON.stringify(tests);
    for (const secret of ["SECRET-EXPECTATION", "SECRET-HINT", "SECRET-RATIONALE"]) expect(text).not.toContain(secret);
    expect(tests.find((t) => t.name.includes(hidden.title))).toMatchObject({ test_code: "Hidden check: failed.", filename: "", line_no: 0 });
    expect(tests.find((t) => t.name.includes(hiddenPass.title))).toMatchObject({ test_code: "Hidden check: passed.", score: 0.5 });
    const revealed = JSON.stringify(parse(graded, true));
    for (const secret of ["SECRET-EXPECTATION", "SECRET-HINT", "SECRET-RATIONALE"]) expect(revealed).toContain(secret);
  });

  test("could not grade: status error and max_score 0 (the classroom records nothing), a test that says why, once", () => {
    const report = parse(withError);
    expect(report.status).toBe("error");
    expect(report.max_score).toBe(0);
    const why = report.tests.find((t) => t.name === "login-logout: could not be graded")!;
    expect(why).toMatchObject({ status: "error", score: 0, max_score: 10, test_code: "" });
    expect(why.message).toContain("Could not find Python 3.");
    expect(why.message).toContain("not your fault");
    expect(report.tests.reduce((s, t) => s + t.score, 0)).toBeCloseTo(withError.score, 10);
  });

  test("status is pass only when every scored check passed (advisory warnings do not fail it)", () => {
    expect(parse(summarize([result({ checks: [pass, advisory] })])).status).toBe("pass");
    expect(parse(summarize([result({ checks: [pass, skip] })])).status).toBe("fail");
  });

  test("the reporter prints the document and publishes it base64-encoded as the step output `result`", () => {
    let printed = "";
    const outputs: [string, string][] = [];
    const reporter = createClassroomReporter({ write: (t) => (printed += t), setOutput: (name, value) => outputs.push([name, value]), root: ROOT });
    reporter.onResult(result());
    reporter.onEnd(graded);
    expect(outputs.map(([name]) => name)).toEqual(["result", "points", "max-points"]);
    // As the older Classroom action's `Points` output: "X/Y", read by points bars and badges.
    expect(outputs.slice(1)).toEqual([["points", "3.5/13.5"], ["max-points", "13.5"]]);
    expect(outputs[0]![1]).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(JSON.parse(Buffer.from(outputs[0]![1], "base64").toString("utf8"))).toEqual(JSON.parse(printed));
    // A run that could not be graded publishes no points: no badge shows an unearned zero.
    const errorOutputs: string[] = [];
    createClassroomReporter({ write: () => undefined, setOutput: (name) => errorOutputs.push(name) }).onEnd(withError);
    expect(errorOutputs).toEqual(["result"]);
  });
});

// ---------------------------------------------------------------- gradescope

describe("gradescope (results.json)", () => {
  const VISIBILITIES = ["hidden", "after_due_date", "after_published", "visible"];

  test("has the fields Gradescope requires, with values it accepts", () => {
    const results = JSON.parse(JSON.stringify(toGradescopeResults(graded)));
    expect(typeof results.score).toBe("number");
    expect(typeof results.execution_time).toBe("number");
    expect(typeof results.output).toBe("string");
    expect(VISIBILITIES).toContain(results.visibility);
    expect(VISIBILITIES).toContain(results.stdout_visibility);
    expect(Array.isArray(results.tests)).toBe(true);
    for (const t of results.tests) {
      expect(typeof t.name).toBe("string");
      expect(typeof t.number).toBe("string");
      expect(typeof t.output).toBe("string");
      expect(typeof t.score).toBe("number");
      expect(typeof t.max_score).toBe("number");
      expect(t.score).toBeLessThanOrEqual(t.max_score);
      expect(["passed", "failed"]).toContain(t.status);
      expect(VISIBILITIES).toContain(t.visibility);
      expect(Array.isArray(t.tags)).toBe(true);
    }
    expect(results.tests.reduce((s: number, t: { score: number }) => s + t.score, 0)).toBeCloseTo(results.score, 10);
    expect(results.tests.reduce((s: number, t: { max_score: number }) => s + t.max_score, 0)).toBe(graded.maxScore);
  });

  test("one scored test per check; feedback as output; the Problem and notes at the top", () => {
    const results = toGradescopeResults(graded);
    const scored = results.tests.filter((t) => !t.tags.includes("details"));
    expect(scored).toHaveLength(checks.length + notStarted.checks.length);
    expect(scored.find((t) => t.name.includes(fail.title))!.output).toBe(markdown(checkFeedback(fail)));
    expect(scored.find((t) => t.name.includes(advisory.title))).toMatchObject({ max_score: 0, status: "failed", tags: ["visit-counter", "advisory"] });
    expect(results.output).toContain(markdown("Your app could not start: it still has blanks to fill in."));
    expect(results.output).toContain(markdown("Note: Your file calls app.run() at the top level."));
  });

  test("hidden checks: students see pass or fail; staff see the details in extra_data, never in a test", () => {
    const results = toGradescopeResults(summarize([result({ checks: [pass, fail, hidden, hiddenPass] })]));
    const text = JSON.stringify(results.tests) + results.output;
    for (const secret of ["SECRET-EXPECTATION", "SECRET-HINT", "SECRET-RATIONALE"]) expect(text).not.toContain(secret);
    expect(results.tests.find((t) => t.name === hidden.title)).toMatchObject({ output: markdown("Hidden check: failed."), max_score: 1, visibility: "visible" });
    expect(results.tests).toHaveLength(4);
    expect(results.extra_data.staff).toEqual([{ number: "1.3", name: hidden.title, details: checkFeedback(hidden, { reveal: true }) }]);
    expect(results.extra_data.staff[0]!.details).toContain("SECRET-EXPECTATION");
    // A hidden pass needs no details.
    expect(results.tests.filter((t) => t.name.startsWith(hiddenPass.title))).toHaveLength(1);
    const revealed = toGradescopeResults(summarize([result()]), { reveal: true });
    expect(revealed.tests.filter((t) => t.tags.includes("details"))).toHaveLength(0);
    expect(revealed.extra_data.staff).toEqual([]);
    expect(revealed.tests.find((t) => t.name === hidden.title)!.output).toContain("SECRET-EXPECTATION");
  });

  // Gradescope's spec: "If test cases are hidden, students will not be able to see their total
  // score" (gradescope/autograder_samples, docs/specs.md, "Controlling Test Case Visibility").
  test("the student's total is never hidden unless a spec asked for details released later (after-due-date, after-published)", () => {
    const published = verdict({ ...hidden, id: "published", title: "Shown when published", visibility: "after-published" });
    const everyOther = result({ checks: [pass, fail, partial, skip, advisory, hidden, hiddenPass, errored] });
    for (const summary of [summarize([everyOther, notStarted]), summarize([everyOther, ungradable]), summarize([notStarted])]) {
      const results = toGradescopeResults(summary);
      expect(results.visibility).toBe("visible");
      expect(results.stdout_visibility).toBe("hidden");
      expect(results.tests.length).toBeGreaterThan(0);
      expect(results.tests.filter((t) => t.visibility !== "visible")).toEqual([]);
    }
    const asked = toGradescopeResults(summarize([result({ checks: [pass, later, published] })]));
    expect(asked.tests.filter((t) => t.visibility !== "visible").map((t) => [t.name, t.visibility, t.max_score])).toEqual([
      [`${later.title}: details (shown after the due date)`, "after_due_date", 0],
      [`${published.title}: details (shown when grades are published)`, "after_published", 0],
    ]);
    // Passing them needs no released details: the total stays visible.
    const passedAll = toGradescopeResults(summarize([result({ checks: [pass, { ...later, status: "pass", points: 1 }] })]));
    expect(passedAll.tests.every((t) => t.visibility === "visible")).toBe(true);
  });

  test("feedback is Markdown (output_format md): escaped sentences, what the grader did as a code block, the hint in bold", () => {
    const results = toGradescopeResults(summarize([result(), notStarted]));
    expect([results.output_format, results.test_output_format]).toEqual(["md", "md"]);
    expect(results.tests.every((t) => t.output_format === "md")).toBe(true);
    const failed = results.tests.find((t) => t.name === `visit-counter › ${fail.title}`)!.output;
    // The student's page text is escaped: no tag, no entity, no emphasis reaches the renderer.
    expect(failed.split("\n")[0]).toBe('Step 2 of 2 (GET /): expected the page to show the number 2, but it shows "Visits: 1 \\<b\\>\\&\\</b\\>".');
    expect(failed).toContain("**What the grader did:**\n\n```text\n  1. GET /\n");
    expect(failed).toContain("**Hint:** Save the count back with session\\['visits'\\] = visits.");
    // Lines that would open a block stay text.
    expect(markdown("# not a heading\n- not a list\n2. not a list\n> not a quote")).toBe("\\# not a heading\n\n\\- not a list\n\n2\\. not a list\n\n\\> not a quote");
    // Outside code blocks, every < > & [ ] is escaped.
    for (const test of results.tests) {
      const prose = test.output.replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, "");
      expect(prose).not.toMatch(/(?<!\\)[<>&[\]]/);
    }
    // A fence longer than any run of backticks in the text.
    expect(markdown("Look:\n  a ``` b")).toBe("**Look:**\n\n````text\n  a ``` b\n````");
  });

  // The shape documented in gradescope/autograder_samples, docs/submission_metadata.md.
  const metadata = (createdAt: string) => ({
    id: 123456,
    created_at: createdAt,
    assignment: {
      due_date: "2018-07-31T23:00:00.000000-07:00",
      group_size: 4,
      group_submission: true,
      id: 25828,
      course_id: 1234,
      late_due_date: "2018-08-02T23:00:00.000000-07:00",
      release_date: "2018-07-02T00:00:00.000000-07:00",
      title: "Programming Assignment 1",
      total_points: "20.0",
      submission_method: "upload",
    },
    users: [{ email: "student@example.com", id: 1234, name: "Student User" }],
    previous_submissions: [],
  });

  test("submission_metadata.json, when asked for: a late submission is noted at the top, the score untouched", () => {
    const late = toGradescopeResults(graded, { submission: { metadata: metadata("2018-08-01T00:05:30.365935-07:00") } });
    expect(late.output.startsWith("Late submission: made 1 h 5 min after the due date.\n\n")).toBe(true);
    expect(late.extra_data.submission).toEqual({ lateMinutes: 65 });
    expect(late.score).toBe(graded.score);
    const veryLate = toGradescopeResults(graded, { submission: { metadata: metadata("2018-08-03T01:00:00-07:00") } });
    expect(veryLate.output.split("\n")[0]).toBe("Late submission: made 2 days 2 h after the due date and after the late due date.");
    const onTime = toGradescopeResults(graded, { submission: { metadata: metadata("2018-07-31T22:59:59-07:00") } });
    expect(onTime.output).toBe(toGradescopeResults(graded).output);
    expect(onTime.extra_data.submission).toEqual({});
    // Not asked: nothing about it.
    expect(toGradescopeResults(graded).extra_data.submission).toBeUndefined();
  });

  test("a missing or malformed submission_metadata.json is a note for staff, never a crash or a changed score", () => {
    const dir = mkdtempSync(join(tmpdir(), "autograde-metadata-"));
    try {
      const bad = join(dir, "submission_metadata.json");
      writeFileSync(bad, "{ not json");
      for (const path of [bad, join(dir, "missing.json")]) {
        let written = "";
        createGradescopeReporter({ write: (t) => (written += t), submissionMetadata: path }).onEnd(graded);
        const results = JSON.parse(written) as GradescopeResults;
        expect(results.score).toBe(graded.score);
        expect(results.output).toBe(toGradescopeResults(graded).output);
        expect(results.extra_data.submission!.problem).toMatch(path === bad ? /is not valid JSON/ : /cannot read .*ENOENT/);
      }
      const good = join(dir, "good.json");
      writeFileSync(good, JSON.stringify(metadata("2018-08-01T00:05:30-07:00")));
      let written = "";
      createGradescopeReporter({ write: (t) => (written += t), submissionMetadata: good }).onEnd(graded);
      expect((JSON.parse(written) as GradescopeResults).output).toMatch(/^Late submission: made 1 h 5 min after the due date\./);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("could not grade: a banner first, a failed test saying why, and extra_data.ungradable", () => {
    const results = toGradescopeResults(withError);
    expect(results.output.startsWith(markdown("⚠ The grader could not grade login-logout (not your fault): Could not find Python 3."))).toBe(true);
    expect(results.tests.find((t) => t.name === "login-logout: could not be graded")).toMatchObject({ status: "failed", max_score: 10 });
    expect(results.extra_data.ungradable).toEqual(["login-logout"]);
  });
});

// ---------------------------------------------------------------- junit

describe("junit", () => {
  // libxml2's xmllint as WebAssembly (npm: xmllint-wasm): nothing to install beyond `npm ci`.
  // Our own schema, and test schemas restating Jenkins xUnit's junit-10.xsd and the Ant JUnit
  // schema (no npm package ships them; tests/schemas/README.md says where each rule comes from).
  const SCHEMAS = {
    own: XSD,
    jenkins: join(root, "tests", "schemas", "jenkins-xunit-junit-10.xsd"),
    ant: join(root, "tests", "schemas", "ant-junit.xsd"),
  };
  type SchemaName = keyof typeof SCHEMAS;
  const NOW = new Date("2026-12-01T14:05:06.789Z");

  async function validate(xml: string, schema: SchemaName = "own"): Promise<{ ok: boolean; errors: string }> {
    const run = await validateXML({ xml: { fileName: "report.xml", contents: xml }, schema: readFileSync(SCHEMAS[schema], "utf8") });
    return { ok: run.valid, errors: run.rawOutput };
  }

  describe.each(["own", "jenkins", "ant"] as const)("against the %s schema", (schema) => {
    test.each([
      ["every kind of check, awkward characters included", graded],
      ["a submission that could not be graded", withError],
      ["nothing graded", summarize([])],
    ])("junit validates: %s", async (_name, summary) => {
      const { ok, errors } = await validate(toJunitXml(summary, { root: ROOT }), schema);
      expect(errors).toMatch(/ validates\n?$/);
      expect(ok).toBe(true);
    });
  });

  test("junit-located (file and line) validates against our schema; the strict ones reject those attributes, as documented", async () => {
    const located = toJunitXml(graded, { root: ROOT, located: true });
    expect(located).toContain(' file="work/visit-counter/app.py" line="12"');
    expect((await validate(located)).ok).toBe(true);
    const jenkins = await validate(located, "jenkins");
    expect(jenkins.ok).toBe(false);
    expect(jenkins.errors).toMatch(/attribute 'file' is not allowed/);
    expect((await validate(located, "ant")).ok).toBe(false);
  });

  test("each schema rejects what its original is known to reject (the test schemas are not looser)", async () => {
    const good = toJunitXml(graded, { root: ROOT, now: NOW });
    // Jenkins xUnit: `skipped` on <testsuites>; `file` on <testcase>.
    expect((await validate(good.replace("<testsuites>", '<testsuites skipped="1">'), "jenkins")).ok).toBe(false);
    expect((await validate(good.replace("<testcase ", '<testcase file="app.py" '), "jenkins")).ok).toBe(false);
    // Ant: any attribute on <testsuites>; a suite without timestamp, hostname, id or package;
    // a zone on the timestamp; <system-out> inside a test case; a missing suite <system-err>.
    expect((await validate(good.replace("<testsuites>", '<testsuites tests="1">'), "ant")).ok).toBe(false);
    for (const attribute of ["timestamp", "hostname", "id", "package"]) {
      expect((await validate(good.replace(new RegExp(` ${attribute}="[^"]*"`), ""), "ant")).ok).toBe(false);
    }
    expect((await validate(good.replace('timestamp="2026-12-01T14:05:06"', 'timestamp="2026-12-01T14:05:06Z"'), "ant")).ok).toBe(false);
    expect((await validate(good.replace(/(<testcase [^>]*)\/>/, "$1><system-out>x</system-out></testcase>"), "ant")).ok).toBe(false);
    expect((await validate(good.replace(/ {4}<system-err>[^<]*<\/system-err>\n/, ""), "ant")).ok).toBe(false);
    // Ours: a missing classname, a count that is not a number, a lone <testsuite> as the root.
    expect((await validate(good.replace(/ classname="[^"]*"/, ""))).ok).toBe(false);
    expect((await validate(good.replace('failures="', 'failures="x'))).ok).toBe(false);
    expect((await validate(good.replace("<testsuites>", "<testsuite>").replace("</testsuites>", "</testsuite>"))).ok).toBe(false);
  });

  test("a suite per exercise, a case per check; failure text is the feedback; counts, points, identity", () => {
    const xml = toJunitXml(graded, { root: ROOT, now: NOW, hostname: "grader-1" });
    expect(xml).toContain("<testsuites>\n");
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml.match(/<testcase /g)).toHaveLength(checks.length + notStarted.checks.length);
    expect(xml).toContain(
      '<testsuite name="visit-counter" package="visit-counter" id="0" timestamp="2026-12-01T14:05:06" hostname="grader-1" tests="9" failures="3" errors="1" skipped="1"',
    );
    expect(xml).toContain('<testsuite name="protected-page" package="protected-page" id="1" ');
    expect(xml).toContain('<property name="score" value="3.5"/>');
    expect(xml).toContain('<property name="maxScore" value="11.5"/>');
    const failure = /<testcase classname="visit-counter" name="Each visit adds one \| or not" time="0.012">\n {6}<failure message="([^"]*)" type="check-failed">([^<]*)<\/failure>/.exec(xml)!;
    expect(failure).not.toBeNull();
    const unescape = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
    expect(unescape(failure[2]!)).toBe(checkFeedback(fail).replace("\u0001", "\uFFFD"));
    // Points per check and advisory warnings in the suite's <system-out>; nothing inside a case.
    const out = /<system-out>([^<]*)<\/system-out>/.exec(xml)![1]!;
    expect(out).toContain("Points: 3.5/11.5 in total\nPoints: 2/2 The home page opens\nPoints: 0/3 Each visit adds one | or not");
    expect(out).toContain("Warning (advisory, no points) The secret key is hard to guess (advisory): ");
    expect(xml).toMatch(/name="The secret key is hard to guess \(advisory\)" time="0.012"\/>/);
    expect(xml).toMatch(/<skipped message="Skipped: it builds on &quot;Each visit adds one&quot;, which did not pass\."\/>/);
    expect(xml).not.toMatch(/<testcase[^>]*[^/]>\s*<system-out>/);
    expect(xml).not.toContain("SECRET");
    // No place on a test case in plain junit; junit-located adds file and line where known.
    expect(xml).not.toMatch(/ (file|line)="/);
    const located = toJunitXml(graded, { root: ROOT, located: true });
    expect(located).toContain('name="Each visit adds one | or not" time="0.012" file="work/visit-counter/app.py" line="12">');
    expect(located).toContain('classname="protected-page" name="A" time="0.012" file="work/protected-page/app.py" line="3">');
    // A hidden check's place would tell what it tests.
    expect(located).toMatch(/name="The count survives a restart" time="0.012">/);
  });

  test("could not grade: an <error> case, never a silent zero", () => {
    const xml = toJunitXml(withError);
    expect(xml).toMatch(/<testcase classname="login-logout" name="could not be graded" time="1.500">\n {6}<error message="The grader could not grade login-logout \(not your fault\): Could not find Python 3\./);
  });
});

// ---------------------------------------------------------------- github annotations and summary

describe("GitHub annotations", () => {
  test("blanks are annotated on their lines; the story once, then the other places", () => {
    const annotations = resultAnnotations(notStarted, { root: ROOT });
    expect(annotations.map((a) => [a.level, a.location])).toEqual([
      ["error", { path: "work/protected-page/app.py", line: 3, column: 18 }],
      ["error", { path: "work/protected-page/app.py", line: 9, column: 5 }],
    ]);
    expect(annotations[0]!.message).toContain("Your app could not start");
    expect(annotations[1]!.message).toBe("Another blank (___) to fill in.");
    expect(workflowCommand(annotations[0]!)).toMatch(/^::error file=work\/protected-page\/app.py,line=3,col=18,title=protected-page%3A your app could not start::Your app could not start: it still has blanks to fill in\.%0A/);
  });

  test("failed checks at the traceback's line, advisory as warnings, skips and passes silent, hidden without place or details", () => {
    const annotations = resultAnnotations(result(), { root: ROOT });
    expect(annotations.map((a) => [a.level, a.title])).toEqual([
      ["error", "visit-counter: Each visit adds one | or not (0/3)"],
      ["warning", "visit-counter: The secret key is hard to guess (advisory, no points)"],
      ["error", "visit-counter: The count survives a restart (0/1)"],
      ["error", "visit-counter: Shown after the due date (0/1)"],
      ["error", "visit-counter: A check the grader could not run (0/1)"],
      ["warning", "visit-counter: note"],
    ]);
    expect(annotations[0]!.location).toEqual({ path: "work/visit-counter/app.py", line: 12, column: 5 });
    expect(annotations[2]).toEqual({ level: "error", title: "visit-counter: The count survives a restart (0/1)", message: "Hidden check: failed." });
  });

  test("workflow commands escape what the runner unescapes", () => {
    const line = workflowCommand({ level: "error", title: "a: b, c", message: "50% done\r\nnext", location: { path: "x,y:z.py", line: 2 } });
    expect(line).toBe("::error file=x%2Cy%3Az.py,line=2,title=a%3A b%2C c::50%25 done%0D%0Anext\n");
    expect(workflowCommand(totalAnnotation(graded))).toBe("::notice title=Autograding::Points 3.5/13.5\n");
    expect(workflowCommand(totalAnnotation(withError))).toContain("incomplete");
  });

  test("a submission the grader could not grade is an error annotation", () => {
    expect(resultAnnotations(ungradable)[0]).toMatchObject({ level: "error", title: "login-logout: could not be graded" });
  });

  test("within GitHub's caps (10 errors, 10 warnings per step): each exercise's most useful first, then a pointer to the summary", () => {
    // Four exercises whose apps did not start, with six blanks each: 24 errors, and a note each.
    const manyBlanks: Problem = { ...blanks, locations: [1, 2, 3, 4, 5, 6].map((line) => ({ file: "app.py", line })) };
    const exercisesWithBlanks = ["a-one", "b-two", "c-three", "d-four"].map((exercise) =>
      result({ exercise, submission: `work/${exercise}`, problem: manyBlanks, checks: notStarted.checks }),
    );
    const planned = plannedAnnotations(summarize(exercisesWithBlanks), { root: ROOT });
    const count = (level: string) => planned.filter((a) => a.level === level).length;
    expect([count("error"), count("warning"), count("notice")]).toEqual([10, 4, 2]);
    expect(planned.length).toBeLessThanOrEqual(50);
    // The first four: the whole story of each exercise, at its first blank.
    expect(planned.slice(0, 4).map((a) => [a.title, a.location?.line])).toEqual(
      ["a-one", "b-two", "c-three", "d-four"].map((exercise) => [`${exercise}: your app could not start`, 1]),
    );
    expect(planned.slice(0, 4).every((a) => a.message.startsWith("Your app could not start"))).toBe(true);
    // Every exercise is annotated, none crowded out by another's blanks.
    for (const exercise of ["a-one", "b-two", "c-three", "d-four"]) expect(planned.filter((a) => a.title.startsWith(exercise)).length).toBeGreaterThanOrEqual(3);
    expect(planned.at(-2)).toEqual(totalAnnotation(summarize(exercisesWithBlanks)));
    expect(planned.at(-1)).toMatchObject({ level: "notice", title: "Autograding: more in the summary" });
    expect(planned.at(-1)!.message).toMatch(/^14 more problems are not annotated here .*step summary/);
    // Under the caps: everything, the total last, no pointer.
    const few = plannedAnnotations(graded, { root: ROOT });
    expect(few.filter((a) => a.level !== "notice")).toHaveLength(resultAnnotations(result(), { root: ROOT }).length + resultAnnotations(notStarted, { root: ROOT }).length);
    expect(few.at(-1)).toEqual(totalAnnotation(graded));
  });
});

describe("Markdown summary", () => {
  test("a total, a table per exercise, the feedback of what did not pass folded, hidden details withheld", () => {
    const md = toMarkdownSummary(graded);
    expect(md.startsWith("## Autograding: 3.5/13.5 points\n")).toBe(true);
    expect(md).toContain("| | Check | Points |\n|---|---|---|\n| ✅ | The home page opens | 2/2 |");
    expect(md).toContain("| ❌ | Each visit adds one \\| or not | 0/3 |");
    expect(md).toContain("| ⏭️ | Each browser has its own count | 0/2 (skipped) |");
    expect(md).toContain("| ⚠️ | The secret key is hard to guess | advisory |");
    expect(md).toContain("<details><summary>❌ Each visit adds one \\| or not</summary>\n\n```text\n");
    expect(md).toContain("> [!CAUTION]\n> Your app could not start: it still has blanks to fill in.");
    expect(md).toContain("Hidden check: failed.");
    expect(md).not.toContain("SECRET");
    expect(toMarkdownSummary(withError)).toContain("> [!WARNING]\n> The grader could not grade login-logout (not your fault)");
  });
});

// ---------------------------------------------------------------- --format on the command line

describe("--format", () => {
  test("commas and repeats, each to stdout or to its FILE", () => {
    expect(parseFormats(["pretty,classroom=out/c.json", "junit=report.xml"])).toEqual([
      { format: "pretty" },
      { format: "classroom", file: "out/c.json" },
      { format: "junit", file: "report.xml" },
    ]);
    expect(parseFormats([" json , "])).toEqual([{ format: "json" }]);
    // Line formats share stdout with one document, which comes out last and whole.
    expect(parseFormats(["classroom,pretty,github"])).toEqual([{ format: "pretty" }, { format: "github" }, { format: "classroom" }]);
  });

  test.each([
    [["pretty,json,junit"], /Only one document format can write to stdout, but json and junit would: give the others a file, e\.g\. --format json,junit=report\.xml\./],
    [["junit=a.xml,json=a.xml"], /Formats junit and json both write to a\.xml/],
    [["junit,junit=b.xml"], /Format junit is given twice\./],
    [["junit="], /--format junit= needs a file name after "="/],
    [["xml"], /Unknown format "xml"\. Expected one of: pretty, json, classroom, gradescope, junit, junit-located, github, summary, trace\./],
    [[","], /--format needs a format/],
  ])("%j is a usage error", (values, message) => {
    expect(() => parseFormats(values)).toThrow(message);
  });

  describe("the CLI", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "autograde-formats-"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    async function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
      let stdout = "";
      let stderr = "";
      const code = await main(argv, { stdout: { write: (t: string) => (stdout += t), isTTY: false }, stderr: { write: (t: string) => (stderr += t) }, env });
      return { code, stdout, stderr };
    }

    test("one run, four formats: pretty on stdout, the others in their files", async () => {
      const c = join(dir, "out", "classroom.json");
      const { code, stdout, stderr } = await cli([join(root, "starter", "visit-counter"), "--format", `pretty,classroom=${c}`, "--format", `junit=${join(dir, "r.xml")},gradescope=${join(dir, "g.json")}`]);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(stdout).toContain("visit-counter — Visit counter");
      const classroom = JSON.parse(readFileSync(c, "utf8")) as ClassroomReport;
      // Each check's first test carries its text (the others are its remaining points).
      const firsts = classroom.tests.filter((t) => !/\[([2-9]|\d\d+)\/\d+\]$/.test(t.name));
      expect(firsts.length).toBeGreaterThan(0);
      expect(firsts.every((t) => t.test_code.includes("it still has blanks to fill in"))).toBe(true);
      expect(readFileSync(join(dir, "r.xml"), "utf8")).toMatch(/^<\?xml/);
      expect(JSON.parse(readFileSync(join(dir, "g.json"), "utf8")).tests.length).toBeGreaterThan(0);
    });

    test("pretty and one document share stdout: the document comes last, whole", async () => {
      const { code, stdout } = await cli([join(root, "starter", "visit-counter"), "--format", "classroom,pretty"]);
      expect(code).toBe(0);
      const start = stdout.indexOf("{\n");
      expect(stdout.slice(0, start)).toContain("visit-counter — Visit counter");
      expect((JSON.parse(stdout.slice(start)) as ClassroomReport).version).toBe(1);
    });

    test("on GitHub Actions: the step output, annotations on stderr at the blanks, the summary appended", async () => {
      const output = join(dir, "github-output");
      const summary = join(dir, "step-summary.md");
      writeFileSync(output, "earlier=1\n");
      writeFileSync(summary, "# An earlier step\n");
      const { code, stdout, stderr } = await cli([join("starter", "visit-counter"), "--format", "classroom"], {
        GITHUB_ACTIONS: "true",
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_WORKSPACE: root,
      });
      expect(code).toBe(0);
      const lines = readFileSync(output, "utf8").split("\n");
      expect(lines[0]).toBe("earlier=1");
      const published = lines[1]!.replace(/^result=/, "");
      expect(JSON.parse(Buffer.from(published, "base64").toString("utf8"))).toEqual(JSON.parse(stdout));
      expect(stderr).toMatch(/^::error file=starter\/visit-counter\/app.py,line=\d+,col=\d+,title=visit-counter%3A your app could not start::/m);
      expect(stderr).toMatch(/^::notice title=Autograding::Points 0\/\d+\n$/m);
      const md = readFileSync(summary, "utf8");
      expect(md.startsWith("# An earlier step\n## Autograding: 0/")).toBe(true);
    });

    test("a usage error on GitHub Actions still publishes a result: an error with the reason, for the Classroom reporter", async () => {
      const output = join(dir, "usage-output");
      writeFileSync(output, "");
      const { code, stderr } = await cli([join(root, "starter", "visit-counter"), "--format", "xml"], { GITHUB_ACTIONS: "true", GITHUB_OUTPUT: output });
      expect(code).toBe(2);
      expect(stderr).toContain('Unknown format "xml"');
      const published = /^result=(.*)$/m.exec(readFileSync(output, "utf8"))![1]!;
      const report = JSON.parse(Buffer.from(published, "base64").toString("utf8")) as ClassroomReport;
      expect(report).toMatchObject({ version: 1, status: "error", max_score: 0 });
      expect(report.tests).toHaveLength(1);
      expect(report.tests[0]).toMatchObject({ status: "error", test_code: "" });
      expect(report.tests[0]!.message).toMatch(/^Unknown format "xml"\. Expected one of: /);
      // What the reporter makes of it: no points recorded, no NaN.
      expect(reporterFigures(report)).toMatchObject({ countBased: 0, testsPassed: 0, tests: 1 });
      expect(reporterFigures(report).notice).toBeUndefined();
    });

    test("the exported repository's starters on GitHub Actions: at most 10 errors, every exercise annotated, then where the rest are", async () => {
      const output = join(dir, "starters-output");
      writeFileSync(output, "");
      const { code, stderr } = await cli([join("starter"), "--format", "classroom"], { GITHUB_ACTIONS: "true", GITHUB_OUTPUT: output, GITHUB_WORKSPACE: root });
      expect(code).toBe(0);
      const commands = stderr.split("\n").filter((line) => line.startsWith("::"));
      const errors = commands.filter((line) => line.startsWith("::error "));
      expect(errors.length).toBeLessThanOrEqual(10);
      expect(commands.filter((line) => line.startsWith("::warning ")).length).toBeLessThanOrEqual(10);
      for (const exercise of ["login-logout", "protected-page", "theme-cookie", "visit-counter"]) {
        expect(errors.some((line) => line.includes(`file=starter/${exercise}/app.py,`))).toBe(true);
      }
      // More blanks than fit: the total, then the pointer to the step summary.
      expect(commands.at(-2)).toMatch(/^::notice title=Autograding::Points 0\/\d+$/);
      expect(commands.at(-1)).toMatch(/^::notice title=Autograding%3A more in the summary::\d+ more problems are not annotated here .*step summary/);
      // The step outputs for badges and points bars.
      const outputs = readFileSync(output, "utf8");
      expect(outputs).toMatch(/^points=0\/\d+$/m);
      expect(outputs).toMatch(/^max-points=\d+$/m);
    });

    test("AUTOGRADER_SUBMISSION_METADATA (set by the exported run_autograder) notes a late submission in results.json", async () => {
      const file = join(dir, "submission_metadata.json");
      writeFileSync(file, JSON.stringify({ created_at: "2026-01-02T10:30:00Z", assignment: { due_date: "2026-01-01T10:00:00Z", late_due_date: null } }));
      const { code, stdout } = await cli([join(root, "starter", "visit-counter"), "--format", "gradescope"], { AUTOGRADER_SUBMISSION_METADATA: file });
      expect(code).toBe(0);
      const results = JSON.parse(stdout) as GradescopeResults;
      expect(results.output.split("\n")[0]).toBe("Late submission: made 1 day after the due date.");
      expect(results.extra_data.submission).toEqual({ lateMinutes: 1470 });
    });

    test("a file that cannot be written fails the run (exit 1) and says which", async () => {
      const blocker = join(dir, "blocker");
      writeFileSync(blocker, "");
      const { code, stderr } = await cli([join(root, "starter", "visit-counter"), "--format", `json=${join(blocker, "x.json")}`]);
      expect(code).toBe(1);
      expect(stderr).toContain(`cannot write the report to ${join(blocker, "x.json")}`);
    });
  });
});

test("--help documents FORMAT=FILE and every format", async () => {
  let stdout = "";
  await main(["--help"], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => undefined }, env: {} });
  expect(stdout).toContain("--format FORMAT[=FILE],...");
  for (const format of ["pretty", "json", "classroom", "gradescope", "junit", "junit-located", "github", "summary"]) expect(stdout).toMatch(new RegExp(`^  ${format} `, "m"));
  expect(stdout).toContain("AUTOGRADER_HIDDEN_SPECS");
});
