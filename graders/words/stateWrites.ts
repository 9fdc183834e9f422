/**
 * Words for hints about stored state: what the student's code wrote to the session or a cookie,
 * request by request, and what to do when it wrote nothing or wrote elsewhere.
 * graders/verdict/stateWrites.ts decides which of these fits.
 */
import type { StateWrite } from "../verdict/types.js";

/** One write in words: `app.py line 9 writes session['visits']`. */
export function writeWords(w: StateWrite): string {
  const at = `${w.location.file} line ${w.location.line}`;
  switch (w.kind) {
    case "session-set":
      return `${at} writes session[${w.key ?? "..."}]`;
    case "session-delete":
      return w.key ? `${at} removes session[${w.key}]` : `${at} removes a key from the session`;
    case "session-clear":
      return `${at} clears the session`;
    case "session-update":
      return `${at} updates the session`;
    case "set-cookie":
      return `${at} sets the cookie ${w.key ?? ""}`.trimEnd();
    case "delete-cookie":
      return `${at} deletes the cookie ${w.key ?? ""}`.trimEnd();
  }
}

/** A write as the label of its line: "it clears the session". */
export const writeLabel = (w: StateWrite): string => writeWords(w).replace(/^.* line \d+ /, "it ");

/** What the failed expectations were about. */
export const THE_SESSION = "the session";
export const theCookies = (names: readonly string[]): string => `the cookie ${names.map((c) => `"${c}"`).join(", ")}`;

/** One request and what it wrote of that state. */
export const requestWrote = (request: string, writes: readonly string[]): string => `${request}: ${writes.length ? writes.join(", then ") : "nothing"}`;

export const wroteByRequest = (what: string, steps: readonly string[]): string =>
  `What your code wrote to ${what}, request by request: ${steps.join("; ")}. Look at the last line that wrote it, and at the requests that wrote nothing.`;

export const notCalled = (at: string, text: string): string => `${at} names ${text} without calling it, so it does nothing: add the brackets, ${text}().`;
export const notCalledLabel = (text: string): string => `${text} is never called`;

export const SESSION_WRITES = "session[key] = ..., session.pop(...), session.clear()";
export const COOKIE_WRITES = "response.set_cookie(...), response.delete_cookie(...)";
export const noWrites = (what: string, how: string, requests: readonly string[]): string =>
  `No line of yours wrote to ${what} (${how}) in these requests: ${requests.join(", ")}.`;

/** Nothing written where expected, but `elsewhere` wrote to the other store. */
export function wroteElsewhere(none: string, elsewhere: StateWrite, sessionExpected: boolean): string {
  const instead = sessionExpected
    ? "and a cookie of your own is not Flask's session: store the value with session[key] = value."
    : "and Flask's session is not a cookie of your own: set the cookie with response.set_cookie(name, value) on the response the view returns.";
  return `${none} Instead, ${writeWords(elsewhere)}, ${instead}`;
}
