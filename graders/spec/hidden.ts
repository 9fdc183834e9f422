/**
 * Hidden checks added at grade time. They never ship in a student's repository: the grading step
 * reads them from a place the student cannot read (GitHub: a repository or organisation secret
 * passed in the environment variable AUTOGRADER_HIDDEN_SPECS; Gradescope: a file in the
 * autograder zip) and appends them to the public spec of their exercise.
 *
 * The text is YAML, the exercise ids as keys, each with the checks to add:
 *
 *   visit-counter:
 *     checks:
 *       - id: survives-restart
 *         title: The count survives a restart of the app
 *         needs: [counts-up]          # may need public checks
 *         steps: [...]
 *
 * A check without `visibility` is `hidden`. The merged spec goes through the same schema and
 * rules as any spec, and every problem in an added check is reported at its line and column in
 * the environment variable (`AUTOGRADER_HIDDEN_SPECS:7:9: ...`).
 */
import { readFile } from "node:fs/promises";
import { isMap, LineCounter, parseDocument } from "yaml";
import { SpecError } from "../errors.js";
import { loadSpecText, validateSpec, withScriptPaths } from "./load.js";
import { keepWarnings } from "./warnings.js";
import { SpecSource, type Anchor, type Path } from "./position.js";
import type { Check, Spec } from "./types.js";

import { HIDDEN_SPECS_ENV, hiddenChecksText } from "./hiddenEnv.js";

export { HIDDEN_SPECS_ENV };

const ID = /^[a-z0-9-]+$/;

export interface HiddenChecks {
  /** Where the text came from, as messages name it (the variable's name, or a file). */
  source: string;
  /** The checks to add, by exercise id, as written (validated when merged). */
  exercises: ReadonlyMap<string, readonly unknown[]>;
  /** Positions in the text, for messages. */
  src: SpecSource;
}

/** Parses the hidden checks' text; throws a SpecError naming `source`, line and column. */
export function parseHiddenChecks(text: string, source: string = HIDDEN_SPECS_ENV): HiddenChecks {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const at = syntax.linePos?.[0];
    throw new SpecError(source, at?.line ?? 0, at?.col ?? 0, `invalid YAML: ${syntax.message.split(" at line ")[0]}`);
  }
  const src = new SpecSource(source, doc, lines);
  const exercises = new Map<string, unknown[]>();
  // Empty (or only comments): nothing to add, as when the secret is not set.
  if (doc.contents === null || doc.toJS() === null) return { source, exercises, src };
  if (!isMap(doc.contents)) {
    throw src.error([], "expected exercise ids as keys, each with its checks, e.g.\nvisit-counter:\n  checks:\n    - id: ...");
  }
  const data = doc.toJS() as Record<string, unknown>;
  for (const [exercise, entry] of Object.entries(data)) {
    if (!ID.test(exercise)) throw src.error([exercise], `"${exercise}" is not an exercise id (lower-case letters, digits and dashes)`, "key");
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      throw src.error([exercise], `${exercise} must be a mapping with "checks", e.g. ${exercise}: { checks: [...] }`);
    }
    for (const key of Object.keys(entry)) {
      if (key !== "checks") throw src.error([exercise, key], `unknown key "${key}" under ${exercise}: only "checks" can be added`, "key");
    }
    const checks = (entry as { checks?: unknown }).checks;
    if (!Array.isArray(checks)) throw src.error([exercise, "checks"], `"checks" of ${exercise} must be a list of checks`);
    exercises.set(exercise, checks);
  }
  return { source, exercises, src };
}

/** The hidden checks from the environment, or undefined when the variable is unset or empty. */
export function hiddenChecksFromEnv(env: NodeJS.ProcessEnv): HiddenChecks | undefined {
  const text = hiddenChecksText(env);
  return text !== undefined ? parseHiddenChecks(text) : undefined;
}

/** Loads a spec file and appends the hidden checks of its exercise, if any. */
export async function loadSpecWithHidden(file: string, hidden?: HiddenChecks): Promise<Spec> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new SpecError(file, 0, 0, `cannot read the spec (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  return specWithHidden(text, file, hidden);
}

/** A spec file's text loaded, with the hidden checks of its exercise appended, if any. */
export function specWithHidden(text: string, file: string, hidden?: HiddenChecks): Spec {
  const spec = loadSpecText(text, file);
  return hidden ? keepWarnings(spec, mergeHiddenChecks(spec, text, file, hidden)) : spec;
}

/**
 * The public spec with the hidden checks of its exercise appended (after every public check, so
 * they may need any of them). Validated as a whole; problems in added checks point into the hidden text.
 */
export function mergeHiddenChecks(spec: Spec, specText: string, specFile: string, hidden: HiddenChecks): Spec {
  const added = hidden.exercises.get(spec.id);
  if (!added || added.length === 0) return spec;
  // Copies: their script paths are resolved below, the parsed hidden text stays as written.
  const checks = added.map((check) => structuredClone(check)).map((check) =>
    check !== null && typeof check === "object" && !Array.isArray(check) && !("visibility" in check)
      ? { ...(check as object), visibility: "hidden" }
      : check,
  );
  const merged = { ...spec, checks: [...spec.checks, ...checks] as Check[] };
  const lines = new LineCounter();
  const publicSrc = new SpecSource(specFile, parseDocument(specText, { lineCounter: lines, merge: true }), lines);
  // A hidden check's script is found beside the spec it joins, as if it had been written there
  // (the export moves checks from the spec into the hidden text; on Gradescope specs/ is staff-only).
  return withScriptPaths(validateSpec(merged, new MergedSource(publicSrc, hidden.src, spec.id, spec.checks.length)), specFile);
}

/**
 * Positions in a merged spec: checks past the public ones come from the hidden text, where they
 * sit under `<exercise>: checks:`; everything else from the spec file.
 */
class MergedSource extends SpecSource {
  constructor(
    private readonly publicSrc: SpecSource,
    private readonly hiddenSrc: SpecSource,
    private readonly exercise: string,
    private readonly publicCount: number,
  ) {
    super(publicSrc.file, publicSrc.doc, publicSrc.lines);
  }

  override error(path: Path, problem: string, anchor: Anchor = "value"): SpecError {
    const [src, at] = this.route(path);
    return src.error(at, problem, anchor);
  }

  override position(path: Path, anchor: Anchor = "value"): { line: number; column: number } {
    const [src, at] = this.route(path);
    return src.position(at, anchor);
  }

  override offset(path: Path, anchor: Anchor = "value"): number {
    const [src, at] = this.route(path);
    return src.offset(at, anchor);
  }

  override lineOf(path: Path): number {
    const [src, at] = this.route(path);
    return src.lineOf(at);
  }

  private route(path: Path): [SpecSource, Path] {
    if (path[0] === "checks" && path.length >= 2 && Number(path[1]) >= this.publicCount) {
      return [this.hiddenSrc, [this.exercise, "checks", Number(path[1]) - this.publicCount, ...path.slice(2)]];
    }
    return [this.publicSrc, path];
  }
}

/** True for checks whose details students must not see: they stay out of exported repositories. */
export function isHiddenCheck(check: Pick<Check, "visibility">): boolean {
  return (check.visibility ?? "visible") !== "visible";
}
