/**
 * A static look at a submission before anything runs: is the entry file there, and are any
 * `___` blanks left from the starter? Blanks are reported with every location and no traceback:
 * Python would only say "NameError: name '___' is not defined", which tells a beginner nothing.
 */
import { existsSync, lstatSync, opendirSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Problem, SourceLocation, SourceText } from "../verdict/types.js";

const SCANNED = /\.(py|html|jinja2?|txt)$/;
const SKIPPED_DIRS = new Set(["node_modules", ".git", "__pycache__", ".venv", "venv", "env"]);
const MAX_FILES = 200;
const MAX_FILE_BYTES = 512 * 1024;

/** Three or more underscores standing alone, as the starter writes its blanks. */
const BLANK = /(?<![A-Za-z0-9_])_{3,}(?![A-Za-z0-9_])/g;

export function inspectSubmission(dir: string, entry: string): Problem | undefined {
  return lookAtSubmission(dir, entry).problem;
}

/** What the static look found: a Problem that stops grading, and the entry file's text for diagnosis. */
export interface SubmissionLook {
  problem?: Problem;
  /** The entry file, read once here: hints about the app's errors quote what it shows. */
  source?: SourceText;
}

export function lookAtSubmission(dir: string, entry: string): SubmissionLook {
  const entryPath = join(dir, entry);
  if (!existsSync(entryPath)) {
    const present = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".py")) : [];
    return {
      problem: {
        kind: "missing-file",
        message: `There is no ${entry} in ${dir}.${present.length ? ` Python files found: ${present.join(", ")}.` : ""}`,
        hint: `Your app must be in a file named ${entry}, at the top of the exercise folder.`,
        locations: [],
      },
    };
  }
  let source: SourceText | undefined;
  const blanks = sourceFiles(dir).flatMap((file) => {
    const text = readFileSync(file, "utf8");
    if (file === entryPath) source = { file: relative(dir, file), text };
    return findBlanks(relative(dir, file), text);
  });
  source ??= readEntry(dir, entry);
  if (blanks.length === 0) return { source };
  const where = blanks.map((b) => `${b.file} line ${b.line}`);
  return {
    source,
    problem: {
      kind: "blanks",
      message: `Your app still has ${blanks.length} blank${blanks.length > 1 ? "s" : ""} (___) to fill in: ${where.join(", ")}.`,
      hint: "Replace each ___ with your own code, then run the grader again. Nothing is tested until every blank is filled in.",
      locations: blanks,
    },
  };
}

/** The entry file when the walk did not read it (too many files, a skipped folder); never a huge or special file. */
function readEntry(dir: string, entry: string): SourceText | undefined {
  const path = join(dir, entry);
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat?.isFile() || stat.size > MAX_FILE_BYTES) return undefined;
  return { file: relative(dir, path), text: readFileSync(path, "utf8") };
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

/** Entries looked at, and folder depth, at most: this walk is synchronous, a huge or deep tree must not stall the grader. */
const MAX_VISITED = 5_000;
const MAX_DEPTH = 32;

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  let visited = 0;
  const walk = (d: string, depth: number) => {
    const listing = opendirSync(d); // a few entries at a time: a folder of 60,000 files is not read whole
    try {
      for (let entry = listing.readSync(); entry !== null; entry = listing.readSync()) {
        if (files.length >= MAX_FILES || ++visited > MAX_VISITED) return;
        look(d, entry.name, depth);
      }
    } finally {
      listing.closeSync();
    }
  };
  const look = (d: string, name: string, depth: number) => {
    const path = join(d, name);
    // Never follow links: a directory loop would never end, and a linked file may be anything
    // (outside the submission, or a device such as /dev/zero that never ends either).
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      if (!SKIPPED_DIRS.has(name) && !name.startsWith(".") && depth < MAX_DEPTH) walk(path, depth + 1);
    } else if (stat.isFile() && SCANNED.test(name) && stat.size <= MAX_FILE_BYTES) files.push(path);
  };
  walk(dir, 0);
  return files;
}
