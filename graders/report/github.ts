/**
 * GitHub Actions annotations: workflow commands (`::error file=app.py,line=12::...`) that GitHub
 * turns into messages on the run's page and, with a file and line, on that line of the student's
 * code in the commit's diff. A place is given wherever one is known: each blank or the syntax error
 * (the Problem's locations), and the line of the app's traceback for a failed check. Hidden checks
 * get no place and no details. The CLI adds this format on its own on GitHub Actions
 * (GITHUB_ACTIONS=true), on stderr, which the runner reads for commands as it reads stdout.
 *
 * GitHub shows at most 10 errors and 10 warnings (and 10 notices) per step, 50 per job, and drops
 * the rest. Within an exercise the ones that explain the most come first: a grader failure, then
 * why the app could not start, then failed checks in spec order. Across exercises each one's most
 * useful annotation comes before any exercise's second (`plannedAnnotations`), the caps are kept,
 * and when some had to be left out a last notice says where they all are: the step summary.
 */
import type { Result, Verdict } from "../verdict/types.js";
import { checkFeedback, formatPoints, graderErrorText, problemText } from "./feedback.js";
import type { Reporter, ReporterOptions, Summary } from "./reporter.js";
import { checkLocation, repoLocation, type RepoLocation } from "./where.js";
import { actionsSafe } from "../verdict/studentText.js";
import { ANOTHER_BLANK, problemTitle } from "../words/startup.js";
import * as words from "../words/report.js";

export type AnnotationLevel = "error" | "warning" | "notice";

export interface Annotation {
  level: AnnotationLevel;
  title: string;
  message: string;
  location?: RepoLocation;
}

export function createGithubReporter(options: ReporterOptions): Reporter {
  return {
    // Written at the end: which annotations fit under the caps depends on every result.
    onResult() {},
    onEnd(summary) {
      options.write(plannedAnnotations(summary, options).map(workflowCommand).join(""));
    },
  };
}

/** What GitHub shows of one step's annotations, per level; more are dropped. */
export const STEP_CAPS: Readonly<Record<AnnotationLevel, number>> = { error: 10, warning: 10, notice: 10 };

/**
 * Every annotation of the run, in the order and number GitHub will show: each exercise's first
 * (most useful) annotation, then each one's second, and so on, as long as its level has room;
 * then the total; then, if any were left out, a notice pointing to the step summary, which holds
 * them all. At most 10 errors, 10 warnings and 2 notices: well within the 50 of a job.
 */
export function plannedAnnotations(summary: Summary, options: { reveal?: boolean; root?: string } = {}): Annotation[] {
  const queues = summary.results.map((result) => resultAnnotations(result, options));
  const used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  const planned: Annotation[] = [];
  let left = 0;
  for (let round = 0; queues.some((queue) => round < queue.length); round++) {
    for (const queue of queues) {
      const annotation = queue[round];
      if (!annotation) continue;
      if (used[annotation.level] < STEP_CAPS[annotation.level]) {
        used[annotation.level]++;
        planned.push(annotation);
      } else left++;
    }
  }
  planned.push(totalAnnotation(summary));
  if (left > 0) planned.push(moreAnnotation(left));
  return planned;
}

function moreAnnotation(left: number): Annotation {
  return {
    level: "notice",
    title: words.MORE_IN_SUMMARY_TITLE,
    message: words.moreNotAnnotated(left),
  };
}

export function resultAnnotations(result: Result, options: { reveal?: boolean; root?: string } = {}): Annotation[] {
  const annotations: Annotation[] = [];
  const exercise = result.exercise;
  if (result.status === "error") {
    annotations.push({ level: "error", title: `${exercise}: ${words.COULD_NOT_BE_GRADED}`, message: graderErrorText(result) });
  }
  if (result.problem) {
    const title = `${exercise}: ${problemTitle(result.problem)}`;
    const message = problemText(result.problem);
    const places = result.problem.locations.map((location) => repoLocation(result, location, options.root));
    if (places.length === 0) annotations.push({ level: "error", title, message });
    // The whole story once, at the first place; each other place (another blank) says what it is.
    const again = result.problem.kind === "blanks" ? ANOTHER_BLANK : result.problem.message;
    places.forEach((location, i) => annotations.push({ level: "error", title, message: i === 0 ? message : again, location }));
    // Every check says only "not run": the Problem above is the whole story.
  } else {
    for (const verdict of result.checks) {
      const annotation = checkAnnotation(result, verdict, options);
      if (annotation) annotations.push(annotation);
    }
  }
  for (const note of result.notes) annotations.push({ level: "warning", title: `${exercise}: note`, message: note });
  return annotations;
}

function checkAnnotation(result: Result, verdict: Verdict, options: { reveal?: boolean; root?: string }): Annotation | undefined {
  // A skip is explained by the failure it builds on, which has its own annotation.
  if (verdict.status === "pass" || verdict.status === "skip") return undefined;
  const location = checkLocation(result, verdict, options);
  const points = verdict.advisory ? "advisory, no points" : `${formatPoints(verdict.points)}/${formatPoints(verdict.maxPoints)}`;
  return {
    level: verdict.advisory ? "warning" : "error",
    title: `${result.exercise}: ${verdict.title} (${points})`,
    message: checkFeedback(verdict, { reveal: options.reveal }),
    ...(location && { location }),
  };
}

export function totalAnnotation(summary: Summary): Annotation {
  const incomplete = summary.results.some((r) => r.status === "error") ? words.INCOMPLETE : "";
  return { level: "notice", title: words.TOTAL_TITLE, message: words.pointsTotal(formatPoints(summary.score), formatPoints(summary.maxScore), incomplete) };
}

/** One workflow command line, escaped as the runner unescapes it. */
export function workflowCommand(annotation: Annotation): string {
  const properties: string[] = [];
  if (annotation.location) {
    properties.push(`file=${escapeProperty(actionsSafe(annotation.location.path))}`, `line=${annotation.location.line}`);
    if (annotation.location.column) properties.push(`col=${annotation.location.column}`);
  }
  properties.push(`title=${escapeProperty(actionsSafe(annotation.title))}`);
  return `::${annotation.level} ${properties.join(",")}::${escapeData(actionsSafe(annotation.message))}\n`;
}

function escapeData(value: string): string {
  return value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
