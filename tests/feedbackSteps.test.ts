/**
 * Feedback that explains itself (issue 10.2): every step of a check is listed under the spec's
 * own numbers, a value the grader noted is shown where it was taken and explained where it is
 * used, patterns read as words, and an error page is not read for the page's numbers. Pure.
 */
import { describe, expect, test } from "@jest/globals";
import { exchangesText } from "../graders/report/feedback.js";
import { capture, evaluate, patternWords, type Observation } from "../graders/verdict/evaluate.js";
import type { Exchange, StepAction } from "../graders/verdict/types.js";

const obs = (over: Partial<Observation> = {}): Observation => ({
  status: 200,
  headers: {},
  setCookies: [],
  text: "",
  jar: [],
  session: null,
  sessionCookie: "session",
  captures: new Map(),
  ...over,
});

const get = (step: number, browser = "alice", text = ""): Exchange => ({
  browser,
  step,
  request: { method: "GET", path: "/dashboard", cookies: [] },
  response: { status: 200, headers: {}, setCookies: [], text },
});

describe("the steps list", () => {
  test("every step is listed under the spec's number, the ones without a request included", () => {
    const exchanges = [get(1), get(3, "alice", "Welcome, mallory")];
    const actions: StepAction[] = [{ step: 2, browser: "alice", text: "edit the session cookie by hand, keeping its old signature" }];
    const lines = exchangesText(exchanges, actions);
    expect(lines.filter((l) => /^\d+\. /.test(l))).toEqual([
      "1. GET /dashboard",
      "2. edit the session cookie by hand, keeping its old signature",
      "3. GET /dashboard",
    ]);
  });

  test("a long check shows its last requests with the steps that lead to them, and says what is left out", () => {
    const exchanges = [1, 3, 5, 7, 9, 11].map((n) => get(n, "attacker"));
    const actions = [2, 4, 6, 8, 10].map((n) => ({ step: n, browser: "attacker", text: `sign a session cookie with the guessed key "k${n}"` }));
    const lines = exchangesText(exchanges, actions);
    expect(lines[0]).toBe("(steps 1 to 3 not shown)");
    expect(lines.filter((l) => /^\d+\. /.test(l)).map((l) => l.split(".")[0])).toEqual(["4", "5", "6", "7", "8", "9", "10", "11"]);
    expect(exchangesText([get(1), get(2), get(3), get(4), get(5)])[0]).toBe("(1 earlier request not shown)");
  });

  test("a noted value is shown where the grader took it", () => {
    const lines = exchangesText([{ ...get(1), noted: [{ what: "the number the page showed", value: 5 }] }]);
    expect(lines).toContain("   noted 5: the number the page showed");
  });
});

describe("expectations in words", () => {
  test("a value built on a capture says where it came from", () => {
    const o = obs({ text: "Visits: 8", captures: new Map([["first", 5]]), captureOrigins: new Map([["first", "the number the page showed at step 1"]]) });
    expect(evaluate({ text: { number: { capture: "first", plus: 1 } } }, o)).toEqual([
      "expected the page to show the number 6, which is the number the page showed at step 1 (5) plus 1, but the numbers on it are 8",
    ]);
    expect(evaluate({ text: { number: { capture: "first" } } }, o)).toEqual([
      "expected the page to show the number 5 (the same as the number the page showed at step 1), but the numbers on it are 8",
    ]);
  });

  test("an error page is not read for the page's numbers", () => {
    const error = obs({ status: 500, text: "500 Internal Server Error" });
    expect(evaluate({ text: { number: 500 } }, error)).toEqual([
      "expected the page to show the number 500, but the app answered with an error page instead: status 500 (server error)",
    ]);
    expect(capture({ n: { number: true } }, error)).toEqual({
      values: new Map(),
      failures: ["expected a number on the page, but the app answered with an error page instead: status 500 (server error)"],
    });
  });

  test("a pattern reads as words, or as the spec's explain, never raw", () => {
    expect(patternWords("\\bNone\\b")).toBe('the word "None"');
    expect(patternWords("(dark|light|blue)")).toBe('"dark", "light" or "blue"');
    expect(patternWords("Visits:\\s*\\d+")).toBe('"Visits:" followed by a number');
    expect(patternWords("^application/json")).toBe('text starting with "application/json"');
    expect(patternWords("a[bc]+(d)?")).toBe("the text this check looks for");
    const page = obs({ text: "Hello None" });
    expect(evaluate({ text: { notMatches: "\\bNone\\b", explain: 'the word "None" (a value never set)' } }, page)).toEqual([
      'expected the page not to show the word "None" (a value never set), but it does',
    ]);
    for (const failure of evaluate({ text: { matches: "x{2,}[0-9]" }, headers: { "X-A": { matches: "^a(b|c)" } } }, page)) {
      expect(failure).not.toMatch(/\/.*\//);
    }
  });
});
