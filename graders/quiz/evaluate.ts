/**
 * Pure quiz evaluation: the spec's questions and the answers a student wrote in, one Verdict per
 * question and notes for what answers nothing (an unknown id, the same question twice). No files.
 *
 * An answer names an option by its letter (a, b, c, ... in the spec's order, which is the order
 * the starter lists) or by its text, compared without regard to case, surrounding spaces, runs of
 * spaces, the kind of quotes (straight or curly, single or double) or of dashes.
 */
import { closest } from "../spec/rules.js";
import type { QuizQuestion } from "../spec/types.js";
import type { SourceLocation, Verdict } from "../verdict/types.js";
import * as words from "../words/quiz.js";

/** One `id: answer` line of answers.yaml, in file order. */
export interface AnswerEntry {
  /** The id as written. */
  key: string;
  /** The answer as YAML read it: usually a string; null when left blank. */
  value: unknown;
  /** 1-based line of the id in answers.yaml, when known. */
  line?: number;
}

export interface QuizOutcome {
  verdicts: Verdict[];
  /** Remarks about answers.yaml as a whole (unknown ids, nothing answered yet). */
  notes: string[];
}

/** `a`, `b`, ... for option 0, 1, ... */
export const letterOf = (index: number): string => String.fromCharCode(97 + index);

/** The form in which two texts are compared: the differences a student does not see removed. */
export function normalizeAnswer(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[\u2018\u2019\u201A\u201B\u2032\u0060\u00B4]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"')
    .replace(/"/g, "'")
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

/** Ids are matched like answers' letters: `Q1` and ` q1 ` are `q1`. */
const normalizeId = (id: string): string => id.replace(/\s+/g, "").toLowerCase();

/** Blank in the starter, or a left-over `___`: not answered yet. */
function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === "string" && /^\s*_*\s*$/.test(value));
}

export type Choice =
  | { kind: "option"; index: number }
  | { kind: "missing" }
  | { kind: "not-an-option"; why: string };

/** Which option an answer names, or why it names none. */
export function chooseOption(question: QuizQuestion, value: unknown): Choice {
  if (isBlank(value)) return { kind: "missing" };
  const range = words.optionRange(letterOf(question.options.length - 1));
  const howTo = words.howToAnswer(range);
  if (Array.isArray(value) || (typeof value === "object" && value !== null)) {
    return { kind: "not-an-option", why: words.severalAnswers(Array.isArray(value), howTo) };
  }
  if (typeof value !== "string") return { kind: "not-an-option", why: words.notAnOptionValue(String(value), howTo) };

  const options = question.options.map(normalizeAnswer);
  const said = normalizeAnswer(value);
  const byText = (text: string): number => {
    const i = options.indexOf(text);
    if (i >= 0) return i;
    // An answer wrapped in one more pair of quotes than YAML removed: '"Like a list"'.
    const unquoted = /^'(.*)'$/.exec(text)?.[1];
    return unquoted === undefined ? -1 : options.indexOf(unquoted.trim());
  };

  const text = byText(said);
  if (text >= 0) return { kind: "option", index: text };

  const letter = /^\(?([a-z])\s*[).:]?$/.exec(said)?.[1];
  if (letter !== undefined) {
    const index = letter.charCodeAt(0) - 97;
    if (index < question.options.length) return { kind: "option", index };
    return { kind: "not-an-option", why: words.noSuchLetter(letter, range) };
  }

  // "c) app.secret_key", as the starter lists it: fine when the letter and the text agree.
  const both = /^\(?([a-z])\s*[).:]\s*(.+)$/.exec(said);
  if (both) {
    const index = both[1]!.charCodeAt(0) - 97;
    const named = byText(both[2]!);
    if (named >= 0 && (named === index || index >= question.options.length)) return { kind: "option", index: named };
    if (named >= 0) return { kind: "not-an-option", why: words.letterAndTextDisagree(both[1]!, question.options[named]!) };
  }

  // "app.secret" for "app.secret_key": one option starting with what was written is a good guess too.
  const starts = question.options.filter((o) => said.length >= 3 && normalizeAnswer(o).startsWith(said));
  const near = closest(value.trim(), question.options) ?? (starts.length === 1 ? starts[0] : undefined);
  return { kind: "not-an-option", why: words.notAnOption(value.trim(), near, howTo) };
}

/**
 * One verdict per question, in the spec's order, and notes about the file as a whole.
 * `file` names answers.yaml in messages and locations.
 */
export function evaluateQuiz(questions: readonly QuizQuestion[], entries: readonly AnswerEntry[], file = "answers.yaml"): QuizOutcome {
  const notes: string[] = [];
  const ids = new Map(questions.map((q) => [normalizeId(q.id), q]));
  const given = new Map<string, AnswerEntry>();
  for (const entry of entries) {
    const id = normalizeId(entry.key);
    const question = ids.get(id);
    if (!question) {
      const list = questions.length > 1 ? words.questionRange(questions[0]!.id, questions[questions.length - 1]!.id) : questions.map((q) => q.id).join("");
      notes.push(words.notAQuestion(file, entry.key, entry.line, list));
      continue;
    }
    const first = given.get(id);
    if (first) {
      notes.push(words.answeredTwice(file, question.id, first.line, entry.line));
      continue;
    }
    given.set(id, entry);
  }

  const graded = questions.map((question) => {
    const entry = given.get(normalizeId(question.id));
    return { question, entry, choice: chooseOption(question, entry?.value) };
  });
  if (graded.every((g) => g.choice.kind === "missing")) {
    notes.unshift(words.nothingAnswered(file));
  }
  return { verdicts: graded.map((g) => questionVerdict(g.question, g.entry, g.choice, file)), notes };
}

function questionVerdict(question: QuizQuestion, entry: AnswerEntry | undefined, choice: Choice, file: string): Verdict {
  const maxPoints = question.points ?? 1;
  const location: SourceLocation | undefined = entry?.line ? { file, line: entry.line } : undefined;
  const base = {
    id: question.id,
    title: question.text,
    maxPoints,
    advisory: false,
    visibility: "visible" as const,
    exchanges: [],
    durationMs: 0,
  };
  switch (choice.kind) {
    case "missing":
      return {
        ...base,
        status: "fail",
        points: 0,
        message: words.noAnswerYet(question.id, file),
        location,
      };
    case "not-an-option":
      return { ...base, status: "fail", points: 0, message: words.notAChoice(question.id, choice.why), location };
    case "option": {
      const chosen = words.chosenOption(String(question.options[choice.index]), letterOf(choice.index));
      if (question.options[choice.index] === question.answer) {
        return { ...base, status: "pass", points: maxPoints, message: words.rightAnswer(question.id, chosen) };
      }
      return {
        ...base,
        status: "fail",
        points: 0,
        message: words.wrongAnswer(question.id, chosen),
        hint: question.explanation,
        location,
      };
    }
  }
}
