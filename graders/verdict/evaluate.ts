/**
 * Pure evaluation: given what came back from one request, which expectations failed, each as a
 * sentence a student can read ("expected ..., but ..."). No processes, no network.
 */
import type {
  Alternative,
  AnyValue,
  BodyExpectation,
  Capture,
  CaptureRef,
  Expectations,
  HtmlExpectation,
  JarExpectation,
  SessionExpectation,
  SetCookieExpectation,
  StructureExpectation,
  TextExpectation,
  TextMatch,
  TextPattern,
} from "../spec/types.js";
import { fillTemplate } from "../spec/template.js";
import { cutShort, describeElement, elementText, formFields, MAX_OPEN_TAGS, select } from "./html.js";
import { atPath, deepSame, entries, holdsItem, lengthOf } from "./structured.js";
import { loosen, showsNumber, wholeNumbers } from "../drive/pageText.js";
import { parseSetCookie } from "./setCookie.js";

/** Everything an expectation can look at after one request. */
export interface Observation {
  status: number;
  location?: string;
  headers: Record<string, string>;
  setCookies: string[];
  text: string;
  /** The raw body (made plain), for `html`, `body` and `json` expectations. */
  body?: string;
  jar: { name: string; value: string }[];
  /** The decoded session, or null when the jar has no (readable) session cookie. */
  session: Record<string, unknown> | null;
  sessionCookie: string;
  captures: Map<string, unknown>;
  /** Where each capture was taken, in words ("the number the page showed at step 1"), to explain a value built on it. */
  captureOrigins?: Map<string, string>;
}

export function evaluate(expect: Expectations | undefined, obs: Observation): string[] {
  if (!expect) return [];
  const failures = [
    ...status(expect.status, obs),
    ...redirect(expect.redirect, obs),
    ...text(expect.text, obs),
    ...Object.entries(expect.headers ?? {}).flatMap(([name, match]) => textMatch(`the header ${name}`, obs.headers[name.toLowerCase()], match, obs)),
    ...(expect.setCookies ?? []).flatMap((e) => setCookie(e, obs)),
    ...(expect.jar ?? []).flatMap((e) => jar(e, obs)),
    ...session(expect.session, obs),
    ...(expect.html ?? []).flatMap((e) => html(e, obs)),
    ...body(expect.body, obs),
    ...json(expect.json, obs),
    ...(expect.captured ?? []).flatMap((c) => [
      ...(c.equals !== undefined && !same(obs.captures.get(c.name), resolve(c.equals, obs))
        ? [`expected ${c.name} (${show(obs.captures.get(c.name))}) to be ${describeValue(c.equals, obs)}`]
        : []),
      ...(c.notEquals !== undefined && same(obs.captures.get(c.name), resolve(c.notEquals, obs))
        ? [`expected ${c.name} not to be ${describeValue(c.notEquals, obs)}, but it is`]
        : []),
    ]),
  ];
  if (expect.anyOf && !expect.anyOf.some((alt) => evaluate(alt, obs).length === 0)) {
    // What came back, as far as the alternatives look at it: the response, and the session when they read it.
    const seen = expect.anyOf.some((alt) => alt.session) ? `${describeResponse(obs)}, and ${sessionHolds(obs)}` : describeResponse(obs);
    failures.push(`expected ${expect.anyOf.map((alt, i) => alt.because ?? describeAlternative(alt, i)).join(", or ")}; got ${seen}`);
  }
  return failures;
}

function describeAlternative(alt: Alternative, i: number): string {
  const parts = [];
  if (alt.status !== undefined) parts.push(`status ${[alt.status].flat().join(" or ")}`);
  if (alt.redirect !== undefined) parts.push(`a redirect to ${[alt.redirect].flat().join(" or ")}`);
  return parts.join(" with ") || `alternative ${i + 1}`;
}

export function describeResponse(obs: Pick<Observation, "status" | "location">): string {
  if (obs.location && obs.status >= 300 && obs.status < 400) return `${obs.status}, a redirect to ${obs.location}`;
  return `status ${obs.status}${STATUS_WORDS[obs.status] ? ` (${STATUS_WORDS[obs.status]})` : ""}`;
}

const STATUS_WORDS: Record<number, string> = {
  200: "OK",
  400: "bad request",
  401: "not logged in",
  403: "forbidden",
  404: "page not found",
  405: "method not allowed",
  500: "server error",
};

function status(expected: number | number[] | undefined, obs: Observation): string[] {
  if (expected === undefined) return [];
  const ok = [expected].flat();
  return ok.includes(obs.status) ? [] : [`expected status ${ok.join(" or ")}, got ${describeResponse(obs)}`];
}

function redirect(expected: string | string[] | undefined, obs: Observation): string[] {
  if (expected === undefined) return [];
  const targets = [expected].flat();
  const isRedirect = obs.status >= 300 && obs.status < 400 && obs.location;
  if (!isRedirect) return [`expected a redirect to ${targets.join(" or ")}, got ${describeResponse(obs)}`];
  const where = new URL(obs.location!, "http://app.localhost/");
  const matches = targets.some((t) => {
    const want = new URL(t, "http://app.localhost/");
    return want.pathname === where.pathname && (!want.search || sameQuery(want.searchParams, where.searchParams));
  });
  return matches ? [] : [`expected a redirect to ${targets.join(" or ")}, got a redirect to ${obs.location}`];
}

/** The same fields and values, however they are encoded (`/` or `%2F`, `+` or `%20`) and ordered. */
function sameQuery(a: URLSearchParams, b: URLSearchParams): boolean {
  const fields = (p: URLSearchParams) => [...p].map((field) => JSON.stringify(field)).sort().join("&");
  return fields(a) === fields(b);
}

function text(e: TextExpectation | undefined, obs: Observation): string[] {
  if (!e) return [];
  const page = e.loose ? loosen(obs.text) : obs.text;
  const norm = (s: string) => (e.loose ? loosen(s) : s);
  const failures: string[] = [];
  for (const p of [e.contains ?? []].flat()) {
    const { s, from, problem } = fill(p, obs);
    if (problem) failures.push(`could not fill in "${from}": ${problem}`);
    else if (!page.includes(norm(s))) failures.push(`expected the page to show "${s}"${from ? ` (from "${from}")` : ""}`);
  }
  for (const p of [e.notContains ?? []].flat()) {
    const { s, from, problem } = fill(p, obs);
    if (problem) failures.push(`could not fill in "${from}": ${problem}`);
    else if (page.includes(norm(s))) failures.push(`expected the page not to show "${s}"${from ? ` (from "${from}")` : ""}, but it does`);
  }
  if (e.matches && !new RegExp(e.matches, e.loose ? "i" : "").test(page)) failures.push(`expected the page to show ${e.explain ?? patternWords(e.matches)}`);
  if (e.notMatches && new RegExp(e.notMatches, e.loose ? "i" : "").test(page)) failures.push(`expected the page not to show ${e.explain ?? patternWords(e.notMatches)}, but it does`);
  if (e.number !== undefined) {
    const n = Number(resolve(e.number, obs));
    // An error page's own "500" is not the page's number.
    const seen = obs.status >= 500 ? `, but the app answered with an error page instead: ${describeResponse(obs)}` : numbersOnPage(obs.text);
    if (obs.status >= 500 || !showsNumber(obs.text, n)) failures.push(`expected the page to show the number ${n}${explainRef(e.number, obs)}${seen}`);
  }
  if (e.notNumber !== undefined) {
    const n = Number(resolve(e.notNumber, obs));
    if (showsNumber(obs.text, n)) failures.push(`expected the page not to show the number ${n}, but it does`);
  }
  return failures;
}

/** A text pattern as text: captures filled in (`from` is the template, when there was one). */
function fill(p: TextPattern, obs: Observation): { s: string; from?: string; problem?: string } {
  if (typeof p === "string") return { s: p };
  const filled = fillTemplate(p.f, obs.captures);
  return { s: filled.text, from: p.f, problem: filled.problem };
}

function body(e: BodyExpectation | undefined, obs: Observation): string[] {
  if (!e) return [];
  const raw = obs.body ?? "";
  const failures: string[] = [];
  for (const p of [e.contains ?? []].flat()) {
    const { s, from, problem } = fill(p, obs);
    if (problem) failures.push(`could not fill in "${from}": ${problem}`);
    else if (!raw.includes(s)) failures.push(`expected the page's HTML to contain ${show(s)}${from ? ` (from "${from}")` : ""}, but it does not`);
  }
  for (const p of [e.notContains ?? []].flat()) {
    const { s, from, problem } = fill(p, obs);
    if (problem) failures.push(`could not fill in "${from}": ${problem}`);
    else if (raw.includes(s)) failures.push(`expected the page's HTML not to contain ${show(s)}${from ? ` (from "${from}")` : ""}, but it does`);
  }
  if (e.matches && !new RegExp(e.matches).test(raw)) failures.push(`expected the page's HTML to contain ${patternWords(e.matches)}, but it does not`);
  if (e.notMatches && new RegExp(e.notMatches).test(raw)) failures.push(`expected the page's HTML not to contain ${patternWords(e.notMatches)}, but it does`);
  return failures;
}

function html(e: HtmlExpectation, obs: Observation): string[] {
  const failures = htmlElement(e, obs);
  if (failures.length && cutShort(obs.body ?? "")) {
    failures.push(`the page nests elements more than ${MAX_OPEN_TAGS} deep, so the grader read it only up to there: close your tags`);
  }
  return failures;
}

function htmlElement(e: HtmlExpectation, obs: Observation): string[] {
  const found = select(obs.body ?? "", e.selector);
  const where = `"${e.selector}"`;
  const none = `expected the page to have an element matching ${where}, but it has none`;
  if (e.exists === false) return found.length ? [`expected the page to have no element matching ${where}, but it has ${found.length}: ${describeElement(found[0]!)}`] : [];
  const failures: string[] = [];
  if (e.count !== undefined) {
    const n = Number(resolve(e.count, obs));
    if (found.length !== n) failures.push(`expected ${n} element${n === 1 ? "" : "s"} matching ${where}, but the page has ${found.length}`);
  } else if (found.length === 0) return [none];
  const first = found[0];
  if (!first) return e.text || e.attributes || e.fields ? [...failures, none] : failures;
  const element = describeElement(first);
  if (e.text !== undefined) failures.push(...textMatch(`the text of ${element} (${where})`, elementText(first), e.text, obs));
  for (const [name, match] of Object.entries(e.attributes ?? {})) {
    failures.push(...textMatch(`the attribute ${name} on ${element} (${where})`, first.attribs[name.toLowerCase()], match, obs));
  }
  if (e.fields) {
    const fields = formFields(first);
    const named = [...fields.keys()];
    const listed = named.length ? `its fields are named ${named.map((n) => `"${n}"`).join(", ")}` : "it has no named field";
    for (const [name, match] of Object.entries(e.fields)) {
      const rule = typeof match === "string" ? { equals: match } : match;
      if (!fields.has(name) && rule.present !== false) failures.push(`expected ${element} (${where}) to have a field named "${name}", but ${listed}`);
      else if (fields.has(name)) failures.push(...textMatch(`the field "${name}" in ${element}`, fields.get(name), match, obs));
    }
  }
  return failures;
}

function json(e: StructureExpectation | undefined, obs: Observation): string[] {
  if (!e) return [];
  const raw = obs.body ?? "";
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    const type = obs.headers["content-type"];
    return [`expected a JSON answer, but the response is not JSON (${type ? `Content-Type ${type}` : "no Content-Type"}): ${raw.trim() ? show(raw.trim()) : "it is empty"}`];
  }
  const name = (path: string) => (path === "." || path === "" ? "the JSON answer" : `the JSON answer's "${path}"`);
  const failures: string[] = [];
  const missing = (path: string) => `expected ${name(path)}, but there is no "${path}" in ${show(data)}`;
  for (const path of [e.has ?? []].flat()) if (!atPath(data, path).found) failures.push(missing(path));
  for (const path of [e.lacks ?? []].flat()) {
    const at = atPath(data, path);
    if (at.found) failures.push(`expected no "${path}" in the JSON answer, but it is there: ${show(at.value)}`);
  }
  for (const [path, want] of Object.entries(e.equals ?? {})) {
    const at = atPath(data, path);
    if (!at.found) failures.push(missing(path));
    else if (!deepSame(at.value, resolve(want, obs))) failures.push(`expected ${name(path)} to be ${describeValue(want, obs)}, but it is ${show(at.value)}`);
  }
  failures.push(...containsAndLength(e, name, (path) => atPath(data, path), missing, obs));
  return failures;
}

/** `contains` and `length`, for the session (by key) and a JSON answer (by path). */
function containsAndLength(
  e: Pick<StructureExpectation, "contains" | "length">,
  name: (key: string) => string,
  lookup: (key: string) => { found: true; value: unknown } | { found: false },
  missing: (key: string) => string,
  obs: Observation,
): string[] {
  const failures: string[] = [];
  for (const [key, want] of Object.entries(e.contains ?? {})) {
    const at = lookup(key);
    if (!at.found) failures.push(missing(key));
    else if (!holdsItem(at.value, resolve(want, obs))) failures.push(`expected ${name(key)} to hold ${describeValue(want, obs)}, but it is ${show(at.value)}`);
  }
  for (const [key, want] of Object.entries(e.length ?? {})) {
    const n = Number(resolve(want, obs));
    const at = lookup(key);
    if (!at.found) {
      failures.push(missing(key));
      continue;
    }
    const length = lengthOf(at.value);
    if (length === undefined) failures.push(`expected ${name(key)} to have ${entries(n)}, but it is ${show(at.value)}, which is not a list`);
    else if (length !== n) failures.push(`expected ${name(key)} to have ${entries(n)}, but it has ${length}: ${show(at.value)}`);
  }
  return failures;
}

function numbersOnPage(text: string): string {
  const numbers = wholeNumbers(text);
  return numbers.length ? `, but the numbers on it are ${numbers.slice(0, 8).join(", ")}` : ", but it shows no number";
}

function textMatch(what: string, actual: string | undefined, match: TextMatch, obs: Observation): string[] {
  const rule = typeof match === "string" ? { equals: match } : match;
  if (rule.present === false) return actual === undefined ? [] : [`expected ${what} not to be there, but it is (${show(actual)})`];
  if (actual === undefined) return rule.present || rule.equals !== undefined || rule.contains || rule.matches ? [`expected ${what}, but there is none`] : [];
  const failures: string[] = [];
  if (rule.equals !== undefined && !same(actual, resolve(rule.equals, obs))) failures.push(`expected ${what} to be ${describeValue(rule.equals, obs)}, got ${show(actual)}`);
  if (rule.contains !== undefined && !actual.includes(rule.contains)) failures.push(`expected ${what} to contain "${rule.contains}", got ${show(actual)}`);
  if (rule.matches !== undefined && !new RegExp(rule.matches).test(actual)) failures.push(`expected ${what} to hold ${patternWords(rule.matches)}, got ${show(actual)}`);
  return failures;
}

function setCookie(e: SetCookieExpectation, obs: Observation): string[] {
  const cookies = obs.setCookies.map(parseSetCookie).filter((c) => c.name === e.name);
  const mode = e.is ?? "set";
  const others = obs.setCookies.map((h) => parseSetCookie(h).name);
  const listed = others.length ? `it set: ${others.join(", ")}` : "it set no cookie";
  if (mode === "absent") return cookies.length ? [`expected the response not to set the cookie "${e.name}", but it does`] : [];
  const cookie = cookies.at(-1);
  if (!cookie) return [`expected the response to ${mode === "deleted" ? "delete" : "set"} the cookie "${e.name}", but ${listed}`];
  if (mode === "deleted" && !cookie.deleted) return [`expected the response to delete the cookie "${e.name}", but it sets it to ${show(cookie.value)}`];
  if (mode === "set" && cookie.deleted) return [`expected the response to set the cookie "${e.name}", but it deletes it`];
  const failures = e.value !== undefined ? textMatch(`the cookie "${e.name}"`, cookie.value, e.value, obs) : [];
  for (const [attr, want] of Object.entries(e.attributes ?? {})) {
    const have = cookie.attributes[attr.toLowerCase()];
    if (want === false && have !== undefined) failures.push(`expected the cookie "${e.name}" not to have ${attr}, but it has`);
    else if (want === true && have === undefined) failures.push(`expected the cookie "${e.name}" to have ${attr}, but it has not`);
    else if (typeof want === "string" && have?.toLowerCase() !== want.toLowerCase()) failures.push(`expected the cookie "${e.name}" to have ${attr}=${want}, got ${have === undefined ? "none" : have}`);
  }
  return failures;
}

function jar(e: JarExpectation, obs: Observation): string[] {
  const cookie = obs.jar.find((c) => c.name === e.name);
  const names = obs.jar.map((c) => c.name);
  const holds = names.length ? `it holds: ${names.join(", ")}` : "it holds no cookie";
  if (e.present === false) return cookie ? [`expected the browser not to hold the cookie "${e.name}", but it does (${show(cookie.value)})`] : [];
  if (!cookie) return [`expected the browser to hold the cookie "${e.name}", but ${holds}`];
  return e.value !== undefined ? textMatch(`the cookie "${e.name}"`, cookie.value, e.value, obs) : [];
}

function sessionHolds(obs: Observation): string {
  return obs.session ? `the session holds ${show(obs.session)}` : `there is no "${obs.sessionCookie}" cookie in the browser`;
}

function session(e: SessionExpectation | undefined, obs: Observation): string[] {
  if (!e) return [];
  const data = obs.session;
  const none = `there is no "${obs.sessionCookie}" cookie in the browser`;
  const failures: string[] = [];
  if (e.present === true && !data) failures.push(`expected a session, but ${none}`);
  if (e.present === false && data && Object.keys(data).length) failures.push(`expected no session, but the session holds ${show(data)}`);
  const holds = sessionHolds(obs);
  for (const key of [e.has ?? []].flat()) if (!data || !(key in data)) failures.push(`expected the session to hold "${key}", but ${holds}`);
  for (const key of [e.lacks ?? []].flat()) if (data && key in data) failures.push(`expected the session not to hold "${key}", but ${holds}`);
  for (const [key, want] of Object.entries(e.equals ?? {})) {
    if (data && same(data[key], resolve(want, obs))) continue;
    // A list or mapping is compared with the key's own value (the whole session would be cut short).
    const structured = typeof want === "object" && want !== null && !isRef(want);
    const but = structured && data && Object.hasOwn(data, key) ? `it is ${show(data[key])}` : holds;
    failures.push(`expected the session's "${key}" to be ${describeValue(want, obs)}, but ${but}`);
  }
  const lookup = (key: string) => (data && Object.hasOwn(data, key) ? { found: true as const, value: data[key] } : { found: false as const });
  failures.push(...containsAndLength(e, (key) => `the session's "${key}"`, lookup, (key) => `expected the session to hold "${key}", but ${holds}`, obs));
  if (e.anyValue !== undefined) {
    const want = resolve(e.anyValue, obs);
    if (!data || !Object.values(data).some((v) => same(v, want))) failures.push(`expected the session to hold the value ${show(want)}, but ${holds}`);
  }
  return failures;
}

/** Values captured by a step; a capture that finds nothing is a failure sentence instead. */
export function capture(captures: Record<string, Capture> | undefined, obs: Observation): { values: Map<string, unknown>; failures: string[] } {
  const values = new Map<string, unknown>();
  const failures: string[] = [];
  for (const [name, c] of Object.entries(captures ?? {})) {
    let value: unknown;
    let what = "";
    if (c.number && obs.status >= 500) {
      failures.push(`expected a number on the page, but the app answered with an error page instead: ${describeResponse(obs)}`);
      continue;
    }
    if (c.number) [value, what] = [wholeNumbers(obs.text)[0], "a number on the page"];
    else if (c.regex !== undefined) {
      const m = new RegExp(c.regex).exec(obs.text);
      [value, what] = [m ? (m[1] ?? m[0]) : undefined, `${patternWords(c.regex)} on the page`];
    } else if (c.header !== undefined) [value, what] = [obs.headers[c.header.toLowerCase()], `the header ${c.header}`];
    else if (c.cookie !== undefined) [value, what] = [obs.jar.find((j) => j.name === c.cookie)?.value, `the cookie "${c.cookie}"`];
    else if (c.session !== undefined) [value, what] = [obs.session?.[c.session], `"${c.session}" in the session`];
    if (value === undefined) failures.push(`expected ${what}, but there is none`);
    else values.set(name, value);
  }
  return { values, failures };
}

/** A mapping with the key `capture` is a capture reference wherever a value is expected. */
function isRef(v: AnyValue | CaptureRef): v is CaptureRef {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "capture" in v;
}

function resolve(v: AnyValue | CaptureRef, obs: Observation): unknown {
  if (!isRef(v)) return v;
  const base = obs.captures.get(v.capture);
  return v.plus === undefined ? base : Number(base) + v.plus;
}

function describeValue(v: AnyValue | CaptureRef, obs: Observation): string {
  if (!isRef(v)) return show(v);
  const resolved = resolve(v, obs);
  const origin = obs.captureOrigins?.get(v.capture);
  if (origin) return `${show(resolved)} (${refWords(v, origin, obs)})`;
  const how = v.plus ? `${v.capture} ${v.plus > 0 ? "+" : "-"} ${Math.abs(v.plus)}` : v.capture;
  return `${show(resolved)} (${how})`;
}

/** ", which is the number the page showed at step 1 (5) plus 1": where a value built on a capture comes from. */
function explainRef(v: number | CaptureRef, obs: Observation): string {
  const origin = isRef(v) ? obs.captureOrigins?.get(v.capture) : undefined;
  if (!origin || !isRef(v)) return "";
  return v.plus ? `, which is ${refWords(v, origin, obs)}` : ` (the same as ${origin})`;
}

function refWords(v: CaptureRef, origin: string, obs: Observation): string {
  const base = `${origin} (${show(obs.captures.get(v.capture))})`;
  return v.plus ? `${base} ${v.plus > 0 ? "plus" : "minus"} ${Math.abs(v.plus)}` : base;
}

/** How a capture reads in feedback: "the number the page showed" (its first whole number). */
export function captureWords(c: Capture): string {
  if (c.number) return "the number the page showed";
  if (c.regex !== undefined) return `${patternWords(c.regex)} on the page`;
  if (c.header !== undefined) return `the header ${c.header}`;
  if (c.cookie !== undefined) return `the cookie "${c.cookie}"`;
  return `"${c.session}" in the session`;
}

/**
 * A regular expression in words, for students who never read one: `\bNone\b` → the word "None",
 * `(dark|light)` → "dark" or "light", `Visits: \d+` → "Visits:" followed by a number,
 * `^application/json` → text starting with "application/json". What cannot be said simply
 * becomes a neutral phrase, never the raw pattern (a spec can give `explain:` for better words).
 */
export function patternWords(pattern: string): string {
  let body = pattern;
  const whole = body.startsWith("\\b") && body.endsWith("\\b") && body.length > 4;
  if (whole) body = body.slice(2, -2);
  const starts = body.startsWith("^");
  const ends = body.endsWith("$") && !body.endsWith("\\$");
  body = body.slice(starts ? 1 : 0, ends ? -1 : undefined);
  if (/^\((?:\?:)?[^()]*\)$/.test(body)) body = body.replace(/^\((?:\?:)?/, "").slice(0, -1);
  const alternatives = body.split("|").map(patternPieces);
  if (alternatives.some((a) => a === undefined || a.length === 0)) return "the text this check looks for";
  const phrases = (alternatives as string[][]).map((pieces) => pieces.join(" followed by "));
  const list = phrases.length === 1 ? phrases[0]! : `${phrases.slice(0, -1).join(", ")} or ${phrases.at(-1)}`;
  if (whole) return `the word${phrases.length > 1 ? "s" : ""} ${list}`;
  if (starts && ends) return `exactly ${list}`;
  return starts ? `text starting with ${list}` : ends ? `text ending with ${list}` : list;
}

/** `Visits: \d+` → ['"Visits:"', "a number"]; undefined when the pattern is not that simple. */
function patternPieces(part: string): string[] | undefined {
  const pieces: string[] = [];
  let literal = "";
  const flush = () => {
    if (literal.trim()) pieces.push(`"${literal.trim()}"`);
    literal = "";
  };
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === "\\") {
      const next = part[i + 1] ?? "";
      const more = part[i + 2] === "+" || part[i + 2] === "*";
      if (next === "d" || next === "w") {
        flush();
        pieces.push(next === "d" ? "a number" : "a word");
        i += more ? 2 : 1;
      } else if (next === "s") {
        literal += " ";
        i += more ? 2 : 1;
      } else if (/[^A-Za-z0-9]/.test(next)) {
        literal += next;
        i++;
      } else return undefined;
    } else if ("^$.*+?()[]{}|".includes(c)) return undefined;
    else literal += c;
  }
  flush();
  return pieces;
}

/** Loose equality the way a teacher means it: "2" on a page equals 2 in the spec; lists and mappings deeply. */
const same = deepSame;

export function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 80 ? v.slice(0, 77) + "..." : v);
  const json = JSON.stringify(v);
  return json === undefined ? String(v) : json.length > 120 ? json.slice(0, 117) + "..." : json;
}
