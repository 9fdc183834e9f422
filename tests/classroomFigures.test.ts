/**
 * Every figure GitHub Classroom's grading reporter prints is the grader's score (issue 9 item 4):
 * the notice it records, the per-runner "(tests passed ÷ tests) × max_score" line and table, and
 * "tests passed: P/T", computed as the reporter computes them (tests/support/classroomReporter.ts
 * cites its source). For every known-wrong fixture (tests/fixtures/<exercise>/<mistake>) and for
 * the exported repository's four starters and solutions graded in one run, as its workflow does
 * (`npx autograde .` over one folder per exercise, the public specs).
 *
 * Grades on the warm fork server, as the CLI does: one Python start, then a fork per submission.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { warmLauncher, type WarmLauncher } from "../graders/boot/warm.js";
import { grade } from "../graders/grade.js";
import { toClassroomReport } from "../graders/report/classroom.js";
import { summarize, type Summary } from "../graders/report/reporter.js";
import { loadSpec } from "../graders/spec/load.js";
import type { Spec } from "../graders/spec/types.js";
import type { Result } from "../graders/verdict/types.js";
import { reporterFigures } from "./support/classroomReporter.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const dirs = (path: string): string[] => (existsSync(path) ? readdirSync(path, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : []);

const exercises = dirs(join(ROOT, "tests", "fixtures")).filter((id) => existsSync(join(ROOT, "specs", `${id}.yaml`)));
const fixtures = exercises.flatMap((id) => dirs(join(ROOT, "tests", "fixtures", id)).map((name) => ({ id, name, dir: join(ROOT, "tests", "fixtures", id, name) })));
/** What `npm run export` hands out: every exercise with a starter, quizzes left out. */
const exported = dirs(join(ROOT, "starter")).filter((id) => existsSync(join(ROOT, "specs", `${id}.yaml`)) && id !== "quiz");

const specs = new Map<string, Spec>();
const results = new Map<string, Result>();
let warm: WarmLauncher;

function expectReporterAgrees(summary: Summary): void {
  const report = toClassroomReport(summary);
  const figures = reporterFigures(report);
  expect(report.tests.length).toBeGreaterThan(0);
  expect(figures.notice).toBeDefined();
  expect(figures.notice!.totalPoints).toBeCloseTo(summary.score, 9);
  expect(figures.notice!.maxPoints).toBe(summary.maxScore);
  expect(figures.countBased).toBeCloseTo(summary.score, 9);
  expect(figures.runnerLine).toBe(`Total points for autograde: ${summary.score.toFixed(2)}/${summary.maxScore}`);
  // "tests passed: P/T" is the score over the maximum, in points when points are whole.
  expect(figures.testsPassed / figures.tests).toBeCloseTo(summary.score / summary.maxScore, 9);
  if (Number.isInteger(summary.maxScore) && Number.isInteger(summary.score)) {
    expect([figures.testsPassed, figures.tests]).toEqual([summary.score, summary.maxScore]);
  }
}

beforeAll(async () => {
  warm = warmLauncher();
  for (const id of new Set([...exercises, ...exported])) specs.set(id, await loadSpec(join(ROOT, "specs", `${id}.yaml`)));
  const folders = [
    ...fixtures.map((f) => ({ id: f.id, dir: f.dir })),
    ...exported.flatMap((id) => [{ id, dir: join(ROOT, "starter", id) }, { id, dir: join(ROOT, "solutions", id) }]),
  ];
  // Two at a time: a Python process each, on a machine others share.
  for (let i = 0; i < folders.length; i += 2) {
    await Promise.all(folders.slice(i, i + 2).map(async ({ id, dir }) => results.set(dir, await grade(specs.get(id)!, dir, { launcher: warm.launch }))));
  }
}, 600_000);

afterAll(async () => {
  await warm?.close();
});

describe("the grading reporter's figures equal the grader's score", () => {
  test.each(fixtures.map((f) => [`${f.id}/${f.name}`, f.dir] as const))("%s", (_name, dir) => {
    const result = results.get(dir)!;
    expect(result.status).toBe("graded");
    expectReporterAgrees(summarize([result]));
  });

  test("the exported repository's starters, graded in one run", () => {
    expect(exported).toHaveLength(4);
    const summary = summarize(exported.map((id) => results.get(join(ROOT, "starter", id))!));
    expect(summary.score).toBe(0);
    expectReporterAgrees(summary);
  });

  test("the exported repository with every solution in place, graded in one run", () => {
    const summary = summarize(exported.map((id) => results.get(join(ROOT, "solutions", id))!));
    expect(summary.score).toBe(summary.maxScore);
    expectReporterAgrees(summary);
  });

  test("some fixture has an advisory warning and some checks differ in weight: the case the old one-test-per-check report got wrong", () => {
    const all = [...results.values()];
    expect(all.some((r) => r.checks.some((v) => v.advisory && v.status !== "pass"))).toBe(true);
    expect(all.some((r) => new Set(r.checks.filter((v) => !v.advisory).map((v) => v.maxPoints)).size > 1)).toBe(true);
  });
});
