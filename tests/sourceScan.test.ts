/**
 * The runner's reading of the source (graders/boot/sourceScan.py, with Python's `ast` and
 * `tokenize`) and of what the student's lines wrote (graders/boot/stateWrites.py): the scan on
 * texts, then real apps booted cold and warm. Each hint is proven on a fixture that gets it and
 * one that must not.
 */
import { afterAll, describe, expect, test } from "@jest/globals";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { warmLauncher } from "../graders/boot/warm.js";
import { appPathRewriter } from "../graders/boot/appPaths.js";
import { launch } from "../graders/boot/launch.js";
import { findPython } from "../graders/boot/python.js";
import { runBatch } from "../graders/batch/run.js";
import { grade, type GradeOptions } from "../graders/grade.js";
import { packageFile } from "../graders/paths.js";
import { loadSpec } from "../graders/spec/load.js";
import type { Result, Verdict } from "../graders/verdict/types.js";
import { rawScans, scanOf } from "./support/sourceScan.js";
import { removeTempApps, tempApp } from "./support/tempApps.js";

const warm = warmLauncher();
afterAll(async () => {
  await warm.close();
  removeTempApps();
});

const blanksOf = (files: string | Record<string, string>) => (rawScans([tempApp(files)])[0]!.blanks ?? []) as unknown[];
const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/${path}`, import.meta.url));
const specOf = (exercise: string) => loadSpec(packageFile(`specs/${exercise}.yaml`));
const failed = (result: Result): Verdict[] => result.checks.filter((c) => c.status === "fail");
async function graded(exercise: string, dir: string, options: GradeOptions = {}): Promise<Result> {
  return grade(await specOf(exercise), dir, options);
}

describe("blanks are names of code, read token by token", () => {
  test("every blank with its line and column", () => {
    expect(blanksOf('from flask import Flask\napp = ___(__name__)\nsession["user"] = ___  # then ___\nx = f(____, 1)\n')).toEqual([
      { file: "app.py", line: 2, column: 7 },
      { file: "app.py", line: 3, column: 19 },
      { file: "app.py", line: 4, column: 7 },
    ]);
  });

  test("not in comments, strings of any kind, nor part of a longer name", () => {
    const text = [
      "# fill in ___",
      'a = "___"  # a string that is exactly a blank is a value, not a blank',
      "b = '___' + r'\\'___' + b\"___\" + f'{x} ___'",
      'c = """',
      "Name: ________",
      '"""',
      'd = "#" + ___',
      "class A:",
      "    def __init__(self): self.__x___y = my___var = __name__",
    ].join("\n");
    expect(blanksOf(text)).toEqual([{ file: "app.py", line: 7, column: 11 }]);
  });

  test("a file Python cannot parse still shows its blanks; other files and folders too, templates and text never", () => {
    const files = {
      "app.py": "from flask import Flask\napp = Flask(___)\nif True\n",
      "helpers/keys.py": "KEY = ___\n",
      "templates/index.html": "<h1>{{ ___ }}</h1>\n",
      "notes.txt": "Name: ________\n",
    };
    expect(blanksOf(files)).toEqual([
      { file: "app.py", line: 2, column: 13 },
      { file: "helpers/keys.py", line: 1, column: 7 },
    ]);
  });

  test("a link is never followed out of the submission", () => {
    const outside = tempApp({ "secret.py": "x = ___\n" });
    const dir = tempApp("from flask import Flask\napp = Flask(__name__)\n");
    symlinkSync(join(outside, "secret.py"), join(dir, "linked.py"));
    expect(rawScans([dir])[0]!.blanks).toBeUndefined();
  });

  test("a pathological file is read to its end (runs of quotes, a long name, an unclosed string)", () => {
    const text = `${"'".repeat(99_998)}\n${"_".repeat(100_000)}\n${'"""'.repeat(30_001)}`;
    expect(blanksOf(text)).toEqual([{ file: "app.py", line: 2, column: 1 }]);
  });

  test("every starter has blanks; grading one stops before any check, the booted runner saying where", async () => {
    const starters = ["visit-counter", "login-logout", "protected-page", "theme-cookie"].map((e) => packageFile(`starter/${e}`));
    for (const scan of rawScans(starters)) expect((scan.blanks as unknown[]).length).toBeGreaterThan(0);
    const result = await graded("visit-counter", packageFile("starter/visit-counter"));
    expect(result.problem?.kind).toBe("blanks");
    expect(result.problem?.message).toMatch(/^Your app still has \d+ blanks \(___\) to fill in: app\.py line \d+/);
    expect(result.problem?.locations[0]).toMatchObject({ file: "app.py", column: expect.any(Number) });
  });

  test("a finished app with a notes.txt saying \"Name: ________\" gets full marks", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scan-notes-"));
    cpSync(packageFile("solutions/visit-counter"), dir, { recursive: true });
    writeFileSync(join(dir, "notes.txt"), "Name: ________\nStudent number: ______\n");
    try {
      const result = await graded("visit-counter", dir);
      expect([result.status, result.score]).toEqual(["graded", result.maxScore]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("facts hints quote, read with the parser", () => {
  test("set_cookie calls over several lines, removals, has_key with the student's own words, imports as written", () => {
    const scan = scanOf('from flask import (Flask,\n    request)\nr.set_cookie(\n    "n", 5)\nif request.args.has_key("user"):\n    del session["cart"]\nsession.pop("x")\nsession.clear\n');
    expect(scan.setCookieLines).toEqual([3, 4]);
    expect(scan.removeLines).toEqual([6, 7]);
    expect(scan.hasKey).toEqual([{ line: 5, object: "request.args", key: '"user"' }]);
    expect(scan.imports).toEqual({ flask: "Flask, request" });
    expect(scan.uncalled).toEqual([{ line: 8, text: "session.clear" }]);
  });

  test("a method that is called, or a string that mentions one, is not uncalled", () => {
    const scan = scanOf('session.clear()\nx = session.clear\n"session.clear"\n# session.clear\n');
    expect(scan.uncalled).toEqual([]);
  });
});

describe("the scan comes from the booted runner, before the student's code", () => {
  test("the secret key's finding reaches the hint, cold and warm", async () => {
    for (const options of [{}, { launcher: warm.launch }]) {
      const result = await graded("visit-counter", fixture("visit-counter/key-misspelt-secrect"), options);
      expect(failed(result)[0]?.hint).toMatch(/app\.py line \d+ sets .*SECRECT_KEY.*, but Flask never reads that/);
    }
    expect(warm.stats.warm).toBeGreaterThan(0);
  });

  test("a scan the student's code forges on the channel is not believed", async () => {
    // Like tests/hostile/forged-notes: find the channel among the open descriptors and write on it.
    const dir = tempApp(`
      import json, os, stat
      from flask import Flask, session
      app = Flask(__name__)
      app.config["SECRECT_KEY"] = "x"
      FORGED = {"event": "scan", "file": "app.py", "key": {"way": "never-set"}, "setCookieLines": [], "removeLines": [], "hasKey": [], "uncalled": [], "imports": {}}
      for fd in range(3, 64):
          try:
              if stat.S_ISFIFO(os.fstat(fd).st_mode) or stat.S_ISSOCK(os.fstat(fd).st_mode):
                  os.write(fd, (json.dumps(FORGED) + "\\n").encode())
          except OSError:
              pass

      @app.route("/")
      def index():
          session["visits"] = session.get("visits", 0) + 1
          return f"Visits: {session['visits']}"
    `);
    const hint = failed(await graded("visit-counter", dir))[0]?.hint ?? "";
    expect(hint).toContain('app.py line 4 sets app.config["SECRECT_KEY"]');
    expect(hint).not.toContain("never sets a secret key");
  });
});

describe("the runner's write records", () => {
  test("each write at the student's own line (through a helper function too), a deleted cookie once, at most 20 per request", async () => {
    const dir = tempApp(`
      from flask import Flask, make_response, session

      app = Flask(__name__)
      app.secret_key = "a long random text for the tests"


      def remember(key):
          session[key] = 1


      @app.route("/some")
      def some():
          remember("a")
          session.pop("a", None)
          response = make_response("ok")
          response.delete_cookie("theme")
          return response


      @app.route("/many")
      def many():
          for i in range(1000):
              session[f"k{i}"] = i
          return "ok"
    `);
    const booted = await launch({ python: findPython(), dir, entry: "app.py", bootSeconds: 20 });
    if (!("app" in booted)) throw new Error(booted.problem.message);
    try {
      const ask = async (path: string, id: string) => {
        await fetch(`${booted.app.target.baseUrl}${path}`, { headers: { "X-Autograder-Request": id } });
        return (await booted.app.viewFor(id, 5000))?.writes;
      };
      expect(await ask("/some", "w1")).toEqual([
        { kind: "session-set", key: "'a'", location: { file: "app.py", line: 8 } },
        { kind: "session-delete", key: "'a'", location: { file: "app.py", line: 14 } },
        { kind: "delete-cookie", key: "'theme'", location: { file: "app.py", line: 16 } },
      ]);
      const many = await ask("/many", "w2");
      expect(many).toHaveLength(20);
      expect(many?.every((w) => w.location.line === 23)).toBe(true);
    } finally {
      await booted.app.stop();
    }
  });
});

describe("a failed expectation about the session points at the line that wrote it", () => {
  test("logout that stores None: the write is named and pointed at", async () => {
    const [check] = failed(await graded("login-logout", fixture("login-logout/logout-sets-none")));
    expect(check?.location).toMatchObject({ file: "app.py", line: 25, label: "it writes session['user']" });
    expect(check?.hint).toContain("GET /logout: app.py line 25 writes session['user']");
  });

  test("logout that writes nothing: said so, request by request, and no write is pointed at", async () => {
    const [check] = failed(await graded("login-logout", fixture("login-logout/logout-does-nothing")));
    expect(check?.hint).toMatch(/No line of yours wrote to the session \(.*\) in these requests: .*GET \/logout/);
    expect(check?.location?.label ?? "").not.toMatch(/^it /);
  });

  test("session.clear without brackets: the line that names it", async () => {
    const dir = tempApp(`
      from flask import Flask, redirect, request, session, url_for

      app = Flask(__name__)
      app.secret_key = "a long random text for the tests"


      @app.route("/")
      def index():
          user = session.get("user")
          return f"Logged in as {user}" if user else "You are not logged in"


      @app.route("/login", methods=["GET", "POST"])
      def login():
          if request.method == "POST":
              session["user"] = request.form["username"]
              return redirect(url_for("index"))
          return '<form method="post"><input name="username"></form>'


      @app.route("/logout")
      def logout():
          session.clear
          return redirect(url_for("index"))
    `);
    const [check] = failed(await graded("login-logout", dir));
    expect(check?.hint).toContain("app.py line 23 names session.clear without calling it");
    expect(check?.location).toMatchObject({ line: 23 });
  });

  test("a cookie of its own where the session was expected, and the reverse: the line that stored it elsewhere", async () => {
    const [plain] = failed(await graded("login-logout", fixture("login-logout/login-in-plain-cookie")));
    expect(plain?.hint).toMatch(/No line of yours wrote to the session .* Instead, app\.py line \d+ sets the cookie 'username', and a cookie of your own is not Flask's session/);
    expect(plain?.location?.label).toBe("it sets the cookie 'username'");
    const [session] = failed(await graded("theme-cookie", fixture("theme-cookie/theme-in-session")));
    expect(session?.hint).toMatch(/No line of yours wrote to the cookie "theme" .* Instead, app\.py line \d+ writes session\['theme'\]/);
    // A login kept in a global stores nothing anywhere: nothing else is named.
    const [global] = failed(await graded("login-logout", fixture("login-logout/login-in-global")));
    expect(global?.hint).toContain("No line of yours wrote to the session");
    expect(global?.hint).not.toContain("Instead");
  });

  test("a crash keeps its own line and hint; the solution gets no such hint", async () => {
    const [crash] = failed(await graded("login-logout", fixture("login-logout/logout-del-crashes")));
    expect(crash?.hint ?? "").not.toMatch(/request by request|No line of yours/);
    const solution = await graded("login-logout", packageFile("solutions/login-logout"));
    expect(solution.checks.every((c) => c.status === "pass")).toBe(true);
  });
});

test("the app's folder is taken out of what it says, and only that folder", () => {
  const relative = appPathRewriter("/tmp/ag-1/app");
  expect(relative("No such file: '/tmp/ag-1/app/data/visits.txt' (in /tmp/ag-1/app.)")).toBe("No such file: 'data/visits.txt' (in ..)");
  expect(relative("/tmp/ag-1/app2/x and /tmp/ag-1/app.d/y")).toBe("/tmp/ag-1/app2/x and /tmp/ag-1/app.d/y");
});

test("no absolute path of the app's folder in anything a batch writes for students (crash at import, crash in a view)", async () => {
  const work = mkdtempSync(join(tmpdir(), "scan-paths-"));
  try {
    const crash = {
      alice: 'import os\nfrom flask import Flask\napp = Flask(__name__)\napp.secret_key = "k"\n\n@app.route("/")\ndef index():\n    return open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "visits.txt")).read()\n',
      bob: 'import os\nfrom flask import Flask\nopen(os.path.join(os.path.dirname(os.path.abspath(__file__)), "config.txt"))\napp = Flask(__name__)\n',
    };
    for (const [student, text] of Object.entries(crash)) {
      mkdirSync(join(work, "class", student, "visit-counter"), { recursive: true });
      writeFileSync(join(work, "class", student, "visit-counter", "app.py"), text);
    }
    const out = join(work, "out");
    await runBatch({ classDir: join(work, "class"), out, exercises: ["visit-counter"], specsDir: packageFile("specs"), jobs: 1 });
    const written = [
      readFileSync(join(out, "gradebook.csv"), "utf8"),
      readFileSync(join(out, "results.json"), "utf8"),
      ...readdirSync(join(out, "feedback")).map((f) => readFileSync(join(out, "feedback", f), "utf8")),
    ].join("\n");
    expect(written).toContain("No such file or directory: 'visits.txt'");
    expect(written).toContain("No such file or directory: 'config.txt'");
    expect(written).not.toContain(tmpdir() + "/");
    expect(written).not.toContain(packageFile("."));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
