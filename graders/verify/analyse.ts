/**
 * What the grades of the mutants say about a spec. Pure: results in, a VerifyReport out.
 *
 * - caught: the mutant loses points; warned: full marks, but an advisory check (a warning) fails;
 *   survived: full marks and no warning ("your spec gives full marks to this broken app").
 * - does not start: the mistake stops the app from starting (syntax, import): not a behaviour
 *   mutant, not counted. error: the grader could not grade it: not counted, and the run fails.
 * - equivalent: marked by the spec's author as impossible to tell apart by behaviour: not counted.
 * - double penalty: one mistake failing more than one check with points (skipped checks do not
 *   count: `needs` already keeps a mistake from being charged twice there).
 */
import { plan, type PlannedCheck } from "../plan/plan.js";
import type { Spec } from "../spec/types.js";
import type { Result } from "../verdict/types.js";
import type { Marks } from "./marks.js";
import type { Mutant, Route } from "./mutants.js";

export type MutantStatus = "caught" | "warned" | "survived" | "does-not-start" | "equivalent" | "error";

export interface CheckRef {
  id: string;
  title: string;
}

export interface MutantOutcome {
  id: string;
  operator: string;
  says: string;
  status: MutantStatus;
  score: number;
  maxScore: number;
  diff: string;
  /** Checks that failed, in the spec's order (advisory ones included). */
  failed: (CheckRef & { points: number; advisory: boolean })[];
  /** Survivors: the checks that visit the changed code and still passed. */
  shouldCatch?: CheckRef[];
  /** More than one check with points failed. `explained`: the reason given in the marks file. */
  doublePenalty?: { checks: CheckRef[]; explained?: string };
  /** Equivalent: the author's reason; does not start: why; error: the grader's failure. */
  reason?: string;
  /** Marked equivalent, yet some check tells it apart: the mark is wrong. */
  caughtAnyway?: boolean;
}

export interface CheckCatches extends CheckRef {
  points: number;
  advisory: boolean;
  /** Ids of the counted mutants this check fails. */
  catches: string[];
}

export interface VerifyReport {
  exercise: string;
  title: string;
  spec: string;
  solution: string;
  /** The file the mutants change. */
  file: string;
  /** Where the spec's author marks mutants (equivalent, explained double penalties). */
  marksFile: string;
  counts: Record<MutantStatus, number> & { total: number };
  /** Caught or warned, over the counted mutants (neither equivalent, nor not starting, nor errors). */
  score: { detected: number; counted: number; percent: number };
  mutants: MutantOutcome[];
  checks: CheckCatches[];
  /** Ids in the marks file that name no mutant (the solution changed since they were written). */
  staleMarks: string[];
  /** Double penalties without a reason in the marks file. */
  unexplainedDoublePenalties: number;
  /** Every counted mutant detected, no unexplained double penalty, no grader error, no wrong mark. */
  ok: boolean;
}

export interface Graded {
  mutant: Mutant;
  result: Result;
}

export function analyse(input: {
  spec: Spec;
  specFile: string;
  solution: string;
  /** The solution's own grade (full marks): the checks, in order. */
  reference: Result;
  file: string;
  graded: Graded[];
  marks: Marks;
}): VerifyReport {
  const planned = plan(input.spec);
  const outcomes = input.graded.map(({ mutant, result }) => outcome(mutant, result, planned.checks, input.marks));
  const counts = { total: outcomes.length, caught: 0, warned: 0, survived: 0, "does-not-start": 0, equivalent: 0, error: 0 };
  for (const o of outcomes) counts[o.status]++;
  const detected = counts.caught + counts.warned;
  const counted = detected + counts.survived;

  const checks: CheckCatches[] = input.reference.checks.map((v) => ({
    id: v.id,
    title: v.title,
    points: v.maxPoints,
    advisory: v.advisory,
    catches: outcomes.filter((o) => (o.status === "caught" || o.status === "warned") && o.failed.some((f) => f.id === v.id)).map((o) => o.id),
  }));
  const ids = new Set(outcomes.map((o) => o.id));
  const staleMarks = [...input.marks.equivalent.keys(), ...input.marks.doublePenalty.keys()].filter((id) => !ids.has(id));
  const unexplainedDoublePenalties = outcomes.filter((o) => o.doublePenalty && !o.doublePenalty.explained).length;
  return {
    exercise: input.spec.id,
    title: input.spec.title,
    spec: input.specFile,
    solution: input.solution,
    file: input.file,
    marksFile: input.marks.file,
    counts,
    score: { detected, counted, percent: counted === 0 ? 100 : Math.floor((detected * 1000) / counted) / 10 },
    mutants: outcomes,
    checks,
    staleMarks,
    unexplainedDoublePenalties,
    ok: counts.survived === 0 && counts.error === 0 && unexplainedDoublePenalties === 0 && !outcomes.some((o) => o.caughtAnyway),
  };
}

function outcome(mutant: Mutant, result: Result, checks: readonly PlannedCheck[], marks: Marks): MutantOutcome {
  const failed = result.checks.filter((v) => v.status === "fail").map((v) => ({ ...ref(v), points: v.maxPoints, advisory: v.advisory }));
  const base = { id: mutant.id, operator: mutant.operator, says: mutant.says, score: result.score, maxScore: result.maxScore, diff: mutant.diff, failed };
  if (result.status === "error") return { ...base, status: "error", reason: result.error ?? "the grader could not grade it" };
  if (result.problem) return { ...base, status: "does-not-start", reason: result.problem.message };

  const lostPoints = result.score < result.maxScore;
  const warned = failed.some((f) => f.advisory);
  const equivalent = marks.equivalent.get(mutant.id);
  if (equivalent !== undefined) return { ...base, status: "equivalent", reason: equivalent, ...(lostPoints || warned ? { caughtAnyway: true } : {}) };

  const charged = result.checks.filter((v) => v.status === "fail" && v.maxPoints > 0 && !v.advisory);
  const doublePenalty = charged.length > 1 ? { checks: charged.map(ref), explained: marks.doublePenalty.get(mutant.id) } : undefined;
  if (lostPoints) return { ...base, status: "caught", ...(doublePenalty && { doublePenalty }) };
  if (warned) return { ...base, status: "warned" };
  const passed = new Set(result.checks.filter((v) => v.status === "pass").map((v) => v.id));
  return { ...base, status: "survived", shouldCatch: checks.filter((c) => passed.has(c.id) && visits(c, mutant)).map(ref) };
}

function ref(check: { id: string; title: string }): CheckRef {
  return { id: check.id, title: check.title };
}

/** Does the check send a request to the code the mutant changed? (A quiz question: is it the one changed?) */
function visits(check: PlannedCheck, mutant: Mutant): boolean {
  if (check.id === mutant.where) return true;
  // A followed link or a submitted form goes wherever the app's page points: it may visit any route.
  if (check.steps.some((s) => s.action.kind === "follow" || s.action.kind === "submit")) return true;
  const paths = check.steps.flatMap((s) => (s.action.kind === "request" || s.action.kind === "guessKeys" ? [s.action.request] : []));
  if (mutant.routes === null) return paths.length > 0;
  return paths.some((r) => mutant.routes!.some((route) => matches(route, r.method, r.path)));
}

function matches(route: Route, method: string, path: string): boolean {
  const pattern = route.rule
    .split(/(<[^>]+>)/)
    .map((part) => (part.startsWith("<") ? (/^<path:/.test(part) ? ".+" : "[^/]+") : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  const methods = new Set([...route.methods, ...(route.methods.includes("GET") ? ["HEAD"] : [])]);
  return methods.has(method.toUpperCase()) && new RegExp(`^${pattern}/?$`).test(path.split("?")[0]!);
}
