/**
 * Things in a spec that load but deserve a teacher's attention (a check without a hint). The
 * loader finds them; the commands print them once per spec. Kept beside the spec object rather
 * than in it, so the spec's data stays exactly what was written.
 */
import type { SpecSource } from "./position.js";
import type { Spec } from "./types.js";

const found = new WeakMap<Spec, readonly string[]>();

/** The warnings found when `spec` was loaded, each "file:line:column: words". */
export function specWarnings(spec: Spec): readonly string[] {
  return found.get(spec) ?? [];
}

/** Records the warnings about `spec` (its text is `src`). */
export function noteWarnings(spec: Spec, src: SpecSource): void {
  const warnings: string[] = [];
  (spec.checks ?? []).forEach((check, index) => {
    if (check.hint !== undefined) return;
    const { line, column } = src.position(["checks", index, "id"], "key");
    warnings.push(
      `${src.file}:${line}:${column}: check "${check.id}" has no hint: a student who fails it is not told what to look at; add a "hint:" line in plain words`,
    );
  });
  if (warnings.length > 0) found.set(spec, warnings);
}

/** Records warnings found when `spec` was loaded before (see loadedSpecs.ts); returns the spec. */
export function recordWarnings(spec: Spec, warnings: readonly string[]): Spec {
  if (warnings.length > 0) found.set(spec, warnings);
  return spec;
}

/** A spec built from another (hidden checks appended) keeps the warnings of the one it came from. */
export function keepWarnings(from: Spec, to: Spec): Spec {
  const warnings = found.get(from);
  if (warnings && from !== to) found.set(to, warnings);
  return to;
}
