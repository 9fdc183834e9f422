/**
 * Words for a check's steps: how a step the grader took reads in the steps list, and what a
 * step that could not be done says (no answer, a restart that failed, no session to work with).
 * graders/drive/ decides what happened; it passes what it saw, already made plain.
 */

// ---- A step that could not be done (graders/drive/runCheck.ts) ----

export const restartFailed = (problem: string): string => `after a restart the app did not start again: ${problem}`;

export function noAnswerInTime(method: string, path: string, seconds: number): string {
  return `${method} ${path} got no answer within ${seconds} s (the request time limit).`;
}

/** How an app's end reads when it only closed the connection (no exit reason known). */
export const CLOSED_CONNECTION = "it closed the connection";

export function noAnswerAppStopped(method: string, path: string, why: string, lastError: string | undefined): string {
  return `${method} ${path} got no answer: the app stopped (${why}).${lastError ? ` Its last error: ${lastError}` : ""}`;
}

/** Appended to a failed request's message when the app raised. */
export function crashLine(summary: string, at: { file: string; line: number } | undefined): string {
  return ` The app raised ${summary}${at ? ` (${at.file} line ${at.line})` : ""}.`;
}

export function noSessionToUse(browser: string, cookie: string): string {
  return `the browser "${browser}" has no Flask session cookie ("${cookie}") to work with: the app did not store anything in the session`;
}

/** The line that sets the secret key, as a location's label. */
export const SECRET_KEY_LABEL = "where the secret key is set";
/** The view that answered a request, as a location's label. */
export const answeringViewLabel = (name: string): string => `the view ${name}`;

// ---- Steps as the steps list shows them (describeAction in runCheck.ts) ----

export const forgetCookie = (name: string): string => `forget the cookie "${name}"`;
export const setCookieByHand = (name: string, value: string): string => `set the cookie ${name}=${value} by hand`;
export const tamperSession = (changes: readonly string[]): string =>
  `edit the session cookie by hand${changes.length ? ` (${changes.join(", ")})` : ""}, keeping its old signature`;
export const forgeSession = (key: string, from: string | undefined): string =>
  `sign a session cookie with the guessed key "${key}"${from ? `, holding what ${from}'s session holds` : ""}`;
export const guessKeys = (request: string, keys: readonly string[], from: string | undefined): string =>
  `${request} with a session cookie signed with each of ${keys.length} guessed keys${from ? `, holding what ${from}'s session holds` : ""}`;
/** The `via` of one request of a guessKeys step. */
export const withGuessedKey = (key: string): string => `signed with the guessed key "${key}"`;
export const keysRefusedAlike = (sent: string, rest: readonly string[]): string =>
  `not sent with ${rest.map((k) => `"${k}"`).join(", ")}: they do not sign this app's session either, and the app uses Flask's own session with one secret key, which refuses any wrong signature the way it refused "${sent}"`;
export const RESTART = "restart the app (the browsers keep their cookies)";
export const runScript = (file: string): string => `run the custom check ${file}`;
export const followLinkText = (text: string): string => `follow the link "${text}"`;
export const followLinkAt = (selector: string | undefined): string => `follow the link at "${selector}"`;
export const submitForm = (form: string, fills: readonly string[]): string =>
  `submit the form${form}${fills.length ? ` (${fills.join(", ")})` : ""}`;

// ---- A check's verdict in words (graders/grade.ts, scriptCheck.ts) ----

export const skippedBecause = (blocker: string): string => `Skipped: it builds on "${blocker}", which did not pass.`;
export const notTestedNoRestart = (why: string): string => `Not tested: the app could not be started again (${why}).`;
export const CUSTOM_CHECK_FAILED = "the custom check did not pass";

// ---- Requests without an answer, as the steps list shows them (browser.ts) ----

export const noAnswerWithin = (seconds: number): string => `no answer within ${seconds} s`;
export const connectionFailed = (code: string): string => `the connection failed (${code})`;
