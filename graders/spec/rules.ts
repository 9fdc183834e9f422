/**
 * The checks on a spec that JSON Schema cannot express: references between checks and between
 * steps, one action per step, regular expressions that compile, and so on. They run after schema
 * validation, so the data has the shape of `Spec`; each problem is a SpecError pointing at the
 * offending node. The first problem found (in file order) is thrown.
 */
import type { AnyValue, Capture, CaptureRef, Expectations, FieldFill, KeyGuesses, Request, SetupStep, Spec, Step, StructureExpectation, TextMatch, TextPattern } from "./types.js";
import type { Path, SpecSource } from "./position.js";
import { secretKeyOf } from "./bytesKey.js";
import { selectorProblem } from "./selector.js";
import { parseTemplate, templateCaptures } from "./template.js";

/** Every action a step can do; a step does exactly one. */
const ACTIONS = ["request", "dropCookie", "setCookie", "tamperSession", "forgeSession", "guessKeys", "restart", "script", "follow", "submit"] as const satisfies readonly (keyof Step)[];

/** A Record so that the compiler notices when types.ts adds or removes a method. */
const METHODS: Record<NonNullable<Request["method"]>, true> = {
  GET: true, POST: true, PUT: true, PATCH: true, DELETE: true, HEAD: true, OPTIONS: true,
};
const SHORTHAND = new RegExp(`^(${Object.keys(METHODS).join("|")}) (/\\S*)$`);

const SOURCES = ["number", "regex", "header", "cookie", "session"] as const satisfies readonly (keyof Capture)[];

const ID = /^[a-z0-9-]+$/;

export function checkRules(spec: Spec, src: SpecSource): void {
  if (!ID.test(spec.id)) throw src.error(["id"], idProblem("the exercise id", spec.id));
  if (spec.kind === "quiz") checkQuiz(spec, src);
  else {
    if (spec.questions !== undefined) throw src.error(["questions"], `"questions" only work with kind: quiz`, "key");
    if (spec.checks.length === 0) throw src.error(["checks"], "a flask-app exercise needs at least one check");
  }

  const seen = new Map<string, number>(); // check id -> index
  const allIds = new Set(spec.checks.map((check) => check.id));
  spec.checks.forEach((check, c) => {
    const at: Path = ["checks", c];
    if (!ID.test(check.id)) throw src.error([...at, "id"], idProblem("a check id", check.id));
    const first = seen.get(check.id);
    if (first !== undefined) {
      const line = src.lineOf(["checks", first, "id"]);
      throw src.error([...at, "id"], `check id "${check.id}" is used twice (first on line ${line})`);
    }
    (check.needs ?? []).forEach((need, n) => {
      if (seen.has(need)) return;
      const where = [...at, "needs", n];
      if (need === check.id) throw src.error(where, `check "${check.id}" cannot need itself`);
      if (allIds.has(need)) throw src.error(where, `needs "${need}", which comes later: a check can only need earlier checks`);
      throw src.error(where, `needs "${need}", but no earlier check has that id${didYouMean(need, [...seen.keys()])}`);
    });
    if (check.advisory && (check.points ?? 0) > 0) {
      throw src.error([...at, "points"], `an advisory check earns no points: remove "points" or set it to 0`);
    }
    seen.set(check.id, c);
    checkSteps(check.steps, [...at, "steps"], src);
  });
  checkSetup(spec, src);
}

/** Each setup step (the spec's and each check's) does exactly one thing; a Flask command is at least one word. */
function checkSetup(spec: Spec, src: SpecSource): void {
  checkSetupSteps(spec.setup ?? [], ["setup"], src);
  spec.checks.forEach((check, c) => checkSetupSteps(check.setup ?? [], ["checks", c, "setup"], src));
}

function checkSetupSteps(steps: SetupStep[], at: Path, src: SpecSource): void {
  steps.forEach((step, s) => {
    const here: Path = [...at, s];
    const kinds = SETUP_KINDS.filter((k) => step[k] !== undefined);
    if (kinds.length !== 1) {
      const found = kinds.length ? `it has ${kinds.join(" and ")}` : "it has none";
      throw src.error(here, `a setup step needs exactly one of ${SETUP_KINDS.join(", ")} (${found})`);
    }
    const words = typeof step.flask === "string" ? step.flask.trim().split(/\s+/).filter(Boolean) : step.flask;
    if (words !== undefined && words.length === 0) throw src.error([...here, "flask"], "name the Flask command to run, e.g. flask: init-db");
    if (words?.[0] === "run") throw src.error([...here, "flask"], "`flask run` starts a server that never ends: the grader starts the app itself after setup");
    if (step.pythonFile !== undefined && !step.pythonFile.endsWith(".py")) throw src.error([...here, "pythonFile"], `pythonFile "${step.pythonFile}" must be a Python file (.py)`);
  });
}

const SETUP_KINDS = ["flask", "python", "pythonFile"] as const satisfies readonly (keyof SetupStep)[];

function checkQuiz(spec: Spec, src: SpecSource): void {
  if (!spec.questions?.length) throw src.error(["kind"], `kind: quiz needs "questions"`);
  if (spec.checks.length > 0) throw src.error(["checks"], `a quiz runs no checks: write "checks: []"`, "key");
  const ids = new Set<string>();
  spec.questions.forEach((question, q) => {
    if (ids.has(question.id)) throw src.error(["questions", q, "id"], `question id "${question.id}" is used twice`);
    ids.add(question.id);
    if (!question.options.includes(question.answer)) {
      throw src.error(["questions", q, "answer"], `the answer "${question.answer}" is not one of the options`);
    }
  });
}

function checkSteps(steps: Step[], at: Path, src: SpecSource): void {
  const made = new Map<string, number>(); // capture name -> index of the first step making it
  steps.forEach((step, s) => {
    const here: Path = [...at, s];
    if (step.restart === false) throw src.error([...here, "restart"], `"restart: false" does nothing: remove it`);
    const actions = ACTIONS.filter((action) => step[action] !== undefined);
    if (actions.length === 0) throw src.error(here, `a step needs one action: ${ACTIONS.join(", ")}`);
    if (actions.length > 1) {
      const [a, b] = actions;
      throw src.error([...here, b], `a step does one thing, but this one has both "${a}" and "${b}": split it into two steps`, "key");
    }
    if (step.expect !== undefined && !CHECKED.includes(actions[0]!)) throw src.error([...here, "expect"], `"expect" only works on a request, follow, submit or guessKeys step`, "key");
    if (step.capture !== undefined && !ANSWERED.includes(actions[0]!)) throw src.error([...here, "capture"], `"capture" only works on a request, follow or submit step`, "key");
    checkRequest(step.request, [...here, "request"], src);
    if (step.guessKeys) checkKeyGuesses(step.guessKeys, [...here, "guessKeys"], src);
    if (step.script !== undefined && !/\.(ts|mts|js|mjs)$/.test(step.script)) {
      throw src.error([...here, "script"], `script "${step.script}" must be a TypeScript or JavaScript file (.ts, .mts, .js or .mjs)`);
    }
    if (step.forgeSession) {
      const forgery = step.forgeSession;
      const given = (["key", "keyHex"] as const).filter((k) => forgery[k] !== undefined);
      if (given.length !== 1) {
        const where = given.length ? [...here, "forgeSession", given[1]!] : [...here, "forgeSession"];
        throw src.error(where, `forgeSession needs exactly one of "key" and "keyHex"`, given.length ? "key" : "value");
      }
      const secret = secretKeyOf(forgery);
      if ("problem" in secret) throw src.error([...here, "forgeSession", given[0]!], secret.problem);
    }
    const later = laterCaptures(steps, s);
    const use = (name: string, where: Path): void => {
      if (made.has(name)) return;
      const maker = later.get(name);
      if (maker === s) throw src.error(where, `capture "${name}" is made by this same step: it can be used from the next step on`);
      if (maker !== undefined) {
        throw src.error(where, `capture "${name}" is used before step ${maker + 1} makes it: a step can only use captures of earlier steps`);
      }
      throw src.error(where, `no earlier step of this check captures "${name}"${didYouMean(name, [...made.keys()])}`);
    };
    checkNavigation(steps, s, here, use, src);
    if (step.expect) checkExpectations(step.expect, [...here, "expect"], use, src);
    for (const [name, capture] of Object.entries(step.capture ?? {})) {
      const where: Path = [...here, "capture", name];
      const sources = SOURCES.filter((source) => capture[source] !== undefined);
      if (sources.length !== 1) {
        const found = sources.length === 0 ? "none" : sources.map((x) => `"${x}"`).join(" and ");
        const at = sources.length > 1 ? [...where, sources[1]!] : where; // at the source too many
        throw src.error(at, `capture "${name}" needs exactly one source (${SOURCES.join(", ")}), found ${found}`, sources.length > 1 ? "key" : "value");
      }
      if (capture.regex !== undefined) checkRegex(capture.regex, [...where, "regex"], src);
    }
    for (const name of Object.keys(step.capture ?? {})) if (!made.has(name)) made.set(name, s);
  });
}

/** A request as written: a shorthand that parses, or a path from the site's root. */
function checkRequest(request: Request | string | undefined, at: Path, src: SpecSource): void {
  if (typeof request === "string" && !SHORTHAND.test(request)) {
    throw src.error(at, `request "${request}" must look like "GET /path": a method (${Object.keys(METHODS).join(", ")}), one space, and a path starting with "/"`);
  }
  if (typeof request === "object" && !request.path.startsWith("/")) {
    throw src.error([...at, "path"], `the path "${request.path}" must start with "/"`);
  }
}

/** Every guessed key readable, none twice (a repeated key would be sent twice for nothing). */
function checkKeyGuesses(guesses: KeyGuesses, at: Path, src: SpecSource): void {
  const seen = new Set<string>();
  guesses.keys.forEach((key, k) => {
    const secret = secretKeyOf({ key });
    if ("problem" in secret) throw src.error([...at, "keys", k], secret.problem);
    const id = Buffer.from(secret.key).toString("hex"); // Flask signs with a text key's UTF-8 bytes
    if (seen.has(id)) throw src.error([...at, "keys", k], `the key "${key}" is listed twice`);
    seen.add(id);
  });
  checkRequest(guesses.request, [...at, "request"], src);
}

/** Actions that send a request and get a response to capture from. */
const ANSWERED: readonly string[] = ["request", "follow", "submit"] satisfies (typeof ACTIONS)[number][];
/** Actions whose answers `expect` checks (a guessKeys step has one per key sent), after which the browser has a page open. */
const CHECKED = [...ANSWERED, "guessKeys"] as readonly (typeof ACTIONS)[number][];

const LOCATORS = ["label", "type", "placeholder", "position", "name"] as const satisfies readonly (keyof FieldFill)[];

/** A follow or submit step: one way to find the link or each field, selectors that parse, a page to act on. */
function checkNavigation(steps: Step[], s: number, here: Path, use: Use, src: SpecSource): void {
  const step = steps[s]!;
  const action = step.follow ? "follow" : step.submit ? "submit" : undefined;
  if (!action) return;
  const browser = step.browser ?? "browser";
  const loaded = steps.slice(0, s).some((earlier) => (earlier.browser ?? "browser") === browser && CHECKED.some((a) => earlier[a] !== undefined));
  if (!loaded) {
    const who = browser === "browser" ? "the browser" : `the browser "${browser}"`;
    throw src.error([...here, action], `"${action}" acts on the page ${who} has open, but no earlier step of this check loads one: add a request step first (e.g. "GET /")`, "key");
  }
  const selector = (value: string, where: Path): void => {
    const problem = selectorProblem(value);
    if (problem) throw src.error(where, `"${value}" is not a CSS selector the grader understands: ${problem}`);
  };
  if (step.follow) {
    const given = (["link", "selector"] as const).filter((k) => step.follow![k] !== undefined);
    if (given.length !== 1) {
      const where = given.length ? [...here, "follow", given[1]!] : [...here, "follow"];
      throw src.error(where, `follow needs exactly one of "link" (the link's text) and "selector"`, given.length ? "key" : "value");
    }
    if (step.follow.selector !== undefined) selector(step.follow.selector, [...here, "follow", "selector"]);
    if (step.follow.link?.trim() === "") throw src.error([...here, "follow", "link"], `"link" needs the text of the link to follow`);
  }
  if (step.submit) {
    if (typeof step.submit.form === "string") selector(step.submit.form, [...here, "submit", "form"]);
    step.submit.fields?.forEach((fill, f) => {
      const where: Path = [...here, "submit", "fields", f];
      const given = LOCATORS.filter((k) => fill[k] !== undefined);
      if (given.length !== 1) {
        const found = given.length === 0 ? "none" : given.map((x) => `"${x}"`).join(" and ");
        throw src.error(given.length > 1 ? [...where, given[1]!] : where, `a field to fill needs exactly one way to find it (${LOCATORS.join(", ")}), found ${found}`, given.length > 1 ? "key" : "value");
      }
      checkPatterns(fill.value, [...where, "value"], use, src);
    });
  }
}

/** Captures made in step `s` or after it, for a better message than "unknown capture". */
function laterCaptures(steps: Step[], s: number): Map<string, number> {
  const later = new Map<string, number>();
  for (let i = steps.length - 1; i >= s; i--) for (const name of Object.keys(steps[i]?.capture ?? {})) later.set(name, i);
  return later;
}

type Use = (name: string, where: Path) => void;

/** Walks every place of `Expectations` that holds a regular expression or a capture reference. */
function checkExpectations(expect: Expectations, at: Path, use: Use, src: SpecSource): void {
  const { text, session, body } = expect;
  if (text) {
    if (text.matches !== undefined) checkRegex(text.matches, [...at, "text", "matches"], src);
    if (text.notMatches !== undefined) checkRegex(text.notMatches, [...at, "text", "notMatches"], src);
    for (const key of ["contains", "notContains"] as const) checkPatterns(text[key], [...at, "text", key], use, src);
    for (const key of ["number", "notNumber"] as const) checkValue(text[key], [...at, "text", key], use, src);
  }
  for (const [name, match] of Object.entries(expect.headers ?? {})) checkTextMatch(match, [...at, "headers", name], use, src);
  expect.setCookies?.forEach((cookie, i) => checkTextMatch(cookie.value, [...at, "setCookies", i, "value"], use, src));
  expect.jar?.forEach((cookie, i) => checkTextMatch(cookie.value, [...at, "jar", i, "value"], use, src));
  if (session) {
    checkStructure(session, [...at, "session"], use, src);
    checkValue(session.anyValue, [...at, "session", "anyValue"], use, src);
  }
  if (expect.json) checkStructure(expect.json, [...at, "json"], use, src);
  if (body) {
    if (body.matches !== undefined) checkRegex(body.matches, [...at, "body", "matches"], src);
    if (body.notMatches !== undefined) checkRegex(body.notMatches, [...at, "body", "notMatches"], src);
    for (const key of ["contains", "notContains"] as const) checkPatterns(body[key], [...at, "body", key], use, src);
  }
  expect.html?.forEach((element, i) => {
    const here: Path = [...at, "html", i];
    const problem = selectorProblem(element.selector);
    if (problem) throw src.error([...here, "selector"], `"${element.selector}" is not a CSS selector the grader understands: ${problem}`);
    if (element.exists === false) {
      for (const key of ["count", "text", "attributes", "fields"] as const) {
        if (element[key] !== undefined) throw src.error([...here, key], `"exists: false" says there is no such element, so "${key}" cannot be checked: remove one of them`, "key");
      }
    }
    checkValue(element.count, [...here, "count"], use, src);
    checkTextMatch(element.text, [...here, "text"], use, src);
    for (const [name, match] of Object.entries(element.attributes ?? {})) checkTextMatch(match, [...here, "attributes", name], use, src);
    for (const [name, match] of Object.entries(element.fields ?? {})) checkTextMatch(match, [...here, "fields", name], use, src);
  });
  expect.captured?.forEach((captured, i) => {
    use(captured.name, [...at, "captured", i, "name"]);
    checkValue(captured.equals, [...at, "captured", i, "equals"], use, src);
    checkValue(captured.notEquals, [...at, "captured", i, "notEquals"], use, src);
  });
  expect.anyOf?.forEach((alternative, i) => checkExpectations(alternative, [...at, "anyOf", i], use, src));
}

function checkTextMatch(match: TextMatch | undefined, at: Path, use: Use, src: SpecSource): void {
  if (typeof match !== "object") return;
  if (match.matches !== undefined) checkRegex(match.matches, [...at, "matches"], src);
  checkValue(match.equals, [...at, "equals"], use, src);
}

/** The session's or a JSON answer's `equals`, `contains` and `length` values. */
function checkStructure(e: StructureExpectation, at: Path, use: Use, src: SpecSource): void {
  for (const key of ["equals", "contains", "length"] as const) {
    for (const [name, value] of Object.entries(e[key] ?? {})) checkValue(value, [...at, key, name], use, src);
  }
}

/** Text or `{ f: template }`, one or a list: a template must parse and use only earlier captures. */
function checkPatterns(patterns: TextPattern | TextPattern[] | undefined, at: Path, use: Use, src: SpecSource): void {
  const list = patterns === undefined ? [] : [patterns].flat();
  list.forEach((pattern, i) => {
    if (typeof pattern === "string") return;
    const where: Path = Array.isArray(patterns) ? [...at, i, "f"] : [...at, "f"];
    const parsed = parseTemplate(pattern.f);
    if (!Array.isArray(parsed)) throw src.error(where, `"f" text: ${parsed.problem}`);
    for (const name of templateCaptures(pattern.f)) use(name, where);
  });
}

/**
 * A mapping with the key `capture` is a capture reference (anywhere a value may be a list or a
 * mapping too): it takes `plus` and nothing else, so that a typo is not compared as a literal.
 */
function checkValue(value: AnyValue | CaptureRef | undefined, at: Path, use: Use, src: SpecSource): void {
  if (typeof value !== "object" || value === null || Array.isArray(value) || !("capture" in value)) return;
  const extra = Object.keys(value).find((key) => key !== "capture" && key !== "plus");
  if (extra !== undefined) throw src.error([...at, extra], `unknown key "${extra}" in a capture reference${didYouMean(extra, ["capture", "plus"])}; it takes "capture" and "plus"`, "key");
  if (typeof value.capture !== "string") throw src.error([...at, "capture"], `"capture" must be the name of a capture`);
  if (value.plus !== undefined && typeof value.plus !== "number") throw src.error([...at, "plus"], `"plus" must be a number`);
  use(value.capture, [...at, "capture"]);
}

/** Compiled as the grader will use it: a plain JavaScript RegExp without flags. */
function checkRegex(source: string, at: Path, src: SpecSource): void {
  try {
    new RegExp(source);
  } catch (error) {
    const reason = (error as Error).message.split(": ").pop();
    throw src.error(at, `"${at[at.length - 1]}" is not a valid regular expression: ${reason}`);
  }
}

export function idProblem(what: string, id: string): string {
  const suggestion = id.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return `${what} may only use lower-case letters, digits and dashes ("${id}" could be "${suggestion}")`;
}

/** ` (did you mean "x"?)` when one of `options` is a likely intended spelling of `word`, else "". */
export function didYouMean(word: string, options: readonly string[]): string {
  const best = closest(word, options);
  return best === undefined ? "" : ` (did you mean "${best}"?)`;
}

export function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  // Short words are one typo away from many others: allow fewer edits for them.
  let bestDistance = (word.length <= 3 ? 1 : Math.max(2, Math.floor(word.length / 3))) + 1;
  for (const option of options) {
    const distance = option.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, option);
    if (distance < bestDistance) [best, bestDistance] = [option, distance];
  }
  return best;
}

/** Levenshtein distance, counting a swap of two neighbours as one edit ("expcet"). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
