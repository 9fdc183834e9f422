/**
 * The one interface every output format implements (after Playwright Test's Reporter): the
 * runner calls it as results arrive, so a format is one file and adding one touches nothing else.
 * Reporters only render; the grades are already in the Results.
 */
import type { Result } from "../verdict/types.js";

/** What is about to be graded. */
export interface RunInfo {
  /** How many submissions (exercise folders) will be graded. */
  total: number;
}

/** All results of a run, with the totals. */
export interface Summary {
  score: number;
  maxScore: number;
  results: readonly Result[];
}

export interface Reporter {
  onBegin?(run: RunInfo): void;
  /** One graded (or ungradable) submission; streaming reporters print it now. */
  onResult(result: Result): void;
  /** The run is over; whole-document reporters (json) print everything now. */
  onEnd(summary: Summary): void;
}

export interface ReporterOptions {
  /** Where the report goes (stdout or a file, as the CLI was told). Reporters never write anywhere else. */
  write(text: string): void;
  /** Use terminal colours (decide with `shouldColor`). */
  color?: boolean;
  /** Show the details of hidden and after-due-date checks. */
  reveal?: boolean;
  /**
   * The folder that paths in the report are relative to (the repository root: GitHub resolves
   * annotation and classroom paths from it). Default: the current directory.
   */
  root?: string;
  /**
   * Sets a step output of the running CI job (GitHub Actions' `$GITHUB_OUTPUT`), for formats that
   * hand their result to a later step. Absent outside CI.
   */
  setOutput?(name: string, value: string): void;
  /** Gradescope's submission_metadata.json, to be read by the gradescope format (a late submission is noted). */
  submissionMetadata?: string;
}

/**
 * Every output format. `github` (workflow-command annotations) and `summary` (Markdown) are also
 * added by the CLI on their own when it runs on GitHub Actions.
 */
export const FORMATS = ["pretty", "json", "classroom", "gradescope", "junit", "junit-located", "github", "summary", "trace"] as const;
export type Format = (typeof FORMATS)[number];

/** Sums the results' own scores: adding up, not grading. */
export function summarize(results: readonly Result[]): Summary {
  return {
    score: results.reduce((sum, r) => sum + r.score, 0),
    maxScore: results.reduce((sum, r) => sum + r.maxScore, 0),
    results,
  };
}
