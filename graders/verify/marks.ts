/**
 * What the spec's author says about some mutants, in `<spec folder>/<exercise>.mutants.yml` (not
 * `.yaml`: every `specs/*.yaml` is an exercise). Two sections, each mutant id -> reason:
 *
 *   equivalent:        # cannot be told from the solution by behaviour: listed, not counted
 *     some/mutant:id: why no request can tell it apart
 *   double-penalty:    # a mistake that rightly costs points in more than one check
 *     other/mutant:id: why each of those checks should fail
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { SpecError } from "../errors.js";

export interface Marks {
  /** The file read, or where it would be. */
  file: string;
  equivalent: Map<string, string>;
  doublePenalty: Map<string, string>;
}

const SECTIONS = { equivalent: "equivalent", "double-penalty": "doublePenalty" } as const;

export function marksFile(specFile: string, exercise: string): string {
  return join(dirname(specFile), `${exercise}.mutants.yml`);
}

export function readMarks(file: string): Marks {
  const marks: Marks = { file, equivalent: new Map(), doublePenalty: new Map() };
  if (!existsSync(file)) return marks;
  let data: unknown;
  try {
    data = parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new SpecError(file, 0, 0, `not valid YAML (${(error as Error).message.split("\n")[0]})`);
  }
  if (data === null || data === undefined) return marks;
  if (typeof data !== "object" || Array.isArray(data)) throw new SpecError(file, 0, 0, 'expected the sections "equivalent" and "double-penalty"');
  for (const [section, entries] of Object.entries(data as Record<string, unknown>)) {
    if (!(section in SECTIONS)) throw new SpecError(file, 0, 0, `unknown section "${section}": expected "equivalent" or "double-penalty"`);
    if (entries === null) continue;
    if (typeof entries !== "object" || Array.isArray(entries)) throw new SpecError(file, 0, 0, `"${section}" must map mutant ids to reasons`);
    for (const [id, reason] of Object.entries(entries as Record<string, unknown>)) {
      if (typeof reason !== "string" || reason.trim() === "") throw new SpecError(file, 0, 0, `${section} "${id}": give the reason in words`);
      marks[SECTIONS[section as keyof typeof SECTIONS]].set(id, reason.trim());
    }
  }
  return marks;
}
