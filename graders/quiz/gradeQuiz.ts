/**
 * Grading a quiz exercise (`kind: quiz`): no app is started. The submission folder holds
 * `answers.yaml`, which maps question ids to answers; reading it is the only I/O, evaluation is
 * quiz/evaluate.ts. Like grade(), never throws: the result carries whatever went wrong.
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import type { Spec } from "../spec/types.js";
import { readStudentFile } from "../studentFile.js";
import type { Problem, Result, Verdict } from "../verdict/types.js";
import { evaluateQuiz, type AnswerEntry } from "./evaluate.js";
import { nameText, plainData, plainText } from "../verdict/studentText.js";
import * as words from "../words/quiz.js";

export const ANSWERS_FILE = "answers.yaml";

/** Larger than any list of answers; a file this big is not one. */
const MAX_BYTES = 256 * 1024;

const FORMAT_HINT = words.FORMAT_HINT;

export type ReadAnswers = { entries: AnswerEntry[] } | { problem: Problem };

/** Reads `answers.yaml` from a submission folder: its entries in file order, or why it cannot be used. */
export function readAnswers(dir: string, file = ANSWERS_FILE): ReadAnswers {
  const read = readStudentFile(dir, file, MAX_BYTES);
  switch (read.kind) {
    case "file":
      return parseAnswers(read.text, file);
    case "missing":
      return { problem: missing(dir, file, words.noAnswersFile(file)) };
    case "link":
      // Never followed, and nothing of its target is shown: it could be any file the grader can read.
      return { problem: missing(dir, file, words.answersFileIsLink(file)) };
    case "not-a-file":
      return { problem: missing(dir, file, words.answersFileNotAFile(file)) };
    case "too-big":
      return { problem: { kind: "syntax", subject: file, message: words.answersFileTooBig(file, Math.round(read.bytes / 1024)), hint: FORMAT_HINT, locations: [] } };
  }
}

/** The entries of an answers.yaml text, or a Problem located at the YAML error. Pure. */
export function parseAnswers(text: string, file = ANSWERS_FILE): ReadAnswers {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const yamlAt = error.linePos?.[0];
    // An unclosed quote or bracket runs on to where YAML notices it, often the end of the file:
    // point at the line where it opened instead.
    const quote = error.code === "MISSING_CHAR" && /quote/.test(error.message);
    const bracket = error.code === "BAD_INDENT" && /Flow (sequence|map)/.test(error.message);
    const opened = quote || bracket ? unclosedLine(text) : undefined;
    const at = opened ? { line: opened, col: 1 } : yamlAt;
    const reason = bracket && opened
      ? words.UNCLOSED_BRACKET
      : (REASONS[error.code] ?? `${error.message.split(" at line ")[0]!.replace(/\s+/g, " ").replace(/:$/, "").trim()}`);
    return {
      problem: {
        kind: "syntax",
        subject: file,
        message: words.notYaml(file, at && { line: at.line, column: opened ? undefined : at.col }, reason),
        hint: FORMAT_HINT,
        locations: at ? [{ file, line: at.line, column: opened ? undefined : at.col }] : [],
      },
    };
  }
  const root = doc.contents;
  // Only comments (or nothing): no answers yet, like a starter with its answers taken out.
  if (root === null || (isScalar(root) && root.value === null)) return { entries: [] };
  if (!isMap(root)) {
    const line = root.range ? lines.linePos(root.range[0]).line : 1;
    return {
      problem: {
        kind: "syntax",
        subject: file,
        message: words.notAMapping(file, Array.isArray(root.toJSON())),
        hint: FORMAT_HINT,
        locations: [{ file, line }],
      },
    };
  }
  const entries: AnswerEntry[] = root.items.map((pair) => {
    const keyNode = pair.key;
    const key = isScalar(keyNode) ? String(keyNode.value) : String((keyNode as { toJSON?: () => unknown } | null)?.toJSON?.() ?? keyNode);
    const range = isScalar(keyNode) ? keyNode.range : undefined;
    const value = pair.value === null ? null : isScalar(pair.value) ? pair.value.value : (pair.value as { toJSON(): unknown }).toJSON();
    // Keys and answers are student text, quoted in feedback: made plain where they are read.
    return { key: plainText(key), value: plainData(value), line: range ? lines.linePos(range[0]).line : undefined };
  });
  return { entries };
}

/** What the usual YAML errors mean in an answers file. */
const REASONS = words.YAML_REASONS;

const CLOSING: Record<string, string> = { '"': '"', "'": "'", "[": "]", "{": "}" };

/** The first line whose answer starts with a quote or a bracket that the line does not close. */
function unclosedLine(text: string): number | undefined {
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    const m = /^[^#:]*:\s+(["'[{])(.*)$/.exec(line);
    if (!m) continue;
    const [, open, rest] = m;
    // Inside '...', a quote is written twice; inside "...", it is escaped with a backslash.
    const body = open === "'" ? rest!.replace(/''/g, "") : open === '"' ? rest!.replace(/\\./g, "") : rest!;
    if (!body.includes(CLOSING[open!]!)) return i + 1;
  }
  return undefined;
}

function missing(dir: string, file: string, first: string): Problem {
  let others: string[] = [];
  try {
    others = readdirSync(dir).filter((name) => name !== file && /\.(ya?ml|txt)$/i.test(name)).map(nameText);
  } catch {
    // no folder at all: the first sentence says enough
  }
  return {
    kind: "missing-file",
    subject: file,
    message: words.foundInstead(first, others),
    hint: words.answersFileHint(file),
    locations: [],
  };
}

/** The Result for a quiz submission. `submissionDir` is shown as given. */
export function gradeQuiz(spec: Spec, submissionDir: string): Result {
  const started = Date.now();
  const questions = spec.questions ?? [];
  const base = { exercise: spec.id, title: spec.title, submission: submissionDir };
  const maxScore = questions.reduce((sum, q) => sum + (q.points ?? 1), 0);
  try {
    const read = readAnswers(resolve(submissionDir));
    if ("problem" in read) {
      const checks: Verdict[] = questions.map((q) => ({
        id: q.id,
        title: q.text,
        status: "fail",
        points: 0,
        maxPoints: q.points ?? 1,
        advisory: false,
        visibility: "visible",
        message: words.notGraded(ANSWERS_FILE, read.problem.kind === "missing-file"),
        hint: read.problem.hint,
        exchanges: [],
        durationMs: 0,
      }));
      return { ...base, score: 0, maxScore, status: "graded", problem: read.problem, notes: [], checks, durationMs: Date.now() - started };
    }
    const { verdicts, notes } = evaluateQuiz(questions, read.entries, ANSWERS_FILE);
    const score = verdicts.reduce((sum, v) => sum + v.points, 0);
    return { ...base, score, maxScore, status: "graded", notes, checks: verdicts, durationMs: Date.now() - started };
  } catch (err) {
    return { ...base, score: 0, maxScore, status: "error", error: (err as Error).message, notes: [], checks: [], durationMs: Date.now() - started };
  }
}
