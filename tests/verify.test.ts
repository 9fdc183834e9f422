/**
 * `npm run verify` (graders/verify/): the mutation operators of mutate.py, one case each on a tiny
 * app; the mutants' determinism; what the analysis makes of grades; and one end-to-end run on the
 * bundled visit-counter spec (a few operators, to stay quick) through the command's main().
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "@jest/globals";
import { findPython } from "../graders/boot/python.js";
import { VERIFY_FOLDER } from "../graders/boot/tempFolders.js";
import { packageFile } from "../graders/paths.js";
import type { Spec } from "../graders/spec/types.js";
import type { Result, Verdict } from "../graders/verdict/types.js";
import { analyse, type VerifyReport } from "../graders/verify/analyse.js";
import { readMarks } from "../graders/verify/marks.js";
import { makeMutants, type Mutant, type Mutants } from "../graders/verify/mutants.js";
import { renderVerify } from "../graders/verify/report.js";
import { main } from "../scripts/verify/main.js";
import { removeTempApps, tempApp } from "./support/tempApps.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const python = findPython();

afterAll(() => removeTempApps());

/** One app where every operator of mutate.py finds something to change. */
const TINY = `
  from functools import wraps

  from flask import Flask, abort, make_response, redirect, request, session, url_for

  app = Flask(__name__)
  app.secret_key = "a fixed key of thirty-two chars!"


  def login_required(view):
      @wraps(view)
      def wrapped():
          if "user" not in session:
              return redirect(url_for("login"))
          return view()
      return wrapped


  @app.route("/")
  def index():
      visits = session.get("visits", 0) + 1
      session["visits"] = visits
      return f"Visits: {visits}"


  @app.route("/login", methods=["GET", "POST"])
  def login():
      session["user"] = request.form["username"]
      return redirect(url_for("index"))


  @app.route("/private")
  @login_required
  def private():
      if session.get("user") == "mallory":
          abort(403)
      return "secret", 200


  @app.route("/logout")
  def logout():
      session.pop("user", None)
      session.clear()
      return redirect(url_for("index"))


  @app.route("/theme")
  def theme():
      response = make_response(request.cookies.get("theme", "light"))
      response.set_cookie("theme", "dark", max_age=3600)
      return response
`;

const appSpec = { id: "tiny", title: "Tiny", checks: [] } as Spec;

/** The lines a diff takes out and puts in, without the +/- and the file headers. */
function changes(diff: string): { removed: string[]; added: string[] } {
  const lines = diff.split("\n").filter((l) => !l.startsWith("---") && !l.startsWith("+++"));
  return {
    removed: lines.filter((l) => l.startsWith("-")).map((l) => l.slice(1).trim()),
    added: lines.filter((l) => l.startsWith("+")).map((l) => l.slice(1).trim()).filter(Boolean),
  };
}

/** Per operator: a mutant it makes of TINY, the lines that mutant takes out, and those it puts in. */
const CASES: [operator: string, id: string, removed: string[], added: string[]][] = [
  ["secret-key-removed", "secret-key-removed/module", ['app.secret_key = "a fixed key of thirty-two chars!"'], []],
  ["secret-key-under-main", "secret-key-under-main/module", ['app.secret_key = "a fixed key of thirty-two chars!"'], ["if __name__ == '__main__':", "app.secret_key = 'a fixed key of thirty-two chars!'"]],
  ["secret-key-random", "secret-key-random/module", ['app.secret_key = "a fixed key of thirty-two chars!"'], ["import os", "app.secret_key = os.urandom(16)"]],
  ["secret-key-guessable", "secret-key-guessable/module", ['app.secret_key = "a fixed key of thirty-two chars!"'], ["app.secret_key = 'dev'"]],
  ["get-to-index", "get-to-index/index:visits", ['visits = session.get("visits", 0) + 1'], ["visits = session['visits'] + 1"]],
  ["default-plus-one", "default-plus-one/index:visits", ['visits = session.get("visits", 0) + 1'], ["visits = session.get('visits', 1) + 1"]],
  ["default-minus-one", "default-minus-one/index:visits", ['visits = session.get("visits", 0) + 1'], ["visits = session.get('visits', -1) + 1"]],
  ["default-changed", "default-changed/theme:theme", ['response = make_response(request.cookies.get("theme", "light"))'], ["response = make_response(request.cookies.get('theme', 'default'))"]],
  ["default-removed", "default-removed/index:visits", ['visits = session.get("visits", 0) + 1'], ["visits = session.get('visits') + 1"]],
  ["session-write-removed", "session-write-removed/index:visits", ['session["visits"] = visits'], []],
  ["set-cookie-removed", "set-cookie-removed/theme:theme", ['response.set_cookie("theme", "dark", max_age=3600)'], []],
  ["session-global-dict", "session-global-dict/module", ['session["visits"] = visits', 'session.pop("user", None)'], ["shared_data = {}", "shared_data['visits'] = visits", "shared_data.pop('user', None)"]],
  ["session-plain-cookie", "session-plain-cookie/module", ['session["visits"] = visits'], ["visits = int(request.cookies.get('visits', 0)) + 1", "response.set_cookie(name, str(value))", "return with_cookies(f'Visits: {visits}', cookie_changes)"]],
  ["key-renamed", "key-renamed/index:visits(write)", ['session["visits"] = visits'], ["session['visit'] = visits"]],
  ["guard-removed", "guard-removed/login_required", ['if "user" not in session:', 'return redirect(url_for("login"))'], []],
  ["guard-inverted", "guard-inverted/login_required", ['if "user" not in session:'], ["if 'user' in session:"]],
  ["login-required-removed", "login-required-removed/private", ["@login_required"], []],
  ["pop-removed", "pop-removed/logout", ['session.pop("user", None)'], []],
  ["clear-not-called", "clear-not-called/logout", ["session.clear()"], ["session.clear"]],
  ["pops-wrong-key", "pops-wrong-key/logout:user", ['session.pop("user", None)'], ["session.pop('visits', None)"]],
  ["redirect-to-page", "redirect-to-page/login:index", ['return redirect(url_for("index"))'], ["return index()"]],
  ["status-changed", "status-changed/private:403-200", ["abort(403)"], ["abort(200)"]],
  ["route-path-changed", "route-path-changed/private:/private", ['@app.route("/private")'], ["@app.route('/Private')"]],
  ["methods-changed", "methods-changed/login:/login", ['@app.route("/login", methods=["GET", "POST"])'], ["@app.route('/login')"]],
  ["max-age-removed", "max-age-removed/theme:theme", ['response.set_cookie("theme", "dark", max_age=3600)'], ["response.set_cookie('theme', 'dark')"]],
  ["cookie-not-returned", "cookie-not-returned/theme:theme", ['response.set_cookie("theme", "dark", max_age=3600)'], ["make_response().set_cookie('theme', 'dark', max_age=3600)"]],
];

describe("mutation operators (mutate.py), each on a tiny app", () => {
  let made: Mutants;
  const byId = (id: string): Mutant => {
    const found = made.mutants.find((m) => m.id === id);
    if (!found) throw new Error(`no mutant ${id}; made: ${made.mutants.map((m) => m.id).join(", ")}`);
    return found;
  };

  test("every operator of mutate.py has a case here, and says its mistake in a sentence", async () => {
    made = await makeMutants(python, appSpec, tempApp(TINY));
    const listed = JSON.parse(execFileSync(python, [packageFile("graders/verify/mutate.py"), "--list"], { encoding: "utf8" })) as { name: string; says: string }[];
    const covered = new Set([...CASES.map((c) => c[0]), "answer-changed"]);
    expect(listed.map((op) => op.name).filter((name) => !covered.has(name))).toEqual([]);
    // Each says its mistake as a student would, in one sentence.
    for (const op of listed) expect(op.says).toMatch(/^(I|My) .+\.$/);
  });

  test.each(CASES)("%s changes what it says it changes", (operator, id, removed, added) => {
    const mutant = byId(id);
    expect(mutant.operator).toBe(operator);
    const { removed: out, added: into } = changes(mutant.diff);
    for (const line of removed) expect(out).toContain(line);
    for (const line of added) expect(into).toContain(line);
    // The rest of the file is the solution's own text: a small change shows as a small diff.
    if (!["session-global-dict", "session-plain-cookie"].includes(operator)) expect(out.length + into.length).toBeLessThanOrEqual(5);
  });

  test("mutants are unique, and each still parses as Python", () => {
    expect(new Set(made.mutants.map((m) => m.source)).size).toBe(made.mutants.length);
    expect(new Set(made.mutants.map((m) => m.id)).size).toBe(made.mutants.length);
    const sources = JSON.stringify(made.mutants.map((m) => m.source));
    const check = "import ast, json, sys\nfor s in json.load(sys.stdin): ast.parse(s)\nprint('ok')";
    expect(execFileSync(python, ["-c", check], { input: sources, encoding: "utf8" }).trim()).toBe("ok");
  });

  test("a mutant knows the routes of the view it changed (none: the whole module)", () => {
    expect(byId("pop-removed/logout").routes).toEqual([{ rule: "/logout", methods: ["GET"] }]);
    expect(byId("methods-changed/login:/login").routes).toEqual([{ rule: "/login", methods: ["GET", "POST"] }]);
    expect(byId("secret-key-removed/module").routes).toBeNull();
  });

  test("answer-changed: each quiz answer becomes each other option, by its letter", async () => {
    const quiz = { id: "q", title: "Q", kind: "quiz", checks: [], questions: [
      { id: "q1", text: "?", options: ["x", "y", "z"], answer: "y", explanation: "." },
      { id: "q2", text: "?", options: ["yes", "no"], answer: "no", explanation: "." },
    ] } as Spec;
    const dir = tempApp({ "answers.yaml": "# answers\nq1: b   # y\nq2: No\n" });
    const quizMade = await makeMutants(python, quiz, dir);
    expect(quizMade.file).toBe("answers.yaml");
    expect(quizMade.mutants.map((m) => m.id)).toEqual(["answer-changed/q1:a", "answer-changed/q1:c", "answer-changed/q2:a"]);
    expect(quizMade.mutants[1]!.source).toBe("# answers\nq1: c   # y\nq2: No\n");
    expect(changes(quizMade.mutants[2]!.diff)).toEqual({ removed: ["q2: No"], added: ["q2: a"] });
  });

  test("same solution, same mutants, byte for byte", async () => {
    const dir = tempApp(TINY);
    const run = () => execFileSync(python, [packageFile("graders/verify/mutate.py"), dir], { encoding: "utf8" });
    expect(run()).toBe(run());
  });
});

// ---------------------------------------------------------------------------------------------

function verdict(id: string, status: Verdict["status"], points: number, advisory = false): Verdict {
  return { id, title: id, status, points: status === "pass" ? points : 0, maxPoints: points, advisory, visibility: "visible", message: "", exchanges: [], durationMs: 0 };
}

function result(checks: Verdict[], extra: Partial<Result> = {}): Result {
  const score = checks.reduce((s, v) => s + v.points, 0);
  const maxScore = checks.reduce((s, v) => s + v.maxPoints, 0);
  return { exercise: "t", title: "T", submission: "x", score, maxScore, status: "graded", notes: [], checks, durationMs: 0, ...extra };
}

function mutant(id: string, routes: Mutant["routes"] = null): Mutant {
  return { id, operator: id.split("/")[0]!, says: "I made a mistake.", where: "view", routes, source: "", diff: "--- a\n+++ b\n-x\n+y\n" };
}

describe("analyse: what the grades of the mutants say about a spec", () => {
  const spec = {
    id: "t",
    title: "T",
    checks: [
      { id: "home", title: "home", points: 2, steps: [{ request: "GET /" }] },
      { id: "login", title: "login", points: 1, steps: [{ request: { method: "POST", path: "/login" } }] },
      { id: "later", title: "later", points: 1, needs: ["home"], steps: [{ request: "GET /" }] },
      { id: "warn", title: "warn", advisory: true, steps: [{ request: "GET /other/5" }] },
    ],
  } as unknown as Spec;
  const all = (s: Verdict["status"][]): Verdict[] => [verdict("home", s[0]!, 2), verdict("login", s[1]!, 1), verdict("later", s[2]!, 1), verdict("warn", s[3]!, 0, true)];
  const dir = mkdtempSync(join(tmpdir(), "verify-marks-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("caught, warned, survived, does not start, equivalent; double penalties; marks", () => {
    const marksPath = join(dir, "t.mutants.yml");
    writeFileSync(marksPath, "equivalent:\n  same/view: no request can tell\n  gone/view: an old id\ndouble-penalty:\n  twice-explained/view: both checks rightly fail\n");
    const graded = [
      { mutant: mutant("one/view"), result: result(all(["fail", "pass", "skip", "pass"])) },
      { mutant: mutant("twice/view"), result: result(all(["pass", "fail", "fail", "pass"])) },
      { mutant: mutant("twice-explained/view"), result: result(all(["pass", "fail", "fail", "pass"])) },
      { mutant: mutant("warned/view"), result: result(all(["pass", "pass", "pass", "fail"])) },
      { mutant: mutant("survivor/view", [{ rule: "/login", methods: ["GET", "POST"] }]), result: result(all(["pass", "pass", "pass", "pass"])) },
      { mutant: mutant("same/view"), result: result(all(["pass", "pass", "pass", "pass"])) },
      { mutant: mutant("broken/view"), result: result(all(["fail", "fail", "fail", "fail"]), { problem: { kind: "syntax", message: "SyntaxError", locations: [] } }) },
    ];
    const report = analyse({ spec, specFile: "specs/t.yaml", solution: "solutions/t", reference: result(all(["pass", "pass", "pass", "pass"])), file: "app.py", graded, marks: readMarks(marksPath) });
    const status = Object.fromEntries(report.mutants.map((m) => [m.id, m.status]));
    expect(status).toEqual({
      "one/view": "caught",
      "twice/view": "caught",
      "twice-explained/view": "caught",
      "warned/view": "warned",
      "survivor/view": "survived",
      "same/view": "equivalent",
      "broken/view": "does-not-start",
    });
    expect(report.score).toEqual({ detected: 4, counted: 5, percent: 80 });
    // A skipped check is not a second penalty; two failed checks with points are.
    expect(report.mutants.find((m) => m.id === "one/view")!.doublePenalty).toBeUndefined();
    expect(report.mutants.find((m) => m.id === "twice/view")!.doublePenalty).toEqual({ checks: [{ id: "login", title: "login" }, { id: "later", title: "later" }], explained: undefined });
    expect(report.mutants.find((m) => m.id === "twice-explained/view")!.doublePenalty!.explained).toBe("both checks rightly fail");
    expect(report.unexplainedDoublePenalties).toBe(1);
    // Only the check that sends a request to the survivor's route should have caught it.
    expect(report.mutants.find((m) => m.id === "survivor/view")!.shouldCatch).toEqual([{ id: "login", title: "login" }]);
    expect(report.staleMarks).toEqual(["gone/view"]);
    expect(report.checks.find((c) => c.id === "warn")!.catches).toEqual(["warned/view"]);
    expect(report.ok).toBe(false);
    const text = renderVerify(report);
    expect(text).toContain("your spec gives full marks to this broken app");
    expect(text).toContain("gone/view names no mutant");
  });

  test("a marks file with an unknown section is refused with its name", () => {
    const path = join(dir, "bad.mutants.yml");
    writeFileSync(path, "equivalents:\n  a: b\n");
    expect(() => readMarks(path)).toThrow(/unknown section "equivalents"/);
  });
});

// ---------------------------------------------------------------------------------------------

describe("npm run verify, end to end on the bundled visit-counter spec", () => {
  const ONLY = "secret-key-removed,secret-key-guessable,default-plus-one,session-global-dict,session-plain-cookie,route-path-changed";

  async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await main(args, { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, env: {} });
    return { code, out, err };
  }

  /**
   * The mutants' folders this process made that still exist. They are made in the real temporary
   * folder (node:os reads the real environment, not the copy a test could change), where other
   * test files make theirs at the same time: each names its maker (ownedFolders.ts).
   */
  function mutantFoldersLeft(): string[] {
    return readdirSync(tmpdir())
      .filter((name) => VERIFY_FOLDER.pattern.test(name))
      .filter((name) => {
        try {
          return readFileSync(join(tmpdir(), name, "owner"), "utf8").split(" ")[0] === String(process.pid);
        } catch {
          return false; // gone meanwhile, or not marked yet: another run's
        }
      });
  }

  test("grades the solution and the mutants, reports them, removes the mutants' folders, and says the same twice", async () => {
    const first = await run(["visit-counter", "--only", ONLY, "--format", "json", "--jobs", "2"]);
    const second = await run(["visit-counter", "--only", ONLY, "--format", "json", "--jobs", "1"]);
    expect(first.err).toBe("");
    expect(second.out).toBe(first.out);
    const report = JSON.parse(first.out) as VerifyReport;
    expect(report.spec).toBe("specs/visit-counter.yaml");
    expect(report.mutants.map((m) => m.id)).toEqual([
      "secret-key-removed/module",
      "secret-key-guessable/module",
      "default-plus-one/index:visits",
      "session-global-dict/module",
      "session-plain-cookie/module",
      "route-path-changed/index:/",
    ]);
    const byId = Object.fromEntries(report.mutants.map((m) => [m.id, m]));
    // Without a key the page crashes: caught by the first check, the rest skipped.
    expect(byId["secret-key-removed/module"]!.status).toBe("caught");
    expect(byId["secret-key-removed/module"]!.failed.map((f) => f.id)).toEqual(["page-answers"]);
    expect(byId["route-path-changed/index:/"]!.status).toBe("caught");
    expect(byId["default-plus-one/index:visits"]!.failed.map((f) => f.id)).toContain("first-visit");
    // The rewritten mutants behave as they say: plain cookies still count up (only the session
    // check tells them apart), and a dict shared by every browser mixes two browsers' counts.
    expect(byId["session-plain-cookie/module"]!.failed.map((f) => f.id)).toEqual(["in-session"]);
    expect(byId["session-global-dict/module"]!.failed.map((f) => f.id)).toContain("browsers-independent");
    expect(report.checks[0]!.id).toBe("page-answers");
    expect(report.checks[0]!.catches).toContain("secret-key-removed/module");
    expect(first.code).toBe(report.ok ? 0 : 1);
    expect(mutantFoldersLeft()).toEqual([]);
  }, 120_000);

  test("a solution without full marks stops verify with a message that says so", async () => {
    const { code, err, out } = await run(["visit-counter", "--solution", join(ROOT, "starter", "visit-counter")]);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toMatch(/^verify: The solution .*starter\/visit-counter scores 0\/10 with this spec .*full marks/);
  }, 60_000);

  test("usage errors: no target, an unknown exercise, a bad format", async () => {
    expect((await run([])).code).toBe(2);
    const unknown = await run(["no-such-exercise"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown exercise "no-such-exercise"');
    expect((await run(["visit-counter", "--format", "xml"])).err).toContain('unknown format "xml"');
  });
});
