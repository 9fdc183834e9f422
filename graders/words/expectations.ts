/**
 * Words for expectations: what a failed expectation says ("expected ..., but ..."), how a
 * response, a value built on a capture and a pattern read. graders/verdict/evaluate.ts decides
 * which expectation failed; every value argument here is already shown (quoted, cut short).
 */

// ---- Responses ----

/** Statuses a beginner meets, in words. */
export const STATUS_WORDS: Record<number, string> = {
  200: "OK",
  400: "bad request",
  401: "not logged in",
  403: "forbidden",
  404: "page not found",
  405: "method not allowed",
  500: "server error",
};
export const redirectResponse = (status: number, location: string): string => `${status}, a redirect to ${location}`;
export const statusResponse = (status: number): string => `status ${status}${STATUS_WORDS[status] ? ` (${STATUS_WORDS[status]})` : ""}`;

export const statusWanted = (statuses: readonly number[]): string => `status ${statuses.join(" or ")}`;
export const redirectWanted = (targets: readonly string[]): string => `a redirect to ${targets.join(" or ")}`;
export const withWords = (parts: readonly string[]): string => parts.join(" with ");
export const alternativeNumber = (n: number): string => `alternative ${n}`;
export const anyOfFailed = (alternatives: readonly string[], seen: string): string => `expected ${alternatives.join(", or ")}; got ${seen}`;
export const responseAndSession = (response: string, session: string): string => `${response}, and ${session}`;

export const wrongStatus = (statuses: readonly number[], got: string): string => `expected status ${statuses.join(" or ")}, got ${got}`;
export const notARedirect = (targets: readonly string[], got: string): string => `expected a redirect to ${targets.join(" or ")}, got ${got}`;
export const wrongRedirect = (targets: readonly string[], location: string): string =>
  `expected a redirect to ${targets.join(" or ")}, got a redirect to ${location}`;

// ---- Captured values ----

export const capturedNot = (name: string, value: string, want: string): string => `expected ${name} (${value}) to be ${want}`;
export const capturedIs = (name: string, want: string): string => `expected ${name} not to be ${want}, but it is`;
export const cannotFill = (template: string | undefined, problem: string): string => `could not fill in "${template}": ${problem}`;
const fromTemplate = (from: string | undefined): string => (from ? ` (from "${from}")` : "");

// ---- The page's text ----

export const pageLacks = (text: string, from: string | undefined): string => `expected the page to show "${text}"${fromTemplate(from)}`;
export const pageHas = (text: string, from: string | undefined): string => `expected the page not to show "${text}"${fromTemplate(from)}, but it does`;
export const pageLacksPattern = (words: string): string => `expected the page to show ${words}`;
export const pageHasPattern = (words: string): string => `expected the page not to show ${words}, but it does`;
export const errorPageInstead = (response: string): string => `, but the app answered with an error page instead: ${response}`;
export const pageLacksNumber = (n: number, explained: string, seen: string): string => `expected the page to show the number ${n}${explained}${seen}`;
export const pageHasNumber = (n: number): string => `expected the page not to show the number ${n}, but it does`;
export const numbersOnPage = (numbers: readonly number[]): string =>
  numbers.length ? `, but the numbers on it are ${numbers.join(", ")}` : ", but it shows no number";

// ---- The page's HTML ----

export const htmlLacks = (text: string, from: string | undefined): string => `expected the page's HTML to contain ${text}${fromTemplate(from)}, but it does not`;
export const htmlHas = (text: string, from: string | undefined): string => `expected the page's HTML not to contain ${text}${fromTemplate(from)}, but it does`;
export const htmlLacksPattern = (words: string): string => `expected the page's HTML to contain ${words}, but it does not`;
export const htmlHasPattern = (words: string): string => `expected the page's HTML not to contain ${words}, but it does`;
export const nestedTooDeep = (depth: number): string =>
  `the page nests elements more than ${depth} deep, so the grader read it only up to there: close your tags`;
export const selectorWords = (selector: string): string => `"${selector}"`;
export const noElement = (where: string): string => `expected the page to have an element matching ${where}, but it has none`;
export const unwantedElement = (where: string, count: number, first: string): string =>
  `expected the page to have no element matching ${where}, but it has ${count}: ${first}`;
export const elementCount = (n: number, where: string, found: number): string =>
  `expected ${n} element${n === 1 ? "" : "s"} matching ${where}, but the page has ${found}`;
export const textOf = (element: string, where: string): string => `the text of ${element} (${where})`;
export const attributeOn = (name: string, element: string, where: string): string => `the attribute ${name} on ${element} (${where})`;
export const fieldNames = (names: readonly string[]): string =>
  names.length ? `its fields are named ${names.map((n) => `"${n}"`).join(", ")}` : "it has no named field";
export const noFieldNamed = (element: string, where: string, name: string, listed: string): string =>
  `expected ${element} (${where}) to have a field named "${name}", but ${listed}`;
export const fieldIn = (name: string, element: string): string => `the field "${name}" in ${element}`;

// ---- JSON answers ----

export const notJson = (type: string | undefined, body: string | undefined): string =>
  `expected a JSON answer, but the response is not JSON (${type ? `Content-Type ${type}` : "no Content-Type"}): ${body ?? "it is empty"}`;
export const jsonAt = (path: string): string => (path === "." || path === "" ? "the JSON answer" : `the JSON answer's "${path}"`);
export const jsonMissing = (name: string, path: string, data: string): string => `expected ${name}, but there is no "${path}" in ${data}`;
export const jsonUnwanted = (path: string, value: string): string => `expected no "${path}" in the JSON answer, but it is there: ${value}`;
export const notEqual = (name: string, want: string, value: string): string => `expected ${name} to be ${want}, but it is ${value}`;
export const doesNotHold = (name: string, want: string, value: string): string => `expected ${name} to hold ${want}, but it is ${value}`;
/** "1 entry", "3 entries". */
export const entries = (n: number): string => `${n} ${n === 1 ? "entry" : "entries"}`;
export const notAList = (name: string, entries: string, value: string): string => `expected ${name} to have ${entries}, but it is ${value}, which is not a list`;
export const wrongLength = (name: string, entries: string, length: number, value: string): string =>
  `expected ${name} to have ${entries}, but it has ${length}: ${value}`;

// ---- Text matches (headers, cookies, attributes, fields) ----

export const unwantedText = (what: string, value: string): string => `expected ${what} not to be there, but it is (${value})`;
export const noText = (what: string): string => `expected ${what}, but there is none`;
export const textNotEqual = (what: string, want: string, got: string): string => `expected ${what} to be ${want}, got ${got}`;
export const textLacks = (what: string, part: string, got: string): string => `expected ${what} to contain "${part}", got ${got}`;
export const textNotMatching = (what: string, words: string, got: string): string => `expected ${what} to hold ${words}, got ${got}`;
export const theHeader = (name: string): string => `the header ${name}`;

// ---- Cookies ----

export const theCookie = (name: string): string => `the cookie "${name}"`;
export const cookiesSet = (names: readonly string[]): string => (names.length ? `it set: ${names.join(", ")}` : "it set no cookie");
export const cookieSetAnyway = (name: string): string => `expected the response not to set the cookie "${name}", but it does`;
export const cookieNotSet = (deleted: boolean, name: string, listed: string): string =>
  `expected the response to ${deleted ? "delete" : "set"} the cookie "${name}", but ${listed}`;
export const cookieSetNotDeleted = (name: string, value: string): string => `expected the response to delete the cookie "${name}", but it sets it to ${value}`;
export const cookieDeletedNotSet = (name: string): string => `expected the response to set the cookie "${name}", but it deletes it`;
export const cookieHasAttribute = (name: string, attr: string): string => `expected the cookie "${name}" not to have ${attr}, but it has`;
export const cookieLacksAttribute = (name: string, attr: string): string => `expected the cookie "${name}" to have ${attr}, but it has not`;
export const cookieAttributeValue = (name: string, attr: string, want: string, have: string | undefined): string =>
  `expected the cookie "${name}" to have ${attr}=${want}, got ${have === undefined ? "none" : have}`;
export const jarHolds = (names: readonly string[]): string => (names.length ? `it holds: ${names.join(", ")}` : "it holds no cookie");
export const browserHoldsCookie = (name: string, value: string): string => `expected the browser not to hold the cookie "${name}", but it does (${value})`;
export const browserLacksCookie = (name: string, holds: string): string => `expected the browser to hold the cookie "${name}", but ${holds}`;

// ---- The session ----

export const sessionHolds = (session: string): string => `the session holds ${session}`;
export const noSessionCookie = (cookie: string): string => `there is no "${cookie}" cookie in the browser`;
export const noSession = (none: string): string => `expected a session, but ${none}`;
export const unwantedSession = (session: string): string => `expected no session, but the session holds ${session}`;
export const sessionLacksKey = (key: string, holds: string): string => `expected the session to hold "${key}", but ${holds}`;
export const sessionHasKey = (key: string, holds: string): string => `expected the session not to hold "${key}", but ${holds}`;
export const itIs = (value: string): string => `it is ${value}`;
export const sessionKeyNot = (key: string, want: string, but: string): string => `expected the session's "${key}" to be ${want}, but ${but}`;
export const sessionKey = (key: string): string => `the session's "${key}"`;
export const sessionLacksValue = (value: string, holds: string): string => `expected the session to hold the value ${value}, but ${holds}`;

// ---- Captures ----

export const noNumberErrorPage = (response: string): string =>
  `expected a number on the page, but the app answered with an error page instead: ${response}`;
export const A_NUMBER_ON_THE_PAGE = "a number on the page";
export const THE_NUMBER_THE_PAGE_SHOWED = "the number the page showed";
export const onThePage = (words: string): string => `${words} on the page`;
export const inTheSession = (key: string): string => `"${key}" in the session`;
export const nothingCaptured = (what: string): string => `expected ${what}, but there is none`;

/** A value built on a capture: `6 (visits + 1)`, or with where it was taken. */
export const valueFrom = (value: string, how: string): string => `${value} (${how})`;
export const captureSum = (name: string, plus: number): string => `${name} ${plus > 0 ? "+" : "-"} ${Math.abs(plus)}`;
export const whichIs = (words: string): string => `, which is ${words}`;
export const sameAs = (origin: string): string => ` (the same as ${origin})`;
export const originValue = (origin: string, value: string): string => `${origin} (${value})`;
export const plusWords = (base: string, plus: number): string => `${base} ${plus > 0 ? "plus" : "minus"} ${Math.abs(plus)}`;

// ---- Patterns in words (patternWords in evaluate.ts) ----

export const A_NUMBER = "a number";
export const A_WORD = "a word";
export const FOLLOWED_BY = " followed by ";
export const PATTERN_FALLBACK = "the text this check looks for";
export const orList = (phrases: readonly string[]): string =>
  phrases.length === 1 ? phrases[0]! : `${phrases.slice(0, -1).join(", ")} or ${phrases.at(-1)}`;
export const theWords = (list: string, several: boolean): string => `the word${several ? "s" : ""} ${list}`;
export const exactly = (list: string): string => `exactly ${list}`;
export const startingWith = (list: string): string => `text starting with ${list}`;
export const endingWith = (list: string): string => `text ending with ${list}`;

// ---- Filling a `{capture}` template (graders/spec/template.ts) ----

export const nothingCapturedAs = (name: string): string => `nothing was captured as "${name}"`;
export const captureNotANumber = (name: string, value: string): string => `the capture "${name}" is ${value}, not a number`;
