/**
 * A static look at a submission before anything runs: is the entry file there, and are any
 * `___` blanks left from the starter? Blanks are reported with every location and no traceback:
 * Python would only say "NameError: name '___' is not defined", which tells a beginner nothing.
 */
import { existsSync, lstatSync, opendirSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { readStudentFile } from "../studentFile.js";
import type { Problem, SourceLocation, SourceText } from "../verdict/types.js";
import { nameText } from "../verdict/studentText.js";
import { findPythonBlanks } from "./pythonBlanks.js";
import { entryNames, parseEntry, resolveEntry, type ResolvedEntry } from "./entryForm.js";

/** Blanks are Python code (see pythonBlanks.ts): notes.txt saying "Name: ____" is no blank. */
const SCANNED = /\.py$/;
const SKIPPED_DIRS = new Set(["node_modules", ".git", "__pycache__", ".venv", "venv", "env"]);
const MAX_FILES = 200;
const MAX_FILE_BYTES = 512 * 1024;

export function inspectSubmission(dir: string, entry: string | readonly string[]): Problem | undefined {
  return lookAtSubmission(dir, entry).problem;
}

/** What the static look found: a Problem that stops grading, and the entry file's text for diagnosis. */
export interface SubmissionLook {
  problem?: Problem;
  /** The entry file, read once here: hints about the app's errors quote what it shows. */
  source?: SourceText;
  /** The accepted entry this submission has (absent with a problem). */
  entry?: ResolvedEntry;
}

/** Throws EntryNotPackage (a usage error) when an entry names a folder without __init__.py. */
export function lookAtSubmission(dir: string, accepted: string | readonly string[]): SubmissionLook {
  const names = entryNames(accepted);
  const resolved = resolveEntry(dir, names);
  const entry = resolved?.sourceFile ?? parseEntryTarget(names[0]!);
  const entryFile = readStudentFile(dir, entry, MAX_FILE_BYTES);
  if (!resolved || entryFile.kind === "missing" || entryFile.kind === "link" || entryFile.kind === "not-a-file") {
    const present = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".py")).map(nameText) : [];
    // No folder path: it would show the grading machine's paths to the student.
    const where = "the exercise folder";
    const what =
      entryFile.kind === "link"
        ? `${entry} in ${where} is a symbolic link, and the grader never follows one.`
        : entryFile.kind === "not-a-file"
          ? `${entry} in ${where} is not a file.`
          : names.length > 1
            ? `None of ${names.map(placeOf).join(", ")} is in ${where}.`
            : `There is no ${placeOf(names[0]!)} in ${where}.`;
    return {
      problem: {
        kind: "missing-file",
        message: `${what}${present.length ? ` Python files found: ${present.join(", ")}.` : ""}`,
        hint: names.length > 1
          ? `Your app must be in a file with one of these names, at the top of the exercise folder: ${names.map(placeOf).join(", ")}.`
          : !targetOf(names[0]!).endsWith(".py")
          ? `Your app must be in ${placeOf(names[0]!)} (a package folder needs an __init__.py), at the top of the exercise folder.`
          : present.length === 1 && entryFile.kind === "missing"
          ? `Your app must be in a file named ${entry}, at the top of the exercise folder: rename ${present[0]} to ${entry}.`
          : `Your app must be in a file named ${entry}, at the top of the exercise folder.`,
        locations: [],
      },
    };
  }
  const source: SourceText | undefined = entryFile.kind === "file" ? { file: entry, text: entryFile.text } : undefined;
  const entryPath = join(dir, entry);
  const blanks = sourceFiles(dir).flatMap((path) => {
    const file = relative(dir, path);
    const text = path === entryPath ? source?.text : readText(dir, file);
    // File names are student text: they are quoted in the Problem and its locations.
    return text === undefined ? [] : findPythonBlanks(nameText(file), text);
  });
  if (blanks.length === 0) return { source, entry: resolved };
  const where = blanks.map((b) => `${b.file} line ${b.line}`);
  return {
    source,
    entry: resolved,
    problem: {
      kind: "blanks",
      message: `Your app still has ${blanks.length} blank${blanks.length > 1 ? "s" : ""} (___) to fill in: ${where.join(", ")}.`,
      hint: "Replace each ___ with your own code, then run the grader again. Nothing is tested until every blank is filled in.",
      locations: blanks,
    },
  };
}

/** The file or module an accepted name imports, as a student reads it (`flaskr:create_app()` is `flaskr`). */
function targetOf(name: string): string {
  return parseEntry(name).target;
}

/** Where a student may put the app for one accepted name: `app.py`; `flaskr.py or flaskr/` for a module name. */
function placeOf(name: string): string {
  const target = targetOf(name);
  return target.endsWith(".py") ? target : `${target}.py or ${target}/`;
}

function parseEntryTarget(name: string): string {
  const target = targetOf(name);
  return target.endsWith(".py") ? target : `${target}.py`;
}

function readText(dir: string, file: string): string | undefined {
  const read = readStudentFile(dir, file, MAX_FILE_BYTES);
  return read.kind === "file" ? read.text : undefined;
}

/** Blanks in one file's text: Python code only (see pythonBlanks.ts); other files have none. */
export function findBlanks(file: string, text: string): SourceLocation[] {
  return SCANNED.test(file) ? findPythonBlanks(file, text) : [];
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
