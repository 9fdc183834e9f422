/**
 * Words for the hints the grader adds under a failed check: what a beginner can do about what
 * the app did. graders/verdict/hints.ts decides which hint fits the cause it saw (the rules);
 * graders/words/secretKey.ts words the missing-key hint, graders/verdict/stateWrites.ts's words
 * are in graders/words/stateWrites.ts.
 */

export const SECRET_KEY_HINT =
  'Flask needs a secret key to sign the session cookie. Set it once, right after creating the app: app.secret_key = "some long random text". ' +
  'Set it at the top level of the file, not inside a function and not under if __name__ == "__main__" (the grader, like flask run, never runs that part).';

/** A request that got no answer within the request time limit. */
export const STUCK_VIEW_HINT =
  "The view seems stuck: look for an endless loop, input(), or a long time.sleep() in the code that answers this page.";

/** The instructor's hint, then the grader's diagnosis under it. */
export const withDiagnosis = (instructor: string, diagnosis: string): string => `${instructor}\nWhat the grader saw: ${diagnosis}`;

/** `app.py line 9`, or "Your code" when the line is not known. */
export const atLine = (file: string, line: number): string => `${file} line ${line}`;
export const YOUR_CODE = "Your code";

export const noSuchTable = (table: string): string =>
  `The database has no table "${table}": the code that creates your tables (your init-db command, schema.sql) must create it too. Check its CREATE TABLE statements and the table's spelling.`;

export const cookieValueNotText = (where: string): string =>
  `${where} gives set_cookie a value that is not text. A cookie holds text only: convert it first, e.g. response.set_cookie("count", str(count)), and int(...) it back when you read it.`;
export const NOT_TEXT_HINT =
  "A function that works on text got something else (a number or None). If it is set_cookie: a cookie value must be text, so write str(value).";

export const removesMissingKey = (where: string, key: string): string =>
  `${where} removes ${key} when it is not there (nobody logged in, or nothing saved yet). Remove it with .pop(${key}, None): the None means "if it is there".`;
export const readsMissingKey = (where: string, key: string): string =>
  `${where} reads ${key} with square brackets, where it was not there yet (nothing saved, or a form field or cookie that was not sent). Read it with .get(${key}) instead, with a default where one makes sense (like 0 for a count).`;

export const importLine = (module: string, name: string, current: string | undefined): string =>
  current ? `from ${module} import ${current}, ${name}` : `from ${module} import ${name}`;
export const notImported = (name: string, module: string, line: string): string =>
  `Python does not know the name ${name}: it comes from ${module} and must be imported before it is used. Write ${line} at the top of the file.`;
export const unknownName = (name: string | undefined): string =>
  `Python does not know the name ${name ?? "used here"}: check its spelling, and that it is imported or given a value before this line runs.`;

export const NO_RETURN_HINT = "A view function must return the page (a string, render_template(...) or redirect(...)). Did you forget `return`?";
export const SESSION_SHADOWED_HINT =
  "Something that should be Flask's session is a function here: is one of your view functions (or an import) named `session`?";
export const NONE_VALUE_HINT = 'A value you read was None (nothing stored yet). Give .get() a default, e.g. request.cookies.get("theme", "light").';
export const BUILD_ERROR_HINT = 'url_for() was given an endpoint that does not exist: use the name of the view function, e.g. url_for("login").';

export const keyTest = (key: string, object: string): string => `${key} in ${object}`;
export const KEY_IN_SESSION = "key in session";
export const hasKey = (test: string): string => `.has_key() is from Python 2 and no longer exists. Test whether a key is there with the in operator: ${test}.`;

/** A 404 from a link or form on the student's own page. */
export function pageAndRouteDisagree(fromPage: "link" | "form", path: string, routes: readonly string[] | undefined): string {
  const listed = routes === undefined ? "" : routes.length ? ` (the routes your app has: ${routes.join(", ")})` : " (your app has no routes at all)";
  const what = fromPage === "form" ? `form sends to ${path} (its action=)` : `link goes to ${path} (its href=)`;
  return `Your page's ${what}, but no route of your app answers there${listed}. Make the page and the route agree: url_for("view_name") writes the right address for you.`;
}

/** A 404 for a path the spec asked for. */
export function noRoute(path: string, routes: readonly string[] | undefined): string {
  const listed = routes === undefined ? "" : routes.length ? ` The routes your app has: ${routes.join(", ")}.` : " Your app has no routes at all.";
  return `There is no page at ${path}: no @app.route("${path}") in your app.${listed} Give the view that should answer it the route "${path}", spelt exactly like that.`;
}

/** A 405: the route exists but not for this method; `methods` is what to allow, quoted. */
export function methodNotAllowed(path: string, method: string, allowed: readonly string[], methods: string): string {
  const now = allowed.length ? ` (it allows only ${allowed.join(" and ")})` : "";
  return `The route ${path} does not accept ${method}${now}. Allow it in the route: @app.route("${path}", methods=[${methods}]).`;
}

export const formFieldNotSent = (sent: readonly string[]): string =>
  `Flask answered 400 (bad request): your code read a form field that was not sent. The grader sends ${sent.map((k) => `"${k}"`).join(", ")}: check the name in request.form[...] .`;
export const BAD_REQUEST_HINT =
  'Flask answered 400 (bad request): request.cookies["name"] or request.form["name"] fails when the value is missing. Use .get("name", default).';
