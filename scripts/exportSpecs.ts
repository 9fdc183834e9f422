/**
 * Splitting a spec for export: the public part ships with the students' repository, the hidden
 * checks (visibility `hidden` or `after-due-date`) go to a text the teacher keeps out of it (a
 * secret for AUTOGRADER_HIDDEN_SPECS). Nothing of a hidden check may reach the public part: not
 * its id, title, steps or hint, nor a comment written next to it.
 */
import { stringify } from "yaml";
import { UsageError } from "../graders/errors.js";
import { isHiddenCheck } from "../graders/spec/hidden.js";
import type { Check, Spec } from "../graders/spec/types.js";
import { withRelativeReferences } from "./exportReferences.js";

export interface SplitSpec {
  /** The spec file students get. */
  publicText: string;
  /** The hidden checks, as written (anchors resolved), in spec order. */
  hidden: Check[];
}

const SCHEMA_LINE = "# yaml-language-server: $schema=./schema.json";

/**
 * A spec without hidden checks is copied as it is, comments and all. One with hidden checks is
 * written anew from its data without any comment, since a comment anywhere in the file may
 * describe a hidden check (the total of points in a header, a note above the check).
 */
export function splitSpec(loaded: Spec, text: string, file: string): SplitSpec {
  // The loader made referenced files' paths absolute for this machine: neither the students' copy
  // nor the hidden checks may carry the teacher's paths (scripts/exportReferences.ts).
  const spec = withRelativeReferences(loaded, file);
  const hidden = spec.checks.filter(isHiddenCheck);
  if (hidden.length === 0) return { publicText: text, hidden: [] };
  const hiddenIds = new Set(hidden.map((check) => check.id));
  const visible = spec.checks.filter((check) => !isHiddenCheck(check));
  for (const check of visible) {
    const need = check.needs?.find((id) => hiddenIds.has(id));
    if (need) {
      throw new UsageError(
        `${file}: the visible check "${check.id}" needs the hidden check "${need}", which students' copy of the spec leaves out. ` +
          `Make "${check.id}" hidden too, or remove "${need}" from its needs.`,
      );
    }
  }
  const publicSpec: Spec = { ...spec, checks: visible };
  const header = [
    SCHEMA_LINE,
    "#",
    `# The checks the grader runs on "${spec.id}". Your teacher may add more when grading:`,
    "# you will see whether those passed, not what they test.",
    "",
  ].join("\n");
  return { publicText: `${header}${stringify(publicSpec, { aliasDuplicateObjects: false, lineWidth: 0 })}`, hidden };
}

/** The text of AUTOGRADER_HIDDEN_SPECS for these exercises' hidden checks. */
export function hiddenSpecsText(hidden: ReadonlyMap<string, readonly Check[]>): string {
  const data: Record<string, { checks: Check[] }> = {};
  for (const [exercise, checks] of hidden) if (checks.length > 0) data[exercise] = { checks: [...checks] };
  const header = [
    "# Hidden checks: the value of the AUTOGRADER_HIDDEN_SPECS secret (see the grader's README).",
    "# Never commit this file to a repository students can read.",
    "",
  ].join("\n");
  return `${header}${stringify(data, { aliasDuplicateObjects: false, lineWidth: 0 })}`;
}
