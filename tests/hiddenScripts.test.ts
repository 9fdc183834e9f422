/**
 * A `script:` step in a hidden check (AUTOGRADER_HIDDEN_SPECS) has no spec file of its own: its
 * path is read relative to the folder of the spec it joins, as if the check had been written in
 * that spec (which is where the export takes hidden checks from). An absolute path stays as it is.
 */
import { afterAll, describe, expect, test } from "@jest/globals";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { grade } from "../graders/grade.js";
import { loadSpecWithHidden, parseHiddenChecks } from "../graders/spec/hidden.js";
import { main as autograde } from "../scripts/cli/main.js";
import { exportAssignment } from "../scripts/export.js";
import { UsageError } from "../graders/errors.js";

const work = mkdtempSync(join(tmpdir(), "hidden-scripts-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(work, name)), { recursive: true });
    writeFileSync(join(work, name), text);
  }
}

const app = (answer: number) => `from flask import Flask\napp = Flask(__name__)\n\n@app.route("/")\ndef home():\n    return "home"\n\n@app.route("/answer")\ndef answer():\n    return "${answer}"\n`;

write({
  "specs/probe.yaml": "id: probe\ntitle: Probe\nchecks:\n  - id: home\n    title: Home\n    hint: h\n    steps:\n      - request: GET /\n        expect: { status: 200 }\n",
  "specs/checks/answer.mjs":
    'export default async function (t) {\n  const page = await t.request().get("/answer");\n  if (page.text !== "42") return { passed: false, message: `/answer said ${page.text}`, hint: "The answer is 42." };\n}\n',
  "right/probe/app.py": app(42),
  "wrong/probe/app.py": app(41),
});
const specFile = join(work, "specs", "probe.yaml");
const HIDDEN = "probe:\n  checks:\n    - id: answer\n      title: The answer\n      hint: h\n      steps:\n        - script: checks/answer.mjs\n";

describe("a hidden check's script", () => {
  test("is found beside the spec it joins; the parsed hidden text is left as written", async () => {
    const hidden = parseHiddenChecks(HIDDEN);
    const spec = await loadSpecWithHidden(specFile, hidden);
    expect(spec.checks[1]!.steps[0]!.script).toBe(join(work, "specs", "checks", "answer.mjs"));
    expect((hidden.exercises.get("probe")![0] as { steps: { script: string }[] }).steps[0]!.script).toBe("checks/answer.mjs");
  });

  test("an absolute path stays as it is", async () => {
    const absolute = join(work, "elsewhere", "answer.mjs");
    const spec = await loadSpecWithHidden(specFile, parseHiddenChecks(HIDDEN.replace("checks/answer.mjs", absolute)));
    expect(spec.checks[1]!.steps[0]!.script).toBe(absolute);
  });

  test("runs: passes on the right app, fails on the wrong one with the script's words", async () => {
    const spec = await loadSpecWithHidden(specFile, parseHiddenChecks(HIDDEN));
    const right = await grade(spec, join(work, "right", "probe"));
    expect(right.checks.map((c) => c.status)).toEqual(["pass", "pass"]);
    const wrong = await grade(spec, join(work, "wrong", "probe"));
    expect(wrong.checks.map((c) => c.status)).toEqual(["pass", "fail"]);
    expect(wrong.checks[1]!.message).toMatch(/run the custom check answer\.mjs\): \/answer said 41/);
  });

  test("through autograde with AUTOGRADER_HIDDEN_SPECS, run from another folder than the spec's", async () => {
    const stdout = { text: "", write(t: string) { stdout.text += t; return true; } };
    const stderr = { text: "", write(t: string) { stderr.text += t; return true; } };
    const status = await autograde([join(work, "right", "probe"), "--specs", join(work, "specs"), "--format", "json"], { stdout, stderr, env: { AUTOGRADER_HIDDEN_SPECS: HIDDEN } });
    expect(stderr.text).not.toMatch(/cannot read the custom check/);
    expect(status).toBe(0);
    expect(JSON.parse(stdout.text).results[0].checks.map((c: { status: string }) => c.status)).toEqual(["pass", "pass"]);
  });
});

describe("the export keeps script paths as written and ships the visible checks' files", () => {
  const SPEC = `id: probe
title: Probe
checks:
  - id: home
    title: Home
    hint: h
    steps:
      - script: ./checks/answer.mjs
  - id: secret
    title: Secret
    hint: h
    visibility: hidden
    steps:
      - script: checks/secret.mjs
`;
  write({
    "exp/specs/probe.yaml": SPEC,
    "exp/specs/checks/answer.mjs": "export default async function () {}\n",
    "exp/specs/checks/secret.mjs": "export default async function () {}\n",
    "exp/starter/probe/app.py": "x = 1\n",
  });
  const specs = join(work, "exp", "specs");
  const starter = join(work, "exp", "starter");

  test("student repository: the public spec and the hidden checks name the files relative to the spec; only the visible one ships", async () => {
    const out = join(work, "exp", "repo");
    const report = await exportAssignment({ out, specs, starter, grader: "file:../grader.tgz" });
    const publicText = readFileSync(join(out, "specs", "probe.yaml"), "utf8");
    expect(publicText).toMatch(/script: checks\/answer\.mjs/);
    expect(publicText).not.toContain(work);
    expect(existsSync(join(out, "specs", "checks", "answer.mjs"))).toBe(true);
    expect(existsSync(join(out, "specs", "checks", "secret.mjs"))).toBe(false);
    const hiddenText = readFileSync(report.hiddenFile!, "utf8");
    expect(hiddenText).toMatch(/script: checks\/secret\.mjs/);
    expect(hiddenText).not.toContain(work);
  });

  test("Gradescope with --include-hidden: the hidden check's file ships too, where the hidden checks will look for it", async () => {
    const out = join(work, "exp", "gs");
    await exportAssignment({ out, specs, starter, grader: "file:../grader.tgz", gradescope: true, includeHidden: true });
    expect(existsSync(join(out, "specs", "checks", "secret.mjs"))).toBe(true);
    const spec = await loadSpecWithHidden(join(out, "specs", "probe.yaml"), parseHiddenChecks(readFileSync(join(out, "hidden-checks.yaml"), "utf8")));
    expect(spec.checks.map((c) => c.steps[0]!.script)).toEqual([join(out, "specs", "checks", "answer.mjs"), join(out, "specs", "checks", "secret.mjs")]);
  });

  test("a script outside the spec's folder cannot be exported", async () => {
    write({ "exp2/specs/probe.yaml": SPEC.replace("./checks/answer.mjs", "../answer.mjs"), "exp2/answer.mjs": "", "exp2/starter/probe/app.py": "x = 1\n" });
    const attempt = exportAssignment({ out: join(work, "exp2", "repo"), specs: join(work, "exp2", "specs"), starter: join(work, "exp2", "starter"), grader: "file:../grader.tgz" });
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(exportAssignment({ out: join(work, "exp2", "repo2"), specs: join(work, "exp2", "specs"), starter: join(work, "exp2", "starter"), grader: "file:../grader.tgz" })).rejects.toThrow(/check "home", step 1 \(script\) refers to \.\.\/answer\.mjs, outside the specs folder/);
  });
});
