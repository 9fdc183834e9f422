/**
 * The starter's blanks (`___`) left in Python code. A blank is a name made of three or more
 * underscores, as every starter writes it (`app.secret_key = ___`): a token of code, so one in a
 * comment or a string does not count. Not even a string that is exactly a blank ("___"): no
 * starter writes one, and a student who typed quotes around it has replaced the blank with a
 * value the checks will judge. (Inside an f-string's braces a blank is code, but no starter puts
 * one there: f-strings are skipped whole, like other strings.)
 * One pass over the text, no backtracking: a hostile file costs its length.
 */
import type { SourceLocation } from "../verdict/types.js";

const IDENTIFIER = /[\p{L}\p{N}_]/u;

export function findPythonBlanks(file: string, text: string): SourceLocation[] {
  const found: SourceLocation[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const n = text.length;
  const newline = (at: number) => {
    line++;
    lineStart = at + 1;
  };
  while (i < n) {
    const c = text[i]!;
    if (c === "\n") {
      newline(i);
      i++;
    } else if (c === "#") {
      while (i < n && text[i] !== "\n") i++;
    } else if (c === '"' || c === "'") {
      i = skipString(text, i, newline);
    } else if (IDENTIFIER.test(c)) {
      const start = i;
      while (i < n && IDENTIFIER.test(text[i]!)) i++;
      const name = text.slice(start, i);
      // A string prefix (r"", b'', f"""...""") is read with its string.
      if (i < n && (text[i] === '"' || text[i] === "'") && /^(?:[rbuf]|rb|br|fr|rf)$/i.test(name)) continue;
      if (/^_{3,}$/.test(name)) found.push({ file, line, column: start - lineStart + 1 });
    } else {
      i++;
    }
  }
  return found;
}

/** The index after the string that starts at `start` (a quote); a one-line string ends at its line's end. */
function skipString(text: string, start: number, newline: (at: number) => void): number {
  const quote = text[start]!;
  const triple = text.startsWith(quote.repeat(3), start);
  let i = start + (triple ? 3 : 1);
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\\") {
      if (text[i + 1] === "\n") newline(i + 1);
      i += 2;
    } else if (c === "\n") {
      if (!triple) return i; // unterminated: Python reports it; the next line is code again
      newline(i);
      i++;
    } else if (c === quote && (!triple || text.startsWith(quote.repeat(3), i))) {
      return i + (triple ? 3 : 1);
    } else {
      i++;
    }
  }
  return i;
}
