/**
 * A look at a submission before anything runs: is the entry file there? Everything read inside
 * the files (the starter's `___` blanks, the secret key, what hints quote) is read by the runner
 * in the booted process, with Python's own parser, before the student's module is imported
 * (sourceScan.py): a blank then stops grading with every location and no traceback.
 */
import { existsSync, readdirSync } from "node:fs";
import { readStudentFile } from "../studentFile.js";
import type { Problem } from "../verdict/types.js";
import { nameText } from "../verdict/studentText.js";
import * as words from "../words/startup.js";
import { entryNames, parseEntry, resolveEntry, type ResolvedEntry } from "./entryForm.js";

const MAX_FILE_BYTES = 512 * 1024;

export function inspectSubmission(dir: string, entry: string | readonly string[]): Problem | undefined {
  return lookAtSubmission(dir, entry).problem;
}

/** What the look found: a Problem that stops grading, or the entry. */
export interface SubmissionLook {
  problem?: Problem;
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
    const where = words.EXERCISE_FOLDER;
    const what =
      entryFile.kind === "link"
        ? words.entryLink(entry, where)
        : entryFile.kind === "not-a-file"
          ? words.entryNotAFile(entry, where)
          : names.length > 1
            ? words.noneOfEntries(names.map(placeOf), where)
            : words.noEntry(placeOf(names[0]!), where);
    return {
      problem: {
        kind: "missing-file",
        message: words.missingFileMessage(what, present),
        hint: names.length > 1
          ? words.entryOneOfHint(names.map(placeOf))
          : !targetOf(names[0]!).endsWith(".py")
          ? words.entryPackageHint(placeOf(names[0]!))
          : present.length === 1 && entryFile.kind === "missing"
          ? words.entryRenameHint(entry, present[0]!)
          : words.entryHint(entry),
        locations: [],
      },
    };
  }
  return { entry: resolved };
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
