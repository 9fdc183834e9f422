/**
 * The spec language: what a teacher writes in `specs/<exercise>.yaml`.
 *
 * These types are the source of truth. `npm run schema` turns them into `specs/schema.json`
 * (which editors use for autocompletion and the loader uses for validation), and a test keeps
 * the two in step. Every comment here becomes a tooltip in the teacher's editor.
 */

/** One exercise: how to start the student's app and which checks to run against it. */
/**
 * One accepted entry: `app.py`, `flaskr`, `flaskr:create_app()`, `app:application`.
 * @pattern ^(?:[^:\s]+\.py|[A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z_][A-Za-z0-9_]*(?:\(.*\))?)?$
 */
export type EntryName = string;

/**
 * A Python package's import name: `flask_session`, `flask_wtf`.
 * @pattern ^[A-Za-z_][A-Za-z0-9_]*$
 */
export type PackageName = string;

export interface Spec {
  /**
   * Exercise id, used for folder names and on the command line (lower-case, dashes).
   * @pattern ^[a-z0-9-]+$
   */
  id: string;
  /** Title shown to students. */
  title: string;
  /**
   * What kind of exercise this is. `flask-app` (default): boot the app and drive it over HTTP.
   * `quiz`: compare `answers.yaml` with the spec's questions, no app is started.
   * @default "flask-app"
   */
  kind?: "flask-app" | "quiz";
  /**
   * Where the Flask app is, relative to the submission folder, as `flask --app` takes it: a file
   * (`app.py`), a package folder with `__init__.py` (`flaskr`, imported as a package so relative
   * imports work), either followed by `:attribute` or `:factory(args)` (`flaskr:create_app()`,
   * `app:application`); without one, Flask's own search (`app`, `application`, `create_app()`).
   * A list accepts several names: the first present in the submission is used.
   * @default "app.py"
   */
  entry?: EntryName | EntryName[];
  /**
   * Python packages the app may import beyond Flask and the standard library, by import name
   * (`flask_session`). One that is not installed where the app is graded is the set-up's error,
   * with the install command; an import of an unlisted one that is missing is the student's.
   */
  packages?: PackageName[];
  /**
   * Name of Flask's session cookie (`SESSION_COOKIE_NAME`).
   * @default "session"
   */
  sessionCookie?: string;
  /** Limits for this exercise; each has a default. */
  limits?: Limits;
  /** Commands run in the app's private copy before it boots, e.g. `[{ flask: init-db }]` (see SetupStep). */
  setup?: SetupStep[];
  /**
   * How long the app's files (its SQLite database, say) live: `per-exercise` (default), one
   * private copy for the whole exercise, set up once, shared by every check and restart;
   * `per-check`, a fresh copy set up again before each check.
   * @default "per-exercise"
   */
  state?: StateScope;
  /**
   * The checks, run in order. Each gets fresh browsers; the app is shared unless a step
   * restarts it. A quiz has none: write `checks: []`.
   */
  checks: Check[];
  /** Questions of a quiz exercise (only with `kind: quiz`). */
  questions?: QuizQuestion[];
}

/**
 * Limits on the student's app. Over a time limit the check fails; over any other limit the app is
 * stopped (or its operation fails) and the checks it could not answer fail, naming the limit.
 * The command line can override each one (e.g. `--memory-mb 256`).
 */
export interface Limits {
  /**
   * Seconds the app may take to start and listen.
   * @default 10
   * @minimum 1
   * @maximum 120
   */
  bootSeconds?: number;
  /**
   * Seconds one request may take before it counts as a hang.
   * @default 5
   * @minimum 0.5
   * @maximum 60
   */
  requestSeconds?: number;
  /**
   * Memory (address space) each of the app's processes may use, in MB. Over it, allocating
   * fails with a MemoryError.
   * @default 512
   * @minimum 64
   * @maximum 8192
   */
  memoryMb?: number;
  /**
   * Processor time each of the app's processes may use, in seconds, over the whole grading of
   * the exercise (not wall-clock time: waiting costs nothing). Over it, the app is stopped.
   * @default 10
   * @minimum 1
   * @maximum 600
   */
  cpuSeconds?: number;
  /**
   * Processes and threads the app may run at once (the server's own threads included). Over it,
   * starting one more fails. Enforced only when the app is isolated.
   * @default 32
   * @minimum 4
   * @maximum 1024
   */
  processes?: number;
  /**
   * Largest file the app may write, in MB; also the size of its private /tmp. Over it, the
   * write fails.
   * @default 16
   * @minimum 1
   * @maximum 1024
   */
  fileSizeMb?: number;
  /**
   * Files and sockets each of the app's processes may have open at once. Over it, opening one
   * more fails.
   * @default 128
   * @minimum 16
   * @maximum 4096
   */
  openFiles?: number;
  /**
   * Seconds each `setup` step may take (wall-clock time). Over it, the step is stopped and the
   * app does not start.
   * @default 10
   * @minimum 1
   * @maximum 120
   */
  setupSeconds?: number;
}

/** A small named unit of grading, with its own points, hint and steps. */
export interface Check {
  /**
   * Unique id within the spec (lower-case, dashes), e.g. `counts-up`.
   * @pattern ^[a-z0-9-]+$
   */
  id: string;
  /** One line a student reads, e.g. "The count goes up by one on each visit". */
  title: string;
  /**
   * Points for passing. Advisory checks earn none: leave it out or write 0.
   * @minimum 0
   * @default 1
   */
  points?: number;
  /** Ids of earlier checks this one builds on: if one of them did not pass, this check is skipped. */
  needs?: string[];
  /** Feedback only: shown as a warning, never costs or earns points. */
  advisory?: boolean;
  /**
   * Who sees this check's details (what the grader did, the app's answers, the hint). Students
   * always see whether it passed and its points. `hidden`: the details are for staff only (on
   * Gradescope in the autograder output, which students do not see; the student's total stays
   * visible). `after-due-date`: staff only until the due date, then students too; on Gradescope
   * a test released after the (late) due date, and Gradescope hides the student's total until
   * then whenever such a check failed. `after-published`: the same, released when the teacher
   * publishes the grades on Gradescope, which hides the total until then. Elsewhere both are
   * like `hidden` until the teacher reveals results (`--reveal`).
   * @default "visible"
   */
  visibility?: "visible" | "hidden" | "after-due-date" | "after-published";
  /** A help line for a student whose app fails this check: what to look at, in plain words. */
  hint?: string;
  /**
   * Setup steps for this check only (see SetupStep): the app is started again before the check,
   * running them after the spec's own `setup` (with `state: per-exercise`, on the shared files).
   */
  setup?: SetupStep[];
  /** What the grader does, in order. The check fails at the first step whose expectations fail. */
  steps: Step[];
}

/**
 * One step: exactly one action (`request`, `dropCookie`, `setCookie`, `tamperSession`,
 * `forgeSession`, `guessKeys`, `restart`, `script`, `follow` or `submit`), done by a browser,
 * and for a request (or a followed link, a submitted form, each guessed key) what must come back.
 */
export interface Step {
  /**
   * Which simulated browser acts. Each has its own cookie jar, kept across its steps
   * and emptied at the start of every check.
   * @default "browser"
   */
  browser?: string;
  /**
   * Send a request. A string is a shorthand: an upper-case method, one space and a path,
   * e.g. `"GET /"` or `"POST /login"`.
   */
  request?: Request | string;
  /** Forget one cookie, as if the user deleted it. */
  dropCookie?: string;
  /** Put a cookie in the jar by hand, as a user editing their cookies would. */
  setCookie?: CookieToSet;
  /** Change what the session cookie says while keeping its old signature. Flask must refuse it. */
  tamperSession?: SessionTamper;
  /** Make a session cookie signed with a guessed secret key. */
  forgeSession?: SessionForgery;
  /**
   * Send a request with a session cookie signed with each of these guessed keys in turn; every
   * answer must meet `expect`. Shorter than a forgeSession and a request per key, and faster:
   * see KeyGuesses.
   */
  guessKeys?: KeyGuesses;
  /** Stop the app and start it again; browsers keep their cookies. */
  restart?: boolean;
  /**
   * Run a custom check written in TypeScript or JavaScript, relative to the spec, e.g.
   * `checks/cart.ts`. Its default export receives supertest requests bound to the running app,
   * carrying this check's browsers' cookies, and returns `{ passed, message, hint }` (or throws,
   * e.g. from supertest's `.expect(...)`, to fail). One self-contained file: it may import packages.
   */
  script?: string;
  // --- navigation like a user (issue 11 item 8): graders/drive/navigate.ts ---
  /**
   * Follow a link on this browser's current page (its last response), as a user clicking it:
   * `{ link: "Log out" }` or `{ selector: "nav a.logout" }`. The app's own href is requested,
   * so the spec need not know the route's name.
   */
  follow?: FollowLink;
  /**
   * Fill and submit a form on this browser's current page, as a user would: the form's own
   * action and method, its hidden fields and default values kept, the spec's values put into
   * fields found by label, type, placeholder, position or name.
   */
  submit?: FormSubmission;
  // --- end of navigation ---
  /** What the response must look like (request, follow and submit steps; each answer of a guessKeys step). */
  expect?: Expectations;
  /**
   * Remember values from the response under a name, to compare in later steps of this check
   * with `{ capture: name }`.
   */
  capture?: { [name: string]: Capture };
}

// --- navigation like a user (issue 11 item 8) ---

/** Which link to follow: give exactly one of `link` and `selector`. */
export interface FollowLink {
  /**
   * The link's visible text, e.g. `Log out` (case, punctuation and spaces ignored). A link whose
   * text is exactly this is preferred; otherwise the first link whose text contains it.
   */
  link?: string;
  /** A CSS selector for the link, e.g. `nav a.logout`: the first element it finds, which must have an `href`. */
  selector?: string;
  /**
   * Follow redirects like a browser would.
   * @default false
   */
  followRedirects?: boolean;
}

/** Which form to submit, and what to type into it. */
export interface FormSubmission {
  /**
   * A CSS selector for the form (`#login`, `form.signin`), or its position on the page (1 is the
   * first form). Without it: the first form that has every field given in `fields`.
   */
  form?: string | FormPosition;
  /** What to type, in order. Fields not listed keep the value the page gave them (hidden fields too). */
  fields?: FieldFill[];
  /**
   * The text of the submit button to press, when the form has several (case and spaces ignored).
   * Without it, the first one. A pressed button with a `name` sends its name and value.
   */
  button?: string;
  /**
   * Follow redirects like a browser would.
   * @default false
   */
  followRedirects?: boolean;
}

/**
 * A position on the page or in a form, counted from 1.
 * @minimum 1
 * @asType integer
 */
export type FormPosition = number;

/**
 * One field to fill, found without knowing the name the student chose: give exactly one of
 * `label`, `type`, `placeholder`, `position` and `name`. A field already filled by an earlier
 * entry is not found again, so two `type: password` entries fill the first and the second.
 */
export interface FieldFill {
  /** The text of the field's `<label>` (or its `aria-label`), e.g. `Username` (case and punctuation ignored; an exact match is preferred, else one containing it). */
  label?: string;
  /** The input's type, e.g. `password` or `email` (`text` also finds inputs without a type). */
  type?: string;
  /** The field's placeholder text (matched like a label). */
  placeholder?: string;
  /** The field's position among the form's fields a user can type into (1 is the first; hidden fields and buttons do not count). */
  position?: FormPosition;
  /** The field's `name`, when the spec knows it. */
  name?: string;
  /**
   * What to type, or to choose: a list (`<select>`) takes the option with this value or visible
   * text; a checkbox is ticked unless this is `off`, `false`, `no` or empty; a radio button picks
   * the one of its group with this value or label (`on`: the one found). May be filled from
   * captures: `{ f: "{user}-2" }`.
   */
  value: TextPattern;
}

// --- end of navigation ---

/** An HTTP request. */
export interface Request {
  /** @default "GET" */
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";
  /** Path on the app, starting with `/`, e.g. `/login`. */
  path: string;
  /** Query-string parameters. */
  query?: { [name: string]: string };
  /** Form fields, sent as `application/x-www-form-urlencoded`. */
  form?: { [name: string]: string };
  /** Extra request headers. */
  headers?: { [name: string]: string };
  /**
   * Follow redirects like a browser would (each hop sends the jar's cookies).
   * Off by default, so that a redirect itself can be checked.
   * @default false
   */
  followRedirects?: boolean;
}

/** A cookie put into the browser's jar by hand. */
export interface CookieToSet {
  name: string;
  value: string;
  /** @default "/" */
  path?: string;
}

/** How to tamper with the session cookie. */
export interface SessionTamper {
  /**
   * Keys to change in the session's data before re-encoding it with the old signature.
   * Without it, one character of the data is changed.
   */
  set?: { [key: string]: JsonValue };
  /**
   * Values to swap wherever they appear as a session value, for when the key name is the
   * student's choice: `{ alice: mallory }` turns `{"user": "alice"}` into `{"user": "mallory"}`.
   */
  replace?: { [oldValue: string]: JsonValue };
}

/** A session cookie signed with a guessed key: give exactly one of `key` and `keyHex`. */
export interface SessionForgery {
  /**
   * The guessed secret key, e.g. `dev`. A Python bytes literal is a bytes key, as the student
   * wrote it: `b'_5#y2L"F4Q8z\n\xec]/'` (escapes `\n`, `\xec`, `\\`, ... as in Python).
   */
  key?: string;
  /** A bytes secret key written in hexadecimal, e.g. `5f3523...` (two digits per byte). */
  keyHex?: string;
  /** Take the session data from this browser's current session cookie. */
  from?: string;
  /** Session data to sign (merged over the data taken with `from`). */
  data?: { [key: string]: JsonValue };
}

/**
 * A request sent once per guessed key, each time with a session cookie signed with that key.
 *
 * The grader sends the keys that sign `from`'s session first (the app signs with that key, so
 * it will believe the forgery). For the others, when the app answered the first of them with
 * Flask's own session (no `session_interface` of its own, no `SECRET_KEY_FALLBACKS`), that one
 * answer stands for all: Flask refuses a cookie with a wrong signature the same way whatever
 * the key, so the rest are not sent one by one (the steps list says so). Otherwise, and without
 * `from`, every key is sent.
 */
export interface KeyGuesses {
  /**
   * The guessed secret keys, e.g. `[dev, secret, changeme]`. A Python bytes literal is a bytes
   * key, as in forgeSession's `key`.
   * @minItems 1
   */
  keys: string[];
  /** Take the session data from this browser's current session cookie. */
  from?: string;
  /** Session data to sign (merged over the data taken with `from`). */
  data?: { [key: string]: JsonValue };
  /** The request to send with each forged cookie, e.g. `"GET /dashboard"`. */
  request: Request | string;
}

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A value remembered from a response. Exactly one source. */
export interface Capture {
  /** The first whole number in the visible text (tags stripped). */
  number?: true;
  /** The first group of this JavaScript regular expression (no flags) matched against the visible text, or the whole match. */
  regex?: string;
  /** A response header. */
  header?: string;
  /** The value of this cookie in the browser's jar after the response. */
  cookie?: string;
  /** The value under this key in the decoded Flask session. */
  session?: string;
}

/**
 * A value to compare with, of any shape (text, number, list, mapping), or a capture. A mapping
 * with the key `capture` is always a capture reference. Lists and mappings compare deeply;
 * numbers compare as numbers ("2" equals 2).
 */
export type AnyValue = Value | JsonValue;

/** A value to compare with: a literal, or a value captured earlier in the check (plus an offset). */
export type Value = string | number | boolean | null | CaptureRef;

/** Refers to a value captured in an earlier step of the same check. */
export interface CaptureRef {
  /** The capture's name. */
  capture: string;
  /** Add this to the captured number, e.g. `1` for "went up by one". */
  plus?: number;
}

/** What a response must look like. Every given expectation must hold. */
export interface Expectations extends ExpectationsBase {
  /**
   * Alternatives: at least one of these groups must hold, e.g. "a redirect to /login, or a
   * 401/403". Use `because` in each group to name the alternative in feedback.
   */
  anyOf?: Alternative[];
}

/** One acceptable outcome among several. */
export interface Alternative extends ExpectationsBase {
  /** How feedback names this alternative, e.g. "a redirect to the login page". */
  because?: string;
}

/** The expectations that can stand alone or inside an alternative. */
export interface ExpectationsBase {
  /** Expected status code, or a list of acceptable ones. */
  status?: number | number[];
  /**
   * Where a redirect must point: the path of the `Location` header, or a list of acceptable
   * paths. The query string is ignored unless the expected value has one.
   */
  redirect?: string | string[];
  /** Checks on the visible text of the page (HTML tags stripped, entities decoded). */
  text?: TextExpectation;
  /** Checks on response headers, by name (case-insensitive). */
  headers?: { [name: string]: TextMatch };
  /** Checks on the cookies this response set or deleted (each Set-Cookie header). */
  setCookies?: SetCookieExpectation[];
  /** Checks on the browser's cookie jar after the response. */
  jar?: JarExpectation[];
  /** Checks on the Flask session, decoded from the jar's session cookie without the key. */
  session?: SessionExpectation;
  /**
   * Checks on the HTML page, parsed, each with a CSS selector, e.g.
   * `{ selector: html, attributes: { data-bs-theme: dark } }`.
   */
  html?: HtmlExpectation[];
  /** Checks on the raw response body, tags and all (e.g. an attribute or a comment). */
  body?: BodyExpectation;
  /**
   * Checks on a JSON answer, by path: `count`, `user.name`, `items.0` (dots between keys, a
   * number picks a list entry; `.` alone is the whole answer).
   */
  json?: StructureExpectation;
  /** Checks on values captured in earlier steps. */
  captured?: CapturedExpectation[];
}

/** Checks on the visible text. */
export interface TextExpectation {
  /** Text that must appear (a list: all of them). May be filled from captures: `{ f: "Visits: {first + 1}" }`. */
  contains?: TextPattern | TextPattern[];
  /** Text that must not appear. */
  notContains?: TextPattern | TextPattern[];
  /** A regular expression the text must match. */
  matches?: string;
  /** A regular expression the text must not match. */
  notMatches?: string;
  /**
   * What `matches` / `notMatches` look for, in words a student reads instead of the pattern,
   * e.g. `the word "None" (a value that was never set)`. Without it, words are made from the
   * pattern where it is simple enough.
   */
  explain?: string;
  /**
   * A whole number that must appear, e.g. `2` matches "Visits: 2" but not "12" or "2.5".
   * May be a capture: `{ capture: first, plus: 1 }`.
   */
  number?: number | CaptureRef;
  /** A whole number that must not appear. */
  notNumber?: number | CaptureRef;
  /**
   * Compare without regard to case, and treat punctuation and runs of spaces as one space.
   * @default false
   */
  loose?: boolean;
}

/** Text as written, or text filled from captures. */
export type TextPattern = string | FilledText;

/**
 * Text filled from captures, like a Python f-string: `{ f: "Total Visits: {first + 1}" }`.
 * Inside braces: a capture's name, optionally `+ N` or `- N` (whole numbers). Literal braces are
 * written twice: `{{` and `}}`. Only inside `f` are braces special.
 */
export interface FilledText {
  f: string;
}

/** Checks on the raw response body (HTML tags included, nothing decoded). */
export interface BodyExpectation {
  /** Text the body must contain (a list: all of them). */
  contains?: TextPattern | TextPattern[];
  /** Text the body must not contain. */
  notContains?: TextPattern | TextPattern[];
  /** A regular expression the body must match. */
  matches?: string;
  /** A regular expression the body must not match. */
  notMatches?: string;
}

/**
 * Checks on the page's HTML, for the elements a CSS selector finds (`h1`, `#total`,
 * `form input[name=username]`, `html[data-bs-theme]`). `text`, `attributes` and `fields` look at
 * the first element found, as `document.querySelector` does.
 */
export interface HtmlExpectation {
  /** A CSS selector. */
  selector: string;
  /** `true`: at least one element matches; `false`: none does. Default true unless `count` is given. */
  exists?: boolean;
  /** How many elements must match. */
  count?: number | CaptureRef;
  /** The visible text of the first element found (tags stripped, spaces collapsed). */
  text?: TextMatch;
  /** Attributes of the first element found, e.g. `{ data-bs-theme: dark }` or `{ class: { contains: active } }`. */
  attributes?: { [name: string]: TextMatch };
  /**
   * Form fields inside the first element found (usually a `form`), by `name`: `input`, `select`
   * and `textarea`, with the value a browser would send, e.g. `{ username: { present: true }, theme: dark }`.
   */
  fields?: { [name: string]: TextMatch };
}

/** Checks on a structured value (a JSON answer), by key or path. */
export interface StructureExpectation {
  /** Paths that must be there. */
  has?: string | string[];
  /** Paths that must not be there. */
  lacks?: string | string[];
  /** Paths with the values they must hold (lists and mappings compare deeply). */
  equals?: { [path: string]: AnyValue };
  /** Paths whose value must hold this, as Python's `in`: an entry of a list, part of a text, a key of a mapping. */
  contains?: { [path: string]: AnyValue };
  /** Paths whose value (list, text or mapping) must have this many entries. */
  length?: { [path: string]: number | CaptureRef };
}

/** A check on a text value. A plain string means "equals". */
export type TextMatch = string | TextMatchRule;

/** A check on a text value. */
export interface TextMatchRule {
  equals?: Value;
  contains?: string;
  matches?: string;
  /** `true`: the value must be there; `false`: it must not. */
  present?: boolean;
}

/** A check on one cookie the response set. */
export interface SetCookieExpectation {
  /** Cookie name. */
  name: string;
  /**
   * `set`: the response sets it to a value; `deleted`: the response deletes it (empty value and
   * an expiry in the past); `absent`: the response does not mention it at all.
   * @default "set"
   */
  is?: "set" | "deleted" | "absent";
  /** The value it must be set to. */
  value?: TextMatch;
  /** Attributes it must carry, e.g. `{ HttpOnly: true, Path: "/" }`; `false` means must not carry. */
  attributes?: { [attribute: string]: string | boolean };
}

/** A check on one cookie in the browser's jar. */
export interface JarExpectation {
  /** Cookie name. */
  name: string;
  /** Must the browser hold this cookie? @default true */
  present?: boolean;
  /** The value it must hold. */
  value?: TextMatch;
}

/** Checks on the decoded Flask session. */
export interface SessionExpectation {
  /** Keys the session must hold. */
  has?: string | string[];
  /** Keys the session must not hold. */
  lacks?: string | string[];
  /** Keys with the values they must hold; lists and mappings compare deeply, e.g. `{ cart: [apple, pear] }`. */
  equals?: { [key: string]: AnyValue };
  /**
   * Keys whose value must hold this, as Python's `in`: an entry of a list (`{ cart: apple }`),
   * part of a text, or a key of a mapping.
   */
  contains?: { [key: string]: AnyValue };
  /** Keys whose value (a list, text or mapping) must have this many entries, e.g. `{ _flashes: 1 }`. */
  length?: { [key: string]: number | CaptureRef };
  /** Some key (whichever name the student chose) must hold this value. */
  anyValue?: AnyValue;
  /** `true`: there must be a session cookie; `false`: there must be none (or an empty one). */
  present?: boolean;
}

/** A check on a captured value. */
export interface CapturedExpectation {
  /** The capture's name. */
  name: string;
  equals?: Value;
  notEquals?: Value;
}

/** A question of a quiz exercise. */
export interface QuizQuestion {
  /** Question id, e.g. `q1`. */
  id: string;
  /** The question as students read it. */
  text: string;
  /** The options, in order; students answer with the letter (a, b, ...) or the option's text. */
  options: string[];
  /** The correct option's text, exactly as in `options`. */
  answer: string;
  /** Why the answer is right, in a sentence, shown when a student gets it wrong. */
  explanation: string;
  /**
   * @default 1
   * @minimum 0
   */
  points?: number;
}

// ---- Setup and state (issue 11 item 2) ----

/**
 * When the app's private copy (its files, e.g. a SQLite database) starts afresh:
 * `per-exercise` once for all checks, `per-check` before each check.
 */
export type StateScope = "per-exercise" | "per-check";

/**
 * One setup step, run in the app's sandbox, in its private copy, before the app boots (with the
 * app's limits and no network). Exactly one of `flask`, `python` or `pythonFile`. A step that
 * fails (an exception, a non-zero exit, over `limits.setupSeconds`) keeps the app from starting:
 * the student is shown which step, what it raised and its output.
 */
export interface SetupStep {
  /**
   * A command of the student's app's own Flask CLI, as after `flask --app <entry>`: `init-db`
   * runs what `flask --app flaskr init-db` runs (the app's `app.cli` commands, in an app context).
   * A list gives the words one by one: `[seed, --users, "2"]`.
   */
  flask?: string | string[];
  /**
   * Python code run as a script in the app's folder (the app's modules are importable), e.g.
   * `"import sqlite3; sqlite3.connect('instance/app.db').executescript(open('schema.sql').read())"`.
   */
  python?: string;
  /** A Python script run the same way, relative to the spec, e.g. `setup/seed.py`. */
  pythonFile?: string;
}
