/**
 * grade(): the whole pipeline on small inline specs and temporary apps. Skips, advisory checks,
 * a hanging or dying app (only its own check fails; the app is restarted for the next), a
 * restart step that keeps the browsers' cookies, blanks, and a grader without Python.
 */
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "@jest/globals";
import { findPython } from "../graders/boot/python.js";
import { grade } from "../graders/grade.js";
import type { Spec } from "../graders/spec/types.js";
import type { Result, Verdict } from "../graders/verdict/types.js";
import { dedent } from "./support/tempApps.js";
import { watchedApps } from "./support/warmApps.js";

const { app } = watchedApps();

function byId(result: Result): Record<string, Verdict> {
  return Object.fromEntries(result.checks.map((c) => [c.id, c]));
}

describe("one app, many checks", () => {
  const SOURCE = `
    import os, threading, time
    from flask import Flask, session

    app = Flask(__name__)
    app.secret_key = "fixed key for tests"
    lock = threading.Lock()

    @app.get("/")
    def index():
        with lock:
            return "home"

    @app.get("/stuck")
    def stuck():
        lock.acquire()  # "/" waits for it too: only a restart frees the app
        time.sleep(60)
        return "never"

    @app.get("/exit")
    def leave():
        os._exit(1)

    @app.get("/visits")
    def visits():
        session["visits"] += 1  # VISITS
        return str(session["visits"])
  `;
  const ok = { request: "GET /", expect: { status: 200, text: { contains: "home" } } };
  const spec: Spec = {
    id: "grade-test",
    title: "Grade test",
    limits: { requestSeconds: 1 },
    checks: [
      { id: "home", title: "Home page answers", points: 2, steps: [ok] },
      { id: "wrong", title: "Expects a status the app never gives", steps: [{ request: "GET /", expect: { status: 201 } }] },
      { id: "needs-wrong", title: "Builds on the failed check", needs: ["wrong"], steps: [ok] },
      { id: "needs-home", title: "Builds on the passed check", needs: ["home"], steps: [ok] },
      { id: "advice", title: "Advisory that passes", advisory: true, points: 5, steps: [ok] },
      { id: "advice-fails", title: "Advisory that fails", advisory: true, steps: [{ request: "GET /", expect: { status: 404 } }] },
      { id: "counter", title: "Counter", steps: [{ request: "GET /visits", expect: { status: 200 } }] },
      { id: "hang", title: "A page that hangs", steps: [{ request: "GET /stuck", expect: { status: 200 } }] },
      { id: "after-hang", title: "Home page after the hang", steps: [ok] },
      { id: "exit", title: "A page that kills the app", steps: [{ request: "GET /exit", expect: { status: 200 } }] },
      { id: "after-exit", title: "Home page after the exit", steps: [ok] },
    ],
  };
  let result: Result;
  let checks: Record<string, Verdict>;

  beforeAll(async () => {
    result = await grade(spec, app(SOURCE));
    checks = byId(result);
  });

  test("every check gets a verdict, in order, and the result is graded", () => {
    expect(result.status).toBe("graded");
    expect(result.problem).toBeUndefined();
    expect(result.checks.map((c) => c.id)).toEqual(spec.checks.map((c) => c.id));
    expect(checks.home).toMatchObject({ status: "pass", points: 2, maxPoints: 2 });
    expect(checks.wrong).toMatchObject({ status: "fail", points: 0 });
    expect(checks.wrong.message).toBe("Step 1 of 1 (GET /): expected status 201, got status 200 (OK).");
  });

  test("a check whose needs failed is skipped with 0 points; one whose needs passed runs", () => {
    expect(checks["needs-wrong"]).toMatchObject({ status: "skip", points: 0, maxPoints: 1, exchanges: [] });
    expect(checks["needs-wrong"].message).toContain('"Expects a status the app never gives"');
    expect(checks["needs-home"]).toMatchObject({ status: "pass", points: 1 });
  });

  test("an advisory check never adds points, pass or fail", () => {
    expect(checks.advice).toMatchObject({ status: "pass", points: 0, maxPoints: 0, advisory: true });
    expect(checks["advice-fails"]).toMatchObject({ status: "fail", points: 0, maxPoints: 0, advisory: true });
    // home 2 + needs-home + after-hang + after-exit; of home 2 + eight other checks worth 1 each.
    expect(result.score).toBe(5);
    expect(result.maxScore).toBe(10);
  });

  test("a 500 carries the exception, its location and a hint", () => {
    expect(checks.counter.status).toBe("fail");
    expect(checks.counter.message).toContain("The app raised KeyError: 'visits'");
    expect(checks.counter.location).toEqual({ file: "app.py", line: dedent(SOURCE).split("\n").findIndex((l) => l.includes("# VISITS")) + 1 });
    expect(checks.counter.hint).toContain(".get('visits')");
    expect(checks.counter.exchanges[0].exception?.type).toBe("KeyError");
  });

  test("a hanging view fails only its own check, naming the time limit; the next check passes on a fresh app", () => {
    expect(checks.hang.status).toBe("fail");
    expect(checks.hang.message).toContain("got no answer within 1 s (the request time limit)");
    expect(checks.hang.exchanges[0].failure).toBeDefined();
    expect(checks["after-hang"].status).toBe("pass");
  });

  test("a view that ends the process fails its check; the next check passes after a restart", () => {
    expect(checks.exit.status).toBe("fail");
    expect(checks.exit.message).toContain("GET /exit got no answer: the app stopped");
    expect(checks["after-exit"].status).toBe("pass");
  });
});

describe("a restart step", () => {
  const source = (key: string) => `
    import os
    from flask import Flask, request, session

    app = Flask(__name__)
    app.secret_key = ${key}

    @app.post("/login")
    def login():
        session["user"] = request.form["user"]
        return "welcome"

    @app.get("/whoami")
    def whoami():
        return "user=" + session.get("user", "nobody")

    BOOT = int.from_bytes(os.urandom(4), "big")  # new on every start (an isolated app's pid is always 1)

    @app.get("/pid")
    def pid():
        return f"process {BOOT}"
  `;
  const spec: Spec = {
    id: "restart-test",
    title: "Restart test",
    checks: [
      {
        id: "survives",
        title: "Logged in across a restart",
        steps: [
          { request: { method: "POST", path: "/login", form: { user: "alice" } }, expect: { status: 200 } },
          { request: "GET /whoami", expect: { text: { contains: "user=alice" } } },
          { request: "GET /pid", capture: { before: { number: true } } },
          { restart: true },
          { request: "GET /pid", capture: { after: { number: true } }, expect: { captured: [{ name: "after", notEquals: { capture: "before" } }] } },
          { request: "GET /whoami", expect: { text: { contains: "user=alice" } } },
        ],
      },
    ],
  };

  test("keeps the browsers' cookies: with a fixed secret key the session survives", async () => {
    const result = await grade(spec, app(source('"a fixed secret key"')));
    expect(result.checks[0].message).toBe("Logged in across a restart");
    expect(result.checks[0].status).toBe("pass");
  });

  test("with a key from os.urandom() the cookie is still sent, but the session is lost", async () => {
    const result = await grade(spec, app(source("os.urandom(16)")));
    const check = result.checks[0];
    expect(check.status).toBe("fail");
    expect(check.message).toBe('Step 6 of 6 (GET /whoami): expected the page to show "user=alice".');
    expect(check.exchanges.at(-1)?.request.cookies).toEqual(["session"]);
    expect(check.exchanges.at(-1)?.response?.text).toBe("user=nobody");
  });
});

describe("submissions that cannot be run", () => {
  const spec: Spec = {
    id: "unrunnable",
    title: "Unrunnable",
    checks: [
      { id: "a", title: "A", steps: [{ request: "GET /" }] },
      { id: "b", title: "B", points: 3, steps: [{ request: "GET /" }] },
    ],
  };

  test("blanks: every check fails, problem.kind is blanks, score 0", async () => {
    const result = await grade(spec, app('from flask import Flask\napp = Flask(__name__)\napp.secret_key = ___\n'));
    expect(result.status).toBe("graded");
    expect(result.problem?.kind).toBe("blanks");
    expect(result.problem?.locations).toEqual([{ file: "app.py", line: 3, column: 18 }]);
    expect(result.checks.map((c) => [c.id, c.status, c.points])).toEqual([
      ["a", "fail", 0],
      ["b", "fail", 0],
    ]);
    expect(result.score).toBe(0);
    expect(result.maxScore).toBe(4);
  });

  test("an app that does not start: every check fails with the problem", async () => {
    const result = await grade(spec, app("from flask import Flask\napp = Flask(__name__\n"));
    expect(result.status).toBe("graded");
    expect(result.problem?.kind).toBe("syntax");
    expect(result.checks.every((c) => c.status === "fail" && c.message === "Not tested: the app did not start.")).toBe(true);
    expect(result.score).toBe(0);
  });

  test("a Python without Flask: the result is an error naming Flask, not a problem of the student's", async () => {
    // The real interpreter with -S: no site-packages, so no Flask (nor through a PYTHONPATH of the user's).
    const bin = app({ "python": `#!/bin/sh\nunset PYTHONPATH\nexec ${findPython()} -S "$@"\n` });
    chmodSync(join(bin, "python"), 0o755);
    const result = await grade(spec, app("from flask import Flask\napp = Flask(__name__)\n"), { python: join(bin, "python") });
    expect(result.problem).toBeUndefined();
    expect(result.status).toBe("error");
    expect(result.error).toMatch(/Flask is not installed/);
  });

  test("no Python: the result is an error with a message, never a throw", async () => {
    const result = await grade(spec, app("from flask import Flask\napp = Flask(__name__)\n"), { python: "/nonexistent/python3" });
    expect(result.status).toBe("error");
    expect(result.error).toContain("/nonexistent/python3");
    expect(result.problem).toBeUndefined(); // not the student's fault
    expect(result.score).toBe(0);
    expect(result.maxScore).toBe(4);
  });
});
