/**
 * The files a spec refers to (a step's `script:`, a setup step's `pythonFile:`), for the export:
 * which they are, whether only hidden checks use them, and the spec with those paths written
 * relative to it again (the loader makes them absolute, and an exported spec must not name the
 * teacher's folders). An exported spec lands at `specs/<id>.yaml` as it was at
 * `<specs folder>/<id>.yaml`, so each file keeps its path relative to the specs folder and the
 * spec's paths still resolve. A file outside the specs folder's tree, or missing, is refused.
 */
import { realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { UsageError } from "../graders/errors.js";
import { isHiddenCheck } from "../graders/spec/hidden.js";
import type { SetupStep, Spec } from "../graders/spec/types.js";

export interface SpecReference {
  /** Where the file is (absolute). */
  file: string;
  /** Its path below the specs folder, with `/`: where it goes below the export's `specs/`. */
  rel: string;
  /** Only hidden checks refer to it: it goes with the hidden checks, never to students. */
  hidden: boolean;
  /** A TypeScript custom check: grading it needs the `typescript` package installed. */
  typescript: boolean;
}

interface Use {
  file: string;
  hidden: boolean;
  /** Where in the spec, for messages: `check "cart", step 2 (script)`. */
  where: string;
}

/** Every file the (loaded) spec refers to, checked to be a file below `specsDir`. */
export function specReferences(spec: Spec, specFile: string, specsDir: string): SpecReference[] {
  const uses: Use[] = [];
  const setupUses = (steps: SetupStep[] | undefined, hidden: boolean, where: string) =>
    (steps ?? []).forEach((step, i) => step.pythonFile !== undefined && uses.push({ file: step.pythonFile, hidden, where: `${where}setup step ${i + 1} (pythonFile)` }));
  setupUses(spec.setup, false, "");
  for (const check of spec.checks ?? []) {
    const hidden = isHiddenCheck(check);
    setupUses(check.setup, hidden, `check "${check.id}", `);
    (check.steps ?? []).forEach((step, i) => step.script !== undefined && uses.push({ file: step.script, hidden, where: `check "${check.id}", step ${i + 1} (script)` }));
  }

  const root = realpathSync(specsDir);
  const found = new Map<string, SpecReference>();
  for (const use of uses) {
    const rel = checkedPath(use, specFile, root);
    const known = found.get(rel);
    // A file a visible check uses is public, whoever else uses it.
    if (known) known.hidden &&= use.hidden;
    else found.set(rel, { file: use.file, rel, hidden: use.hidden, typescript: /\.m?ts$/.test(use.file) });
  }
  return [...found.values()].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

function checkedPath(use: Use, specFile: string, root: string): string {
  const shown = relative(dirname(resolve(specFile)), use.file) || use.file;
  let real: string;
  try {
    real = realpathSync(use.file);
    if (!statSync(real).isFile()) throw Object.assign(new Error("not a file"), { code: "EISDIR" });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${specFile}: ${use.where} refers to ${shown}, which ${code === "EISDIR" ? "is not a file" : "is not there"} (${use.file}). Add the file or fix the path, then export again.`);
  }
  const rel = relative(root, real);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
    throw new UsageError(
      `${specFile}: ${use.where} refers to ${shown}, outside the specs folder ${root}. An exported assignment holds the specs folder only, ` +
        "so the file could not be found there: move it below the specs folder (e.g. specs/checks/) and write its path relative to the spec.",
    );
  }
  return rel.split(sep).join("/");
}

/** A copy of the spec whose referenced files are written relative to the spec's folder again. */
export function withRelativeReferences(spec: Spec, specFile: string): Spec {
  const copy = structuredClone(spec);
  const dir = dirname(resolve(specFile));
  const back = (path: string) => (isAbsolute(path) ? relative(dir, path).split(sep).join("/") : path);
  const setup = (steps: SetupStep[] | undefined) => steps?.forEach((step) => step.pythonFile !== undefined && (step.pythonFile = back(step.pythonFile)));
  setup(copy.setup);
  for (const check of copy.checks ?? []) {
    setup(check.setup);
    for (const step of check.steps ?? []) if (step.script !== undefined) step.script = back(step.script);
  }
  return copy;
}
