/**
 * Reading the source for why the secret key is missing (the runner's scan, graders/boot/sourceScan.py,
 * with Python's own parser), and the source-aware hints built on it (graders/verdict/hints.ts,
 * worded in secretKey.ts). The real scan runs on each text; no app is started.
 */
import { afterAll, describe, expect, test } from "@jest/globals";
import { fileURLToPath } from "node:url";
import { diagnose, SECRET_KEY_HINT, type Symptom } from "../graders/verdict/hints.js";
import { secretKeyFinding } from "../graders/verdict/secretKey.js";
import type { AppException } from "../graders/verdict/types.js";
import { rawScans, scanOf } from "./support/sourceScan.js";
import { removeTempApps } from "./support/tempApps.js";

afterAll(removeTempApps);

const app = (body: string) => scanOf(`from flask import Flask, session\n\napp = Flask(__name__)\n${body}`);
const way = (body: string) => app(body).key;
const fixtures = (paths: string[]) => rawScans(paths.map((p) => fileURLToPath(new URL(`./fixtures/${p}`, import.meta.url))));

describe("the scan's finding about the key", () => {
  test.each([
    ["app.config['secret_key'] = 'x'", "app.config['secret_key']"],
    ['app.config["SECRECT_KEY"] = "x"', 'app.config["SECRECT_KEY"]'],
    ['app.config["Secret_Key"] = "x"', 'app.config["Secret_Key"]'],
    ['app.secret = "x"', "app.secret"],
    ['app.SECRET_KEY = "x"', "app.SECRET_KEY"],
    ['app.secretkey = "x"', "app.secretkey"],
    ['app.config.SECRET_KEY = "x"', "app.config.SECRET_KEY"],
    ['app.config.update(secret_key="x")', "secret_key in app.config.update(...)"],
    ['app.config.from_mapping(secret_key="x")', "secret_key in app.config.from_mapping(...)"],
    ['secret_key = "x"', "a variable named secret_key"],
  ])("misspelt: %s", (line, written) => {
    expect(way(line)).toEqual({ way: "misspelt", line: 4, written });
  });

  test("set only under if __name__ == \"__main__\" (either quotes, with a comment)", () => {
    expect(way(`\nif __name__ == '__main__':  # run it\n    app.secret_key = "x"\n    app.run()\n`)).toEqual({ way: "under-main", line: 6 });
  });

  test("set in a view or a before_request function, named with its decorator", () => {
    const view = way(`\n@app.route("/login", methods=["POST"])\ndef login():\n    if True:\n        app.secret_key = "x"\n    session["u"] = 1\n`);
    expect(view).toEqual({ way: "in-request", line: 8, fn: "login", decorator: "@app.route" });
    expect(way(`@app.before_request\ndef setup():\n    app.config["SECRET_KEY"] = "x"\n`)).toEqual({
      way: "in-request", line: 6, fn: "setup", decorator: "@app.before_request",
    });
  });

  test("set in some other function; a factory is fine", () => {
    expect(way(`def configure():\n    app.secret_key = "x"\n`)).toEqual({ way: "in-function", line: 5, fn: "configure" });
    expect(way(`def create_app():\n    app = Flask(__name__)\n    app.secret_key = "x"\n    return app\n`)).toEqual({ way: "unknown" });
  });

  test("from an environment variable, directly or through a variable", () => {
    expect(way(`import os\napp.secret_key = os.environ.get("MY_KEY")\n`)).toEqual({ way: "env", line: 5, variable: "MY_KEY" });
    expect(way(`app.config["SECRET_KEY"] = os.getenv('K', '')\n`)).toEqual({ way: "env", line: 4, variable: "K" });
    expect(way(`SECRET = os.environ["S"]\napp.secret_key = SECRET\n`)).toEqual({ way: "env", line: 5, variable: "S" });
  });

  test("empty values, and nothing at all", () => {
    expect(way(`app.secret_key = ""\n`)).toEqual({ way: "empty", line: 4 });
    expect(way(`app.secret_key = None\n`)).toEqual({ way: "empty", line: 4 });
    expect(way(`\n@app.route("/")\ndef index():\n    return "hi"\n`)).toEqual({ way: "never-set" });
  });

  test("a key that should work, or settings from elsewhere: the source does not tell (but where a key is set, its line)", () => {
    expect(way(`app.secret_key = "fine"\n`)).toEqual({ way: "unknown", line: 4 });
    expect(way(`try:\n    app.secret_key = "fine"\nexcept Exception:\n    pass\n`)).toEqual({ way: "unknown", line: 5 });
    expect(way(`app.config.from_object("config")\n`)).toEqual({ way: "unknown" });
  });

  test("comments and strings are not code", () => {
    expect(way(`# app.secret_key = "x"\nPAGE = """\napp.secret_key = "x"\n"""\n`)).toEqual({ way: "never-set" });
    // A multi-line string at column 0 inside a function does not end the function.
    const inView = way(`@app.route("/")\ndef index():\n    page = """\n<p>hi</p>\n"""\n    app.secret_key = "x"\n    return page\n`);
    expect(inView).toMatchObject({ way: "in-request", fn: "index" });
  });

});

describe("the fixtures' sources", () => {
  const cases: [string, string][] = [
    ["visit-counter/secret-key-only-under-main", "under-main"],
    ["visit-counter/key-misspelt-secrect", "misspelt"],
    ["visit-counter/key-in-before-request", "in-request"],
    ["visit-counter/key-from-empty-env", "env"],
    ["visit-counter/no-secret-key", "never-set"],
    ["login-logout/key-misspelt-config", "misspelt"],
    ["login-logout/key-set-in-login-view", "in-request"],
    ["protected-page/key-attribute-misspelt", "misspelt"],
    ["visit-counter/random-key", "unknown"],
  ];
  test("each fixture's way, in one run of the scan", () => {
    const found = fixtures(cases.map(([path]) => path)).map((scan) => (scan.key as { way: string }).way);
    expect(found).toEqual(cases.map(([, expected]) => expected));
  });
});

const exception = (type: string, message: string, line?: number): AppException => ({
  type,
  message,
  summary: `${type}: ${message}`,
  location: line ? { file: "app.py", line } : undefined,
});
const symptom = (extra: Partial<Symptom>): Symptom => ({ method: "GET", path: "/", ...extra });
const noKey = exception("RuntimeError", "The session is unavailable because no secret key was set.  Set the secret_key on the application to something unique and secret.");

describe("diagnose with the source", () => {
  test("the missing key: the way the source shows, or the general hint", () => {
    const hint = diagnose(symptom({ status: 500, exception: noKey }), app(`app.config["secret_key"] = "x"\n`));
    expect(hint).toContain(`app.py line 4 sets app.config["secret_key"], but Flask never reads that`);
    expect(diagnose(symptom({ status: 500, exception: noKey }), app(`app.secret_key = "fine"\n`))).toBe(SECRET_KEY_HINT);
    expect(diagnose(symptom({ status: 500, exception: noKey }))).toBe(SECRET_KEY_HINT);
    expect(secretKeyFinding("app.py", app("").key)).toMatch(/never sets a secret key/);
  });

  test("a cookie value that is not text: the line, when it calls set_cookie", () => {
    const source = app(`r = None\nr.set_cookie("n", 5)\n`);
    const e = exception("TypeError", "expected string or bytes-like object, got 'int'", 5);
    expect(diagnose(symptom({ status: 500, exception: e }), source)).toMatch(/^app\.py line 5 gives set_cookie a value that is not text/);
    expect(diagnose(symptom({ status: 500, exception: { ...e, location: { file: "app.py", line: 4 } } }), source)).toMatch(/str\(value\)/);
    expect(diagnose(symptom({ status: 500, exception: e }))).toMatch(/str\(value\)/);
  });
});
