/**
 * Why the secret key is missing, read from the student's source: Flask only says "no secret key
 * was set", but the source usually shows which of the usual ways it went missing. Pure: text in,
 * a finding out. It reads Python line by line (comments and multi-line strings left out,
 * indentation for blocks), which is enough for the handful of shapes beginners write.
 */
import { closest } from "../spec/rules.js";
import type { SourceText } from "./types.js";

export type KeyFinding =
  /** A setting Flask never reads: `config['secret_key']`, `SECRECT_KEY`, `app.secret`, `config.SECRET_KEY`. */
  | { way: "misspelt"; line: number; written: string }
  /** Only set inside `if __name__ == "__main__":`. */
  | { way: "under-main"; line: number }
  /** Set inside a function Flask calls while answering a request (a view, before_request, ...). */
  | { way: "in-request"; line: number; fn: string; decorator: string }
  /** Set inside some other function. */
  | { way: "in-function"; line: number; fn: string }
  /** Read from an environment variable, which was unset or empty when the app ran. */
  | { way: "env"; line: number; variable?: string }
  /** Set to an empty value ("" or None). */
  | { way: "empty"; line: number }
  /** Nothing in the file sets it. */
  | { way: "never-set" }
  /** The file sets it in a way that should work: the source does not tell. */
  | { way: "unknown" };

interface CodeLine {
  /** 1-based. */
  number: number;
  indent: number;
  /** The code, comments removed, not trimmed. */
  code: string;
}

/** Where the key is set correctly, as far as the spelling goes. */
interface Setting {
  line: CodeLine;
  value: string;
}

export function findKeyProblem(source: SourceText): KeyFinding {
  const lines = codeLines(source.text);
  const settings: Setting[] = [];
  const misspelt: { line: CodeLine; written: string }[] = [];
  for (const line of lines) {
    const set = keySetting(line.code);
    if (set) {
      if (set.correct) settings.push({ line, value: set.value });
      else misspelt.push({ line, written: set.written });
    }
  }

  const contexts = settings.map((s) => ({ setting: s, context: contextOf(lines, s.line) }));
  const topLevel = contexts.filter((c) => c.context.kind === "top");
  if (topLevel.length > 0) {
    const last = topLevel[topLevel.length - 1]!.setting;
    const env = envVariable(last.value) ?? envVariable(variableValue(lines, last.value.trim()) ?? "");
    if (env) return { way: "env", line: last.line.number, variable: env.name };
    if (/^(?:""|''|None|b""|b'')$/.test(last.value.trim())) return { way: "empty", line: last.line.number };
    return { way: "unknown" };
  }
  const wrong = misspelt[0];
  if (wrong) return { way: "misspelt", line: wrong.line.number, written: wrong.written };
  for (const { setting, context } of contexts) {
    if (context.kind === "main") return { way: "under-main", line: setting.line.number };
  }
  for (const { setting, context } of contexts) {
    if (context.kind === "function" && context.decorator) {
      return { way: "in-request", line: setting.line.number, fn: context.fn, decorator: context.decorator };
    }
  }
  for (const { setting, context } of contexts) {
    // A factory is how Flask apps are meant to be made: the key set there is set.
    if (context.kind === "function" && !/^(?:create|make)_app$/.test(context.fn)) {
      return { way: "in-function", line: setting.line.number, fn: context.fn };
    }
  }
  // Settings loaded from an object or a file: what they hold is not in this file.
  if (lines.some((l) => /\.config\.from_\w+\s*\(/.test(l.code))) return { way: "unknown" };
  // secret_key = "..." on its own: a variable Flask knows nothing about.
  for (const line of lines.filter((l) => l.indent === 0)) {
    const name = /^(\w+)\s*(?::[^=]+)?=(?!=)/.exec(line.code.trim())?.[1];
    if (settings.length === 0 && name && looksLikeSecret(name)) return { way: "misspelt", line: line.number, written: `a variable named ${name}` };
  }
  return settings.length > 0 ? { way: "unknown" } : { way: "never-set" };
}

/** The hint for the missing-key error, naming what the source shows; undefined when it shows nothing telling. */
export function secretKeyFinding(source: SourceText): string | undefined {
  const f = findKeyProblem(source);
  const at = (line: number) => `${source.file} line ${line}`;
  const fix = 'Set it once at the top level of the file, right after app = Flask(__name__): app.secret_key = "some long random text".';
  switch (f.way) {
    case "misspelt":
      return `${at(f.line)} sets ${f.written}, but Flask never reads that: it only knows app.secret_key, or app.config["SECRET_KEY"] spelled exactly so, in capital letters. ${fix}`;
    case "under-main":
      return (
        `${at(f.line)} sets the secret key inside if __name__ == "__main__":, a block that only runs when you start the file with python. ` +
        `flask run and the grader import the file instead, so for them the key is never set. ${fix}`
      );
    case "in-request":
      return (
        `${at(f.line)} sets the secret key inside ${f.fn}(), which Flask only runs while answering a request (it is marked ${f.decorator}). ` +
        `Flask opens the session before that, so the request in which the key is set fails already. ${fix}`
      );
    case "in-function":
      return `${at(f.line)} sets the secret key inside ${f.fn}(), so it is only set once that function has run, and Flask needed it earlier. ${fix}`;
    case "env":
      return (
        `${at(f.line)} reads the secret key from the environment variable${f.variable ? ` ${f.variable}` : ""}, which was not set (or empty) when your app ran, so the key was empty. ` +
        `Set that variable wherever the app runs, or, for this exercise, write the key in the file: app.secret_key = "some long random text".`
      );
    case "empty":
      return `${at(f.line)} sets the secret key to an empty value, which Flask treats as no key at all. Put a long random text in the quotes.`;
    case "never-set":
      return `Your file never sets a secret key. ${fix}`;
    case "unknown":
      return undefined;
  }
}

// ---- reading the source ----

/** Lines of code with comments and the insides of multi-line strings removed. */
export function codeLines(text: string): CodeLine[] {
  const out: CodeLine[] = [];
  let open = ""; // the quotes of a multi-line string that is still open: """ or '''
  text.split(/\r?\n/).forEach((raw, i) => {
    let code = "";
    let j = 0;
    const startsInString = open !== "";
    while (j < raw.length) {
      if (open) {
        const end = raw.indexOf(open, j);
        if (end < 0) {
          j = raw.length;
          break;
        }
        code += '""'; // the string, as an empty one
        j = end + 3;
        open = "";
        continue;
      }
      const c = raw[j]!;
      if (c === "#") break;
      if (raw.startsWith('"""', j) || raw.startsWith("'''", j)) {
        open = raw.slice(j, j + 3);
        j += 3;
        continue;
      }
      if (c === '"' || c === "'") {
        let k = j + 1;
        while (k < raw.length && raw[k] !== c) k += raw[k] === "\\" ? 2 : 1;
        code += raw.slice(j, k + 1);
        j = k + 1;
        continue;
      }
      code += c;
      j++;
    }
    // A line that starts inside a string has no indentation of its own: it is not a statement.
    if (startsInString || code.trim() === "") return;
    out.push({ number: i + 1, indent: raw.length - raw.trimStart().length, code });
  });
  return out;
}

/** Does this name look like an attempt at "secret key" (secret, SECRECT_KEY, secretKey, ...)? */
function looksLikeSecret(name: string): boolean {
  const letters = name.toLowerCase().replace(/[^a-z]/g, "");
  return letters.includes("secret") || closest(letters, ["secretkey", "secret"]) !== undefined;
}

/**
 * A line that sets the secret key or tries to: `correct` when Flask would read it. The value is
 * the text after `=` (or the argument), for telling empty and environment values.
 */
function keySetting(code: string): { correct: true; value: string } | { correct: false; written: string } | undefined {
  const line = code.trim();
  // app.secret_key = ..., and the attempts: app.secret = ..., app.SECRET_KEY = ...
  let m = /^(\w+)\.(\w+)\s*=(?!=)\s*(.*)$/.exec(line);
  if (m && m[2] !== "config" && looksLikeSecret(m[2]!)) {
    return m[2] === "secret_key" ? { correct: true, value: m[3]! } : { correct: false, written: `${m[1]}.${m[2]}` };
  }
  // app.config["SECRET_KEY"] = ..., and app.config["secret_key"], app.config["SECRECT_KEY"], ...
  m = /^(\w+)\.config\s*\[\s*(["'])(.*?)\2\s*\]\s*=(?!=)\s*(.*)$/.exec(line);
  if (m && looksLikeSecret(m[3]!)) {
    return m[3] === "SECRET_KEY" ? { correct: true, value: m[4]! } : { correct: false, written: `${m[1]}.config[${m[2]}${m[3]}${m[2]}]` };
  }
  // app.config.SECRET_KEY = ...: an attribute, not the setting.
  m = /^(\w+)\.config\.(\w+)\s*=(?!=)\s*(.*)$/.exec(line);
  if (m && looksLikeSecret(m[2]!)) return { correct: false, written: `${m[1]}.config.${m[2]}` };
  // app.config.update(SECRET_KEY=...), from_mapping(...), also with a dict: update({"SECRET_KEY": ...}).
  m = /\.config\.(update|from_mapping|setdefault)\s*\((.*)$/.exec(line);
  if (m) {
    const args = m[2]!;
    const kw = /(?:^|[,({\s])(\w+)\s*=(?!=)\s*([^,)]*)/.exec(args);
    const key = /(["'])(\w+)\1\s*[:,]\s*([^,)}]*)/.exec(args);
    const name = kw?.[1] ?? key?.[2];
    const value = kw?.[2] ?? key?.[3] ?? "";
    if (name && looksLikeSecret(name)) {
      return name === "SECRET_KEY" ? { correct: true, value } : { correct: false, written: `${name} in app.config.${m[1]}(...)` };
    }
  }
  return undefined;
}

/** What a top-level `NAME = value` line gives `name`, for `app.secret_key = SECRET_KEY`. */
function variableValue(lines: CodeLine[], name: string): string | undefined {
  if (!/^\w+$/.test(name)) return undefined;
  const found = lines.filter((l) => l.indent === 0).map((l) => new RegExp(`^${name}\\s*(?::[^=]+)?=(?!=)\\s*(.*)$`).exec(l.code.trim())?.[1]);
  return found.filter((v) => v !== undefined).at(-1);
}

function envVariable(value: string): { name?: string } | undefined {
  if (!/\b(?:environ|getenv)\b/.test(value)) return undefined;
  const name = /(?:environ\s*(?:\.get\s*\(|\[)|getenv\s*\()\s*(["'])(.*?)\1/.exec(value)?.[2];
  return { name };
}

type Context = { kind: "top" } | { kind: "main" } | { kind: "function"; fn: string; decorator?: string };

const REQUEST_DECORATOR = /^@\s*\w+\.(route|get|post|put|patch|delete|before_request|before_first_request|before_app_request|after_request|teardown_request|errorhandler|context_processor)\b/;

/**
 * Where a line sits: in the innermost function around it, under `if __name__ == "__main__":`, or
 * at the top level (also inside a top-level if/try/with, which runs at import).
 */
function contextOf(lines: CodeLine[], target: CodeLine): Context {
  let indent = target.indent;
  for (let i = lines.indexOf(target) - 1; i >= 0 && indent > 0; i--) {
    const line = lines[i]!;
    if (line.indent >= indent) continue;
    indent = line.indent;
    const code = line.code.trim();
    const fn = /^(?:async\s+)?def\s+(\w+)/.exec(code)?.[1];
    if (fn) {
      // Its decorators are the lines right above it, at its indentation.
      let decorator: string | undefined;
      for (let d = i - 1; d >= 0 && lines[d]!.indent === line.indent && lines[d]!.code.trim().startsWith("@"); d--) {
        const found = REQUEST_DECORATOR.exec(lines[d]!.code.trim());
        if (found) decorator = found[0].replace(/\s+/g, "");
      }
      return { kind: "function", fn, decorator };
    }
    if (/^if\s+\(?\s*__name__\s*==\s*(["'])__main__\1\s*\)?\s*:/.test(code)) return { kind: "main" };
  }
  return { kind: "top" };
}
