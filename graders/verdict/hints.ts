/**
 * Diagnosis: turning what the app did (an exception, a telling status) into a hint a beginner
 * can act on. The lesson's common errors and the mistakes in shared/notes/flask-behaviour.md
 * come first. The first rule that matches wins; a check's own hint is the fallback.
 *
 * A pure function of the symptom and, when the static look read it, the entry file's source:
 * some errors say only what went wrong, and the source shows why (where the secret key went
 * missing, which line gave set_cookie a number).
 */
import { secretKeyFinding } from "./secretKey.js";
import type { AppException, SourceText } from "./types.js";

export interface Symptom {
  method: string;
  path: string;
  status?: number;
  exception?: AppException;
  /** Form fields sent, if any. */
  form?: Record<string, string>;
}

interface Rule {
  matches(s: Symptom): boolean;
  hint(s: Symptom, source?: SourceText): string;
}

const raised = (type: string, text?: RegExp) => (s: Symptom) =>
  s.exception?.type === type && (!text || text.test(s.exception.summary));

export const SECRET_KEY_HINT =
  'Flask needs a secret key to sign the session cookie. Set it once, right after creating the app: app.secret_key = "some long random text". ' +
  'Set it at the top level of the file, not inside a function and not under if __name__ == "__main__" (the grader, like flask run, never runs that part).';

const RULES: Rule[] = [
  {
    matches: raised("RuntimeError", /secret key/i),
    hint: (_s, source) => (source && secretKeyFinding(source)) ?? SECRET_KEY_HINT,
  },
  {
    // Before the None rule: set_cookie("theme", None) says "got 'NoneType'" too.
    matches: raised("TypeError", /expected string or bytes-like object/),
    hint: (s, source) => {
      const line = sourceLine(s.exception?.location, source);
      if (line && /\.set_cookie\s*\(/.test(line.text)) {
        return `${source!.file} line ${line.number} gives set_cookie a value that is not text. A cookie holds text only: convert it first, e.g. response.set_cookie("count", str(count)), and int(...) it back when you read it.`;
      }
      return 'A function that works on text got something else (a number or None). If it is set_cookie: a cookie value must be text, so write str(value).';
    },
  },
  {
    matches: raised("KeyError"),
    hint: (s) =>
      `Your code read ${s.exception!.message} from a dictionary (the session, request.form or request.cookies) where it was not there yet. ` +
      `Read it with .get(${s.exception!.message}) (give a default where one makes sense, like 0 for a count) and remove it with .pop(${s.exception!.message}, None), so a missing value does not crash the page.`,
  },
  {
    matches: raised("TypeError", /did not return a valid response|returned None/),
    hint: () => "A view function must return the page (a string, render_template(...) or redirect(...)). Did you forget `return`?",
  },
  {
    // Before the None rule: a view named `session` shadows Flask's, whatever way it is then used.
    matches: (s) => ["TypeError", "AttributeError"].some((t) => raised(t, /'function' object|argument of type 'function'/)(s)),
    hint: () => "Something that should be Flask's session is a function here: is one of your view functions (or an import) named `session`?",
  },
  {
    matches: (s) =>
      raised("TypeError", /can only concatenate str|unsupported operand.*NoneType|'NoneType' object/)(s) || raised("AttributeError", /'NoneType' object/)(s),
    hint: () => "A value you read was None (nothing stored yet). Give .get() a default, e.g. request.cookies.get(\"theme\", \"light\").",
  },
  {
    matches: raised("BuildError"),
    hint: () => "url_for() was given an endpoint that does not exist: use the name of the view function, e.g. url_for(\"login\").",
  },
  {
    matches: raised("AttributeError", /has_key/),
    hint: () => "dict.has_key() is Python 2. Write `\"user\" in session` instead.",
  },
  {
    matches: (s) => s.status === 405,
    hint: (s) => `The route ${s.path} does not accept ${s.method}. Add methods=["GET", "POST"] to its @app.route(...).`,
  },
  {
    matches: (s) => s.status === 400 && s.form !== undefined,
    hint: (s) =>
      `Flask answered 400 (bad request): your code read a form field that was not sent. The grader sends ${Object.keys(s.form!).map((k) => `"${k}"`).join(", ")}: check the name in request.form[...] .`,
  },
  {
    matches: (s) => s.status === 400,
    hint: () => 'Flask answered 400 (bad request): request.cookies["name"] or request.form["name"] fails when the value is missing. Use .get("name", default).',
  },
];

/** The hint for what the app did, knowing the entry file's source when it was read. */
export function diagnose(symptom: Symptom, source?: SourceText): string | undefined {
  return RULES.find((r) => r.matches(symptom))?.hint(symptom, source);
}

/** The line of the source where the exception happened, when it happened in that file. */
function sourceLine(location: AppException["location"], source?: SourceText): { number: number; text: string } | undefined {
  if (!location || !source || location.file !== source.file) return undefined;
  const text = source.text.split(/\r?\n/)[location.line - 1];
  return text === undefined ? undefined : { number: location.line, text };
}
