/**
 * Words for quizzes: an answers file that cannot be read, an answer that names no option, and
 * each question's verdict. graders/quiz/ decides; every argument is already plain text.
 */

// ---- The answers file (graders/quiz/gradeQuiz.ts) ----

export const FORMAT_HINT =
  'Write one line per question: its id, a colon, a space, then your answer, e.g. "q1: a". ' +
  "An answer that starts with a quote must end with the same quote; the simplest is to answer with the letter.";

export const noAnswersFile = (file: string): string => `There is no ${file} in the exercise folder.`;
export const answersFileIsLink = (file: string): string =>
  `${file} in the exercise folder is a symbolic link, and the grader never follows one: put the file itself there.`;
export const answersFileNotAFile = (file: string): string => `${file} in the exercise folder is not a file.`;
export const answersFileTooBig = (file: string, kilobytes: number): string => `${file} is ${kilobytes} KB: far too big for a list of answers.`;
export const foundInstead = (first: string, others: readonly string[]): string => `${first}${others.length ? ` Found instead: ${others.join(", ")}.` : ""}`;
export const answersFileHint = (file: string): string =>
  `Your answers go in a file named exactly ${file}, at the top of the quiz folder: copy starter/quiz/${file} and fill it in.`;

/** `at` is where YAML noticed the error; `column` is left out when the line is where a bracket opened. */
export function notYaml(file: string, at: { line: number; column?: number } | undefined, reason: string): string {
  return `${file} is not valid YAML${at ? ` (line ${at.line}${at.column === undefined ? "" : `, column ${at.column}`})` : ""}: ${reason}.`;
}
export const UNCLOSED_BRACKET = "a [ or { is opened here and never closed (give one answer, without brackets)";
/** What the usual YAML errors mean in an answers file, by the yaml package's error code. */
export const YAML_REASONS: Record<string, string> = {
  MISSING_CHAR: "a quote is opened here and never closed",
  DUPLICATE_KEY: "this question is answered a second time",
  TAB_AS_INDENT: "a tab starts this line; start each answer at the left edge, without spaces or tabs",
  MULTILINE_IMPLICIT_KEY: 'this line is not "id: answer" (is the colon, or the space after it, missing?)',
  UNEXPECTED_TOKEN: "something follows the closing quote; put the answer in the other kind of quotes, or answer with the letter",
};
export const notAMapping = (file: string, isList: boolean): string =>
  `${file} holds ${isList ? "a list" : "a single value"}, but it must map each question id to your answer, one per line ("q1: a").`;

/** A question's verdict when the answers file could not be used. */
export const notGraded = (file: string, missing: boolean): string => `Not graded: ${file} ${missing ? "is missing" : "could not be read"}.`;

// ---- Answers (graders/quiz/evaluate.ts) ----

export const optionRange = (last: string): string => `a to ${last}`;
export const howToAnswer = (range: string): string => `answer with one letter (${range}) or with the text of one option`;
export const severalAnswers = (isList: boolean, howTo: string): string =>
  `your answer is a ${isList ? "list" : "group of values"}, but each question takes exactly one answer: ${howTo}`;
export const notAnOptionValue = (value: string, howTo: string): string => `${value} is not one of the options: ${howTo}`;
export const noSuchLetter = (letter: string, range: string): string => `there is no option ${letter}: this question has options ${range}`;
export const letterAndTextDisagree = (letter: string, text: string): string =>
  `the letter ${letter} and the text "${text}" name different options: give just one of them`;
export const notAnOption = (value: string, near: string | undefined, howTo: string): string =>
  `"${value}" is not one of the options${near === undefined ? "" : ` (did you mean "${near}"?)`}: ${howTo}`;

export const questionRange = (first: string, last: string): string => `${first} to ${last}`;
export const notAQuestion = (file: string, key: string, line: number | undefined, questions: string): string =>
  `${file} answers "${key}"${line ? ` (line ${line})` : ""}, which is not a question of this quiz: that answer is not graded. The questions are ${questions}.`;
export const answeredTwice = (file: string, id: string, first: number | undefined, second: number | undefined): string =>
  `${file} answers ${id} twice${first ? ` (lines ${first} and ${second ?? "?"})` : ""}: only the first answer counts.`;
export const nothingAnswered = (file: string): string =>
  `No question is answered yet. In ${file}, write the letter of the option you choose after each question id, for example "q1: a".`;

export const noAnswerYet = (id: string, file: string): string => `${id}: no answer yet. Write the letter of your choice after "${id}:" in ${file}.`;
export const notAChoice = (id: string, why: string): string => `${id}: ${why}.`;
export const chosenOption = (text: string, letter: string): string => `"${text}" (${letter})`;
export const rightAnswer = (id: string, chosen: string): string => `${id}: right, ${chosen}.`;
export const wrongAnswer = (id: string, chosen: string): string => `${id}: ${chosen} is not the right answer.`;
