/**
 * The student-facing text of a check: the one wording every output format shares (pretty, json,
 * jest), so a student sees the same words wherever they grade. Pure: data in, text out.
 */
import type { Exchange, Problem, Result, SourceLocation, StepAction, Verdict } from "../verdict/types.js";
import { plainText } from "../verdict/studentText.js";

export interface FeedbackOptions {
  /** Show the details of hidden / after-due-date checks (teachers, or once results are released). */
  reveal?: boolean;
  /** The Result's Problem: when the app could not start, checks only say so (the Problem says why, once). */
  problem?: Problem;
}

/** Characters of page text shown: enough to recognise the page, short enough to read at a glance. */
export const PAGE_TEXT_LIMIT = 200;
/** Requests shown per check; earlier ones are counted, since the last ones explain the failure. */
export const EXCHANGE_LIMIT = 4;

const PROBLEM_LABELS: Record<Problem["kind"], string> = {
  blanks: "it still has blanks to fill in",
  syntax: "Python found a syntax error",
  "missing-module": "it imports a module that is not installed",
  "no-app": "no Flask app was found",
  "import-crash": "it crashed while starting",
  "missing-file": "a file is missing",
  "boot-timeout": "it did not start in time",
  "boot-failed": "it failed to start",
  "too-big": "the submission folder is too big",
  setup: "a setup step failed before it started",
  "setup-timeout": "a setup step did not finish in time",
};

/** True when a check's details must stay private: students only learn whether it passed. */
export function isConcealed(verdict: Verdict, reveal = false): boolean {
  return verdict.visibility !== "visible" && !reveal;
}

/** The feedback for one check. For a visible pass this is just its rationale. */
export function checkFeedback(verdict: Verdict, options: FeedbackOptions = {}): string {
  if (isConcealed(verdict, options.reveal)) {
    return `Hidden check: ${verdict.status === "pass" ? "passed" : verdict.status === "skip" ? "skipped" : "failed"}.`;
  }
  if (verdict.status === "pass") return verdict.message;
  // The Problem is shown once per result; repeating it under every check would bury it.
  if (options.problem) return options.problem.subject ? `Not checked: ${options.problem.subject} could not be used.` : "Not run: the app did not start.";
  // A skip's message already names the prerequisite that failed; its hint would be about this
  // check, not about what to fix first, so it is left out.
  if (verdict.status === "skip") return verdict.message;

  const lines = [verdict.message];
  if (verdict.exchanges.length > 0 || verdict.actions?.length) lines.push("What the grader did:", ...indent(exchangesText(verdict.exchanges, verdict.actions)));
  if (verdict.location) lines.push(`Look at ${formatLocation(verdict.location)}${verdict.location.label ? ` (${verdict.location.label})` : ""}.`);
  if (verdict.hint) lines.push(hintLine(verdict.hint));
  return lines.join("\n");
}

/**
 * The feedback of one check read on its own, as a test is read in another tool (jest, GitHub
 * Classroom, Gradescope, JUnit): a pass is its rationale (empty when that is only the title);
 * anything else also carries the Problem
 * when the app could not start, since nothing else on that test's page would say why.
 */
export function standaloneFeedback(verdict: Verdict, options: FeedbackOptions = {}): string {
  const text = checkFeedback(verdict, options);
  // A pass whose rationale only repeats the check's title (which the tool shows anyway) says nothing more.
  if (verdict.status === "pass" && text === verdict.title) return "";
  return verdict.status !== "pass" && options.problem ? `${text}\n\n${problemText(options.problem)}` : text;
}

/**
 * Why a result has no trustworthy score (status `error`): the grader's fault, never the student's,
 * and never to be read as a zero.
 */
export function graderErrorText(result: Result): string {
  return (
    // The error may quote the submission (a file name, the app's last words): plain text only.
    `The grader could not grade ${result.exercise} (not your fault): ${plainText(result.error ?? "unknown grader error")} ` +
    "The score is not final: ask your teacher to grade it again."
  );
}

/** Points as people write them: 2, 1.5, 0.33 (float noise such as 0.30000000000000004 hidden). */
export function formatPoints(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Why the app could not start: kind, message, every location, hint. */
export function problemText(problem: Problem): string {
  const headline = problem.subject
    ? `Your ${problem.subject} could not be used.`
    : `Your app could not start: ${PROBLEM_LABELS[problem.kind] ?? problem.kind}.`;
  const lines = [headline, problem.message];
  for (const location of problem.locations) lines.push(`  ${formatLocation(location)}`);
  if (problem.hint) lines.push(hintLine(problem.hint));
  return lines.join("\n");
}

/** `app.py:12:5`, the form editors and terminals turn into links. */
export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}${location.column ? `:${location.column}` : ""}`;
}

/**
 * The steps of a check, numbered as the spec numbers them: each request with what came back, and
 * each step that sent none (a restart, a cookie set, dropped, edited or forged by hand). Values
 * the grader noted are shown where it took them.
 */
export function exchangesText(exchanges: readonly Exchange[], actions: readonly StepAction[] = []): string[] {
  type Entry = { step: number; exchange?: Exchange; action?: StepAction };
  // Without step numbers (older results), requests are numbered in order.
  const entries: Entry[] = [
    ...exchanges.map((exchange, i) => ({ step: exchange.step ?? i + 1, exchange })),
    ...actions.map((action) => ({ step: action.step, action })),
  ].sort((a, b) => a.step - b.step);
  // The last EXCHANGE_LIMIT requests are shown, with the other steps among them.
  let first = entries.length;
  for (let requests = 0; first > 0 && (requests < EXCHANGE_LIMIT || !entries[first - 1]!.exchange); first--) {
    if (entries[first - 1]!.exchange) requests++;
  }
  const shown = entries.slice(first);
  const hidden = entries.slice(0, first);
  // Name browsers only when several take part: with one, the name is noise.
  const manyBrowsers = new Set([...exchanges.map((e) => e.browser), ...actions.map((a) => a.browser)]).size > 1;
  const lines: string[] = [];
  if (hidden.length > 0) {
    lines.push(
      hidden.every((e) => e.exchange)
        ? `(${hidden.length} earlier request${hidden.length === 1 ? "" : "s"} not shown)`
        : `(steps 1 to ${hidden.at(-1)!.step} not shown)`,
    );
  }
  // A session is shown when it changes (so a login or logout shows), and at the end when there
  // is one: "none" under every request of a check that is not about the session is noise.
  let previousSession = "none";
  const lastExchange = [...shown].reverse().find((e) => e.exchange)?.exchange;
  for (const { step, exchange, action } of shown) {
    if (action) {
      lines.push(`${step}. ${manyBrowsers ? `[${action.browser}] ` : ""}${action.text}`);
      continue;
    }
    const last = exchange === lastExchange;
    lines.push(`${step}. ${requestLine(exchange!, manyBrowsers)}`);
    const details = responseLines(exchange!, last);
    if (exchange!.session !== undefined) {
      const session = exchange!.session === null ? "none" : formatSession(exchange!.session);
      if (session !== previousSession || (last && exchange!.session !== null)) details.push(`session: ${session}`);
      previousSession = session;
    }
    for (const { what, value } of exchange!.noted ?? []) details.push(`noted ${truncate(JSON.stringify(value) ?? String(value), 60)}: ${what}`);
    lines.push(...details.map((line) => `   ${line}`));
  }
  return lines;
}

function requestLine(exchange: Exchange, manyBrowsers: boolean): string {
  const { method, path, form } = exchange.request;
  const who = manyBrowsers ? `[${exchange.browser}] ` : "";
  const fields = form ? Object.entries(form).map(([name, value]) => `${name}=${value}`) : [];
  const via = exchange.via ? `${exchange.via}: ` : "";
  return `${who}${via}${method} ${path}${fields.length > 0 ? ` with ${fields.join(", ")}` : ""}`;
}

function responseLines(exchange: Exchange, last: boolean): string[] {
  const lines: string[] = [];
  const response = exchange.response;
  if (!response) {
    lines.push(`→ no response: ${exchange.failure ?? "the app did not answer"}`);
  } else {
    let line = `→ ${response.status}`;
    if (response.location) line += `, redirects to ${response.location}`;
    // Only the last page is quoted: it is the one the failure is about. A redirect's page and
    // the error page of a crash say nothing the status and the exception do not.
    if (last && response.text && !response.location && !exchange.exception) {
      line += `, page: "${truncate(response.text, PAGE_TEXT_LIMIT)}"`;
    }
    lines.push(line);
    const { set, deleted } = cookieChanges(response.setCookies);
    if (set.length > 0) lines.push(`sets cookie${set.length === 1 ? "" : "s"}: ${set.join(", ")}`);
    if (deleted.length > 0) lines.push(`deletes cookie${deleted.length === 1 ? "" : "s"}: ${deleted.join(", ")}`);
  }
  if (exchange.exception) {
    const where = exchange.exception.location ? ` at ${formatLocation(exchange.exception.location)}` : "";
    lines.push(`your app raised ${exchange.exception.summary}${where}`);
  }
  return lines;
}

/** Names of the cookies a response set and deleted. Values are left out: they are long and opaque. */
export function cookieChanges(setCookies: readonly string[], now = Date.now()): { set: string[]; deleted: string[] } {
  const set: string[] = [];
  const deleted: string[] = [];
  for (const header of setCookies) {
    const [pair = "", ...attributes] = header.split(";");
    const name = pair.split("=")[0]!.trim();
    if (!name) continue;
    (isDeletion(attributes, now) ? deleted : set).push(name);
  }
  return { set, deleted };
}

// Flask deletes a cookie by setting it empty with `Expires` in 1970 and `Max-Age=0`.
function isDeletion(attributes: string[], now: number): boolean {
  for (const attribute of attributes) {
    const [key = "", value = ""] = attribute.split("=", 2).map((s) => s.trim());
    if (/^max-age$/i.test(key) && Number(value) <= 0) return true;
    if (/^expires$/i.test(key) && Date.parse(value) < now) return true;
  }
  return false;
}

function formatSession(session: Record<string, unknown>): string {
  return truncate(JSON.stringify(session, null, 1).replace(/\n\s*/g, " ").replace(/^\{ /, "{").replace(/ \}$/, "}"), PAGE_TEXT_LIMIT);
}

function hintLine(hint: string): string {
  return /^hint:/i.test(hint) ? hint : `Hint: ${hint}`;
}

function truncate(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}
