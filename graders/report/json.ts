/**
 * The machine format: one JSON document on the report stream and nothing else, written at the
 * end so the output is always parseable as a whole. Its keys are a contract with whatever reads
 * it (CI, the LMS export): add new keys only at the result level, never rename.
 */
import type { Problem, Result, Verdict } from "../verdict/types.js";
import { checkFeedback, isConcealed } from "./feedback.js";
import type { Reporter, ReporterOptions, Summary } from "./reporter.js";
import { actionsSafe } from "../verdict/studentText.js";

export interface JsonCheck {
  id: string;
  title: string;
  status: Verdict["status"];
  points: number;
  maxPoints: number;
  /** The rationale for a pass; the full feedback text otherwise. */
  message: string;
  hint?: string;
}

export interface JsonResult {
  exercise: string;
  submission: string;
  score: number;
  maxScore: number;
  status: Result["status"];
  error?: string;
  checks: JsonCheck[];
  problem?: Problem;
  notes: string[];
}

export interface JsonReport {
  score: number;
  maxScore: number;
  results: JsonResult[];
}

export function createJsonReporter(options: ReporterOptions): Reporter {
  return {
    onResult() {},
    onEnd(summary) {
      // Each string is on one line, but `##[` anywhere in a line printed on GitHub Actions is a command.
      options.write(actionsSafe(`${JSON.stringify(toJsonReport(summary, options), null, 2)}\n`));
    },
  };
}

export function toJsonReport(summary: Summary, options: { reveal?: boolean } = {}): JsonReport {
  return { score: summary.score, maxScore: summary.maxScore, results: summary.results.map((r) => toJsonResult(r, options)) };
}

function toJsonResult(result: Result, options: { reveal?: boolean }): JsonResult {
  const json: JsonResult = {
    exercise: result.exercise,
    submission: result.submission,
    score: result.score,
    maxScore: result.maxScore,
    status: result.status,
    ...(result.error !== undefined && { error: result.error }),
    checks: result.checks.map((v) => toJsonCheck(v, result.problem, options.reveal)),
    ...(result.problem && { problem: result.problem }),
    notes: result.notes,
  };
  return json;
}

function toJsonCheck(verdict: Verdict, problem: Problem | undefined, reveal = false): JsonCheck {
  // A hidden check's hint says what it tests, so it is withheld along with the rest.
  const hint = isConcealed(verdict, reveal) ? undefined : verdict.hint;
  return {
    id: verdict.id,
    title: verdict.title,
    status: verdict.status,
    points: verdict.points,
    maxPoints: verdict.maxPoints,
    message: checkFeedback(verdict, { reveal, problem }),
    ...(hint !== undefined && { hint }),
  };
}
