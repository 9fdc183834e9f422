/**
 * The quiz exercise: its data (specs/quiz.yaml against the lesson's quiz), the starter and the
 * solution kept in step with it, reading answers.yaml, and pure evaluation. No Python: a quiz
 * starts no app.
 */
import { afterAll, describe, expect, test } from "@jest/globals";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { grade } from "../graders/grade.js";
import { chooseOption, evaluateQuiz, letterOf, normalizeAnswer } from "../graders/quiz/evaluate.js";
import { gradeQuiz, parseAnswers, readAnswers } from "../graders/quiz/gradeQuiz.js";
import { loadSpec } from "../graders/spec/load.js";
import type { QuizQuestion, Spec } from "../graders/spec/types.js";
import { removeTempApps, tempFolder } from "./support/tempApps.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const spec: Spec = await loadSpec(join(ROOT, "specs", "quiz.yaml"));
const questions = spec.questions ?? [];

const question: QuizQuestion = {
  id: "q1",
  text: "How do you read a cookie the browser sent back?",
  options: ['request.cookies.get("theme")', 'session.cookie("theme")', "It is stateless — no memory"],
  answer: 'request.cookies.get("theme")',
  explanation: "Cookies come in with the request.",
};

const folder = (files: Record<string, string>): string => tempFolder(files, "quiz-");
afterAll(() => removeTempApps());

describe("specs/quiz.yaml holds the lesson's quiz", () => {
  test("ten questions q1..q10, in the lesson's order", () => {
    expect(spec.kind).toBe("quiz");
    expect(spec.checks).toEqual([]);
    expect(questions.map((q) => q.id)).toEqual(["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10"]);
    expect(questions[0]!.text).toBe("How does the Flask session object behave in your code?");
    expect(questions[9]!.text).toBe("What property of HTTP makes sessions necessary?");
  });

  test("the lesson's options (q3 gets its missing right answer, q8 keeps its two) and the lesson's answers", () => {
    expect(questions.map((q) => q.options.length)).toEqual([4, 4, 3, 4, 4, 4, 4, 2, 4, 4]);
    expect(questions[2]!.options).toEqual(["app.debug", "DB", "app.secret_key"]);
    expect(questions[7]!.options).toEqual(['request.cookies.get("theme")', 'session.cookie("theme")']);
    const letters = questions.map((q) => letterOf(q.options.indexOf(q.answer)));
    expect(letters).toEqual(["b", "c", "c", "a", "b", "c", "d", "a", "b", "c"]);
  });

  test("every question has an explanation and is worth one point", () => {
    for (const q of questions) {
      expect(q.explanation.length).toBeGreaterThan(40);
      expect(q.points ?? 1).toBe(1);
    }
  });
});

describe("starter and solution", () => {
  const starter = readFileSync(join(ROOT, "starter", "quiz", "answers.yaml"), "utf8");

  test("the starter lists every question and its options, lettered in the spec's order, above a blank answer", () => {
    for (const q of questions) {
      const block = [`# ${q.id}. ${q.text}`, ...q.options.map((o, i) => `#   ${letterOf(i)}) ${o}`), `${q.id}:`].join("\n");
      expect(starter).toContain(block);
    }
    const read = parseAnswers(starter);
    expect("entries" in read && read.entries.map((e) => [e.key, e.value])).toEqual(questions.map((q) => [q.id, null]));
  });

  test("the solution answers every question right, by letter", () => {
    const result = gradeQuiz(spec, join(ROOT, "solutions", "quiz"));
    expect(result.score).toBe(10);
    expect(result.notes).toEqual([]);
  });
});

describe("normalizeAnswer", () => {
  test("case, surrounding and repeated spaces, quote and dash styles do not matter", () => {
    expect(normalizeAnswer("  Like A  Dictionary ")).toBe("like a dictionary");
    expect(normalizeAnswer("session.get(“user”)")).toBe(normalizeAnswer('session.get("user")'));
    expect(normalizeAnswer("session.get('user')")).toBe(normalizeAnswer('session.get("user")'));
    expect(normalizeAnswer("So users can’t tamper")).toBe(normalizeAnswer("So users can't tamper"));
    expect(normalizeAnswer("stateless - each")).toBe(normalizeAnswer("stateless — each"));
  });
});

describe("chooseOption", () => {
  test.each([
    ["a", 0],
    ["B", 1],
    [" c ", 2],
    ["(a)", 0],
    ["b)", 1],
    ["a.", 0],
    ["REQUEST.COOKIES.GET('theme')", 0],
    ["request.cookies.get(‘theme’)", 0],
    ['"session.cookie("theme")"', 1],
    ["it is stateless - no memory", 2],
    ["a) request.cookies.get('theme')", 0],
  ])("%j is option %i", (answer, index) => {
    expect(chooseOption(question, answer)).toEqual({ kind: "option", index });
  });

  test.each([null, undefined, "", "   ", "___"])("%j is no answer yet", (answer) => {
    expect(chooseOption(question, answer)).toEqual({ kind: "missing" });
  });

  test.each([
    ["d", "there is no option d: this question has options a to c"],
    ["request.cookie", 'is not one of the options (did you mean "request.cookies.get("theme")"?)'],
    ["nothing like it", '"nothing like it" is not one of the options: answer with one letter (a to c)'],
    [2, "2 is not one of the options"],
    [true, "true is not one of the options"],
    [["a", "b"], "your answer is a list"],
    [{ a: 1 }, "your answer is a group of values"],
    ["b) request.cookies.get('theme')", 'the letter b and the text "request.cookies.get("theme")" name different options'],
  ])("%j names no option", (answer, why) => {
    const choice = chooseOption(question, answer);
    expect(choice.kind).toBe("not-an-option");
    expect(choice.kind === "not-an-option" && choice.why).toContain(why);
  });
});

describe("evaluateQuiz", () => {
  const two: QuizQuestion[] = [question, { ...question, id: "q2", answer: 'session.cookie("theme")', points: 2 }];

  test("one verdict per question, in order, with points, a location and the explanation for a wrong answer", () => {
    const { verdicts, notes } = evaluateQuiz(two, [
      { key: "q2", value: "a", line: 3 },
      { key: "q1", value: "a", line: 1 },
    ]);
    expect(verdicts.map((v) => [v.id, v.status, v.points, v.maxPoints])).toEqual([
      ["q1", "pass", 1, 1],
      ["q2", "fail", 0, 2],
    ]);
    expect(verdicts[1]).toMatchObject({
      title: question.text,
      message: 'q2: "request.cookies.get("theme")" (a) is not the right answer.',
      hint: question.explanation,
      location: { file: "answers.yaml", line: 3 },
      advisory: false,
      exchanges: [],
    });
    expect(verdicts[0]!.hint).toBeUndefined();
    expect(notes).toEqual([]);
  });

  test("unknown ids and answers given twice are notes; ids match without regard to case", () => {
    const { verdicts, notes } = evaluateQuiz(two, [
      { key: "Q1", value: "a", line: 1 },
      { key: "q1", value: "b", line: 2 },
      { key: "q3", value: "a", line: 3 },
    ]);
    expect(verdicts[0]!.status).toBe("pass");
    expect(verdicts[1]!.message).toMatch(/^q2: no answer yet/);
    expect(notes).toEqual([
      "answers.yaml answers q1 twice (lines 1 and 2): only the first answer counts.",
      'answers.yaml answers "q3" (line 3), which is not a question of this quiz: that answer is not graded. The questions are q1 to q2.',
    ]);
  });

  test("nothing answered: a note says how to answer", () => {
    const { verdicts, notes } = evaluateQuiz(two, []);
    expect(verdicts.every((v) => v.status === "fail" && v.message.includes("no answer yet"))).toBe(true);
    expect(notes[0]).toMatch(/^No question is answered yet/);
  });
});

describe("reading answers.yaml", () => {
  test("entries in file order with their lines; a value YAML reads as a number stays one", () => {
    const read = parseAnswers("# my answers\nq1: a\n\nq2: 3\nq3:\n");
    expect(read).toEqual({
      entries: [
        { key: "q1", value: "a", line: 2 },
        { key: "q2", value: 3, line: 4 },
        { key: "q3", value: null, line: 5 },
      ],
    });
  });

  test("only comments, or nothing: no answers, not an error", () => {
    expect(parseAnswers("# nothing yet\n")).toEqual({ entries: [] });
    expect(parseAnswers("")).toEqual({ entries: [] });
  });

  test.each([
    ["q1: a\nq1: b\n", 2, "this question is answered a second time"],
    ["q1: a\n\tq2: b\n", 2, "a tab starts this line"],
    ["q1 a\nq2: b\n", 1, 'this line is not "id: answer"'],
    ["q1: a\nq4: \"session.get(\"user\")\"\n", 2, "something follows the closing quote"],
    ["q1: 'it''s fine'\nq2: 'open\nq3: a\n", 2, "a quote is opened here and never closed"],
    ["q1: [a\n", 1, "a [ or { is opened here and never closed"],
    ["q1: a\nq2: {b\nq3: c\n", 2, "a [ or { is opened here"],
  ])("malformed: %j → line %i", (text, line, reason) => {
    const read = parseAnswers(text);
    if (!("problem" in read)) throw new Error("expected a problem");
    expect(read.problem.kind).toBe("syntax");
    expect(read.problem.locations[0]?.line).toBe(line);
    expect(read.problem.message).toContain(`(line ${line}`);
    expect(read.problem.message).toContain(reason);
  });

  test("a list or a single value instead of a mapping", () => {
    const list = parseAnswers("- q1: a\n");
    expect("problem" in list && list.problem.message).toContain("holds a list");
    const value = parseAnswers("just some text\n");
    expect("problem" in value && value.problem.message).toContain("holds a single value");
  });

  test("a missing file names the file and what is there instead; a folder named answers.yaml is no file", () => {
    const read = readAnswers(folder({ "answer.yaml": "q1: a\n", "notes.md": "" }));
    expect("problem" in read && read.problem).toMatchObject({ kind: "missing-file", message: expect.stringContaining("Found instead: answer.yaml.") });
    const dir = folder({});
    mkdirSync(join(dir, "answers.yaml"));
    expect("problem" in readAnswers(dir) && readAnswers(dir)).toMatchObject({ problem: { kind: "missing-file" } });
    expect("problem" in readAnswers(join(dir, "nope")) && readAnswers(join(dir, "nope"))).toMatchObject({ problem: { kind: "missing-file" } });
  });
});

describe("grading a quiz", () => {
  test("grade() dispatches kind: quiz to the quiz grader: no Python, a normal Result", async () => {
    const dir = folder({ "answers.yaml": "q1: b\nq2: In a signed cookie\nq3: a\n" });
    const result = await grade(spec, dir, { python: "/nonexistent/python" });
    expect(result).toMatchObject({ exercise: "quiz", title: spec.title, submission: dir, status: "graded", score: 2, maxScore: 10 });
    expect(result.checks.map((v) => v.id)).toEqual(questions.map((q) => q.id));
    expect(result.checks[2]).toMatchObject({ status: "fail", hint: questions[2]!.explanation, location: { file: "answers.yaml", line: 3 } });
    expect(result.problem).toBeUndefined();
  });

  test("a malformed or missing answers.yaml scores 0 with a Problem, every question not graded", () => {
    const bad = gradeQuiz(spec, folder({ "answers.yaml": "q1: b\nq2: 'c\n" }));
    expect(bad).toMatchObject({ score: 0, maxScore: 10, status: "graded", problem: { kind: "syntax", locations: [{ file: "answers.yaml", line: 2 }] } });
    expect(bad.checks.every((v) => v.status === "fail" && v.message === "Not graded: answers.yaml could not be read.")).toBe(true);
    const none = gradeQuiz(spec, folder({}));
    expect(none).toMatchObject({ score: 0, problem: { kind: "missing-file", message: expect.stringContaining("There is no answers.yaml") } });
    expect(none.checks[0]!.message).toBe("Not graded: answers.yaml is missing.");
  });
});
