/**
 * What `npm test` shows (graders/report/jest.ts), from verdicts built by hand: points in each
 * test's name and the score once, the start-up problem once (under the first scored check, the
 * others pointing at it), and advisory checks as what they are, never a ✓ for one that never ran.
 */
import { describe, expect, test } from "@jest/globals";
import { checkOutcome, plannedChecks, scoreLine, testName } from "../graders/report/jest.js";
import { problemText } from "../graders/report/feedback.js";
import type { Spec } from "../graders/spec/types.js";
import type { Problem, Result, Verdict } from "../graders/verdict/types.js";

const verdict = (id: string, over: Partial<Verdict> = {}): Verdict => ({
  id,
  title: `Check ${id}`,
  status: "pass",
  points: 2,
  maxPoints: 2,
  advisory: false,
  visibility: "visible",
  message: `Check ${id}`,
  exchanges: [],
  durationMs: 1,
  ...over,
});
const result = (checks: Verdict[], over: Partial<Result> = {}): Result => ({
  exercise: "visit-counter",
  title: "Visit counter",
  submission: ".",
  score: checks.reduce((sum, v) => sum + v.points, 0),
  maxScore: checks.reduce((sum, v) => sum + v.maxPoints, 0),
  status: "graded",
  notes: [],
  checks,
  durationMs: 1,
  ...over,
});
const syntax: Problem = { kind: "syntax", message: "Python cannot read app.py line 3: invalid syntax", locations: [{ file: "app.py", line: 3 }] };
const advisory = (over: Partial<Verdict> = {}) => verdict("restart", { advisory: true, points: 0, maxPoints: 0, ...over });

describe("jest report", () => {
  test("each test's name says what the check is worth; the score is one line", () => {
    const spec = { id: "x", title: "X", checks: [{ id: "a", title: "Opens", points: 2, steps: [] }, { id: "b", title: "Counts", steps: [] }, { id: "c", title: "Survives", advisory: true, steps: [] }] } as Spec;
    expect(plannedChecks(spec).map(testName)).toEqual(["Opens (2 points)", "Counts (1 point)", "Survives (advisory, no points)"]);
    const r = result([verdict("a"), verdict("b", { status: "fail", points: 0 }), advisory({ status: "fail" })]);
    expect(scoreLine(r)).toBe("visit-counter: 2/4 points (1 of 2 checks passed)");
    expect(scoreLine({ ...r, status: "error", error: "boom" })).toMatch(/^visit-counter: no score: The grader could not grade/);
  });

  test("the start-up problem is shown once, under the first scored check; the others point at it", () => {
    const notRun = { status: "fail" as const, points: 0, message: "Not tested: the app did not start." };
    const r = result([verdict("a", notRun), verdict("b", notRun), verdict("c", notRun), advisory(notRun)], { problem: syntax });
    const texts = r.checks.map((v) => checkOutcome(r, v.id)).map((o) => ("text" in o ? o.text : ""));
    expect(texts.filter((t) => t.includes(problemText(syntax)))).toHaveLength(1);
    expect(texts[0]).toContain(problemText(syntax));
    expect(texts[1]).toBe('Not run: the app did not start. Why is shown once, under "Check a".');
    expect(checkOutcome(r, "restart").kind).toBe("fail");
  });

  test("an advisory check that never ran is never a pass; one that ran and failed warns as advisory", () => {
    const skipped = advisory({ status: "skip", message: 'Skipped: it builds on "Check a", which did not pass.' });
    const failedFirst = result([verdict("a", { status: "fail", points: 0 }), skipped]);
    const outcome = checkOutcome(failedFirst, "restart");
    expect(outcome.kind).toBe("fail");
    expect("text" in outcome && outcome.text).toContain("Advisory, not run");
    // Nothing scored failed (an advisory chain): a warning, so an advisory check alone never fails npm test.
    expect(checkOutcome(result([verdict("a"), skipped]), "restart").kind).toBe("warn");
    const warned = checkOutcome(result([verdict("a"), advisory({ status: "fail", message: "Step 3 of 3: restarted" })]), "restart");
    expect(warned).toEqual({ kind: "warn", text: "Step 3 of 3: restarted\n(Advisory: a warning only, it costs no points.)" });
  });
});
