/**
 * Issue 11 item 1: the forms of `entry:` (see graders/boot/entryForm.ts). Look-alike course apps
 * graded for real: the Flask tutorial's shape (a package with a factory and a relative import),
 * a course whose students name their file server.py, `module:attribute`, on the cold and the warm
 * launcher; entries that cannot work are the spec's or the command line's error, never a zero.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "@jest/globals";
import { ENTRY_PATTERN } from "../graders/boot/entryForm.js";
import { packageFile } from "../graders/paths.js";
import { UsageError, SpecError } from "../graders/errors.js";
import { grade } from "../graders/grade.js";
import { loadSpecText } from "../graders/spec/load.js";
import type { Spec } from "../graders/spec/types.js";
import { parseCliArgs } from "../scripts/cli/args.js";
import { appsOnWarmLauncher } from "./support/warmApps.js";

const { app, warm } = appsOnWarmLauncher();

function spec(entry: Spec["entry"]): Spec {
  return {
    id: "entry-forms",
    title: "Entry forms",
    ...(entry !== undefined && { entry }),
    limits: { bootSeconds: 20, requestSeconds: 10 },
    checks: [{ id: "home", title: "The home page answers", steps: [{ request: "GET /", expect: { status: 200, text: { contains: "hello from" } } }] }],
  };
}

// The tutorial's flaskr: create_app(test_config=None) in __init__.py, a sibling module reached by a relative import.
const FLASKR = {
  "flaskr/__init__.py": `
    from flask import Flask

    def create_app(test_config=None):
        app = Flask(__name__)
        from . import db
        @app.route("/")
        def home():
            return "hello from " + db.name()
        return app
  `,
  "flaskr/db.py": `
    def name():
        return "the package"
  `,
};

describe("a package with an application factory and a relative import", () => {
  test.each([["flaskr"], ["flaskr:create_app()"]])("entry: %s boots it (cold and warm)", async (entry) => {
    const dir = app(FLASKR);
    for (const launcher of [undefined, warm.launch]) {
      const result = await grade(spec(entry), dir, launcher ? { launcher } : {});
      expect(result.problem).toBeUndefined();
      expect(result.checks.map((c) => c.status)).toEqual(["pass"]);
      expect(result.score).toBe(result.maxScore);
    }
    expect(warm.stats.warm).toBeGreaterThan(0); // the fork server imported it too, not a fallback
  });

  test("neither flaskr.py nor flaskr/ present: the student is told both places", async () => {
    const result = await grade(spec("flaskr:create_app()"), app({ "app.py": "x = 1\n" }));
    expect(result.problem?.kind).toBe("missing-file");
    expect(result.problem?.message).toMatch(/There is no flaskr\.py or flaskr\/ in the exercise folder/);
    expect(result.problem?.hint).toMatch(/__init__\.py/);
  });

  test("a factory named that does not exist is the app's problem, said in Flask's words", async () => {
    const result = await grade(spec("flaskr:make_app()"), app(FLASKR));
    expect(result.problem?.kind).toBe("no-app");
    expect(result.problem?.message).toMatch(/make_app/);
    expect(result.problem?.message).not.toMatch(/runner\.py|zygote\.py|Traceback/);
  });

  test("a folder without __init__.py is an error of the set-up, not a zero with the grader's traceback", async () => {
    const dir = app({ "flaskr/views.py": "x = 1\n" });
    const result = await grade(spec("flaskr"), dir);
    expect(result.status).toBe("error");
    expect(result.error).toMatch(/no __init__\.py/);
    expect(result.error).not.toMatch(/runner\.py|zygote\.py|Traceback/);
  });
});

describe("a course where students may name the file server.py or main.py", () => {
  const accepted = ["app.py", "server.py", "main.py"];
  const SERVER = `
    from flask import Flask
    application = Flask(__name__)

    @application.route("/")
    def home():
        return "hello from server.py"
  `;

  test("the first accepted name present is graded", async () => {
    const result = await grade(spec(accepted), app({ "server.py": SERVER }), { launcher: warm.launch });
    expect(result.checks.map((c) => c.status)).toEqual(["pass"]);
  });

  test("module:attribute takes the named app", async () => {
    const result = await grade(spec("server:application"), app({ "server.py": SERVER }));
    expect(result.checks.map((c) => c.status)).toEqual(["pass"]);
  });

  test("none present: the message lists the accepted names", async () => {
    const result = await grade(spec(accepted), app({ "website.py": SERVER }));
    expect(result.problem?.kind).toBe("missing-file");
    expect(result.problem?.message).toMatch(/None of app\.py, server\.py, main\.py/);
    expect(result.problem?.hint).toMatch(/app\.py, server\.py, main\.py/);
  });
});

const CHECKS = "checks:\n  - id: home\n    title: Home\n    steps:\n      - request: GET /\n        expect: { status: 200 }\n";

describe("an entry that cannot work is refused before any app runs", () => {
  test.each([["flaskr:"], ["a:b:c"], ["my app"]])("entry: %s in a spec is a spec error", (entry) => {
    const text = `id: entry-forms\ntitle: Entry forms\nentry: "${entry}"\n${CHECKS}`;
    expect(() => loadSpecText(text, "entry-forms.yaml")).toThrow(SpecError);
    expect(() => loadSpecText(text, "entry-forms.yaml")).toThrow(/entry-forms\.yaml:3:/);
  });

  test("the schema and the command line check the same grammar", () => {
    const schema = JSON.parse(readFileSync(packageFile("specs/schema.json"), "utf8")) as { definitions: Record<string, { pattern?: string }> };
    expect(schema.definitions.EntryName?.pattern).toBe(ENTRY_PATTERN.source);
  });

  test("a list of well-formed names loads", () => {
    const text = `id: entry-forms\ntitle: Entry forms\nentry: [app.py, server.py, 'flaskr:create_app()']\n${CHECKS}`;
    expect(loadSpecText(text, "entry-forms.yaml").entry).toEqual(["app.py", "server.py", "flaskr:create_app()"]);
  });

  test("--entry on the command line: repeated names kept in order, a malformed one is a usage error", () => {
    expect(parseCliArgs(["--entry", "server.py", "--entry", "flaskr:create_app()"]).entry).toEqual(["server.py", "flaskr:create_app()"]);
    expect(parseCliArgs([]).entry).toBeUndefined();
    expect(() => parseCliArgs(["--entry", "flaskr:create_app"])).not.toThrow();
    expect(() => parseCliArgs(["--entry", "flaskr:"])).toThrow(UsageError);
  });
});
