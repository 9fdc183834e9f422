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
import * as words from "../words/hints.js";

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

// The words live in graders/words/hints.ts; these two are used by name elsewhere.
export const SECRET_KEY_HINT = words.SECRET_KEY_HINT;
export const STUCK_VIEW_HINT = words.STUCK_VIEW_HINT;

const RULES: Rule[] = [
  {
    // A SQLite table the app uses was never made: the database's set-up (init-db, schema.sql) left it out.
    matches: raised("OperationalError", /no such table: /),
    hint: (s) => {
      const table = s.exception!.summary.split("no such table: ")[1]?.split(/\s/)[0] ?? "";
      return words.noSuchTable(table.slice(0, 60));
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
        return words.cookieValueNotText(words.atLine(scan!.file, line));
      }
      return words.NOT_TEXT_HINT;
    },
  },
  {
    matches: raised("KeyError"),
    hint: (s, scan) => {
      const key = s.exception!.message;
      const line = scanLine(s.exception?.location, scan);
      const where = line ? words.atLine(scan!.file, line) : words.YOUR_CODE;
      if (line && scan!.removeLines.includes(line)) {
        return words.removesMissingKey(where, key);
      }
      return words.readsMissingKey(where, key);
    },
  },
  {
    // A Flask name used without importing it: the most common NameError in this lesson.
    matches: (s) => raised("NameError")(s) && flaskNameOf(s.exception!) !== undefined,
    hint: (s, scan) => {
      const name = flaskNameOf(s.exception!)!;
      const module = FLASK_NAMES.get(name)!;
      const current = scan?.imports[module];
      return words.notImported(name, module, words.importLine(module, name, current));
    },
  },
  {
    matches: raised("NameError"),
    hint: (s) => {
      const name = /name '([^']+)'/.exec(s.exception!.message)?.[1];
      return words.unknownName(name);
    },
  },
  {
    matches: raised("TypeError", /did not return a valid response|returned None/),
    hint: () => words.NO_RETURN_HINT,
  },
  {
    // Before the None rule: a view named `session` shadows Flask's, whatever way it is then used.
    matches: (s) => ["TypeError", "AttributeError"].some((t) => raised(t, /'function' object|argument of type 'function'/)(s)),
    hint: () => words.SESSION_SHADOWED_HINT,
  },
  {
    matches: (s) =>
      raised("TypeError", /can only concatenate str|unsupported operand.*NoneType|'NoneType' object/)(s) || raised("AttributeError", /'NoneType' object/)(s),
    hint: () => words.NONE_VALUE_HINT,
  },
  {
    matches: raised("BuildError"),
    hint: () => words.BUILD_ERROR_HINT,
  },
  {
    matches: raised("AttributeError", /has_key/),
    hint: (s, scan) => {
      // Name the student's own key and dictionary, read from the line that failed.
      const line = scanLine(s.exception?.location, scan);
      const found = line ? scan!.hasKey.find((h) => h.line === line) : undefined;
      return words.hasKey(found ? words.keyTest(found.key, found.object) : words.KEY_IN_SESSION);
    },
  },
  {
    // The path came from the student's own page: the page and the routes disagree, not the spec.
    matches: (s) => s.status === 404 && s.fromPage !== undefined,
    hint: (s) => words.pageAndRouteDisagree(s.fromPage!, s.path.split("?")[0]!, s.routes?.map((r) => r.rule)),
  },
  {
    matches: (s) => s.status === 404,
    hint: (s) => words.noRoute(s.path, s.routes?.map((r) => r.rule)),
  },
  {
    matches: (s) => s.status === 405,
    hint: (s) => {
      const allowed = s.routes?.find((r) => r.rule === s.path)?.methods ?? [];
      const methods = [...new Set([...allowed.filter((m) => m !== s.method), s.method])].map((m) => `"${m}"`).join(", ");
      return words.methodNotAllowed(s.path, s.method, allowed, methods);
    },
  },
  {
    matches: (s) => s.status === 400 && s.form !== undefined,
    hint: (s) => words.formFieldNotSent(Object.keys(s.form!)),
  },
  {
    matches: (s) => s.status === 400,
    hint: () => words.BAD_REQUEST_HINT,
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
  return words.withDiagnosis(instructor, diagnosis);
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
