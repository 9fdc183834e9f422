/**
 * Writing a spec: the loader's help for a teacher's own mistakes (an unquoted ": " in a title or
 * hint, a check without a hint), and the commands printing its warnings.
 */
import { afterAll, describe, expect, test } from "@jest/globals";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { fileURLToPath } from "node:url";
import { SpecError, UsageError } from "../graders/errors.js";
import { runBatch } from "../graders/batch/run.js";
import { grade } from "../graders/grade.js";
import { loadSpecWithHidden, parseHiddenChecks } from "../graders/spec/hidden.js";
import { loadSpec, loadSpecText } from "../graders/spec/load.js";
import { specWarnings } from "../graders/spec/warnings.js";
import { main } from "../scripts/cli/main.js";
import { scaffoldExercise, schemaReference } from "../scripts/newExercise.js";
import { removeTempApps, tempApp } from "./support/tempApps.js";

const root = fileURLToPath(new URL("..", import.meta.url));
afterAll(removeTempApps);

function problem(text: string): SpecError {
  try {
    loadSpecText(text, "mine.yaml");
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw error;
  }
  throw new Error("the spec loaded");
}

describe('an unquoted ": " in a title or hint', () => {
  test("on one line YAML fails: the error says to put the text in quotes, at its line and column", () => {
    const error = problem("id: mine\ntitle: Mine\nchecks:\n  - id: opens\n    title: Log in: then out\n    hint: Look at /login.\n    steps: [{ request: GET / }]\n");
    expect([error.line, error.column]).toEqual([5, 12]);
    expect(error.problem).toContain("put this text in quotes");
    expect(error.message).toMatch(/^mine\.yaml:5:12: /);
  });

  test("in a hint on its own line YAML builds a mapping: the same advice, at the hint", () => {
    const error = problem("id: mine\ntitle: Mine\nchecks:\n  - id: opens\n    title: Opens\n    hint:\n      Tip: look at /login.\n    steps: [{ request: GET / }]\n");
    expect(error.line).toBe(7);
    expect(error.problem).toMatch(/^"hint" became a mapping, not text: .*put this text in quotes/);
  });

  test("quoted, the same text loads", () => {
    const spec = loadSpecText('id: mine\ntitle: Mine\nchecks:\n  - id: opens\n    title: "Log in: then out"\n    hint: "Tip: look at /login."\n    steps: [{ request: GET / }]\n', "mine.yaml");
    expect(spec.checks[0]!.title).toBe("Log in: then out");
  });
});

describe("a check without a hint", () => {
  const NO_HINT = "id: mine\ntitle: Mine\nchecks:\n  - id: opens\n    title: Opens\n    steps: [{ request: GET / }]\n  - id: helped\n    title: Helped\n    hint: Look at /.\n    steps: [{ request: GET / }]\n";

  test("loads, with a warning that points at the check", () => {
    const spec = loadSpecText(NO_HINT, "mine.yaml");
    expect(specWarnings(spec)).toEqual([expect.stringMatching(/^mine\.yaml:4:5: check "opens" has no hint: /)]);
  });

  test("the warning stays when hidden checks are added to the spec", async () => {
    const dir = mkdtempSync(join(tmpdir(), "authoring-hidden-"));
    try {
      writeFileSync(join(dir, "mine.yaml"), NO_HINT);
      const hidden = parseHiddenChecks("mine:\n  checks:\n    - id: secret\n      title: Secret\n      hint: Look.\n      steps: [{ request: GET / }]\n");
      const spec = await loadSpecWithHidden(join(dir, "mine.yaml"), hidden);
      expect(spec.checks.map((c) => c.id)).toEqual(["opens", "helped", "secret"]);
      expect(specWarnings(spec)).toEqual([expect.stringMatching(/mine\.yaml:4:5: check "opens" has no hint/)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("no bundled spec has one", async () => {
    const specs = readdirSync(join(root, "specs")).filter((name) => name.endsWith(".yaml"));
    expect(specs.length).toBeGreaterThan(0);
    for (const name of specs) expect([name, specWarnings(await loadSpec(join(root, "specs", name)))]).toEqual([name, []]);
  });

  test("autograde prints the warning once per spec, on stderr", async () => {
    const app = tempApp(`
      from flask import Flask
      app = Flask(__name__)

      @app.route("/")
      def index():
          return "hello"
    `);
    const specs = join(app, "specs");
    mkdirSync(specs);
    writeFileSync(join(specs, "mine.yaml"), NO_HINT);
    let stderr = "";
    const io = { stdout: { write: () => true, isTTY: false }, stderr: { write: (t: string) => (stderr += t) }, env: {} };
    const code = await main([app, "--exercise", "mine", "--specs", specs, "--format", "json"], io);
    expect(code).toBe(0);
    expect(stderr.split("\n").filter((line) => line.includes("warning"))).toEqual([
      `autograde: warning: ${join(specs, "mine.yaml")}:4:5: check "opens" has no hint: a student who fails it is not told what to look at; add a "hint:" line in plain words`,
    ]);
  });
});

test("batch tells about each warning once per spec, however many students", async () => {
  const work = mkdtempSync(join(tmpdir(), "authoring-batch-"));
  try {
    const specs = join(work, "specs");
    mkdirSync(specs);
    writeFileSync(join(specs, "mine.yaml"), "id: mine\ntitle: Mine\nchecks:\n  - id: opens\n    title: Opens\n    steps: [{ request: GET / }]\n");
    for (const student of ["ada", "bob"]) {
      mkdirSync(join(work, "class", student, "mine"), { recursive: true });
      writeFileSync(join(work, "class", student, "mine", "app.py"), 'from flask import Flask\napp = Flask(__name__)\n\n@app.route("/")\ndef index():\n    return "hi"\n');
    }
    const warnings: string[] = [];
    await runBatch({ classDir: join(work, "class"), out: join(work, "out"), exercises: [], specsDir: specs, launcher: "cold", onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([expect.stringMatching(/mine\.yaml:4:5: check "opens" has no hint: /)]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

/** The file a modeline's $schema names, as yaml-language-server resolves it from the spec's folder. */
function schemaFile(specsDir: string, schema: string): string {
  return schema.startsWith("file:") ? fileURLToPath(schema) : join(specsDir, schema);
}

test("a modeline's schema with a space in its path is a file: URL, which the editor reads whole", () => {
  // yaml-language-server takes $schema up to the first space (\S+ in its modelineUtil.ts).
  const reference = schemaReference("/home/ana/My Courses/flask/specs", "/opt/grader copy/specs/schema.json");
  expect(reference).toBe("file:///opt/grader%20copy/specs/schema.json");
  expect(/\$schema=(\S+)/.exec(`# yaml-language-server: $schema=${reference}`)?.[1]).toBe(reference);
  expect(schemaFile("/home/ana/My Courses/flask/specs", reference)).toBe("/opt/grader copy/specs/schema.json");
  // Without a space, a relative path as before.
  expect(schemaReference("/home/ana/flask/specs", "/opt/grader/specs/schema.json")).toBe("../../../../opt/grader/specs/schema.json");
  expect(schemaReference("/opt/grader/specs", "/opt/grader/specs/schema.json")).toBe("./schema.json");
});

describe("npm run new", () => {
  const project = mkdtempSync(join(tmpdir(), "new-exercise-"));
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  test("scaffolds an exercise whose spec loads without warnings, whose solution passes and whose fixture fails as its expect.yaml says", async () => {
    expect(scaffoldExercise("welcome", project).sort()).toEqual([
      "solutions/welcome/app.py",
      "specs/welcome.yaml",
      "starter/welcome/app.py",
      "tests/fixtures/welcome/never-saved/app.py",
      "tests/fixtures/welcome/never-saved/expect.yaml",
    ]);
    const specText = readFileSync(join(project, "specs", "welcome.yaml"), "utf8");
    // Outside this project, the editor finds the schema in the package (here: this checkout).
    const schema = /^# yaml-language-server: \$schema=(\S+)$/m.exec(specText)?.[1];
    expect(readFileSync(schemaFile(join(project, "specs"), schema!), "utf8")).toBe(readFileSync(join(root, "specs", "schema.json"), "utf8"));
    const spec = await loadSpec(join(project, "specs", "welcome.yaml"));
    expect(specWarnings(spec)).toEqual([]);

    const solution = await grade(spec, join(project, "solutions", "welcome"));
    expect(solution.checks.map((c) => [c.id, c.status])).toEqual([["welcome-back", "pass"]]);
    expect(solution.score).toBe(solution.maxScore);

    const starter = await grade(spec, join(project, "starter", "welcome"));
    expect([starter.score, starter.problem?.kind]).toEqual([0, "blanks"]);

    const fixture = join(project, "tests", "fixtures", "welcome", "never-saved");
    const expected = parse(readFileSync(join(fixture, "expect.yaml"), "utf8")) as { mistake: string; fails: { check: string; says: string }[] };
    const wrong = await grade(spec, fixture);
    for (const { check, says } of expected.fails) {
      const verdict = wrong.checks.find((c) => c.id === check);
      expect(verdict?.status).toBe("fail");
      expect(`${verdict?.message} ${verdict?.hint ?? ""}`.toLowerCase()).toContain(says.toLowerCase());
    }
  });

  test("refuses an exercise that exists already, and writes nothing", () => {
    mkdirSync(join(project, "solutions", "taken"), { recursive: true });
    expect(() => scaffoldExercise("taken", project)).toThrow(UsageError);
    expect(readdirSync(join(project, "specs")).filter((name) => name.startsWith("taken"))).toEqual([]);
    expect(() => scaffoldExercise("Not_An_Id", project)).toThrow(/lower-case letters, digits and dashes/);
  });
});
