/**
 * The forms an exercise's `entry:` takes, and which one a submission has: a file (`app.py`), a
 * package (`flaskr`, a folder with __init__.py), either followed by `:attribute` or `:factory(...)`
 * as `flask --app` accepts (`flaskr:create_app()`, `app:application`), or a list of names of
 * which the first present is used. The runner imports what this resolves (runner.py `import_entry`, `find_app`).
 */
import { lstatSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../errors.js";

/** The one grammar (also the schema's `@pattern` in spec/types.ts): a .py path or a module name, then `:name` or `:name(args)`. */
export const ENTRY_PATTERN = /^(?:[^:\s]+\.py|[A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z_][A-Za-z0-9_]*(?:\(.*\))?)?$/;

export const DEFAULT_ENTRY = "app.py";

/** One accepted entry, split into what is imported and what is looked up in it. */
export interface EntryName {
  /** As written, for messages. */
  text: string;
  /** The .py file or module name, relative to the submission folder. */
  target: string;
  /** `create_app()`, `application`; none: Flask's own search (an `app` or `application`, or a `create_app` factory). */
  attribute?: string;
}

/** An entry that cannot name anything importable: the spec's or the command line's mistake. */
export function entryProblem(text: string): string | undefined {
  if (ENTRY_PATTERN.test(text)) return undefined;
  return `entry "${text}" is not a Python file (app.py), a package name (flaskr) or either followed by ":attribute" or ":factory()" (flaskr:create_app()).`;
}

export function parseEntry(text: string): EntryName {
  const colon = text.indexOf(":");
  return colon < 0 ? { text, target: text } : { text, target: text.slice(0, colon), attribute: text.slice(colon + 1) };
}

/** The spec's `entry:` (one name or several) as a list, the default when absent. */
export function entryNames(entry: string | readonly string[] | undefined): string[] {
  if (entry === undefined) return [DEFAULT_ENTRY];
  return typeof entry === "string" ? [entry] : [...entry];
}

/** What the runner imports: a file, or a package folder (its source is its __init__.py). */
export interface ResolvedEntry extends EntryName {
  /** The file whose text hints quote: the .py file, or the package's __init__.py. */
  sourceFile: string;
}

/** A folder named as a package, without __init__.py: neither importable nor the student's mistake to guess at. */
export class EntryNotPackage extends UsageError {}

/**
 * Throws EntryNotPackage when the entry a submission would be graded by is a folder without
 * __init__.py. The commands that grade one submission (autograde, the jest suite) ask before
 * grading, so it ends them as a usage error (exit 2) rather than as a result nobody can fix by
 * grading again; a batch does not ask, so one such folder is that student's `error` row and the
 * class is still graded.
 */
export function checkEntryUsable(dir: string, spec: { kind?: string; entry?: string | readonly string[] }): void {
  if (spec.kind !== "quiz") resolveEntry(dir, entryNames(spec.entry));
}

/**
 * The first accepted entry present in `dir`, or undefined when none is. Never follows a symbolic
 * link (the static look reports those). Throws EntryNotPackage for a module name that is a folder
 * without __init__.py.
 */
export function resolveEntry(dir: string, names: readonly string[]): ResolvedEntry | undefined {
  for (const text of names) {
    const name = parseEntry(text);
    if (name.target.endsWith(".py")) {
      if (lstatSync(join(dir, name.target), { throwIfNoEntry: false })) return { ...name, sourceFile: name.target };
      continue;
    }
    if (lstatSync(join(dir, `${name.target}.py`), { throwIfNoEntry: false })) {
      return { ...name, target: `${name.target}.py`, sourceFile: `${name.target}.py` };
    }
    const folder = lstatSync(join(dir, name.target), { throwIfNoEntry: false });
    if (!folder?.isDirectory()) continue;
    const init = join(name.target, "__init__.py");
    if (!lstatSync(join(dir, init), { throwIfNoEntry: false })) {
      throw new EntryNotPackage(
        `entry "${text}" names the folder ${name.target}, which has no __init__.py: it cannot be imported as a package. ` +
          `Add ${name.target}/__init__.py (where the package creates its app), or name the app's file instead (the spec's entry:, or --entry).`,
      );
    }
    return { ...name, sourceFile: init };
  }
  return undefined;
}
