/**
 * Every message and hint the grader says to a student is written in graders/words/ (issue 10):
 * a teacher or translator reads that folder and has read every one. What is checked here is
 * what can be checked precisely: outside graders/words/, no `message:` or `hint:` property is
 * given a string literal with words of its own (a literal that only joins other words, like
 * `${where}: ${failure.message}`, is fine), and the words modules hold only words (they import
 * nothing but types and each other, so no decision hides among them).
 */
import { describe, expect, test } from "@jest/globals";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const graders = join(root, "graders");
const wordsFolder = join(graders, "words");

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** The string literal a value starts with, its `${...}` parts removed; undefined when it is no literal. */
function leadingLiteral(value: string): string | undefined {
  const quote = value[0];
  if (quote !== '"' && quote !== "'" && quote !== "`") return undefined;
  let text = value.slice(1);
  if (quote === "`") {
    // Innermost interpolations first, until none is left (a nested template goes with its interpolation).
    for (let before = ""; before !== text; ) [before, text] = [text, text.replace(/\$\{[^{}]*\}/g, "")];
  }
  const end = text.search(quote === "`" ? /`/ : new RegExp(`(?<!\\\\)${quote}`));
  return end < 0 ? text : text.slice(0, end);
}

/** `message:` or `hint:` properties given a literal with words: `file:line: text`. */
function wordedProperties(file: string, source: string): string[] {
  const lines = source.split("\n");
  const found: string[] = [];
  lines.forEach((line, i) => {
    for (const m of line.matchAll(/(?:^|[\s{,(])(message|hint):\s*(.*)$/g)) {
      // A value on the next line (`hint:` then the text) is read there.
      const value = m[2]!.trim() || (lines[i + 1] ?? "").trim();
      const literal = leadingLiteral(value);
      if (literal !== undefined && /[A-Za-z]{2}/.test(literal)) found.push(`${file}:${i + 1}: ${line.trim()}`);
    }
  });
  return found;
}

describe("student-facing words live in graders/words/", () => {
  test("the scan finds a worded message or hint, and lets a joining literal pass", () => {
    expect(wordedProperties("x.ts", 'return { message: "The app did not start." };')).toHaveLength(1);
    expect(wordedProperties("x.ts", "  hint:\n    `Look at ${file} line ${line}.`,")).toHaveLength(1);
    expect(wordedProperties("x.ts", "message: `${where}: ${failure.message}`, hint: combineHints(a, b)")).toEqual([]);
    expect(wordedProperties("x.ts", 'const t = `add a "hint:" line`; message: words.bootTimeout(5)')).toEqual([]);
  });

  test("no module outside graders/words/ words a message or hint itself", () => {
    const found = tsFiles(graders)
      .filter((file) => !file.startsWith(wordsFolder))
      .flatMap((file) => wordedProperties(relative(root, file), readFileSync(file, "utf8")));
    expect(found).toEqual([]);
  });

  test("the words modules import only types and each other", () => {
    const imports = tsFiles(wordsFolder).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/^import\s+(type\s+)?.*from\s+"([^"]+)";$/gm)]
        .filter((m) => !m[1] && !m[2]!.startsWith("./"))
        .map((m) => `${relative(root, file)}: ${m[0]}`),
    );
    expect(imports).toEqual([]);
    expect(tsFiles(wordsFolder).length).toBeGreaterThanOrEqual(5);
  });
});
