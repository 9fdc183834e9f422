/**
 * JUnit XML, the common format of GitLab, Jenkins and IDEs: a `<testsuite>` per exercise and a
 * `<testcase>` per check, whose `<failure>` text is the student-facing feedback.
 *
 * Two dialects, because the consumers disagree. `junit` is valid against both strict schemas a
 * JUnit file is held to: Jenkins xUnit's junit-10.xsd (no `skipped` on `<testsuites>`, no `file`
 * on `<testcase>`) and the Ant schema (`package`, `id`, `timestamp`, `hostname` on each suite,
 * `<properties>`, `<system-out>` and `<system-err>` required per suite, none inside a testcase, no
 * attributes on `<testsuites>`). `junit-located` adds `file` and `line` to each testcase whose
 * place is known, which GitLab (file) and action-junit-report (file, line) read and both strict
 * schemas reject. `junit.xsd` beside this file describes exactly what is written.
 *
 * JUnit has no notion of points: they are in the suite's properties (score, maxScore) and, per
 * check, in the suite's `<system-out>` ("Points: 1/2 The home page opens").
 *
 * Mapping: pass → passed; fail → `<failure>`; skip → `<skipped>`; error (the grader could not run
 * the check) → `<error>`. An advisory check never fails the build: a warning is a passed test
 * case, the warning in the suite's `<system-out>`. A submission that could not be graded at all
 * gets a test case with an `<error>`, never a silent zero.
 */
import { hostname as machineName } from "node:os";
import type { Result, Verdict } from "../verdict/types.js";
import { formatPoints, graderErrorText, problemText, standaloneFeedback } from "./feedback.js";
import type { Reporter, ReporterOptions, Summary } from "./reporter.js";
import { checkLocation } from "./where.js";
import { actionsSafe } from "../verdict/studentText.js";
import * as words from "../words/report.js";

export interface JunitOptions {
  reveal?: boolean;
  root?: string;
  /** Add `file` and `line` to test cases (the `junit-located` dialect). */
  located?: boolean;
  /** When the report was made (the suites' `timestamp`); default: now. */
  now?: Date;
  /** The suites' `hostname`; default: this machine's name. */
  hostname?: string;
}

export function createJunitReporter(options: ReporterOptions, dialect: { located?: boolean } = {}): Reporter {
  return {
    onResult() {},
    onEnd(summary) {
      options.write(actionsSafe(toJunitXml(summary, { ...options, ...dialect })));
    },
  };
}

interface Case {
  name: string;
  time: number;
  location?: { path: string; line: number };
  outcome?: { tag: "failure" | "error" | "skipped"; message: string; type?: string; text?: string };
  /** What the suite's <system-out> says about this case: its points, an advisory warning. */
  out?: string;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  time: number;
}

export function toJunitXml(summary: Summary, options: JunitOptions = {}): string {
  const stamp = { timestamp: isoSeconds(options.now ?? new Date()), hostname: options.hostname || machineName() || "localhost" };
  const suites = summary.results.map((result, id) => {
    const cases = resultCases(result, options);
    return suiteXml(result, cases, count(cases, result.durationMs / 1000), { ...stamp, id }, options.located === true);
  });
  // The Ant schema allows no attributes on <testsuites>: the totals are in each suite.
  return [`<?xml version="1.0" encoding="UTF-8"?>`, `<testsuites>`, ...suites, `</testsuites>`, ""].join("\n");
}

function resultCases(result: Result, options: JunitOptions): Case[] {
  const cases = result.checks.map((verdict) => checkCase(result, verdict, options));
  if (result.status === "error" && !result.checks.some((v) => v.status === "error")) {
    const text = graderErrorText(result);
    cases.push({ name: words.COULD_NOT_BE_GRADED, time: result.durationMs / 1000, outcome: { tag: "error", type: "grader-error", message: text, text } });
  }
  return cases;
}

function checkCase(result: Result, verdict: Verdict, options: JunitOptions): Case {
  const text = standaloneFeedback(verdict, { reveal: options.reveal, problem: result.problem });
  const location = checkLocation(result, verdict, options);
  const name = verdict.title + (verdict.advisory ? " (advisory)" : "");
  const base: Case = {
    name,
    time: verdict.durationMs / 1000,
    ...(location && { location: { path: location.path, line: location.line } }),
  };
  if (verdict.advisory) {
    return { ...base, out: verdict.status === "fail" ? `Warning (advisory, no points) ${name}: ${text}` : undefined };
  }
  const out = `Points: ${formatPoints(verdict.points)}/${formatPoints(verdict.maxPoints)} ${name}`;
  if (verdict.status === "pass") return { ...base, out };
  if (verdict.status === "skip") return { ...base, outcome: { tag: "skipped", message: firstLine(text) }, out };
  if (verdict.status === "error") return { ...base, outcome: { tag: "error", type: "grader-error", message: firstLine(text), text }, out };
  return { ...base, outcome: { tag: "failure", type: "check-failed", message: firstLine(text), text }, out };
}

function count(cases: Case[], time: number): Counts {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.outcome?.tag === "failure").length,
    errors: cases.filter((c) => c.outcome?.tag === "error").length,
    skipped: cases.filter((c) => c.outcome?.tag === "skipped").length,
    time,
  };
}

function suiteXml(result: Result, cases: Case[], counts: Counts, stamp: { timestamp: string; hostname: string; id: number }, located: boolean): string {
  const properties: [string, string][] = [
    ["title", result.title],
    ["submission", result.submission],
    ["status", result.status],
    ["score", formatPoints(result.score)],
    ["maxScore", formatPoints(result.maxScore)],
  ];
  const outLines = [`Points: ${formatPoints(result.score)}/${formatPoints(result.maxScore)} in total`, ...cases.flatMap((c) => (c.out ? [c.out] : []))];
  const errLines = [
    ...(result.problem ? [problemText(result.problem)] : []),
    ...result.notes.map((note) => `Note: ${note}`),
    ...(result.status === "error" ? [graderErrorText(result)] : []),
  ];
  const identity = ` name="${attr(result.exercise)}" package="${attr(result.exercise)}" id="${stamp.id}" timestamp="${stamp.timestamp}" hostname="${attr(stamp.hostname)}"`;
  return [
    `  <testsuite${identity}${countAttributes(counts)}>`,
    `    <properties>`,
    ...properties.map(([name, value]) => `      <property name="${attr(name)}" value="${attr(value)}"/>`),
    `    </properties>`,
    ...cases.map((c) => caseXml(result.exercise, c, located)),
    `    <system-out>${text(outLines.join("\n"))}</system-out>`,
    `    <system-err>${text(errLines.join("\n\n"))}</system-err>`,
    `  </testsuite>`,
  ].join("\n");
}

function caseXml(exercise: string, c: Case, located: boolean): string {
  const place = located && c.location ? ` file="${attr(c.location.path)}" line="${c.location.line}"` : "";
  const open = `    <testcase classname="${attr(exercise)}" name="${attr(c.name)}" time="${seconds(c.time)}"${place}`;
  if (!c.outcome) return `${open}/>`;
  const { tag, message, type, text: content } = c.outcome;
  const attributes = ` message="${attr(message)}"${type ? ` type="${attr(type)}"` : ""}`;
  const outcome = content ? `      <${tag}${attributes}>${text(content)}</${tag}>` : `      <${tag}${attributes}/>`;
  return [`${open}>`, outcome, `    </testcase>`].join("\n");
}

/** The Ant schema's timestamp: ISO 8601 to the second, no zone (UTC here). */
function isoSeconds(date: Date): string {
  return date.toISOString().slice(0, 19);
}

function countAttributes(c: Counts): string {
  return ` tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${seconds(c.time)}"`;
}

function seconds(value: number): string {
  return (Math.round(value * 1000) / 1000).toFixed(3);
}

function firstLine(value: string): string {
  return value.split("\n")[0]!;
}

/** Characters XML 1.0 cannot hold at all (an app may answer with any byte), as U+FFFD. */
const INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function text(value: string): string {
  return value.replace(INVALID, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function attr(value: string): string {
  return text(value).replace(/"/g, "&quot;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;");
}
