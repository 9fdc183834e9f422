/**
 * Driving one check: fresh browsers, each step in order, stop at the first step that fails.
 * Evaluation is delegated to the pure verdict/ functions; this module owns the I/O.
 */
import type { FieldFill } from "../spec/types.js";
import type { Action, PlannedCheck, PlannedRequest, PlannedStep } from "../plan/plan.js";
import { capture, captureWords, evaluate, type Observation } from "../verdict/evaluate.js";
import { combineHints, diagnose, STUCK_VIEW_HINT, type Symptom } from "../verdict/hints.js";
import { stateConcern, stateWriteFinding, type RequestWrites } from "../verdict/stateWrites.js";
import type { AppException, Exchange, JarEntry, SourceLocation, StepAction } from "../verdict/types.js";
import type { RunningApp } from "../boot/handshake.js";
import { Browser, NoResponse, type JarCookie } from "./browser.js";
import { decodeSession, signSession, tamperSession, verifySession } from "./sessionCookie.js";
import { describeKey, secretKeyOf } from "../spec/bytesKey.js";
import { basename } from "node:path";
import { plainData, plainText } from "../verdict/studentText.js";
import { resolveNavigation, type Page } from "./navigate.js";
import * as words from "../words/steps.js";

/** What a check needs from the app's owner: the live app, and a way to start it again. */
export interface AppControl {
  current(): RunningApp;
  /** Stop and boot again; returns why it could not start, if it could not. */
  restart(): Promise<string | undefined>;
  /** The app may be stuck or dead after this check: boot a fresh one before the next. */
  taint(): void;
  sessionCookie: string;
  requestSeconds: number;
}

export interface CheckOutcome {
  passed: boolean;
  message: string;
  hint?: string;
  exchanges: Exchange[];
  /** The steps that sent no request, for the feedback's list of every step. */
  actions: StepAction[];
  location?: SourceLocation;
  /** A request got no response (for the fault classifier, verdict/fault.ts). */
  noResponse?: NoResponse["kind"];
}

let requestCounter = 0;

/**
 * What the grader knows about the submission besides the running app (nothing at present: what
 * the source shows comes with the app, RunningApp.scan, read before its code ran).
 */
export interface CheckContext {}

export async function runCheck(check: PlannedCheck, control: AppControl, context: CheckContext = {}): Promise<CheckOutcome> {
  const browsers = new Map<string, Browser>();
  const browser = (name: string) => browsers.get(name) ?? browsers.set(name, new Browser(name)).get(name)!;
  const record: CheckRecord = { exchanges: [], actions: [], captures: new Map(), origins: new Map(), pages: new Map(), sent: [] };
  const { exchanges, actions } = record;

  for (const [index, step] of check.steps.entries()) {
    // A request, a followed link and a submitted form are told by their exchange.
    const action: StepAction | undefined =
      !ANSWERED.has(step.action.kind) ? { step: index + 1, browser: step.browser, text: describeAction(step.action) } : undefined;
    if (action) actions.push(action);
    const failure = await runStep(step, index + 1, browser, control, record, context);
    if (action) action.jar = jarRecord(await browser(step.browser).cookies());
    if (failure) {
      const where = `Step ${index + 1} of ${check.steps.length} (${describeStep(step)})`;
      return { passed: false, exchanges, actions, ...failure, message: `${where}: ${failure.message}`, hint: combineHints(check.hint, failure.hint) };
    }
  }
  return { passed: true, message: check.title, exchanges, actions };
}

/** What a check has done so far: its requests, its other steps, and the values it noted. */
interface CheckRecord {
  exchanges: Exchange[];
  actions: StepAction[];
  captures: Map<string, unknown>;
  /** Capture name → where it was taken, in words. */
  origins: Map<string, string>;
  /** Browser name → the page it has open (its last response), for follow and submit steps. */
  pages: Map<string, Page>;
  /** The requests sent so far, to the app that got each: what their views wrote is asked for when a check fails. */
  sent: { id: string; app: RunningApp; what: string }[];
}

/** Steps told by their exchanges (a guessKeys step by one per key it sent). */
const ANSWERED = new Set<Action["kind"]>(["request", "follow", "submit", "guessKeys"]);

interface StepFailure {
  message: string;
  hint?: string;
  location?: SourceLocation;
  noResponse?: NoResponse["kind"];
}

async function runStep(
  step: PlannedStep,
  number: number,
  browser: (name: string) => Browser,
  control: AppControl,
  record: CheckRecord,
  context: CheckContext,
): Promise<StepFailure | undefined> {
  const me = browser(step.browser);
  const a = step.action;
  switch (a.kind) {
    case "request":
      return request(me, a, number, control, record, context);
    case "dropCookie":
      await me.dropCookie(a.name);
      return undefined;
    case "setCookie":
      await me.setCookie(a.name, a.value, a.path);
      return undefined;
    case "tamperSession": {
      const current = await me.cookie(control.sessionCookie);
      const decoded = current ? decodeSession(current) : null;
      if (!current || !decoded) return { message: noSessionToUse(step.browser, control.sessionCookie) };
      const changes = { ...replacements(decoded.data, a.replace), ...a.set };
      const tampered = tamperSession(current, Object.keys(changes).length ? changes : undefined);
      if (!tampered) return { message: noSessionToUse(step.browser, control.sessionCookie) };
      await me.setCookie(control.sessionCookie, tampered);
      return undefined;
    }
    case "forgeSession": {
      const source = await sessionToForge(browser, a.from, control.sessionCookie);
      if ("message" in source) return source;
      await me.setCookie(control.sessionCookie, signSession({ ...source.data, ...a.data }, readKey(a)));
      return undefined;
    }
    case "guessKeys":
      return guessKeys(me, a, number, browser, control, record, context);
    case "script": {
      // Loaded only for a spec that has custom checks: supertest alone takes ~70 ms to import,
      // which every other grading would pay on its start.
      const { runScript } = await import("./scriptCheck.js");
      return runScript(a.file, browser, control);
    }
    case "follow":
    case "submit": {
      const resolved = resolveNavigation(record.pages.get(step.browser), a, record.captures);
      if ("problem" in resolved) {
        // Nothing was sent: the steps list still shows what the grader tried.
        record.actions.push({ step: number, browser: step.browser, text: describeAction(a), jar: jarRecord(await me.cookies()) });
        return { message: resolved.problem, hint: resolved.hint };
      }
      return request(me, { kind: "request", request: resolved.request, expect: a.expect, capture: a.capture }, number, control, record, context, resolved.via, a.kind === "follow" ? "link" : "form");
    }
    case "restart": {
      const problem = await control.restart();
      return problem ? { message: words.restartFailed(problem) } : undefined;
    }
  }
}

/**
 * The request once per guessed key, each time with `from`'s session (and `data`) signed with
 * that key. Keys that sign `from`'s session go first: the app signs with that key, so the
 * forgery will be believed. Of the others, the first answer stands for the rest when the app
 * gave it with Flask's own session and one key (runner.py reports it per request): Flask
 * refuses every wrong signature alike, so they are not sent one by one.
 */
async function guessKeys(
  me: Browser,
  a: Extract<Action, { kind: "guessKeys" }>,
  step: number,
  browser: (name: string) => Browser,
  control: AppControl,
  record: CheckRecord,
  context: CheckContext,
): Promise<StepFailure | undefined> {
  const source = await sessionToForge(browser, a.from, control.sessionCookie);
  if ("message" in source) return source;
  const data = source.data;
  // `from`'s session cookie, when the app itself set it: the keys that verify it are the app's.
  const issued = source.value !== undefined && setByApp(record.exchanges, control.sessionCookie, source.value) ? source.value : undefined;
  const guesses = a.keys.map((key) => {
    const secret = readKey({ key });
    return { key, secret, signsApp: issued !== undefined && verifySession(issued, secret) };
  });
  const ordered = [...guesses.filter((g) => g.signsApp), ...guesses.filter((g) => !g.signsApp)];
  let alike: boolean | undefined; // does the first refused key's answer stand for the rest? Asked once.
  for (const [i, guess] of ordered.entries()) {
    await me.setCookie(control.sessionCookie, signSession({ ...data, ...a.data }, guess.secret));
    const via = words.withGuessedKey(guess.key);
    const failure = await request(me, { kind: "request", request: a.request, expect: a.expect }, step, control, record, context, via);
    // A key that signs the app's own session was believed: the line to change is the key's.
    const where = guess.signsApp && !failure?.noResponse ? keyLine(control.current()) : undefined;
    if (failure) return { ...failure, message: `${via}: ${failure.message}`, location: where ?? failure.location };
    const rest = ordered.slice(i + 1);
    if (guess.signsApp || issued === undefined || rest.length === 0 || alike === false) continue;
    const sent = record.sent.at(-1)!;
    alike = (await sent.app.viewFor(sent.id, 200))?.flaskSession === true;
    if (!alike) continue;
    const text = words.keysRefusedAlike(guess.key, rest.map((g) => g.key));
    record.actions.push({ step, browser: me.name, text, jar: jarRecord(await me.cookies()) });
    return undefined;
  }
  return undefined;
}

/** Where the student's file sets the secret key, when the source scan saw it set at the top level: what to change when a guessed key was believed. */
function keyLine(app: RunningApp): SourceLocation | undefined {
  const key = app.scan?.key;
  return key?.way === "unknown" && key.line !== undefined ? { file: app.scan!.file, line: key.line, label: words.SECRET_KEY_LABEL } : undefined;
}

/** What a forgery signs: `from`'s session cookie and its data (none without `from`); a failure when that browser has no session. */
async function sessionToForge(browser: (name: string) => Browser, from: string | undefined, cookie: string): Promise<{ value?: string; data: Record<string, unknown> } | StepFailure> {
  if (!from) return { data: {} };
  const value = await browser(from).cookie(cookie);
  const decoded = value ? decodeSession(value) : null;
  if (!value || !decoded) return { message: noSessionToUse(from, cookie) };
  return { value, data: decoded.data };
}

/** A guessed key's bytes or text. The loader refused a key that cannot be read: reaching the throw is a grader bug. */
function readKey(forgery: { key?: string; keyHex?: string }): string | Buffer {
  const secret = secretKeyOf(forgery);
  if ("problem" in secret) throw new Error(`a guessed key the loader should have refused: ${secret.problem}`);
  return secret.key;
}

/** Whether some answer of this check set the cookie `name` to `value` (a value put in by hand was not signed by the app). */
function setByApp(exchanges: readonly Exchange[], name: string, value: string): boolean {
  const set = `${name}=${value}`;
  return exchanges.some((e) => e.response?.setCookies.some((c) => c === set || c.startsWith(`${set};`)));
}

async function request(
  me: Browser,
  a: Extract<Action, { kind: "request" }>,
  step: number,
  control: AppControl,
  record: CheckRecord,
  context: CheckContext,
  via?: string,
  fromPage?: Symptom["fromPage"],
): Promise<StepFailure | undefined> {
  const { captures } = record;
  const app = control.current();
  const requestId = `r${++requestCounter}`;
  const exchange: Exchange = {
    browser: me.name,
    request: { method: a.request.method, path: a.request.path, form: via ? pageForm(a.request.form) : a.request.form, cookies: (await me.cookies()).map((c) => c.name) },
    step,
    ...(via !== undefined && { via }),
  };
  record.exchanges.push(exchange);
  record.sent.push({ id: requestId, app, what: `${a.request.method} ${a.request.path}` });
  const symptom: Symptom = { method: a.request.method, path: a.request.path, form: exchange.request.form, routes: app.routes, fromPage: via === undefined ? undefined : fromPage };

  let response;
  try {
    response = await me.send(app.target, { ...a.request, timeoutMs: control.requestSeconds * 1000, requestId });
  } catch (err) {
    if (!(err instanceof NoResponse)) throw err;
    control.taint();
    exchange.failure = err.message;
    if (err.kind === "timeout") {
      return {
        message: words.noAnswerInTime(a.request.method, a.request.path, control.requestSeconds),
        hint: STUCK_VIEW_HINT,
        noResponse: err.kind,
      };
    }
    const exception = await app.exceptionFor(requestId, 50);
    const why = app.exitReason() ?? words.CLOSED_CONNECTION;
    return { message: words.noAnswerAppStopped(a.request.method, a.request.path, why, exception?.summary), location: exception?.location, noResponse: err.kind };
  }

  const exception = response.status >= 500 ? await app.exceptionFor(requestId, 300) : undefined;
  record.pages.set(me.name, { path: response.path, body: response.body, contentType: response.headers["content-type"] });
  const jar = await me.cookies();
  const cookieValue = jar.find((c) => c.name === control.sessionCookie)?.value;
  // What the app stored is student text: evaluated and quoted as plain text.
  const session = cookieValue ? plainData(decodeSession(cookieValue)?.data ?? null) : null;
  exchange.response = {
    status: response.status,
    location: response.location,
    headers: response.headers,
    setCookies: response.setCookies,
    text: response.text,
  };
  exchange.exception = exception;
  exchange.session = session;
  exchange.jar = jarRecord(jar);

  const obs: Observation = {
    status: response.status,
    location: response.location,
    headers: response.headers,
    setCookies: response.setCookies,
    text: response.text,
    body: plainText(response.body),
    jar,
    session,
    sessionCookie: control.sessionCookie,
    captures,
    captureOrigins: record.origins,
  };
  const captured = capture(a.capture, obs);
  for (const [k, v] of captured.values) {
    const what = captureWords(a.capture![k]!);
    captures.set(k, v);
    record.origins.set(k, `${what} at step ${step}`);
    (exchange.noted ??= []).push({ what, value: v });
  }
  const failures = [...evaluate(a.expect, obs), ...captured.failures];
  if (failures.length === 0) return undefined;
  const hint = diagnose({ ...symptom, status: response.status, exception }, app.scan);
  // A request that went as expected but stored the wrong thing: point at the line that wrote it.
  const concern = exception || hint ? undefined : stateConcern(a.expect, obs);
  const state = concern ? stateWriteFinding(concern, await writesOf(record.sent.slice(-3), requestId), app.scan) : undefined;
  return {
    message: failures.join("; ") + "." + crashLine(exception),
    hint: hint ?? state?.hint,
    location: exception?.location ?? state?.location ?? (await answeringView(app, requestId, response.status)),
  };
}

/** Fields, and characters of a name or value, kept in the record when the page chose them (a hidden field may hold anything). */
const FORM_FIELDS = 20;
const FORM_VALUE_CHARS = 100;

/** A submitted form as recorded: the page's values are student text, made plain and cut. */
function pageForm(form: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!form) return undefined;
  const shown = (text: string) => {
    const plain = plainText(text);
    return plain.length > FORM_VALUE_CHARS ? `${plain.slice(0, FORM_VALUE_CHARS)}…` : plain;
  };
  // fromEntries defines keys: a field named __proto__ stays a field.
  return Object.fromEntries(Object.entries(form).slice(0, FORM_FIELDS).map(([k, v]) => [shown(k), shown(v)]));
}

/** Cookies and characters of a value kept per step: a trace shows the jar, a flood of cookies must not bloat every result. */
const JAR_COOKIES = 20;
const JAR_VALUE_CHARS = 300;

/** The jar as the trace shows it after a step (names and values are plain text already: Browser.cookies). */
function jarRecord(jar: readonly JarCookie[]): JarEntry[] {
  return jar.slice(0, JAR_COOKIES).map(({ name, value }) => ({
    name: name.slice(0, JAR_VALUE_CHARS),
    value: value.length > JAR_VALUE_CHARS ? `${value.slice(0, JAR_VALUE_CHARS)}…` : value,
  }));
}

/**
 * Where a failure no exception located is worth looking: the view function that answered the
 * request (none answered a 404 or 405: no route matched).
 */
async function answeringView(app: RunningApp, requestId: string, status: number): Promise<SourceLocation | undefined> {
  if (status === 404 || status === 405) return undefined;
  const view = await app.viewFor(requestId, 200);
  return view?.location ? { ...view.location, label: words.answeringViewLabel(view.function || view.endpoint) } : undefined;
}

/** What each of these requests' views wrote (the last one's report may still be on its way). */
function writesOf(sent: CheckRecord["sent"], last: string): Promise<RequestWrites[]> {
  return Promise.all(sent.map(async (r) => ({ what: r.what, writes: (await r.app.viewFor(r.id, r.id === last ? 200 : 0))?.writes })));
}

function crashLine(exception: AppException | undefined): string {
  if (!exception) return "";
  return words.crashLine(exception.summary, exception.location);
}

/** `{ alice: "mallory" }` over `{ user: "alice" }` → `{ user: "mallory" }`. */
function replacements(data: Record<string, unknown>, replace?: Record<string, unknown>): Record<string, unknown> {
  if (!replace) return {};
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === "string" && value in replace) changes[key] = replace[value];
  }
  return changes;
}

function noSessionToUse(browser: string, cookie: string): string {
  return words.noSessionToUse(browser, cookie);
}

export function describeStep(step: PlannedStep): string {
  const who = step.browser === "browser" ? "" : `${step.browser}: `;
  return who + describeAction(step.action);
}

/** A step's action in words, without the browser that does it. */
export function describeAction(a: Action): string {
  switch (a.kind) {
    case "request":
      return describeRequest(a.request);
    case "dropCookie":
      return words.forgetCookie(a.name);
    case "setCookie":
      return words.setCookieByHand(a.name, a.value);
    case "tamperSession": {
      const swaps = Object.entries(a.replace ?? {}).map(([from, to]) => `"${from}" → ${JSON.stringify(to)}`);
      const sets = Object.entries(a.set ?? {}).map(([key, to]) => `${key} = ${JSON.stringify(to)}`);
      const changes = [...swaps, ...sets];
      return words.tamperSession(changes);
    }
    case "forgeSession":
      return words.forgeSession(describeKey(a), a.from);
    case "guessKeys":
      return words.guessKeys(describeRequest(a.request), a.keys, a.from);
    case "restart":
      return words.RESTART;
    case "script":
      return words.runScript(basename(a.file));
    case "follow":
      return a.link !== undefined ? words.followLinkText(a.link) : words.followLinkAt(a.selector);
    case "submit": {
      const form = typeof a.form === "string" ? ` "${a.form}"` : typeof a.form === "number" ? ` number ${a.form}` : "";
      return words.submitForm(form, a.fields.map(fillWords));
    }
  }
}

/** One field a submit step fills, in words: `label "Username" = alice`. */
function fillWords(f: FieldFill): string {
  const value = typeof f.value === "string" ? f.value : f.value.f;
  const where =
    f.name !== undefined ? f.name : f.label !== undefined ? `label "${f.label}"` : f.type !== undefined ? `the ${f.type} field` : f.placeholder !== undefined ? `placeholder "${f.placeholder}"` : `field ${f.position}`;
  return `${where} = ${value}`;
}

export function describeRequest(r: PlannedRequest): string {
  const form = r.form ? ` with ${Object.entries(r.form).map(([k, v]) => `${k}=${v}`).join("&")}` : "";
  return `${r.method} ${r.path}${form}`;
}
