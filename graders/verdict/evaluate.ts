/**
 * Pure evaluation: given what came back from one request, which expectations failed, each as a
 * sentence a student can read ("expected ..., but ...", worded in graders/words/expectations.ts).
 * No processes, no network.
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
import { atPath, deepSame, holdsItem, lengthOf } from "./structured.js";
import { loosen, showsNumber, wholeNumbers } from "../drive/pageText.js";
import { parseSetCookie } from "./setCookie.js";
import * as words from "../words/expectations.js";

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
    ...Object.entries(expect.headers ?? {}).flatMap(([name, match]) => textMatch(words.theHeader(name), obs.headers[name.toLowerCase()], match, obs)),
    ...(expect.setCookies ?? []).flatMap((e) => setCookie(e, obs)),
    ...(expect.jar ?? []).flatMap((e) => jar(e, obs)),
    ...session(expect.session, obs),
    ...(expect.html ?? []).flatMap((e) => html(e, obs)),
    ...body(expect.body, obs),
    ...json(expect.json, obs),
    ...(expect.captured ?? []).flatMap((c) => [
      ...(c.equals !== undefined && !same(obs.captures.get(c.name), resolve(c.equals, obs))
        ? [words.capturedNot(c.name, show(obs.captures.get(c.name)), describeValue(c.equals, obs))]
        : []),
      ...(c.notEquals !== undefined && same(obs.captures.get(c.name), resolve(c.notEquals, obs))
        ? [words.capturedIs(c.name, describeValue(c.notEquals, obs))]
        : []),
    ]),
  ];
  if (expect.anyOf && !expect.anyOf.some((alt) => evaluate(alt, obs).length === 0)) {
    // What came back, as far as the alternatives look at it: the response, and the session when they read it.
    const seen = expect.anyOf.some((alt) => alt.session) ? words.responseAndSession(describeResponse(obs), sessionHolds(obs)) : describeResponse(obs);
    failures.push(words.anyOfFailed(expect.anyOf.map((alt, i) => alt.because ?? describeAlternative(alt, i)), seen));
  }
  return failures;
}

function describeAlternative(alt: Alternative, i: number): string {
  const parts = [];
  if (alt.status !== undefined) parts.push(words.statusWanted([alt.status].flat()));
  if (alt.redirect !== undefined) parts.push(words.redirectWanted([alt.redirect].flat()));
  return words.withWords(parts) || words.alternativeNumber(i + 1);
}

export function describeResponse(obs: Pick<Observation, "status" | "location">): string {
  if (obs.location && obs.status >= 300 && obs.status < 400) return words.redirectResponse(obs.status, obs.location);
  return words.statusResponse(obs.status);
}

function status(expected: number | number[] | undefined, obs: Observation): string[] {
  if (expected === undefined) return [];
  const ok = [expected].flat();
  return ok.includes(obs.status) ? [] : [words.wrongStatus(ok, describeResponse(obs))];
}

function redirect(expected: string | string[] | undefined, obs: Observation): string[] {
  if (expected === undefined) return [];
  const targets = [expected].flat();
  const isRedirect = obs.status >= 300 && obs.status < 400 && obs.location;
  if (!isRedirect) return [words.notARedirect(targets, describeResponse(obs))];
  const where = new URL(obs.location!, "http://app.localhost/");
  const matches = targets.some((t) => {
    const want = new URL(t, "http://app.localhost/");
    return want.pathname === where.pathname && (!want.search || sameQuery(want.searchParams, where.searchParams));
  });
  return matches ? [] : [words.wrongRedirect(targets, obs.location!)];
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
    if (problem) failures.push(words.cannotFill(from, problem));
    else if (!page.includes(norm(s))) failures.push(words.pageLacks(s, from));
  }
  for (const p of [e.notContains ?? []].flat()) {
    const { s, from, problem } = fill(p, obs);
    if (problem) failures.push(words.cannotFill(from, problem));
    else if (page.includes(norm(s))) failures.push(words.pageHas(s, from));
  }
  if (e.matches && !new RegExp(e.matches, e.loose ? "i" : "").test(page)) failures.push(words.pageLacksPattern(e.explain ?? patternWords(e.matches)));
  if (e.notMatches && new RegExp(e.notMatches, e.loose ? "i" : "").test(page)) failures.push(words.pageHasPattern(e.explain ?? patternWords(e.notMatches)));
  if (e.number !== undefined) {
    const n = Number(resolve(e.number, obs));
    // An error page's own "500" is not the page's number.
    const seen = obs.status >= 500 ? words.errorPageInstead(describeResponse(obs)) : numbersOnPage(obs.text);
    if (obs.status >= 500 || !showsNumber(obs.text, n)) failures.push(words.pageLacksNumber(n, explainRef(e.number, obs), seen));
  }
  if (e.notNumber !== undefined) {
    const n = Number(resolve(e.notNumber, obs));
    if (showsNumber(obs.text, n)) failures.push(words.pageHasNumber(n));
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
    if (problem) failures.push(words.cannotFill(from, problem));
    else if (!raw.includes(s)) failures.push(words.htmlLacks(show(s), from));
  }
  for (const p of [e.notContains ?? []].flat()) {
    const { s, from, problem } = fill(p, obs);
    if (problem) failures.push(words.cannotFill(from, problem));
    else if (raw.includes(s)) failures.push(words.htmlHas(show(s), from));
  }
  if (e.matches && !new RegExp(e.matches).test(raw)) failures.push(words.htmlLacksPattern(patternWords(e.matches)));
  if (e.notMatches && new RegExp(e.notMatches).test(raw)) failures.push(words.htmlHasPattern(patternWords(e.notMatches)));
  return failures;
}

function html(e: HtmlExpectation, obs: Observation): string[] {
  const failures = htmlElement(e, obs);
  if (failures.length && cutShort(obs.body ?? "")) {
    failures.push(words.nestedTooDeep(MAX_OPEN_TAGS));
  }
  return failures;
}

function htmlElement(e: HtmlExpectation, obs: Observation): string[] {
  const found = select(obs.body ?? "", e.selector);
  const where = words.selectorWords(e.selector);
  const none = words.noElement(where);
  if (e.exists === false) return found.length ? [words.unwantedElement(where, found.length, describeElement(found[0]!))] : [];
  const failures: string[] = [];
  if (e.count !== undefined) {
    const n = Number(resolve(e.count, obs));
    if (found.length !== n) failures.push(words.elementCount(n, where, found.length));
  } else if (found.length === 0) return [none];
  const first = found[0];
  if (!first) return e.text || e.attributes || e.fields ? [...failures, none] : failures;
  const element = describeElement(first);
  if (e.text !== undefined) failures.push(...textMatch(words.textOf(element, where), elementText(first), e.text, obs));
  for (const [name, match] of Object.entries(e.attributes ?? {})) {
    failures.push(...textMatch(words.attributeOn(name, element, where), first.attribs[name.toLowerCase()], match, obs));
  }
  if (e.fields) {
    const fields = formFields(first);
    const named = [...fields.keys()];
    const listed = words.fieldNames(named);
    for (const [name, match] of Object.entries(e.fields)) {
      const rule = typeof match === "string" ? { equals: match } : match;
      if (!fields.has(name) && rule.present !== false) failures.push(words.noFieldNamed(element, where, name, listed));
      else if (fields.has(name)) failures.push(...textMatch(words.fieldIn(name, element), fields.get(name), match, obs));
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
    return [words.notJson(type, raw.trim() ? show(raw.trim()) : undefined)];
  }
  const name = words.jsonAt;
  const failures: string[] = [];
  const missing = (path: string) => words.jsonMissing(name(path), path, show(data));
  for (const path of [e.has ?? []].flat()) if (!atPath(data, path).found) failures.push(missing(path));
  for (const path of [e.lacks ?? []].flat()) {
    const at = atPath(data, path);
    if (at.found) failures.push(words.jsonUnwanted(path, show(at.value)));
  }
  for (const [path, want] of Object.entries(e.equals ?? {})) {
    const at = atPath(data, path);
    if (!at.found) failures.push(missing(path));
    else if (!deepSame(at.value, resolve(want, obs))) failures.push(words.notEqual(name(path), describeValue(want, obs), show(at.value)));
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
    else if (!holdsItem(at.value, resolve(want, obs))) failures.push(words.doesNotHold(name(key), describeValue(want, obs), show(at.value)));
  }
  for (const [key, want] of Object.entries(e.length ?? {})) {
    const n = Number(resolve(want, obs));
    const at = lookup(key);
    if (!at.found) {
      failures.push(missing(key));
      continue;
    }
    const length = lengthOf(at.value);
    if (length === undefined) failures.push(words.notAList(name(key), words.entries(n), show(at.value)));
    else if (length !== n) failures.push(words.wrongLength(name(key), words.entries(n), length, show(at.value)));
  }
  return failures;
}

function numbersOnPage(text: string): string {
  return words.numbersOnPage(wholeNumbers(text).slice(0, 8));
}

function textMatch(what: string, actual: string | undefined, match: TextMatch, obs: Observation): string[] {
  const rule = typeof match === "string" ? { equals: match } : match;
  if (rule.present === false) return actual === undefined ? [] : [words.unwantedText(what, show(actual))];
  if (actual === undefined) return rule.present || rule.equals !== undefined || rule.contains || rule.matches ? [words.noText(what)] : [];
  const failures: string[] = [];
  if (rule.equals !== undefined && !same(actual, resolve(rule.equals, obs))) failures.push(words.textNotEqual(what, describeValue(rule.equals, obs), show(actual)));
  if (rule.contains !== undefined && !actual.includes(rule.contains)) failures.push(words.textLacks(what, rule.contains, show(actual)));
  if (rule.matches !== undefined && !new RegExp(rule.matches).test(actual)) failures.push(words.textNotMatching(what, patternWords(rule.matches), show(actual)));
  return failures;
}

function setCookie(e: SetCookieExpectation, obs: Observation): string[] {
  const cookies = obs.setCookies.map(parseSetCookie).filter((c) => c.name === e.name);
  const mode = e.is ?? "set";
  const others = obs.setCookies.map((h) => parseSetCookie(h).name);
  const listed = words.cookiesSet(others);
  if (mode === "absent") return cookies.length ? [words.cookieSetAnyway(e.name)] : [];
  const cookie = cookies.at(-1);
  if (!cookie) return [words.cookieNotSet(mode === "deleted", e.name, listed)];
  if (mode === "deleted" && !cookie.deleted) return [words.cookieSetNotDeleted(e.name, show(cookie.value))];
  if (mode === "set" && cookie.deleted) return [words.cookieDeletedNotSet(e.name)];
  const failures = e.value !== undefined ? textMatch(words.theCookie(e.name), cookie.value, e.value, obs) : [];
  for (const [attr, want] of Object.entries(e.attributes ?? {})) {
    const have = cookie.attributes[attr.toLowerCase()];
    if (want === false && have !== undefined) failures.push(words.cookieHasAttribute(e.name, attr));
    else if (want === true && have === undefined) failures.push(words.cookieLacksAttribute(e.name, attr));
    else if (typeof want === "string" && have?.toLowerCase() !== want.toLowerCase()) failures.push(words.cookieAttributeValue(e.name, attr, want, have));
  }
  return failures;
}

function jar(e: JarExpectation, obs: Observation): string[] {
  const cookie = obs.jar.find((c) => c.name === e.name);
  const names = obs.jar.map((c) => c.name);
  const holds = words.jarHolds(names);
  if (e.present === false) return cookie ? [words.browserHoldsCookie(e.name, show(cookie.value))] : [];
  if (!cookie) return [words.browserLacksCookie(e.name, holds)];
  return e.value !== undefined ? textMatch(words.theCookie(e.name), cookie.value, e.value, obs) : [];
}

function sessionHolds(obs: Observation): string {
  return obs.session ? words.sessionHolds(show(obs.session)) : words.noSessionCookie(obs.sessionCookie);
}

function session(e: SessionExpectation | undefined, obs: Observation): string[] {
  if (!e) return [];
  const data = obs.session;
  const none = words.noSessionCookie(obs.sessionCookie);
  const failures: string[] = [];
  if (e.present === true && !data) failures.push(words.noSession(none));
  if (e.present === false && data && Object.keys(data).length) failures.push(words.unwantedSession(show(data)));
  const holds = sessionHolds(obs);
  for (const key of [e.has ?? []].flat()) if (!data || !(key in data)) failures.push(words.sessionLacksKey(key, holds));
  for (const key of [e.lacks ?? []].flat()) if (data && key in data) failures.push(words.sessionHasKey(key, holds));
  for (const [key, want] of Object.entries(e.equals ?? {})) {
    if (data && same(data[key], resolve(want, obs))) continue;
    // A list or mapping is compared with the key's own value (the whole session would be cut short).
    const structured = typeof want === "object" && want !== null && !isRef(want);
    const but = structured && data && Object.hasOwn(data, key) ? words.itIs(show(data[key])) : holds;
    failures.push(words.sessionKeyNot(key, describeValue(want, obs), but));
  }
  const lookup = (key: string) => (data && Object.hasOwn(data, key) ? { found: true as const, value: data[key] } : { found: false as const });
  failures.push(...containsAndLength(e, words.sessionKey, lookup, (key) => words.sessionLacksKey(key, holds), obs));
  if (e.anyValue !== undefined) {
    const want = resolve(e.anyValue, obs);
    if (!data || !Object.values(data).some((v) => same(v, want))) failures.push(words.sessionLacksValue(show(want), holds));
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
      failures.push(words.noNumberErrorPage(describeResponse(obs)));
      continue;
    }
    if (c.number) [value, what] = [wholeNumbers(obs.text)[0], words.A_NUMBER_ON_THE_PAGE];
    else if (c.regex !== undefined) {
      const m = new RegExp(c.regex).exec(obs.text);
      [value, what] = [m ? (m[1] ?? m[0]) : undefined, words.onThePage(patternWords(c.regex))];
    } else if (c.header !== undefined) [value, what] = [obs.headers[c.header.toLowerCase()], words.theHeader(c.header)];
    else if (c.cookie !== undefined) [value, what] = [obs.jar.find((j) => j.name === c.cookie)?.value, words.theCookie(c.cookie)];
    else if (c.session !== undefined) [value, what] = [obs.session?.[c.session], words.inTheSession(c.session)];
    if (value === undefined) failures.push(words.nothingCaptured(what));
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
  if (origin) return words.valueFrom(show(resolved), refWords(v, origin, obs));
  const how = v.plus ? words.captureSum(v.capture, v.plus) : v.capture;
  return words.valueFrom(show(resolved), how);
}

/** ", which is the number the page showed at step 1 (5) plus 1": where a value built on a capture comes from. */
function explainRef(v: number | CaptureRef, obs: Observation): string {
  const origin = isRef(v) ? obs.captureOrigins?.get(v.capture) : undefined;
  if (!origin || !isRef(v)) return "";
  return v.plus ? words.whichIs(refWords(v, origin, obs)) : words.sameAs(origin);
}

function refWords(v: CaptureRef, origin: string, obs: Observation): string {
  const base = words.originValue(origin, show(obs.captures.get(v.capture)));
  return v.plus ? words.plusWords(base, v.plus) : base;
}

/** How a capture reads in feedback: "the number the page showed" (its first whole number). */
export function captureWords(c: Capture): string {
  if (c.number) return words.THE_NUMBER_THE_PAGE_SHOWED;
  if (c.regex !== undefined) return words.onThePage(patternWords(c.regex));
  if (c.header !== undefined) return words.theHeader(c.header);
  if (c.cookie !== undefined) return words.theCookie(c.cookie);
  return words.inTheSession(String(c.session));
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
  if (alternatives.some((a) => a === undefined || a.length === 0)) return words.PATTERN_FALLBACK;
  const phrases = (alternatives as string[][]).map((pieces) => pieces.join(words.FOLLOWED_BY));
  const list = words.orList(phrases);
  if (whole) return words.theWords(list, phrases.length > 1);
  if (starts && ends) return words.exactly(list);
  return starts ? words.startingWith(list) : ends ? words.endingWith(list) : list;
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
        pieces.push(next === "d" ? words.A_NUMBER : words.A_WORD);
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
