/**
 * Pointing a failed expectation about the session or a cookie at the student's line that wrote
 * it (the runner records each write made while answering a request, see boot/stateWrites.py),
 * and the words for it. Pure: the expectations, what came back and the records in, a hint and a
 * location out. Used only when the request itself went as expected (no crash, the right status):
 * then what it stored is what is wrong.
 */
import type { Expectations } from "../spec/types.js";
import { evaluate, type Observation } from "./evaluate.js";
import type { SourceLocation, SourceScan, StateWrite } from "./types.js";

/** Which stored state the failed expectations were about: the session, and cookies by name. */
export interface StateConcern {
  session: boolean;
  cookies: string[];
}

/** What of the session and cookies failed in `expect`, or undefined when the request itself went wrong or none did. */
export function stateConcern(expect: Expectations | undefined, obs: Observation): StateConcern | undefined {
  if (!expect || evaluate({ status: expect.status, redirect: expect.redirect }, obs).length > 0) return undefined;
  let session = expect.session !== undefined && evaluate({ session: expect.session }, obs).length > 0;
  const cookies: string[] = [];
  const cookieChecks = [...(expect.setCookies ?? []).map((e) => ({ name: e.name, failed: evaluate({ setCookies: [e] }, obs).length > 0 })), ...(expect.jar ?? []).map((e) => ({ name: e.name, failed: evaluate({ jar: [e] }, obs).length > 0 }))];
  for (const { name, failed } of cookieChecks) {
    if (!failed) continue;
    if (name === obs.sessionCookie) session = true;
    else if (!cookies.includes(name)) cookies.push(name);
  }
  return session || cookies.length ? { session, cookies } : undefined;
}

const MAX_NAMED = 3;

/** One write in words: `app.py line 9 writes session['visits']`. */
function writeWords(w: StateWrite): string {
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

const isSession = (w: StateWrite) => w.kind.startsWith("session-");
/** `'theme'` (Python's repr of the name) is the cookie `theme`. */
const isCookie = (name: string) => (w: StateWrite) => !isSession(w) && (w.key === undefined || w.key.replace(/^['"]|['"]$/g, "") === name);

/** One request of the check and what its view wrote (undefined: not known, e.g. no view answered). */
export interface RequestWrites {
  /** `GET /logout`. */
  what: string;
  writes?: StateWrite[];
}

/**
 * The hint and the line for a failed expectation about stored state, from what the student's
 * code wrote during the check's last requests (the failing one last): request by request, what
 * each wrote of that state, or "nothing" (a logout that writes nothing shows as such); the line
 * to look at is the last write. With no write at all, a method the scan saw named but never
 * called (`session.clear`) is the likely cause, else a write to the other store (a cookie of
 * its own where the session was expected, or the reverse). Undefined when the runner recorded
 * no writes.
 */
export function stateWriteFinding(
  concern: StateConcern,
  requests: readonly RequestWrites[],
  scan: SourceScan | undefined,
): { hint: string; location?: SourceLocation } | undefined {
  const known = requests.filter((r): r is Required<RequestWrites> => r.writes !== undefined);
  if (known.length === 0) return undefined;
  const relevant = (r: Required<RequestWrites>) => r.writes.filter((w) => (concern.session && isSession(w)) || concern.cookies.some((c) => isCookie(c)(w)));
  const what = concern.session ? "the session" : `the cookie ${concern.cookies.map((c) => `"${c}"`).join(", ")}`;
  const steps = known.map((r) => {
    const found = relevant(r);
    return `${r.what}: ${found.length ? found.slice(-MAX_NAMED).map(writeWords).join(", then ") : "nothing"}`;
  });
  const last = known.flatMap(relevant).at(-1);
  if (last) {
    return {
      hint: `What your code wrote to ${what}, request by request: ${steps.join("; ")}. Look at the last line that wrote it, and at the requests that wrote nothing.`,
      location: { ...last.location, label: writeWords(last).replace(/^.* line \d+ /, "it ") },
    };
  }
  const uncalled = scan?.uncalled.find((u) => (concern.session ? /^session\./ : /set_cookie|delete_cookie/).test(u.text));
  if (uncalled) {
    return {
      hint: `${scan!.file} line ${uncalled.line} names ${uncalled.text} without calling it, so it does nothing: add the brackets, ${uncalled.text}().`,
      location: { file: scan!.file, line: uncalled.line, label: `${uncalled.text} is never called` },
    };
  }
  const how = concern.session ? "session[key] = ..., session.pop(...), session.clear()" : "response.set_cookie(...), response.delete_cookie(...)";
  const none = `No line of yours wrote to ${what} (${how}) in these requests: ${known.map((r) => r.what).join(", ")}.`;
  // Stored, but elsewhere: a cookie of its own where the session was expected, or the reverse.
  const elsewhere = known.flatMap((r) => r.writes.filter((w) => isSession(w) !== concern.session)).at(-1);
  if (elsewhere) {
    const instead = concern.session
      ? "and a cookie of your own is not Flask's session: store the value with session[key] = value."
      : "and Flask's session is not a cookie of your own: set the cookie with response.set_cookie(name, value) on the response the view returns.";
    return {
      hint: `${none} Instead, ${writeWords(elsewhere)}, ${instead}`,
      location: { ...elsewhere.location, label: writeWords(elsewhere).replace(/^.* line \d+ /, "it ") },
    };
  }
  return { hint: none };
}
