/**
 * Writing a spec: the loader's help for a teacher's own mistakes (an unquoted ": " in a title or
 * hint, a check without a hint), and the commands printing its warnings.
 */
import { afterAll, describe, expect, test } from "@jest/globals";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SpecError } from "../graders/errors.js";
import { loadSpec, loadSpecText } from "../graders/spec/load.js";
import { specWarnings } from "../graders/spec/warnings.js";
import { main } from "../scripts/cli/main.js";
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
