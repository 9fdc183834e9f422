/**
 * Student text made harmless. Everything a submission produces (page text, exception messages,
 * the app's output, cookies, session values, file and folder names) is hostile output: it reaches
 * terminals, CI logs, Markdown, HTML and CSV. Three defences, each decided here and only here:
 *
 * - `plainText`, where student text enters the grader: no terminal escapes, no control characters,
 *   no bidi overrides (nothing that can redraw a screen, hide text or reorder it).
 * - `nameText`, wherever a file or folder name is shown: one line, its odd characters visible.
 * - `actionsSafe`, at every output that can reach a GitHub Actions log: no line of it is a
 *   workflow command unless the grader wrote it.
 *
 * All are linear-time (no backtracking patterns) and idempotent.
 */

/**
 * C0 controls except tab and newline (carriage returns become newlines first), DEL, C1 controls,
 * and the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
 */
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Student text as plain text: what it says, without anything that acts on a terminal or reorders it. */
export function plainText(text: string): string {
  // A lone CR would let a later line overwrite an earlier one on a terminal: it becomes a line break.
  return text.replace(/\r\n?/g, "\n").replace(CONTROLS, "");
}

/**
 * `plainText` applied to every string (keys too) of a JSON-like value, such as a decoded session,
 * into a fresh copy. Iterative, so a deeply nested value cannot overflow the stack; keys are
 * defined, not assigned, so a key `__proto__` stays a key.
 */
export function plainData<T>(value: T): T {
  if (typeof value === "string") return plainText(value) as T;
  if (typeof value !== "object" || value === null) return value;
  const root = emptyLike(value);
  const pending: [object, object][] = [[value, root]];
  while (pending.length > 0) {
    const [source, target] = pending.pop()!;
    for (const [key, child] of Object.entries(source)) {
      let cleaned: unknown = child;
      if (typeof child === "string") cleaned = plainText(child);
      else if (typeof child === "object" && child !== null) pending.push([child, (cleaned = emptyLike(child))]);
      const name = Array.isArray(target) ? key : plainText(key);
      Object.defineProperty(target, name, { value: cleaned, enumerable: true, writable: true, configurable: true });
    }
  }
  return root as T;
}

function emptyLike(value: object): object {
  return Array.isArray(value) ? new Array<unknown>(value.length) : {};
}

/** Characters a name shows as they are: letters and digits of any script, and printable ASCII. */
const PLAIN_NAME_CHAR = /[\p{L}\p{N} -~]/u;
const MARK = /\p{M}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
/** Combining marks one letter may carry and still be shown (NFD Vietnamese needs two). */
const MAX_MARKS = 2;

/**
 * A file or folder name as one line of text. Names are chosen by students: a name with a line
 * break, a control character, a look-alike of `/` or `:` (U+2215, U+FF1A, ...) or an invisible
 * character could forge a line of the report ("alice (counter): 10/10"). Plain names (any script,
 * ASCII punctuation) are shown as they are; any other is quoted, its other characters written as
 * \u{...}, so it cannot pass for report text and two different names never look the same.
 * Combining marks count as plain only on a letter or digit, a couple at a time: a mark on a
 * quote or a slash, or a stack of them, would change how the report's own characters look.
 */
export function nameText(name: string): string {
  const chars = [...name];
  const plain = shownPlain(chars);
  if (plain.every(Boolean)) return name;
  let out = '"';
  chars.forEach((ch, i) => {
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (plain[i]) out += ch;
    else out += `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase()}}`;
  });
  return `${out}"`;
}

/** For each character of a name: whether it is shown as it is. */
function shownPlain(chars: readonly string[]): boolean[] {
  let marks = 0;
  let base = false;
  return chars.map((ch) => {
    if (MARK.test(ch)) {
      marks += 1;
      return base && marks <= MAX_MARKS;
    }
    marks = 0;
    base = LETTER_OR_DIGIT.test(ch);
    return PLAIN_NAME_CHAR.test(ch);
  });
}

/*
 * GitHub Actions workflow commands, as actions/runner reads them (src/Runner.Common/ActionCommand.cs,
 * TryParseV2 and TryParse; src/Runner.Worker/ActionCommandManager.cs; read at commit 258d6c8):
 * the runner reads each line of a step's stdout and stderr (StreamReader.ReadLine: a line ends at
 * \n, \r or \r\n) and takes it as a command when
 *   - the line, with leading whitespace trimmed (.NET TrimStart: char.IsWhiteSpace), starts with
 *     `::` (`::notice title=...::data`), or
 *   - it holds `##[` anywhere (the legacy form `##[command k=v;...]data`).
 * `::stop-commands::TOKEN` then ignores every command until a line `::TOKEN::`: a student's one
 * line would silence the grader's own annotations and Classroom's points notice. The runner's
 * StartsWith/IndexOf are culture-sensitive (they skip ignorable characters such as U+200B), but
 * the substrings it then cuts assume the literal two or three characters, so only the literal
 * tokens parse as commands; those are what `actionsSafe` breaks, visibly, never with an
 * invisible character (which the culture-sensitive match would skip).
 */

/** Line breaks as the runner splits lines, plus the Unicode ones (harmless to treat as breaks). */
const LINE_BREAK = /(\r\n|[\r\n\u0085\u2028\u2029])/;
/** What .NET's TrimStart removes (char.IsWhiteSpace), and a little more (U+FEFF): a superset is safe. */
const LEADING_SPACE = /^[\s\u0085]*/;

/**
 * Text that no GitHub Actions runner reads as a workflow command: a line whose trimmed start is
 * `::` gets a space between the colons (`: :notice ...`), and every `##[` becomes `## [`. The
 * text stays readable and the change is visible. Apply it to whole outputs where possible (pieces
 * joined later could form a token again: `#` + `#[`).
 */
export function actionsSafe(text: string): string {
  const parts = text.replaceAll("##[", "## [").split(LINE_BREAK);
  // split with a capture group: even indexes are lines, odd ones the breaks between them.
  for (let i = 0; i < parts.length; i += 2) {
    const line = parts[i]!;
    const start = LEADING_SPACE.exec(line)![0].length;
    if (line.startsWith("::", start)) parts[i] = `${line.slice(0, start)}: ${line.slice(start + 1)}`;
  }
  return parts.join("");
}
