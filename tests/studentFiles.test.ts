/**
 * Issue 9 item 7: the grader reads a student's files through one reader (graders/studentFile.ts)
 * that never follows a link, reads only regular files and only so much. (Blanks are read by the
 * runner's scan, with Python's tokenizer: tests/sourceScan.test.ts.)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { grade } from "../graders/grade.js";
import { packageFile } from "../graders/paths.js";
import { readAnswers } from "../graders/quiz/gradeQuiz.js";
import { loadSpec } from "../graders/spec/load.js";
import { readStudentFile } from "../graders/studentFile.js";

const root = mkdtempSync(join(tmpdir(), "student-files-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string> = {}): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

describe("one reader of student files", () => {
  test("reads a regular file inside the submission", () => {
    const dir = folder("plain", { "a.txt": "hello" });
    expect(readStudentFile(dir, "a.txt", 100)).toEqual({ kind: "file", text: "hello" });
    expect(readStudentFile(dir, "nothing.txt", 100)).toEqual({ kind: "missing" });
  });

  test("never follows a link, at the file or at a folder on its way, nor leaves the folder", () => {
    const outside = folder("outside", { "keys.yaml": "teacher_only_key: 42\n" });
    const dir = folder("links");
    symlinkSync(join(outside, "keys.yaml"), join(dir, "answers.yaml"));
    symlinkSync(outside, join(dir, "sub"));
    expect(readStudentFile(dir, "answers.yaml", 100)).toEqual({ kind: "link" });
    expect(readStudentFile(dir, "sub/keys.yaml", 100)).toEqual({ kind: "link" });
    expect(readStudentFile(dir, "../outside/keys.yaml", 100)).toEqual({ kind: "missing" });
    expect(readStudentFile(dir, join(outside, "keys.yaml"), 100)).toEqual({ kind: "missing" });
  });

  test("only regular files, and only so many bytes", () => {
    const dir = folder("special", { "big.txt": "x".repeat(101) });
    execFileSync("mkfifo", [join(dir, "fifo.txt")]);
    mkdirSync(join(dir, "folder.txt"));
    expect(readStudentFile(dir, "fifo.txt", 100)).toEqual({ kind: "not-a-file" }); // and no hang
    expect(readStudentFile(dir, "folder.txt", 100)).toEqual({ kind: "not-a-file" });
    expect(readStudentFile(dir, "big.txt", 100)).toEqual({ kind: "too-big", bytes: 101 });
  });
});

describe("quiz answers", () => {
  test("answers.yaml linked to a file outside the submission is not followed, and nothing of it is shown", async () => {
    const outside = folder("teacher", { "answers.yaml": "q1: a\nteacher_only_key: zebra-7\n" });
    const dir = folder("quiz-link");
    symlinkSync(join(outside, "answers.yaml"), join(dir, "answers.yaml"));
    const read = readAnswers(dir);
    expect("problem" in read && read.problem.message).toContain("is a symbolic link, and the grader never follows one");
    const result = await grade(await loadSpec(packageFile("specs/quiz.yaml")), dir);
    expect(result.status).toBe("graded");
    expect(result.score).toBe(0);
    expect(JSON.stringify(result)).not.toContain("teacher_only_key");
    expect(JSON.stringify(result)).not.toContain("zebra-7");
  });
});
