/**
 * `--resume` keeps a result only when nothing that decides it changed: the spec, the submission's
 * files, and how the run grades (the grader's version, the limits, the isolation mode, the time
 * limit). A record graded otherwise is graded again.
 */
import { afterAll, describe, expect, test } from "@jest/globals";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBatch, type BatchOptions } from "../graders/batch/run.js";
import { fingerprint, graderVersion, type GradingSettings } from "../graders/batch/store.js";

const work = mkdtempSync(join(tmpdir(), "grader-resume-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const submission = join(work, "class", "ann");
mkdirSync(submission, { recursive: true });
writeFileSync(join(submission, "app.py"), 'from flask import Flask\napp = Flask(__name__)\n\n@app.get("/")\ndef index():\n    return "hello"\n');
const specs = join(work, "specs");
mkdirSync(specs);
writeFileSync(
  join(specs, "hello.yaml"),
  "id: hello\ntitle: Hello\nchecks:\n  - id: home\n    title: Home page\n    steps:\n      - request: GET /\n        expect: { status: 200, text: { contains: hello } }\n",
);

describe("the fingerprint", () => {
  const base: GradingSettings = { grader: "0.1.0+abc", limits: { memoryMb: 256 }, isolation: "auto", timeLimitSeconds: 60 };
  const of = (settings: GradingSettings) => fingerprint("spec text", submission, settings);

  test("changes with the grader's version, the limits, the isolation mode and the time limit", () => {
    const variants: GradingSettings[] = [
      { ...base, grader: "0.1.0+abd" },
      { ...base, limits: { memoryMb: 512 } },
      { ...base, limits: { memoryMb: 256, cpuSeconds: 5 } },
      { ...base, isolation: "off" },
      { ...base, timeLimitSeconds: 30 },
    ];
    const prints = new Set([of(base), ...variants.map(of)]);
    expect(prints.size).toBe(variants.length + 1);
  });

  test("does not change with the order the limits were given in, nor with an unset one", () => {
    const two = { ...base, limits: { memoryMb: 256, cpuSeconds: 5 } };
    expect(of({ ...two, limits: { cpuSeconds: 5, memoryMb: 256 } })).toBe(of(two));
    expect(of({ ...base, limits: { memoryMb: 256, openFiles: undefined } })).toBe(of(base));
  });

  test("the grader's version names the package version and a hash of the grader's code", () => {
    expect(graderVersion()).toMatch(/^\d+\.\d+\.\d+.*\+[0-9a-f]{12}$/);
  });
});

describe("--resume", () => {
  const out = join(work, "report");
  const run = (extra: Partial<BatchOptions> = {}) =>
    runBatch({ classDir: join(work, "class"), out, exercises: ["hello"], specsDir: specs, jobs: 1, timeLimitSeconds: 30, ...extra });

  test("keeps a result graded the same way, and grades again one graded with other settings", async () => {
    expect((await run()).graded).toBe(1);
    expect(await run({ resume: true })).toMatchObject({ graded: 0, reused: 1 });
    expect(await run({ resume: true, timeLimitSeconds: 31 })).toMatchObject({ graded: 1, reused: 0 });
    expect(await run({ resume: true, timeLimitSeconds: 31, limits: { cpuSeconds: 9 } })).toMatchObject({ graded: 1, reused: 0 });
    expect(await run({ resume: true, timeLimitSeconds: 31, limits: { cpuSeconds: 9 } })).toMatchObject({ graded: 0, reused: 1 });
  }, 60_000);
});
