/**
 * Diagnosis: turning what the app did (an exception, a telling status) into a hint a beginner
 * can act on. The lesson's common errors and the mistakes in shared/notes/flask-behaviour.md
 * come first. The first rule that matches wins; a check's own hint is the fallback.
 *
 * A pure function of the symptom and, when the runner's source scan read it (boot/sourceScan.py),
 * what the entry file shows: some errors say only what went wrong, and the source shows why
 * (where the secret key went missing, which line gave set_cookie a number).
 */
import { secretKeyFinding } from "./secretKey.js";
import type { AppException, SourceScan, AppRoute } from "./types.js";

export interface Symptom {
  method: string;
  path: string;
  status?: number;
  exception?: AppException;
  /** Form fields sent, if any. */
  form?: Record<string, string>;
  /** The app's routes, when the runner reported them. */
  routes?: AppRoute[];
  /** The student's page chose the path: a link followed or a form submitted (drive/navigate.ts). */
  fromPage?: "link" | "form";
}

interface Rule {
  matches(s: Symptom): boolean;
  hint(s: Symptom, scan?: SourceScan): string;
}

const raised = (type: string, text?: RegExp) => (s: Symptom) =>
  s.exception?.type === type && (!text || text.test(s.exception.summary));

export const SECRET_KEY_HINT =
  'Flask needs a secret key to sign the session cookie. Set it once, right after creating the app: app.secret_key = "some long random text". ' +
  'Set it at the top level of the file, not inside a function and not under if __name__ == "__main__" (the grader, like flask run, never runs that part).';

/** A request that got no answer within the request time limit. */
export const STUCK_VIEW_HINT =
  "The view seems stuck: look for an endless loop, input(), or a long time.sleep() in the code that answers this page.";

const RULES: Rule[] = [
  {
    // A SQLite table the app uses was never made: the database's set-up (init-db, schema.sql) left it out.
    matches: raised("OperationalError", /no such table: /),
    hint: (s) => {
      const table = s.exception!.summary.split("no such table: ")[1]?.split(/\s/)[0] ?? "";
      return `The database has no table "${table.slice(0, 60)}": the code that creates your tables (your init-db command, schema.sql) must create it too. Check its CREATE TABLE statements and the table's spelling.`;
    },
  },
  {
    matches: raised("RuntimeError", /secret key/i),
    hint: (_s, scan) => (scan && secretKeyFinding(scan.file, scan.key)) ?? SECRET_KEY_HINT,
  },
  {
    // Before the None rule: set_cookie("theme", None) says "got 'NoneType'" too.
    matches: raised("TypeError", /expected string or bytes-like object/),
    hint: (s, scan) => {
      const line = scanLine(s.exception?.location, scan);
      if (line && scan!.setCookieLines.includes(line)) {
        return `${scan!.file} line ${line} gives set_cookie a value that is not text. A cookie holds text only: convert it first, e.g. response.set_cookie("count", str(count)), and int(...) it back when you read it.`;
      }
      return 'A function that works on text got something else (a number or None). If it is set_cookie: a cookie value must be text, so write str(value).';
    },
  },
  {
    matches: raised("KeyError"),
    hint: (s, scan) => {
      const key = s.exception!.message;
      const line = scanLine(s.exception?.location, scan);
      const where = line ? `${scan!.file} line ${line}` : "Your code";
      if (line && scan!.removeLines.includes(line)) {
        return `${where} removes ${key} when it is not there (nobody logged in, or nothing saved yet). Remove it with .pop(${key}, None): the None means "if it is there".`;
      }
      return `${where} reads ${key} with square brackets, where it was not there yet (nothing saved, or a form field or cookie that was not sent). Read it with .get(${key}) instead, with a default where one makes sense (like 0 for a count).`;
    },
  },
  {
    // A Flask name used without importing it: the most common NameError in this lesson.
    matches: (s) => raised("NameError")(s) && flaskNameOf(s.exception!) !== undefined,
    hint: (s, scan) => {
      const name = flaskNameOf(s.exception!)!;
      const module = FLASK_NAMES.get(name)!;
      const current = scan?.imports[module];
      const line = current ? `from ${module} import ${current}, ${name}` : `from ${module} import ${name}`;
      return `Python does not know the name ${name}: it comes from ${module} and must be imported before it is used. Write ${line} at the top of the file.`;
    },
  },
  {
    matches: raised("NameError"),
    hint: (s) => {
      const name = /name '([^']+)'/.exec(s.exception!.message)?.[1];
      return `Python does not know the name ${name ?? "used here"}: check its spelling, and that it is imported or given a value before this line runs.`;
    },
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
    hint: (s, scan) => {
      // Name the student's own key and dictionary, read from the line that failed.
      const line = scanLine(s.exception?.location, scan);
      const found = line ? scan!.hasKey.find((h) => h.line === line) : undefined;
      const test = found ? `${found.key} in ${found.object}` : "key in session";
      return `.has_key() is from Python 2 and no longer exists. Test whether a key is there with the in operator: ${test}.`;
    },
  },
  {
    // The path came from the student's own page: the page and the routes disagree, not the spec.
    matches: (s) => s.status === 404 && s.fromPage !== undefined,
    hint: (s) => {
      const routes = s.routes?.map((r) => r.rule);
      const listed = routes === undefined ? "" : routes.length ? ` (the routes your app has: ${routes.join(", ")})` : " (your app has no routes at all)";
      const what = s.fromPage === "form" ? `form sends to ${s.path.split("?")[0]} (its action=)` : `link goes to ${s.path.split("?")[0]} (its href=)`;
      return `Your page's ${what}, but no route of your app answers there${listed}. Make the page and the route agree: url_for("view_name") writes the right address for you.`;
    },
  },
  {
    matches: (s) => s.status === 404,
    hint: (s) => {
      const routes = s.routes?.map((r) => r.rule);
      const listed = routes === undefined ? "" : routes.length ? ` The routes your app has: ${routes.join(", ")}.` : " Your app has no routes at all.";
      return `There is no page at ${s.path}: no @app.route("${s.path}") in your app.${listed} Give the view that should answer it the route "${s.path}", spelt exactly like that.`;
    },
  },
  {
    matches: (s) => s.status === 405,
    hint: (s) => {
      const allowed = s.routes?.find((r) => r.rule === s.path)?.methods ?? [];
      const now = allowed.length ? ` (it allows only ${allowed.join(" and ")})` : "";
      const methods = [...new Set([...allowed.filter((m) => m !== s.method), s.method])].map((m) => `"${m}"`).join(", ");
      return `The route ${s.path} does not accept ${s.method}${now}. Allow it in the route: @app.route("${s.path}", methods=[${methods}]).`;
    },
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

/** The hint for what the app did, knowing what the runner's scan read in the entry file, when it did. */
export function diagnose(symptom: Symptom, scan?: SourceScan): string | undefined {
  return RULES.find((r) => r.matches(symptom))?.hint(symptom, scan);
}

/**
 * What a student reads under a failed check: the instructor's hint always, and the grader's
 * diagnosis of what it actually saw added under it.
 */
export function combineHints(instructor: string | undefined, diagnosis: string | undefined): string | undefined {
  if (!instructor || !diagnosis) return instructor ?? diagnosis;
  return `${instructor}\nWhat the grader saw: ${diagnosis}`;
}

/** Names a beginner uses from Flask (or the packages it brings) without importing them, and where they live. */
const FLASK_NAMES = new Map<string, string>([
  ...["Flask", "session", "request", "redirect", "url_for", "render_template", "render_template_string", "make_response", "flash",
    "get_flashed_messages", "abort", "jsonify", "g", "current_app", "Response", "send_file", "send_from_directory"].map((n) => [n, "flask"] as [string, string]),
  ["escape", "markupsafe"],
  ["Markup", "markupsafe"],
  ["wraps", "functools"],
]);

function flaskNameOf(exception: AppException): string | undefined {
  const name = /^name '([^']+)' is not defined/.exec(exception.message)?.[1];
  return name !== undefined && FLASK_NAMES.has(name) ? name : undefined;
}

/** The line where the exception happened, when it happened in the scanned entry file. */
function scanLine(location: AppException["location"], scan?: SourceScan): number | undefined {
  return location && scan && location.file === scan.file ? location.line : undefined;
}
