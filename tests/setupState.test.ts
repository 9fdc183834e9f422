/**
 * Issue 11 item 2: setup steps (`setup:`) run in the app's sandbox before it boots, and the choice
 * of fresh state per check or per exercise (`state:`). Proven on a look-alike of the Flask
 * tutorial's app (a package with a factory, relative imports, a SQLite database made by a
 * `flask init-db` command) through the whole pipeline, on the cold and the warm launcher.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "@jest/globals";
import { SpecError } from "../graders/errors.js";
import { grade } from "../graders/grade.js";
import { verify } from "../graders/verify/run.js";
import { runBatch } from "../graders/batch/run.js";
import { checkOutcome, gradeExercise } from "../graders/report/jest.js";
import { loadSpecText } from "../graders/spec/load.js";
import { blameProblem } from "../graders/verdict/fault.js";
import type { Result } from "../graders/verdict/types.js";
import { AUTH, db, INIT, POSTS, TABLES } from "./support/blogApp.js";
import { dedent } from "./support/tempApps.js";
import { appsOnWarmLauncher } from "./support/warmApps.js";

const { app, warm } = appsOnWarmLauncher();

// ---- The look-alike app (tests/support/blogApp.ts): a blog whose tables `flask --app blog init-db` makes. ----

function blog(dbSource = db(TABLES)): string {
  return app({ "blog/__init__.py": INIT, "blog/db.py": dbSource, "blog/auth.py": AUTH, "blog/posts.py": POSTS });
}

const spec = (yaml: string) => loadSpecText(dedent(yaml), "blog.yaml");

// Steps in YAML's flow style, so that they fit at any indentation.
const REGISTER_ADA = "{ request: { method: POST, path: /auth/register, form: { username: ada, password: pw } }, expect: { status: 302 } }";
const LOGIN_ADA = "{ request: { method: POST, path: /auth/login, form: { username: ada, password: pw } }, expect: { status: 302 } }";

/** Both checks register the same user: this only works when each check starts on a fresh database. */
const blogSpec = (state: string, setup = "[{ flask: init-db }]") => `
  id: blog
  title: A blog with a database
  entry: blog
  setup: ${setup}
  state: ${state}
  limits: { bootSeconds: 20, requestSeconds: 10, setupSeconds: 20 }
  checks:
    - id: register
      title: A new user can register
      hint: Look at the register view.
      steps: [${REGISTER_ADA}]
    - id: post
      title: A user who registers and logs in sees their own post
      hint: Look at the create view.
      steps:
        - ${REGISTER_ADA}
        - ${LOGIN_ADA}
        - request: { method: POST, path: /create, form: { title: Hello } }
          expect: { status: 302 }
        - request: GET /
          expect: { text: { contains: "Your posts: Hello" } }
`;

const statuses = (r: Result) => r.checks.map((c) => c.status);
const launchers = [
  ["cold", undefined],
  ["warm", warm.launch],
] as const;

describe("state: per-check", () => {
  test.each(launchers)("the right app passes: each check starts on a fresh database, set up again (%s)", async (_, launcher) => {
    const result = await grade(spec(blogSpec("per-check")), blog(), launcher ? { launcher } : {});
    expect(result.problem).toBeUndefined();
    expect(statuses(result)).toEqual(["pass", "pass"]);
  });

  test("the same checks on one shared database fail: the user is already there (the test can fail)", async () => {
    const result = await grade(spec(blogSpec("per-exercise")), blog(), { launcher: warm.launch });
    expect(statuses(result)).toEqual(["pass", "fail"]);
    expect(result.checks[1]!.message).toMatch(/got status 409/);
  });
});

describe("state: per-exercise (the default)", () => {
  test.each(launchers)("a later check sees what an earlier one wrote, across a restart too (%s)", async (_, launcher) => {
    const yaml = `
      id: blog
      title: A blog with a database
      entry: blog
      setup: [{ flask: init-db }]
      limits: { bootSeconds: 20, requestSeconds: 10 }
      checks:
        - id: write
          title: A user registers and writes a post
          hint: Look at the create view.
          steps:
            - ${REGISTER_ADA}
            - ${LOGIN_ADA}
            - request: { method: POST, path: /create, form: { title: Kept } }
              expect: { status: 302 }
        - id: read
          title: After a restart, the same user logs in and finds the post
          hint: Keep the posts in the database.
          steps:
            - restart: true
            - ${LOGIN_ADA}
            - request: GET /
              expect: { text: { contains: "Your posts: Kept" } }
    `;
    const result = await grade(spec(yaml), blog(), launcher ? { launcher } : {});
    expect(statuses(result)).toEqual(["pass", "pass"]);
  });

  test("without setup and state keys nothing changes: the app runs on one copy, as before", async () => {
    const dir = app({ "app.py": COUNTER_FILE });
    const yaml = (state: string) => `
      id: counter
      title: A counter kept in a file
      ${state}
      checks:
        - { id: one, title: First, hint: h, steps: [{ request: GET /, expect: { text: { contains: "1" } } }] }
        - { id: two, title: Second, hint: h, steps: [{ request: GET /, expect: { text: { contains: "2" } } }] }
    `;
    expect(statuses(await grade(spec(yaml("")), dir))).toEqual(["pass", "pass"]);
    expect(statuses(await grade(spec(yaml("state: per-check")), dir))).toEqual(["pass", "fail"]);
  });
});

const COUNTER_FILE = `
  from flask import Flask
  app = Flask(__name__)

  @app.route("/")
  def count():
      try:
          n = int(open("count.txt").read())
      except OSError:
          n = 0
      open("count.txt", "w").write(str(n + 1))
      return f"visit {n + 1}"
`;

describe("a setup step that fails is shown as such, with a message the student can act on", () => {
  test.each(launchers)("an init-db that raises: which step, the exception and the student's line (%s)", async (_, launcher) => {
    const raising = db(TABLES, 'get_db().executescript(SCHEMA)\n      raise RuntimeError("schema.sql is missing")');
    const result = await grade(spec(blogSpec("per-check")), blog(raising), launcher ? { launcher } : {});
    expect(result.status).toBe("graded");
    expect(result.problem?.kind).toBe("setup");
    expect(result.problem?.message).toMatch(/^The setup step `flask init-db` failed: RuntimeError: schema\.sql is missing \(blog\/db\.py line \d+\)\./);
    expect(result.problem?.locations[0]?.file).toBe("blog/db.py");
    expect(result.problem?.hint).toMatch(/`flask --app blog init-db`/);
    expect(result.problem?.message).not.toMatch(/runner\.py|zygote\.py|setupSteps\.py/);
    // One mistake: the checks are not run, and none adds a penalty message of its own.
    expect(statuses(result)).toEqual(["fail", "fail"]);
    expect(result.checks.every((c) => /Not tested/.test(c.message))).toBe(true);
  });

  test("an init-db that forgets a table: setup succeeds, the check that needs the table names it", async () => {
    const forgetful = db(TABLES.split("\n").filter((l) => !l.includes("CREATE TABLE entry")).join("\n"));
    const result = await grade(spec(blogSpec("per-check")), blog(forgetful), { launcher: warm.launch });
    expect(result.problem).toBeUndefined();
    expect(statuses(result)).toEqual(["pass", "fail"]);
    expect(result.checks[1]!.message).toMatch(/no such table: entry/);
    expect(result.checks[1]!.location?.file).toBe("blog/posts.py");
    expect(result.checks[1]!.hint).toMatch(/The database has no table "entry": the code that creates your tables/);
  });

  test("a command the app does not have: Flask's own words (the spec's mistake if the solution has none either)", async () => {
    const result = await grade(spec(blogSpec("per-check", "[{ flask: init-dbb }]")), blog());
    expect(result.problem?.kind).toBe("setup");
    expect(result.problem?.message).toMatch(/The setup step `flask init-dbb` failed: No such command 'init-dbb'\.$/m);
  });

  test("the app cannot be imported for the step: the import's own problem, not a setup one", async () => {
    const dir = app({ "blog/__init__.py": "def create_app():\n    raise KeyError('DATABASE')\n", "blog/db.py": db(TABLES) });
    const result = await grade(spec(blogSpec("per-check")), dir);
    expect(result.problem?.kind).toBe("import-crash");
    expect(result.problem?.message).toMatch(/KeyError: 'DATABASE' \(blog\/__init__\.py line 2\)/);
  });

  test("a step's output is student text: shown, without terminal escapes", async () => {
    const noisy = db(TABLES, 'print("\\x1b[2J\\x1b]0;owned\\x07cleared")\n      raise SystemExit(3)');
    const result = await grade(spec(blogSpec("per-check")), blog(noisy));
    expect(result.problem?.message).toMatch(/failed: it exited with code 3\.\nIts output:\n.*cleared/);
    expect(result.problem?.message).not.toMatch(/[\u001b\u0007]/);
  });

  test("a step that floods its output and never ends: stopped at its limit, only the end of its output shown", async () => {
    const step = `[{ python: "while True: print('x' * 1000)" }]`;
    const yaml = blogSpec("per-exercise", step).replace("setupSeconds: 20", "setupSeconds: 1");
    const result = await grade(spec(yaml), blog());
    expect(result.problem?.kind).toBe("setup-timeout");
    expect(result.problem!.message.length).toBeLessThan(1500);
  });

  test("a step that never ends is stopped at limits.setupSeconds, and tried once more on a fresh copy before it counts", async () => {
    // open(..., "x") fails if the file exists: the retry would fail differently on the same copy.
    const step = `[{ python: "open('started', 'x').close()\\nimport time\\nwhile True: time.sleep(1)" }]`;
    const yaml = blogSpec("per-exercise", step).replace("setupSeconds: 20", "setupSeconds: 1");
    const result = await grade(spec(yaml), blog(), { launcher: warm.launch });
    expect(result.status).toBe("graded");
    expect(result.problem?.kind).toBe("setup-timeout");
    expect(result.problem?.message).toMatch(/^The setup step `python: open\('started', 'x'\)\.close\(\)` failed: it did not finish within 1 s\./);
  });
});

describe("python setup steps", () => {
  test("code run in the app's folder seeds the database the app then uses (after init-db)", async () => {
    const seed = [
      "import sqlite3",
      "from werkzeug.security import generate_password_hash",
      "db = sqlite3.connect('instance/blog.sqlite')",
      "db.execute('INSERT INTO author (name, secret) VALUES (?, ?)', ('ada', generate_password_hash('pw')))",
      "db.commit()",
    ].join("\n");
    const yaml = `
      id: blog
      title: A blog with a seeded user
      entry: blog
      setup:
        - flask: init-db
        - python: ${JSON.stringify(seed)}
      state: per-check
      limits: { bootSeconds: 20, requestSeconds: 10 }
      checks:
        - id: login
          title: The seeded user can log in
          hint: Look at the login view.
          steps: [${LOGIN_ADA}]
        - id: again
          title: The seeded user is there again on a fresh database
          hint: Look at the login view.
          steps: [${LOGIN_ADA}]
    `;
    expect(statuses(await grade(spec(yaml), blog(), { launcher: warm.launch }))).toEqual(["pass", "pass"]);
  });

  test("a check's own setup runs before that check only, on the shared files; its failure costs that check alone", async () => {
    const seed = "import sqlite3\ndb = sqlite3.connect('instance/blog.sqlite')\ndb.execute(\"INSERT INTO entry (author_id, heading) VALUES (1, 'Seeded')\")\ndb.commit()";
    const yaml = `
      id: blog
      title: A blog with a post seeded for one check
      entry: blog
      setup: [{ flask: init-db }]
      limits: { bootSeconds: 20, requestSeconds: 10 }
      checks:
        - id: register
          title: A new user can register
          hint: Look at the register view.
          steps: [${REGISTER_ADA}]
        - id: seeded
          title: A post put in the database is listed
          hint: List the user's posts from the database.
          setup: [{ python: ${JSON.stringify(seed)} }]
          steps:
            - ${LOGIN_ADA}
            - { request: GET /, expect: { text: { contains: "Your posts: Seeded" } } }
        - id: broken
          title: A check whose own setup fails
          hint: h
          setup: [{ python: "raise OSError('no disk')" }]
          steps: [{ request: GET / }]
        - id: after
          title: The next check runs as usual
          hint: h
          steps:
            - ${LOGIN_ADA}
            - { request: GET /, expect: { text: { contains: "Your posts: Seeded" } } }
    `;
    const result = await grade(spec(yaml), blog(), { launcher: warm.launch });
    expect(result.problem).toBeUndefined();
    expect(statuses(result)).toEqual(["pass", "pass", "fail", "pass"]);
    expect(result.checks[2]!.message).toMatch(/The setup step `python: raise OSError\('no disk'\)` failed: OSError: no disk/);
  });

  test("a pythonFile is read relative to the spec; an exception in it names the step", async () => {
    const specDir = app({ "setup/seed.py": "raise ValueError('no users to seed')\n" });
    const yaml = dedent(blogSpec("per-check", "[{ pythonFile: setup/seed.py }]"));
    const loaded = loadSpecText(yaml, join(specDir, "blog.yaml"));
    const result = await grade(loaded, blog());
    expect(result.problem?.message).toMatch(/^The setup step `python seed\.py` failed: ValueError: no users to seed\./);
  });
});

describe("every way of grading runs setup and state alike", () => {
  const raising = () => db(TABLES, 'raise RuntimeError("schema.sql is missing")');

  test("npm test (the jest report): the setup step's failure shown once, under the first check", async () => {
    const loaded = spec(blogSpec("per-check"));
    const good = await gradeExercise({ target: { exercise: "blog", dir: blog() }, spec: loaded }, warm.launch);
    expect(["register", "post"].map((id) => checkOutcome(good, id).kind)).toEqual(["pass", "pass"]);
    const bad = await gradeExercise({ target: { exercise: "blog", dir: blog(raising()) }, spec: loaded }, warm.launch);
    const first = checkOutcome(bad, "register");
    expect(first.kind === "fail" && first.text).toMatch(/The setup step `flask init-db` failed: RuntimeError: schema\.sql is missing/);
    const second = checkOutcome(bad, "post");
    expect(second.kind === "fail" && second.text).not.toMatch(/RuntimeError/);
  });

  test("npm run batch: each student's own copies, the failure in the feedback file", async () => {
    const root = app({}); // removed with the other temporary apps
    const specsDir = join(root, "specs");
    mkdirSync(specsDir);
    writeFileSync(join(specsDir, "blog.yaml"), dedent(blogSpec("per-check")));
    const students = { alice: db(TABLES), bob: raising() };
    for (const [student, dbSource] of Object.entries(students)) {
      const files = { "blog/__init__.py": INIT, "blog/db.py": dbSource, "blog/auth.py": AUTH, "blog/posts.py": POSTS };
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(join(root, "class", student, "blog", name, ".."), { recursive: true });
        writeFileSync(join(root, "class", student, "blog", name), dedent(text));
      }
    }
    const out = join(root, "out");
    const summary = await runBatch({ classDir: join(root, "class"), out, exercises: ["blog"], specsDir, jobs: 2 });
    const rows = Object.fromEntries(summary.rows.map((r) => [r.student, r]));
    expect(rows.alice!.points.blog).toBe(2);
    expect(rows.bob!.points.blog).toBe(0);
    expect(rows.bob!.results[0]!.problem?.kind).toBe("setup");
    const feedback = readdirSync(join(out, "feedback")).find((f) => f.startsWith("bob"))!;
    expect(readFileSync(join(out, "feedback", feedback), "utf8")).toMatch(/The setup step `flask init-db` failed: RuntimeError: schema\.sql is missing/);
  });
});

describe("a setup step the spec gets wrong", () => {
  // A one-file app whose own CLI has init-db (app.cli.command), as many course apps do.
  const NOTES = `
    import sqlite3

    from flask import Flask, request

    app = Flask(__name__)

    @app.cli.command("init-db")
    def init_db():
        with sqlite3.connect("notes.sqlite") as db:
            db.executescript("DROP TABLE IF EXISTS note; CREATE TABLE note (text TEXT NOT NULL);")

    @app.route("/", methods=["GET", "POST"])
    def notes():
        with sqlite3.connect("notes.sqlite") as db:
            if request.method == "POST":
                db.execute("INSERT INTO note (text) VALUES (?)", (request.form["text"],))
            rows = db.execute("SELECT text FROM note").fetchall()
        return f"{len(rows)} notes: " + ", ".join(r[0] for r in rows)
  `;
  const notesSpec = (command: string) => `
    id: notes
    title: Notes
    setup: [{ flask: ${command} }]
    state: per-check
    checks:
      - id: add
        title: A note is listed once added
        hint: Insert the note, then list them.
        steps: [{ request: { method: POST, path: /, form: { text: milk } }, expect: { text: { contains: "1 notes: milk" } } }]
      - id: fresh
        title: A new database holds no notes
        hint: Make the table in init-db.
        steps: [{ request: GET /, expect: { text: { contains: "0 notes" } } }]
  `;
  const marks = { file: "notes.mutants.yml", equivalent: new Map<string, string>(), doublePenalty: new Map<string, string>() };

  test("npm run verify stops on it: the reference solution fails the step too", async () => {
    const solution = app({ "app.py": NOTES });
    const run = (command: string) => verify({ spec: spec(notesSpec(command)), specFile: "notes.yaml", solution, marks, jobs: 1, only: () => false });
    await expect(run("init-dbb")).rejects.toThrow(/The solution .* scores 0\/2 with this spec \(The setup step `flask init-dbb` failed: No such command 'init-dbb'\.\)/);
    const report = await run("init-db");
    expect(report.checks.map((c) => c.id)).toEqual(["add", "fresh"]); // verify went past the solution: full marks
  });
});

describe("whose fault (verdict/fault.ts)", () => {
  test("a step that raised or exited is the student's; one that ran out of time is tried again first", () => {
    expect(blameProblem({ kind: "setup", message: "The setup step `flask init-db` failed: ...", locations: [] })).toEqual({ kind: "final" });
    expect(blameProblem({ kind: "setup-timeout", message: "m", locations: [] })).toEqual({ kind: "doubt", doubt: "setup-timeout", cause: "m" });
  });
});

describe("the loader", () => {
  function specError(yaml: string): string {
    try {
      spec(yaml);
    } catch (error) {
      if (!(error instanceof SpecError)) throw error;
      return `${error.line}:${error.column} ${error.problem}`;
    }
    throw new Error("the spec loaded");
  }
  const withSetup = (setup: string, state = "per-check") => `
    id: blog
    title: Blog
    setup: ${setup}
    state: ${state}
    checks:
      - { id: one, title: One, hint: h, steps: [{ request: GET / }] }
  `;

  test("takes setup steps and both states", () => {
    expect(spec(withSetup("[{ flask: init-db }, { flask: [seed, --users, '2'] }, { python: 'x = 1' }]")).setup).toHaveLength(3);
    expect(spec(withSetup("[]", "per-exercise")).state).toBe("per-exercise");
  });

  test("points at the mistake: unknown keys, two actions, flask run, a wrong state", () => {
    expect(specError(withSetup("[{ flsk: init-db }]"))).toMatch(/^3:\d+ .*flsk.*did you mean "flask"/);
    expect(specError(withSetup("[{ flask: init-db, python: 'x' }]"))).toMatch(/^3:\d+ a setup step needs exactly one of flask, python, pythonFile \(it has flask and python\)/);
    expect(specError(withSetup("[{ flask: run }]"))).toMatch(/^3:\d+ `flask run` starts a server/);
    expect(specError(withSetup("[]").replace("hint: h,", "hint: h, setup: [{}],"))).toMatch(/^6:\d+ a setup step needs exactly one of flask, python, pythonFile \(it has none\)/);
    expect(specError(withSetup("[{ pythonFile: setup/nowhere.py }]"))).toMatch(/^3:\d+ there is no setup script setup\/nowhere\.py next to the spec/);
    expect(specError(withSetup("[{ flask: init-db }]", "per-test"))).toMatch(/^4:\d+ .*per-exercise.*per-check|^4:\d+ .*per-check.*per-exercise/);
  });
});
