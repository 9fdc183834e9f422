/**
 * Where in the student's files a result points, as the tools that show it expect: a path from the
 * repository root with forward slashes (GitHub annotations, GitHub Classroom, GitLab, IDEs).
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { Problem, Result, SourceLocation, Verdict } from "../verdict/types.js";
import { isConcealed } from "./feedback.js";

export interface RepoLocation {
  /** From the repository root, with `/`. */
  path: string;
  line: number;
  column?: number;
}

/** A file of the submission as a path from `root` (absolute when it lies outside `root`). */
export function repoPath(submission: string, file: string, root: string = process.cwd()): string {
  const absolute = resolve(submission, file);
  const rel = relative(resolve(root), absolute);
  return (rel === "" || rel.startsWith("..") || isAbsolute(rel) ? absolute : rel).split(sep).join("/");
}

export function repoLocation(result: Result, location: SourceLocation, root?: string): RepoLocation {
  return { path: repoPath(result.submission, location.file, root), line: location.line, ...(location.column && { column: location.column }) };
}

/**
 * The place one check points at: its own location (the line of a traceback), else, when the app
 * could not start, the Problem's first one (a blank, the syntax error). None for a hidden check:
 * the line it failed on would tell what it tests.
 */
export function checkLocation(
  result: Result,
  verdict: Verdict,
  options: { reveal?: boolean; root?: string } = {},
): RepoLocation | undefined {
  if (verdict.status === "pass" || isConcealed(verdict, options.reveal)) return undefined;
  const location = verdict.location ?? firstLocation(result.problem);
  return location ? repoLocation(result, location, options.root) : undefined;
}

function firstLocation(problem: Problem | undefined): SourceLocation | undefined {
  return problem?.locations[0];
}

/** A check's name where several exercises share one list: `visit-counter › Each visit adds one`. */
export function qualifiedTitle(result: Result, verdict: Verdict, qualify: boolean): string {
  return qualify ? `${result.exercise} › ${verdict.title}` : verdict.title;
}
