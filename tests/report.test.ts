/**
 * Everything after the verdict, on hand-made Results: feedback text, the pretty and json formats,
 * target discovery and the CLI's answers to bad usage. No Python, no app, no grading.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkFeedback, cookieChanges, exchangesText, problemText } from "../graders/report/feedback.js";
import { shouldColor } from "../graders/report/colors.js";
import { createPrettyReporter, renderResult } from "../graders/report/pretty.js";
import { createJsonReporter, toJsonReport } from "../graders/report/json.js";
import { summarize } from "../graders/report/reporter.js";
import { checkOutcome } from "../graders/report/jest.js";
import { findTargets, bundledTargets } from "../graders/targets.js";
import { main } from "../scripts/cli/main.js";
import type { Exchange, Problem, Result, Verdict } from "../graders/verdict/types.js";

// ---------------------------------------------------------------- fixtures

function verdict(overrides: Partial<Verdict> = {}): Verdict {
  return {
    id: "shows-count",
    title: "The page shows a count",
    status: "pass",
    points: 2,
    maxPoints: 2,
    advisory: false,
    visibility: "visible",
    message: "The page shows the visit count.",
    exchanges: [],
    durationMs: 12,
    ...overrides,
  };
}

const LONG_PAGE = `Welcome back, alice! ${"x".repeat(300)}`;

const loginExchanges: Exchange[] = [
  {
    browser: "browser",
    request: { method: "POST", path: "/login", form: { username: "alice", password: "wonderland" }, cookies: [] },
    response: {
      status: 302,
      location: "/",
      headers: {},
      setCookies: ["session=eyJ1c2VyIjoiYWxpY2UifQ.abc.def; HttpOnly; Path=/"],
      text: "Redirecting...",
    },
    session: { user: "alice" },
  },
  {
    browser: "browser",
    request: { method: "GET", path: "/", cookies: ["session"] },
    response: { status: 200, headers: {}, setCookies: [], text: LONG_PAGE },
    session: { user: "alice" },
  },
];

const passing = verdict();
const failing = verdict({
  id: "greets-user",
  title: "The home page greets the logged-in user",
  status: "fail",
  points: 0,
  maxPoints: 3,
  message: 'Expected the page to contain "Hello, alice", but it does not.',
  hint: "Read the name back with session.get('user') in the home view.",
  exchanges: loginExchanges,
  location: { file: "app.py", line: 12 },
});
const skipped = verdict({
  id: "logout",
  title: "Logging out forgets the user",
  status: "skip",
  points: 0,
  maxPoints: 2,
  message: 'Skipped: it needs "greets-user", which did not pass.',
  hint: "Use session.pop('user', None).",
});
const advisory = verdict({
  id: "secret-from-env",
  title: "The secret key comes from the environment",
  status: "fail",
  points: 0,
  maxPoints: 0,
  advisory: true,
  message: "The secret key is written in app.py.",
  hint: "Read it with os.environ.get('SECRET_KEY').",
});
const hidden = verdict({
  id: "tamper",
  title: "A tampered session is refused",
  status: "fail",
  points: 0,
  maxPoints: 3,
  visibility: "hidden",
  message: "The app accepted a session whose user was changed to mallory.",
  hint: "Never turn off signing.",
  exchanges: loginExchanges,
});

function result(overrides: Partial<Result> = {}): Result {
  return {
    exercise: "login",
    title: "Log in with a session",
    submission: "solutions/login",
    score: 7,
    maxScore: 10,
    status: "graded",
    notes: [],
    checks: [passing, failing, skipped, advisory],
    durationMs: 900,
    ...overrides,
  };
}

const blanks: Problem = {
  kind: "blanks",
  message: "Your app.py still has 2 blanks (____) to fill in.",
  hint: "Replace each ____ with code, then grade again.",
  locations: [
    { file: "app.py", line: 3 },
    { file: "app.py", line: 9, column: 5 },
  ],
};

const ANSI = /\u001b\[/;

// ---------------------------------------------------------------- feedback

describe("feedback", () => {
  test("a pass is its rationale", () => {
    expect(checkFeedback(passing)).toBe("The page shows the visit count.");
  });

  test("a failure says what was sent, what came back, the session and the hint", () => {
    const text = checkFeedback(failing);
    expect(text.split("\n")[0]).toBe(failing.message);
    expect(text).toContain("1. POST /login with username=alice, password=wonderland");
    expect(text).toContain("→ 302, redirects to /");
    expect(text).toContain("sets cookie: session");
    expect(text).toContain("2. GET /");
    expect(text).toContain(`page: "${LONG_PAGE.slice(0, 200)}…"`);
    expect(text).not.toContain(LONG_PAGE.slice(0, 201));
    expect(text).toContain('session: {"user": "alice"}');
    expect(text).toContain("Look at app.py:12.");
    expect(text.split("\n").at(-1)).toBe(`Hint: ${failing.hint}`);
    expect(text).not.toMatch(/^\s+at /m);
  });

  test("only the last page is quoted, and an unchanged session is shown once before the end", () => {
    const lines = exchangesText(loginExchanges);
    expect(lines.filter((l) => l.includes("page:"))).toHaveLength(1);
    expect(lines.filter((l) => l.includes("session:"))).toHaveLength(2); // first, and the last one
  });

  test("cookies set and deleted are named, values left out", () => {
    expect(
      cookieChanges([
        "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/",
        "theme=dark; Path=/",
        "visits=3; Max-Age=3600",
      ]),
    ).toEqual({ set: ["theme", "visits"], deleted: ["session"] });
  });

  test("no response, the app's exception, several browsers, and the request limit", () => {
    const many: Exchange[] = Array.from({ length: 6 }, (_, i) => ({
      browser: i % 2 ? "alice" : "bob",
      request: { method: "GET", path: `/p${i + 1}`, cookies: [] },
      response: { status: 200, headers: {}, setCookies: [], text: "" },
    }));
    many[5] = {
      ...many[5]!,
      response: { status: 500, headers: {}, setCookies: [], text: "Internal Server Error" },
      exception: { type: "KeyError", message: "'visits'", summary: "KeyError: 'visits'", location: { file: "app.py", line: 7 } },
      session: null,
    };
    many[4] = { ...many[4]!, response: undefined, failure: "no answer within 5 seconds" };
    many[3] = { ...many[3]!, session: { visits: 3 } };
    const text = exchangesText(many).join("\n");
    expect(text).toContain("(2 earlier requests not shown)");
    expect(text).not.toContain("/p2");
    expect(text).toContain("3. [bob] GET /p3");
    expect(text).toContain("→ no response: no answer within 5 seconds");
    expect(text).toContain("your app raised KeyError: 'visits' at app.py:7");
    expect(text).toContain('session: {"visits": 3}');
    // The session went away: that change is shown. The crash's error page is not quoted.
    expect(text).toContain("session: none");
    expect(text).not.toContain("Internal Server Error");
  });

  test("no session and no redirect page is noise, left out", () => {
    const lines = exchangesText([
      { ...loginExchanges[0]!, session: null },
      { ...loginExchanges[0]!, session: null },
    ]);
    expect(lines.join("\n")).not.toContain("session:");
    expect(lines.join("\n")).not.toContain("Redirecting");
  });

  test("a skip says which prerequisite failed and nothing else", () => {
    expect(checkFeedback(skipped)).toBe(skipped.message);
  });

  test("a Problem names its kind, every location and the hint; checks then only say the app did not start", () => {
    const text = problemText(blanks);
    expect(text).toContain("Your app could not start: it still has blanks to fill in.");
    expect(text).toContain(blanks.message);
    expect(text).toContain("  app.py:3\n  app.py:9:5");
    expect(text).toContain(`Hint: ${blanks.hint}`);
    expect(checkFeedback(verdict({ status: "fail", points: 0, message: "x" }), { problem: blanks })).toBe(
      "Not run: the app did not start.",
    );
  });

  test("a hidden check shows only whether it passed, unless revealed", () => {
    expect(checkFeedback(hidden)).toBe("Hidden check: failed.");
    expect(checkFeedback({ ...hidden, status: "pass" })).toBe("Hidden check: passed.");
    expect(checkFeedback({ ...hidden, visibility: "after-due-date" })).toBe("Hidden check: failed.");
    const revealed = checkFeedback(hidden, { reveal: true });
    expect(revealed).toContain(hidden.message);
    expect(revealed).toContain("POST /login");
    expect(revealed).toContain("Hint: Never turn off signing.");
  });

  test("a hint already starting with Hint: is not doubled", () => {
    expect(checkFeedback({ ...failing, exchanges: [], location: undefined, hint: "Hint: look up." })).toBe(`${failing.message}\nHint: look up.`);
  });
});

// ---------------------------------------------------------------- colours

describe("colours", () => {
  test("only on a TTY without NO_COLOR; FORCE_COLOR forces", () => {
    expect(shouldColor({ isTTY: true }, {})).toBe(true);
    expect(shouldColor({ isTTY: false }, {})).toBe(false);
    expect(shouldColor({}, {})).toBe(false);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: "" })).toBe(true);
    expect(shouldColor({ isTTY: false }, { FORCE_COLOR: "1" })).toBe(true);
    expect(shouldColor({ isTTY: false }, { FORCE_COLOR: "", NO_COLOR: "1" })).toBe(true);
    expect(shouldColor({ isTTY: true }, { FORCE_COLOR: "0" })).toBe(false);
  });
});

// ---------------------------------------------------------------- pretty

describe("pretty", () => {
  test("a header, one line per check with points, feedback under non-passing checks, the score", () => {
    const text = renderResult(result());
    const lines = text.split("\n");
    expect(lines[0]).toBe("login — Log in with a session  (solutions/login)");
    // Nothing under a passing check: the next line is the next check.
    expect(lines[1]).toMatch(/^ {2}✓ The page shows a count +2\/2$/);
    expect(lines[2]).toMatch(/^ {2}✗ The home page greets the logged-in user +0\/3$/);
    expect(lines[3]).toBe(`      ${failing.message}`);
    expect(text).toContain(`      Hint: ${failing.hint}`);
    expect(text).toMatch(/\n {2}– Logging out forgets the user +0\/2\n {6}Skipped: it needs "greets-user"/);
    expect(text).toContain("  Score: 7/10\n");
    expect(text).not.toMatch(ANSI);
  });

  test("advisory checks are warnings with no points", () => {
    const line = renderResult(result()).split("\n").find((l) => l.includes(advisory.title))!;
    expect(line).toMatch(/^ {2}⚠ The secret key comes from the environment +advisory$/);
    expect(line).not.toMatch(/\d\/\d/);
    expect(renderResult(result())).toContain(`      Hint: ${advisory.hint}`);
  });

  test("the Problem is shown once; checks say briefly that the app did not start", () => {
    const checks = [verdict({ status: "fail", points: 0, message: "a" }), verdict({ id: "b", title: "B", status: "skip", points: 0, message: "b" })];
    const text = renderResult(result({ problem: blanks, checks, score: 0, maxScore: 4 }));
    expect(text.split(blanks.message)).toHaveLength(2);
    expect(text).toMatch(/\n {2}✗ The page shows a count +0\/2 {2}Not run: the app did not start\.\n/);
    expect(text).toMatch(/\n {2}– B +0\/2 {2}Not run: the app did not start\.\n/);
    expect(text).toContain("  Your app could not start: it still has blanks to fill in.\n");
    expect(text).toContain("    app.py:9:5\n");
    expect(text.indexOf(blanks.message)).toBeLessThan(text.indexOf("✗"));
  });

  test("hidden checks show no details unless revealed", () => {
    const text = renderResult(result({ checks: [hidden] }));
    expect(text).toContain("Hidden check: failed.");
    expect(text).not.toContain(hidden.message);
    expect(text).not.toContain("POST");
    expect(text).not.toContain(hidden.hint!);
    expect(renderResult(result({ checks: [hidden] }), { reveal: true })).toContain(hidden.message);
  });

  test("notes, and a result that could not be graded", () => {
    expect(renderResult(result({ notes: ["app.run() is called at the top level."] }))).toContain("  Note: app.run() is called at the top level.\n");
    const text = renderResult(result({ status: "error", error: "Python was not found.", checks: [], score: 0 }));
    expect(text).toContain("  ! The grader could not grade login (not your fault): Python was not found. The score is not final: ask your teacher to grade it again.\n  Score: not graded\n");
    const partial = renderResult(result({ status: "error", error: 'The grader could not run "B".' }));
    expect(partial).toContain(passing.title);
    expect(partial).toContain("Score: 7/10 (incomplete)");
  });

  test("colours only when asked", () => {
    expect(renderResult(result(), { color: true })).toMatch(ANSI);
  });

  test("the reporter streams each result and totals several", () => {
    const out: string[] = [];
    const reporter = createPrettyReporter({ write: (t) => out.push(t) });
    reporter.onResult(result());
    expect(out).toHaveLength(1);
    reporter.onEnd(summarize([result()]));
    expect(out).toHaveLength(1);
    reporter.onResult(result({ exercise: "counter" }));
    reporter.onEnd(summarize([result(), result({ exercise: "counter" })]));
    expect(out.at(-1)).toBe("\nTotal: 14/20 over 2 submissions\n");
  });
});

// ---------------------------------------------------------------- json

describe("json", () => {
  const results = [result(), result({ exercise: "counter", problem: blanks, checks: [verdict({ status: "fail", points: 0 })], score: 0, maxScore: 2 }), result({ status: "error", error: "boom", checks: [], score: 0, maxScore: 0 })];

  function report(reveal = false): unknown {
    const out: string[] = [];
    const reporter = createJsonReporter({ write: (t) => out.push(t), reveal });
    results.forEach((r) => reporter.onResult(r));
    expect(out).toHaveLength(0);
    reporter.onEnd(summarize(results));
    expect(out).toHaveLength(1);
    return JSON.parse(out[0]!);
  }

  test("parses, with exactly the documented keys", () => {
    const json = report() as { score: number; maxScore: number; results: Record<string, unknown>[] };
    expect(Object.keys(json)).toEqual(["score", "maxScore", "results"]);
    expect(json.score).toBe(7);
    expect(json.maxScore).toBe(12);
    const required = ["exercise", "submission", "score", "maxScore", "status", "checks"];
    const optional = ["error", "problem", "notes"];
    for (const r of json.results) {
      expect(Object.keys(r).filter((k) => !optional.includes(k))).toEqual(required);
      for (const c of r.checks as Record<string, unknown>[]) {
        expect(Object.keys(c).filter((k) => k !== "hint")).toEqual(["id", "title", "status", "points", "maxPoints", "message"]);
      }
    }
    expect(json.results[2]).toMatchObject({ status: "error", error: "boom", checks: [] });
    expect(json.results[1]!.problem).toEqual(blanks);
  });

  test("message is the full feedback for failures, the rationale for passes", () => {
    const json = toJsonReport(summarize([result()]));
    const [pass, fail, skip] = json.results[0]!.checks;
    expect(pass!.message).toBe(passing.message);
    expect(fail!.message).toBe(checkFeedback(failing));
    expect(fail!.hint).toBe(failing.hint);
    expect(skip).toMatchObject({ status: "skip", message: skipped.message, points: 0, maxPoints: 2 });
  });

  test("hidden checks keep their details, hint included, unless revealed", () => {
    const concealed = toJsonReport(summarize([result({ checks: [hidden] })])).results[0]!.checks[0]!;
    expect(concealed).toEqual({ id: "tamper", title: hidden.title, status: "fail", points: 0, maxPoints: 3, message: "Hidden check: failed." });
    const revealed = toJsonReport(summarize([result({ checks: [hidden] })]), { reveal: true }).results[0]!.checks[0]!;
    expect(revealed.hint).toBe(hidden.hint);
    expect(revealed.message).toContain(hidden.message);
  });
});

// ---------------------------------------------------------------- jest outcome

describe("jest outcome", () => {
  test("passes pass, advisory failures warn, skips and failures fail with the CLI's text", () => {
    const r = result({ checks: [passing, failing, skipped, advisory] });
    expect(checkOutcome(r, passing.id)).toEqual({ kind: "pass" });
    expect(checkOutcome(r, failing.id)).toEqual({ kind: "fail", text: checkFeedback(failing) });
    expect(checkOutcome(r, skipped.id)).toEqual({ kind: "fail", text: skipped.message });
    expect(checkOutcome(r, advisory.id)).toEqual({ kind: "warn", text: `${checkFeedback(advisory)}\n(Advisory: a warning only, it costs no points.)` });
    expect(checkOutcome(r, "nope")).toEqual({
      kind: "fail",
      text: 'The grader could not grade this submission: it gave no verdict for check "nope" (a grader bug)',
    });
    // A result the grader gave up on still passes the checks that did pass.
    expect(checkOutcome(result({ status: "error", error: "boom", checks: [passing] }), passing.id)).toEqual({ kind: "pass" });
    expect(checkOutcome(result({ status: "error", error: "boom", checks: [] }), passing.id)).toEqual({
      kind: "fail",
      text: "The grader could not grade this submission: boom",
    });
    const withProblem = checkOutcome(result({ problem: blanks, checks: [verdict({ status: "fail" })] }), passing.id);
    expect(withProblem).toEqual({ kind: "fail", text: `Not run: the app did not start.\n\n${problemText(blanks)}` });
    // An advisory check that never ran is not shown as passed (jest/points tests: tests/jestReport.test.ts).
    expect(checkOutcome(result({ problem: blanks, checks: [{ ...advisory, message: "Not tested." }] }), advisory.id).kind).not.toBe("pass");
  });
});

// ---------------------------------------------------------------- targets and CLI

describe("targets and the command line", () => {
  let dir: string;
  let specs: string;
  const known = ["protected-page", "visit-counter"];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "autograde-cli-"));
    specs = join(dir, "specs");
    mkdirSync(specs);
    for (const id of known) writeFileSync(join(specs, `${id}.yaml`), `id: ${id}\n`);
    writeFileSync(join(specs, "schema.json"), "{}");
    for (const sub of ["visit-counter", "notes", "specs", ".git", "__pycache__"]) mkdirSync(join(dir, "work", sub), { recursive: true });
    // A folder with Python in it may be a misnamed submission: worth a note. One without (specs/) is not.
    writeFileSync(join(dir, "work", "notes", "app.py"), "");
    mkdirSync(join(dir, "visit-counter"));
    mkdirSync(join(dir, "my-attempt"));
    writeFileSync(join(dir, "file.txt"), "");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("an exercise folder by name or by --exercise; a folder of them, noting unknown subfolders only", () => {
    expect(findTargets(join(dir, "visit-counter/"), known)).toEqual({ targets: [{ exercise: "visit-counter", dir: join(dir, "visit-counter/") }], ignored: [] });
    expect(findTargets(join(dir, "my-attempt"), known, "protected-page").targets).toEqual([{ exercise: "protected-page", dir: join(dir, "my-attempt") }]);
    expect(findTargets(join(dir, "work"), known)).toEqual({
      targets: [{ exercise: "visit-counter", dir: join(dir, "work", "visit-counter") }],
      ignored: [join(dir, "work", "notes"), join(dir, "work", "specs")],
    });
    expect(() => findTargets(join(dir, "my-attempt"), known)).toThrow(/Choose it with --exercise, e\.g\. `npm run grade -- \S+my-attempt --exercise protected-page`.* Known exercises: protected-page, visit-counter\./);
    expect(() => bundledTargets(join(dir, "nowhere"), known)).toThrow(/no bundled solutions\/ or starter\//);
  });

  async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, {
      stdout: { write: (t: string) => (stdout += t), isTTY: false },
      stderr: { write: (t: string) => (stderr += t) },
      env: {},
    });
    return { code, stdout, stderr };
  }

  test("--help prints the usage and exits 0", async () => {
    const { code, stdout } = await cli("--help");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: autograde \[PATH\]/);
  });

  test.each([
    [["--bogus"], /^autograde: Unknown option --bogus\. Expected: autograde \[PATH\] \[--exercise ID\] .*\[--reveal\][^\n]*\. Known exercises: /],
    [["--format"], /Option '--format <value>' argument missing\. Expected: autograde \[PATH\]/],
    [["--format", "xml", "visit-counter"], /Unknown format "xml"\. Expected one of: pretty, json, classroom, gradescope, junit, junit-located, github, summary, trace\./],
    [["a", "b"], /Expected at most one folder, got 2: a b\./],
    [["{dir}/missing", "--specs", "{dir}/specs"], /No folder at \S+missing\. Expected an exercise folder or a folder of exercise folders\. Known exercises: protected-page, visit-counter\./],
    [["{dir}/file.txt", "--specs", "{dir}/specs"], /file\.txt is a file\./],
    [["{dir}/my-attempt", "--specs", "{dir}/specs", "--exercise", "nope"], /Unknown exercise "nope"\. Known exercises: protected-page, visit-counter\./],
    [["{dir}/my-attempt", "--specs", "{dir}/specs"], /my-attempt is not named after an exercise .* Known exercises: protected-page, visit-counter\./],
    [["{dir}/visit-counter", "--specs", "{dir}/no-specs"], /No specs folder at \S+no-specs\.\n/],
    // No --specs: the package's own specs, whatever exercises they hold.
    [["--exercise", "nope"], /Unknown exercise "nope"\. Known exercises: [a-z0-9-]+(, [a-z0-9-]+)*\./],
  ])("bad usage %j exits 2 and says what was expected", async (argv, message) => {
    const { code, stdout, stderr } = await cli(...argv.map((a) => a.replace("{dir}", dir)));
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr).toContain("Run `autograde --help` for usage.");
  });

  // Needs the spec loader (graders/spec/load.ts), not Python: specs are loaded before any app starts.
  test("an invalid spec exits 2 with the loader's file:line:column message, after noting ignored folders", async () => {
    writeFileSync(join(specs, "visit-counter.yaml"), "id: visit-counter\ntitle: Visits\nchecks:\n  - id: a\n    title: A\n    stepz: []\n");
    const { code, stdout, stderr } = await cli(join(dir, "work"), "--specs", join(dir, "specs"), "--format", "json");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/note: ignoring \S*work[\\/]notes: no exercise is named "notes"\./);
    expect(stderr).not.toContain(".git");
    expect(stderr).not.toMatch(/ignoring \S*specs/);
    expect(stderr).toMatch(/invalid spec: .*visit-counter\.yaml:\d+:\d+: /);
  });

  test("the bin starts with a shebang", () => {
    expect(readFileSync(new URL("../scripts/grade.ts", import.meta.url), "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
  });
});
