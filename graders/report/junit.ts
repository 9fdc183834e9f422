/**
 * JUnit XML, the common format of GitLab, Jenkins and IDEs: a `<testsuite>` per exercise and a
 * `<testcase>` per check, whose `<failure>` text is the student-facing feedback. Points are in
 * each test case's `<system-out>` ("Points: 1/2") and in the suite's properties (score, maxScore),
 * since JUnit itself has no notion of points. `junit.xsd` beside this file describes exactly what
 * is written, and a test validates the output against it.
 *
 * Mapping: pass → passed; fail → `<failure>`; skip → `<skipped>`; error (the grader could not run
 * the check) → `<error>`. An advisory check never fails the build: a warning is a passed test
 * case with the warning in `<system-out>`. A submission that could not be graded at all gets a
 * test case with an `<error>`, never a silent zero.
 */
import type { Result, Verdict } from "../verdict/types.js";
import { formatPoints, graderErrorText, problemText, standaloneFeedback } from "./feedback.js";
import type { Reporter, ReporterOptions, Summary } from "./reporter.js";
import { checkLocation } from "./where.js";
import { actionsSafe } from "../verdict/studentText.js";

export function createJunitReporter(options: ReporterOptions): Reporter {
  return {
    onResult() {},
    onEnd(summary) {
      options.write(actionsSafe(toJunitXml(summary, options)));
    },
  };
}

interface Case {
  name: string;
  time: number;
  file?: string;
  outcome?: { tag: "failure" | "error" | "skipped"; message: string; type?: string; text?: string };
  out?: string;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  time: number;
}

export function toJunitXml(summary: Summary, options: { reveal?: boolean; root?: string } = {}): string {
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
  const suites = summary.results.map((result) => {
    const cases = resultCases(result, options);
    const counts = count(cases, result.durationMs / 1000);
    for (const key of Object.keys(total) as (keyof Counts)[]) total[key] += counts[key];
    return suiteXml(result, cases, counts);
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="autograde"${countAttributes(total)}>`,
    ...suites,
    `</testsuites>`,
    "",
  ].join("\n");
}

function resultCases(result: Result, options: { reveal?: boolean; root?: string }): Case[] {
  const cases = result.checks.map((verdict) => checkCase(result, verdict, options));
  if (result.status === "error" && !result.checks.some((v) => v.status === "error")) {
    const text = graderErrorText(result);
    cases.push({ name: "could not be graded", time: result.durationMs / 1000, outcome: { tag: "error", type: "grader-error", message: text, text } });
  }
  return cases;
}

function checkCase(result: Result, verdict: Verdict, options: { reveal?: boolean; root?: string }): Case {
  const text = standaloneFeedback(verdict, { reveal: options.reveal, problem: result.problem });
  const location = checkLocation(result, verdict, options);
  const base: Case = {
    name: verdict.title + (verdict.advisory ? " (advisory)" : ""),
    time: verdict.durationMs / 1000,
    ...(location && { file: location.path }),
  };
  const points = `Points: ${formatPoints(verdict.points)}/${formatPoints(verdict.maxPoints)}`;
  const out = (lines: string[]) => lines.filter(Boolean).join("\n");
  if (verdict.status === "pass") return { ...base, out: out(verdict.advisory ? [text] : [points, text]) };
  if (verdict.status === "skip") return { ...base, outcome: { tag: "skipped", message: firstLine(text) }, out: out(verdict.advisory ? [text] : [points, text]) };
  if (verdict.advisory) return { ...base, out: `Warning (advisory, no points): ${text}` };
  if (verdict.status === "error") return { ...base, outcome: { tag: "error", type: "grader-error", message: firstLine(text), text }, out: points };
  return { ...base, outcome: { tag: "failure", type: "check-failed", message: firstLine(text), text }, out: points };
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

function suiteXml(result: Result, cases: Case[], counts: Counts): string {
  const properties: [string, string][] = [
    ["title", result.title],
    ["submission", result.submission],
    ["status", result.status],
    ["score", formatPoints(result.score)],
    ["maxScore", formatPoints(result.maxScore)],
  ];
  const errLines = [
    ...(result.problem ? [problemText(result.problem)] : []),
    ...result.notes.map((note) => `Note: ${note}`),
    ...(result.status === "error" ? [graderErrorText(result)] : []),
  ];
  return [
    `  <testsuite name="${attr(result.exercise)}"${countAttributes(counts)}>`,
    `    <properties>`,
    ...properties.map(([name, value]) => `      <property name="${attr(name)}" value="${attr(value)}"/>`),
    `    </properties>`,
    ...cases.map((c) => caseXml(result.exercise, c)),
    ...(errLines.length > 0 ? [`    <system-err>${text(errLines.join("\n\n"))}</system-err>`] : []),
    `  </testsuite>`,
  ].join("\n");
}

function caseXml(exercise: string, c: Case): string {
  const open = `    <testcase classname="${attr(exercise)}" name="${attr(c.name)}" time="${seconds(c.time)}"${c.file ? ` file="${attr(c.file)}"` : ""}`;
  const body: string[] = [];
  if (c.outcome) {
    const { tag, message, type, text: content } = c.outcome;
    const attributes = ` message="${attr(message)}"${type ? ` type="${attr(type)}"` : ""}`;
    body.push(content ? `      <${tag}${attributes}>${text(content)}</${tag}>` : `      <${tag}${attributes}/>`);
  }
  if (c.out) body.push(`      <system-out>${text(c.out)}</system-out>`);
  return body.length === 0 ? `${open}/>` : [`${open}>`, ...body, `    </testcase>`].join("\n");
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
