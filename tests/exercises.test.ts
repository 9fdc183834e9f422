/**
 * Proof that each exercise's spec grades what it claims to, using the real engine on real
 * Python processes (needs Python with Flask):
 * - the reference solution (solutions/<id>) gets full marks, every check passing;
 * - the starter (starter/<id>) scores 0: an app's starter because of its blanks, each pointed
 *   at; a quiz's starter because no question is answered yet;
 * - every known-wrong submission (tests/fixtures/<id>/<mistake>/) fails the checks its
 *   expect.yaml names, with feedback that says what it promises, and passes the others it names;
 *   a fixture with `passes: all` is a correct submission written another way, and gets full marks;
 * - every check of the spec (every question of a quiz) is failed by at least one of those
 *   fixtures, so none is dead weight.
 *
 * Exercises are found on disk: every specs/*.yaml that has a solutions/<id> folder.
 */
import { beforeAll, describe, expect, test } from "@jest/globals";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { grade } from "../graders/grade.js";
import { loadSpec } from "../graders/spec/load.js";
import type { Spec } from "../graders/spec/types.js";
import type { Result, Verdict } from "../graders/verdict/types.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Submissions graded at the same time: each is a Python process plus a few dozen requests. */
const POOL_SIZE = 4;

/** tests/fixtures/<exercise>/<mistake>/expect.yaml */
interface FixtureExpectation {
  /** One line naming the mistake, used as the test's name. */
  mistake: string;
  /** Checks that must fail, each with a (case-insensitive) piece of its message or hint. Needed unless `passes: all`. */
  fails?: { check: string; says: string; at?: string }[];
  /** Checks that must still pass, or `all`: a correct submission that must get full marks. */
  passes?: string[] | "all";
  /** The submission cannot be graded at all: the Problem's kind, a piece of its message, and the line it points at. */
  problem?: { kind: string; says: string; line?: number };
  /** Pieces of text that the result's notes must hold (each in some note, case-insensitive). */
  notes?: string[];
  /**
   * Why this one mistake may fail more than one check with points (e.g. the fixture makes the same
   * slip in two views). Without it, a fixture fails at most one check with points.
   */
  why?: string;
}

interface Fixture {
  name: string;
  dir: string;
  expect: FixtureExpectation;
}

interface Exercise {
  id: string;
  /** From the spec file's `kind:` line, known before the specs load (test names depend on it). */
  kind: "flask-app" | "quiz";
  specFile: string;
  solution: string;
  starter?: string;
  fixtures: Fixture[];
}

const isDir = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();
const subdirs = (path: string): string[] =>
  isDir(path) ? readdirSync(path).filter((name) => isDir(join(path, name))).sort() : [];

function readExpectation(file: string): FixtureExpectation {
  const data = parse(readFileSync(file, "utf8")) as Partial<FixtureExpectation> | null;
  const where = relative(ROOT, file);
  if (typeof data?.mistake !== "string" || !data.mistake.trim()) throw new Error(`${where}: "mistake" must be one line of text`);
  if (data.passes !== "all" && (!Array.isArray(data.fails) || data.fails.length === 0)) {
    throw new Error(`${where}: "fails" must list at least one check (or write "passes: all" for a correct submission)`);
  }
  if (data.passes === "all" && (data.fails?.length || data.problem)) throw new Error(`${where}: "passes: all" cannot go with "fails" or "problem"`);
  for (const f of data.fails ?? []) {
    if (typeof f?.check !== "string" || typeof f?.says !== "string" || !f.says.trim()) {
      throw new Error(`${where}: every "fails" entry needs "check" and a non-empty "says"`);
    }
  }
  if (data.passes !== undefined && data.passes !== "all" && !(Array.isArray(data.passes) && data.passes.every((p) => typeof p === "string"))) {
    throw new Error(`${where}: "passes" must be a list of check ids, or "all"`);
  }
  if (data.problem !== undefined && (typeof data.problem?.kind !== "string" || typeof data.problem?.says !== "string")) {
    throw new Error(`${where}: "problem" needs "kind" and "says"`);
  }
  if (data.notes !== undefined && !(Array.isArray(data.notes) && data.notes.every((n) => typeof n === "string"))) {
    throw new Error(`${where}: "notes" must be a list of texts`);
  }
  if (data.why !== undefined && (typeof data.why !== "string" || !data.why.trim())) throw new Error(`${where}: "why" must be one line of text`);
  return data as FixtureExpectation;
}

const exercises: Exercise[] = readdirSync(join(ROOT, "specs"))
  .filter((file) => file.endsWith(".yaml"))
  .sort()
  .map((file) => basename(file, ".yaml"))
  .filter((id) => isDir(join(ROOT, "solutions", id)))
  .map((id) => ({
    id,
    kind: (parse(readFileSync(join(ROOT, "specs", `${id}.yaml`), "utf8")) as { kind?: string } | null)?.kind === "quiz" ? ("quiz" as const) : ("flask-app" as const),
    specFile: join(ROOT, "specs", `${id}.yaml`),
    solution: join(ROOT, "solutions", id),
    starter: isDir(join(ROOT, "starter", id)) ? join(ROOT, "starter", id) : undefined,
    fixtures: subdirs(join(ROOT, "tests", "fixtures", id))
      .filter((name) => existsSync(join(ROOT, "tests", "fixtures", id, name, "expect.yaml")))
      .map((name) => {
        const dir = join(ROOT, "tests", "fixtures", id, name);
        return { name, dir, expect: readExpectation(join(dir, "expect.yaml")) };
      }),
  }));

/** Runs at most `size` jobs at a time; a finished job hands its slot straight to the next in line. */
function pool(size: number): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (job) => {
    if (active < size) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await job();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

type Outcome = { result: Result } | { error: unknown };

const specs = new Map<string, Spec>();
const specErrors = new Map<string, unknown>();
const outcomes = new Map<string, Outcome>();

beforeAll(async () => {
  for (const exercise of exercises) {
    try {
      specs.set(exercise.id, await loadSpec(exercise.specFile));
    } catch (error) {
      specErrors.set(exercise.id, error);
    }
  }
  const run = pool(POOL_SIZE);
  const jobs = exercises.flatMap((exercise) =>
    [exercise.solution, ...(exercise.starter ? [exercise.starter] : []), ...exercise.fixtures.map((f) => f.dir)].map((dir) =>
      run(async () => {
        const spec = specs.get(exercise.id);
        if (!spec) return outcomes.set(dir, { error: specErrors.get(exercise.id) });
        try {
          outcomes.set(dir, { result: await grade(spec, dir) });
        } catch (error) {
          outcomes.set(dir, { error });
        }
      }),
    ),
  );
  await Promise.all(jobs);
}, 600_000);

/** What a spec grades, in order: a quiz's questions, an app's checks. */
function gradedIds(spec: Spec): string[] {
  return spec.kind === "quiz" ? (spec.questions ?? []).map((q) => q.id) : spec.checks.map((c) => c.id);
}

function specOf(exercise: Exercise): Spec {
  const spec = specs.get(exercise.id);
  if (!spec) throw specErrors.get(exercise.id) ?? new Error(`${exercise.specFile} was not loaded`);
  return spec;
}

function resultOf(dir: string): Result {
  const outcome = outcomes.get(dir);
  if (!outcome) throw new Error(`${relative(ROOT, dir)} was not graded`);
  if ("error" in outcome) throw outcome.error;
  return outcome.result;
}

/** Check id → "pass", or the status with the grader's message, so that a failing test shows why. */
function statuses(result: Result): Record<string, string> {
  return Object.fromEntries(result.checks.map((v) => [v.id, v.status === "pass" ? "pass" : `${v.status}: ${v.message}`]));
}

/** Where the starter's blanks are: every `___` token outside comments, as "file:line". */
function blankLines(dir: string): string[] {
  const found: string[] = [];
  const walk = (sub: string): void => {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      if (isDir(join(dir, rel))) walk(rel);
      else if (name.endsWith(".py")) {
        readFileSync(join(dir, rel), "utf8")
          .split("\n")
          .forEach((line, i) => {
            const code = line.replace(/#.*$/, "");
            for (const _ of code.matchAll(/(?<![A-Za-z0-9_])___(?![A-Za-z0-9_])/g)) found.push(`${rel}:${i + 1}`);
          });
      }
    }
  };
  walk("");
  return found.sort();
}

describe.each(exercises.map((e) => [e.id, e] as const))("%s", (_id, exercise) => {
  test("the spec loads and its id is the file's name", () => {
    expect(specOf(exercise).id).toBe(exercise.id);
  });

  test("the reference solution gets full marks, every check passing", () => {
    const spec = specOf(exercise);
    const result = resultOf(exercise.solution);
    expect(result.problem).toBeUndefined();
    expect(statuses(result)).toEqual(Object.fromEntries(gradedIds(spec).map((id) => [id, "pass"])));
    expect(result.status).toBe("graded");
    expect(result.maxScore).toBeGreaterThan(0);
    expect(result.score).toBe(result.maxScore);
  });

  if (exercise.starter && exercise.kind === "quiz") {
    const starter = exercise.starter;
    test("the starter scores 0: every question is still unanswered, and a note says so", () => {
      const result = resultOf(starter);
      expect(result.problem).toBeUndefined();
      expect(result.status).toBe("graded");
      expect(result.score).toBe(0);
      const unanswered = Object.fromEntries(gradedIds(specOf(exercise)).map((id) => [id, `fail: ${id}: no answer yet.`]));
      expect(Object.fromEntries(result.checks.map((v) => [v.id, `${v.status}: ${v.message.split(" Write")[0]}`]))).toEqual(unanswered);
      expect(result.notes.join("\n")).toMatch(/No question is answered yet/);
    });
  } else if (exercise.starter) {
    const starter = exercise.starter;
    test("the starter scores 0 and the grader points at each of its blanks", () => {
      const result = resultOf(starter);
      expect(result.problem?.kind).toBe("blanks");
      expect(result.score).toBe(0);
      const blanks = blankLines(starter);
      expect(blanks.length).toBeGreaterThan(0);
      const located = (result.problem?.locations ?? []).map((l) => `${l.file}:${l.line}`).sort();
      expect(located).toEqual(blanks);
    });
  }

  describe("known mistakes", () => {
    test.each(exercise.fixtures.map((f) => [f.name, f.expect.mistake, f] as const))("%s: %s", (_name, _mistake, fixture) => {
      const spec = specOf(exercise);
      const result = resultOf(fixture.dir);
      expect(result.status).toBe("graded");
      const ids = new Set(gradedIds(spec));
      const byId = new Map<string, Verdict>(result.checks.map((v) => [v.id, v]));
      const problems: string[] = [];
      if (fixture.expect.passes === "all") {
        expect(result.problem).toBeUndefined();
        expect(statuses(result)).toEqual(Object.fromEntries([...ids].map((id) => [id, "pass"])));
        expect(result.score).toBe(result.maxScore);
      }
      const problem = fixture.expect.problem;
      if (problem) {
        expect(result.score).toBe(0);
        if (result.problem?.kind !== problem.kind) problems.push(`the problem should be "${problem.kind}", but it is ${result.problem?.kind ?? "none"}`);
        else if (!result.problem.message.toLowerCase().includes(problem.says.toLowerCase())) {
          problems.push(`the problem should say "${problem.says}", but it is: ${result.problem.message}`);
        }
        if (problem.line !== undefined && result.problem?.locations[0]?.line !== problem.line) {
          problems.push(`the problem should point at line ${problem.line}, but it points at ${JSON.stringify(result.problem?.locations ?? [])}`);
        }
      } else if (result.problem) problems.push(`unexpected problem: ${result.problem.message}`);
      for (const piece of fixture.expect.notes ?? []) {
        if (!result.notes.some((n) => n.toLowerCase().includes(piece.toLowerCase()))) {
          problems.push(`a note should say "${piece}", but the notes are: ${JSON.stringify(result.notes)}`);
        }
      }
      for (const { check, says, at } of fixture.expect.fails ?? []) {
        const v = byId.get(check);
        if (!ids.has(check) || !v) problems.push(`${check}: the spec has no such check`);
        else if (v.status !== "fail") problems.push(`${check}: should fail, but is ${v.status} (${v.message})`);
        else if (!`${v.message}\n${v.hint ?? ""}`.toLowerCase().includes(says.toLowerCase())) {
          problems.push(`${check}: the feedback should say "${says}", but it is: ${v.message} | hint: ${v.hint ?? "(none)"}`);
        }
        const located = v?.location ? `${v.location.file}:${v.location.line}${v.location.label ? ` (${v.location.label})` : ""}` : "nowhere";
        if (v && at !== undefined && located !== at) problems.push(`${check}: the feedback should point at ${at}, but it points at ${located}`);
      }
      for (const check of fixture.expect.passes === "all" ? [] : (fixture.expect.passes ?? [])) {
        const v = byId.get(check);
        if (!ids.has(check) || !v) problems.push(`${check}: the spec has no such check`);
        else if (v.status !== "pass") problems.push(`${check}: should pass, but is ${v.status} (${v.message})`);
      }
      expect(problems).toEqual([]);
    });
  });

  // One mistake, one check: a known mistake fails exactly the checks it declares, and costs
  // points in one of them only (the checks that build on it are skipped, not failed again).
  const wrong = exercise.fixtures.filter((f) => f.expect.passes !== "all" && !f.expect.problem);
  if (wrong.length > 0) test.each(wrong.map((f) => [f.name, f] as const))(
    "%s fails exactly the checks it declares, and one mistake costs one check with points",
    (_name, fixture) => {
      const result = resultOf(fixture.dir);
      const failed = result.checks.filter((v) => v.status === "fail");
      const declared = [...new Set((fixture.expect.fails ?? []).map((f) => f.check))].sort();
      expect(failed.map((v) => v.id).sort()).toEqual(declared);
      const costly = failed.filter((v) => v.maxPoints > 0).map((v) => v.id);
      if (!fixture.expect.why) expect(costly.length).toBeLessThanOrEqual(1);
      else expect(costly.length).toBeGreaterThan(1); // a `why` that no longer applies is stale
    },
  );

  test("every check is failed by at least one known mistake", () => {
    const spec = specOf(exercise);
    const failedBy = new Map<string, string[]>(gradedIds(spec).map((id) => [id, []]));
    for (const fixture of exercise.fixtures) {
      for (const v of resultOf(fixture.dir).checks) if (v.status === "fail") failedBy.get(v.id)?.push(fixture.name);
    }
    const neverFailed = [...failedBy].filter(([, fixtures]) => fixtures.length === 0).map(([id]) => id);
    expect(neverFailed).toEqual([]);
  });
});
