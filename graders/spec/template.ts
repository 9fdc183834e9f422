/**
 * Text filled from captures (`{ f: "Total Visits: {first + 1}" }`), like a Python f-string:
 * `{name}`, `{name + 2}`, `{name - 1}`; `{{` and `}}` are literal braces. Parsed by the loader's
 * rules (so a mistake is a spec error with a position) and filled by the evaluation.
 */
import { captureNotANumber, nothingCapturedAs } from "../words/expectations.js";

/** A literal piece of text, or a capture with a whole-number offset. */
export type TemplatePiece = string | { capture: string; plus: number };

/** The pieces in order, or a sentence saying what is wrong with the template. */
export function parseTemplate(template: string): TemplatePiece[] | { problem: string } {
  const pieces: TemplatePiece[] = [];
  let literal = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === "}") {
      if (template[i + 1] !== "}") return { problem: `a single "}" (at character ${i + 1}): write "}}" for a literal brace` };
      literal += "}";
      i++;
    } else if (c !== "{") literal += c;
    else if (template[i + 1] === "{") {
      literal += "{";
      i++;
    } else {
      const end = template.indexOf("}", i);
      if (end < 0) return { problem: `"{" (at character ${i + 1}) is never closed: write "{{" for a literal brace` };
      const inside = template.slice(i + 1, end);
      // Lazy name: "first-1" is first minus one, "my-count" is a name.
      const m = /^\s*([A-Za-z_][\w-]*?)\s*(?:([+-])\s*(\d+))?\s*$/.exec(inside);
      if (!m) return { problem: `"{${inside}}" is not a capture: write {name}, {name + 1} or {name - 1}, and "{{" for a literal brace` };
      if (literal) pieces.push(literal);
      literal = "";
      pieces.push({ capture: m[1]!, plus: m[3] === undefined ? 0 : Number(m[3]) * (m[2] === "-" ? -1 : 1) });
      i = end;
    }
  }
  if (literal) pieces.push(literal);
  return pieces;
}

/** The capture names a template uses (none when it does not parse). */
export function templateCaptures(template: string): string[] {
  const pieces = parseTemplate(template);
  return Array.isArray(pieces) ? pieces.flatMap((p) => (typeof p === "string" ? [] : [p.capture])) : [];
}

/**
 * The text with captures filled in. A capture with an offset must be a number; a capture that is
 * missing or not a number leaves `problem` set (the loader makes sure every name is captured).
 */
export function fillTemplate(template: string, captures: ReadonlyMap<string, unknown>): { text: string; problem?: string } {
  const pieces = parseTemplate(template);
  if (!Array.isArray(pieces)) return { text: template, problem: pieces.problem };
  let text = "";
  for (const piece of pieces) {
    if (typeof piece === "string") {
      text += piece;
      continue;
    }
    const value = captures.get(piece.capture);
    if (value === undefined) return { text, problem: nothingCapturedAs(piece.capture) };
    if (piece.plus === 0) text += String(value);
    else {
      const n = Number(value);
      if (value === null || value === "" || !Number.isFinite(n)) return { text, problem: captureNotANumber(piece.capture, String(JSON.stringify(value))) };
      text += String(n + piece.plus);
    }
  }
  return { text };
}
