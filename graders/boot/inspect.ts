/**
 * A static look at a submission before anything runs: is the entry file there, and are any
 * `___` blanks left from the starter? Blanks are reported with every location and no traceback:
 * Python would only say "NameError: name '___' is not defined", which tells a beginner nothing.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Problem, SourceLocation } from "../verdict/types.js";

const SCANNED = /\.(py|html|jinja2?|txt)$/;
const SKIPPED_DIRS = new Set(["node_modules", ".git", "__pycache__", ".venv", "venv", "env"]);
const MAX_FILES = 200;
const MAX_FILE_BYTES = 512 * 1024;

/** Three or more underscores standing alone, as the starter writes its blanks. */
const BLANK = /(?<![A-Za-z0-9_])_{3,}(?![A-Za-z0-9_])/g;

export function inspectSubmission(dir: string, entry: string): Problem | undefined {
  if (!existsSync(join(dir, entry))) {
    const present = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".py")) : [];
    return {
      kind: "missing-file",
      message: `There is no ${entry} in ${dir}.${present.length ? ` Python files found: ${present.join(", ")}.` : ""}`,
      hint: `Your app must be in a file named ${entry}, at the top of the exercise folder.`,
      locations: [],
    };
  }
  const blanks = sourceFiles(dir).flatMap((file) => findBlanks(relative(dir, file), readFileSync(file, "utf8")));
  if (blanks.length === 0) return undefined;
  const where = blanks.map((b) => `${b.file} line ${b.line}`);
  return {
    kind: "blanks",
    message: `Your app still has ${blanks.length} blank${blanks.length > 1 ? "s" : ""} (___) to fill in: ${where.join(", ")}.`,
    hint: "Replace each ___ with your own code, then run the grader again. Nothing is tested until every blank is filled in.",
    locations: blanks,
  };
}

/** Blanks in one file's text; comments in Python files do not count. */
export function findBlanks(file: string, text: string): SourceLocation[] {
  const found: SourceLocation[] = [];
  const python = file.endsWith(".py");
  text.split("\n").forEach((line, i) => {
    const code = python ? stripComment(line) : line;
    for (const m of code.matchAll(BLANK)) found.push({ file, line: i + 1, column: (m.index ?? 0) + 1 });
  });
  return found;
}

/** The line without a trailing `# comment`, minding quotes so "#" inside a string stays. */
function stripComment(line: string): string {
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#") return line.slice(0, i);
  }
  return line;
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (files.length >= MAX_FILES) return;
      const path = join(d, name);
      // Never follow links: a directory loop would never end, and a linked file may be anything
      // (outside the submission, or a device such as /dev/zero that never ends either).
      const stat = lstatSync(path, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory()) {
        if (!SKIPPED_DIRS.has(name) && !name.startsWith(".")) walk(path);
      } else if (stat.isFile() && SCANNED.test(name) && stat.size <= MAX_FILE_BYTES) files.push(path);
    }
  };
  walk(dir);
  return files;
}
