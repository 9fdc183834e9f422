/**
 * An `entry:` (or `--entry`) naming a folder without __init__.py cannot be imported as a package.
 * Grading one submission (autograde, the jest suite) stops on it as a usage error, exit 2, with
 * what to do, before anything is graded: "ask your teacher to grade it again" would not help. A
 * class batch grades on: that student's row says it could not be graded and why, the others are
 * graded.
 */
import { afterAll, describe, expect, test } from "@jest/globals";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { UsageError } from "../graders/errors.js";
import { runBatch } from "../graders/batch/run.js";
import { planSubmission } from "../graders/report/jest.js";
import { main as autograde } from "../scripts/cli/main.js";

const work = mkdtempSync(join(tmpdir(), "entry-usage-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(work, name)), { recursive: true });
    writeFileSync(join(work, name), text);
  }
}

const SPEC = `id: pkg-entry
title: A package entry
entry: flaskr
checks:
  - id: home
    title: The home page answers
    hint: Return something from the view of /.
    steps:
      - request: GET /
        expect: { status: 200, text: { contains: hello } }
`;
const PACKAGE = 'from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    app.add_url_rule("/", "home", lambda: "hello")\n    return app\n';

write({
  "specs/pkg-entry.yaml": SPEC,
  // A folder without __init__.py, where the package should be.
  "alone/pkg-entry/flaskr/views.py": "x = 1\n",
  "class/alice/pkg-entry/flaskr/__init__.py": PACKAGE,
  "class/bob/pkg-entry/flaskr/views.py": "x = 1\n",
});
const specs = join(work, "specs");

function sink() {
  const io = { text: "", write(t: string) { io.text += t; return true; } };
  return io;
}

describe("a package folder without __init__.py", () => {
  test("autograde: a usage error (exit 2) saying what to do, nothing graded", async () => {
    const stdout = sink();
    const stderr = sink();
    const status = await autograde([join(work, "alone", "pkg-entry"), "--specs", specs], { stdout, stderr, env: {} });
    expect(status).toBe(2);
    expect(stderr.text).toMatch(/^autograde: entry "flaskr" names the folder flaskr, which has no __init__\.py: it cannot be imported as a package\. Add flaskr\/__init__\.py/);
    expect(stderr.text).not.toMatch(/grade it again|not your fault/);
    expect(stdout.text).toBe("");
  });

  test("autograde --entry naming such a folder: the same", async () => {
    write({ "alone2/pkg-entry/app.py": "x = 1\n", "alone2/pkg-entry/site/views.py": "x = 1\n" });
    const stderr = sink();
    expect(await autograde([join(work, "alone2", "pkg-entry"), "--specs", specs, "--entry", "site"], { stdout: sink(), stderr, env: {} })).toBe(2);
    expect(stderr.text).toMatch(/entry "site" names the folder site, which has no __init__\.py/);
  });

  test("the jest suite: planning the tests throws the usage error", async () => {
    await expect(planSubmission({ submission: join(work, "alone", "pkg-entry"), specs })).rejects.toThrow(UsageError);
    await expect(planSubmission({ submission: join(work, "alone", "pkg-entry"), specs })).rejects.toThrow(/Add flaskr\/__init__\.py/);
  });

  test("batch: that student's row could not be graded, saying why; the class is graded", async () => {
    const summary = await runBatch({ classDir: join(work, "class"), out: join(work, "out"), exercises: ["pkg-entry"], specsDir: specs, launcher: "cold", jobs: 1 });
    const rows = Object.fromEntries(summary.rows.map((row) => [row.student, row]));
    expect(rows.alice?.status).toBe("graded");
    expect(rows.alice?.total).toBe(1);
    expect(rows.bob?.status).toBe("could not grade");
    expect(rows.bob?.results[0]?.error).toMatch(/has no __init__\.py.*Add flaskr\/__init__\.py/);
  }, 60_000);
});
