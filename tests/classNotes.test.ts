/**
 * The gradebook's words for the teacher (graders/batch/gradebook.ts, discover.ts): a note for
 * every result below full marks, and the login read from GitHub Classroom's folder names. Pure.
 */
import { describe, expect, test } from "@jest/globals";
import { loginsOf } from "../graders/batch/discover.js";
import { resultNote } from "../graders/batch/gradebook.js";
import type { Result, Verdict } from "../graders/verdict/types.js";

const verdict = (id: string, status: Verdict["status"], message = id): Verdict => ({
  id, title: id, status, points: status === "pass" ? 2 : 0, maxPoints: 2, advisory: false, visibility: "visible", message, exchanges: [], durationMs: 1,
});
const result = (checks: Verdict[], over: Partial<Result> = {}): Result => ({
  exercise: "visit-counter", title: "Visit counter", submission: "x", notes: [], durationMs: 1, status: "graded", checks,
  score: checks.reduce((sum, v) => sum + v.points, 0), maxScore: 2 * checks.length, ...over,
});

describe("gradebook notes", () => {
  test("full marks: no note", () => {
    expect(resultNote(result([verdict("a", "pass")]))).toBeUndefined();
  });

  test("a hang, a crash at start, a missing app.py: each says what happened", () => {
    const hung = result([verdict("page-answers", "fail", "Step 1 of 1 (GET /): GET / got no answer within 5 s (the request time limit)."), verdict("b", "skip")]);
    expect(resultNote(hung)).toBe("visit-counter: failed page-answers (GET / got no answer within 5 s (the request time limit)); 1 check skipped");
    const loop = result([verdict("a", "fail")], { problem: { kind: "boot-timeout", message: "The app did not start within 10 s.", locations: [] } });
    expect(resultNote(loop)).toBe("visit-counter: did not start: The app did not start within 10 s");
    const mainPy = result([verdict("a", "fail")], { problem: { kind: "missing-file", message: "There is no app.py in the exercise folder. Python files found: main.py.", locations: [] } });
    expect(resultNote(mainPy)).toContain("Python files found: main.py");
  });
});

describe("logins from folder names", () => {
  const known = ["visit-counter", "protected-page"];

  test("<exercise>-<login>, and any prefix the whole class shares", () => {
    expect(Object.fromEntries(loginsOf(["visit-counter-alice", "bob"], known))).toEqual({ "visit-counter-alice": "alice" });
    expect(Object.fromEntries(loginsOf(["flask-sessions-alice", "flask-sessions-bob-2"], known))).toEqual({
      "flask-sessions-alice": "alice",
      "flask-sessions-bob-2": "bob-2",
    });
    expect(loginsOf(["alice", "bob"], known).size).toBe(0);
    expect(loginsOf(["hw-alice"], known).size).toBe(0); // one folder alone: its prefix is not known to be shared
  });

  test("--student-pattern: its login group, or its first group", () => {
    expect(Object.fromEntries(loginsOf(["2026_alice_hw9", "x"], known, /^\d+_(?<login>[^_]+)_/))).toEqual({ "2026_alice_hw9": "alice" });
    expect(Object.fromEntries(loginsOf(["sub-alice"], known, /^sub-(.+)$/))).toEqual({ "sub-alice": "alice" });
  });
});
