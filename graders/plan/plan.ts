/**
 * Planning: the spec as written becomes a list of checks with every default applied and every
 * shorthand expanded, so that driving never has to guess. Also decides which checks are skipped
 * because a check they need did not pass (check50's dependency rule).
 */
import type { Capture, Check, Expectations, FieldFill, Request, SetupStep, Spec, StateScope, Step } from "../spec/types.js";
import { entryNames } from "../boot/entryForm.js";
import { DEFAULT_STATE_SCOPE } from "../boot/appState.js";
import { DEFAULT_SETUP_SECONDS } from "../boot/setupSteps.js";

export const DEFAULT_BROWSER = "browser";
export const DEFAULT_LIMITS = { bootSeconds: 10, requestSeconds: 5 } as const;

export interface PlannedRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  followRedirects: boolean;
}

/** One step with its action made explicit. */
export type Action =
  | { kind: "request"; request: PlannedRequest; expect?: Expectations; capture?: Record<string, Capture> }
  | { kind: "dropCookie"; name: string }
  | { kind: "setCookie"; name: string; value: string; path: string }
  | { kind: "tamperSession"; set?: Record<string, unknown>; replace?: Record<string, unknown> }
  | { kind: "forgeSession"; key?: string; keyHex?: string; from?: string; data?: Record<string, unknown> }
  | { kind: "guessKeys"; keys: string[]; from?: string; data?: Record<string, unknown>; request: PlannedRequest; expect?: Expectations }
  | { kind: "restart" }
  | { kind: "script"; file: string }
  | Navigation;

/** A step that acts on the browser's current page: it becomes a request the page decides (drive/navigate.ts). */
export type Navigation =
  | { kind: "follow"; link?: string; selector?: string; followRedirects: boolean; expect?: Expectations; capture?: Record<string, Capture> }
  | { kind: "submit"; form?: string | number; fields: FieldFill[]; button?: string; followRedirects: boolean; expect?: Expectations; capture?: Record<string, Capture> };

export interface PlannedStep {
  browser: string;
  action: Action;
}

export interface PlannedCheck {
  id: string;
  title: string;
  maxPoints: number;
  advisory: boolean;
  visibility: "visible" | "hidden" | "after-due-date" | "after-published";
  needs: string[];
  hint?: string;
  /** This check's own setup steps (see boot/setupSteps.ts): the app starts again for it. */
  setup: SetupStep[];
  steps: PlannedStep[];
}

export interface Plan {
  exercise: string;
  title: string;
  /** Accepted entries, in order (see boot/entryForm.ts): the first present in a submission is used. */
  entries: string[];
  /** Python packages the exercise allows (see boot/allowedPackages.ts). */
  packages: string[];
  sessionCookie: string;
  bootSeconds: number;
  requestSeconds: number;
  /** Setup steps run before the app boots (see boot/setupSteps.ts), and each one's time limit. */
  setup: SetupStep[];
  setupSeconds: number;
  /** When the app's files start afresh (see boot/appState.ts). */
  state: StateScope;
  checks: PlannedCheck[];
}

export function plan(spec: Spec): Plan {
  return {
    exercise: spec.id,
    title: spec.title,
    entries: entryNames(spec.entry),
    packages: spec.packages ?? [],
    sessionCookie: spec.sessionCookie ?? "session",
    bootSeconds: spec.limits?.bootSeconds ?? DEFAULT_LIMITS.bootSeconds,
    requestSeconds: spec.limits?.requestSeconds ?? DEFAULT_LIMITS.requestSeconds,
    setup: spec.setup ?? [],
    setupSeconds: spec.limits?.setupSeconds ?? DEFAULT_SETUP_SECONDS,
    state: spec.state ?? DEFAULT_STATE_SCOPE,
    checks: (spec.checks ?? []).map(planCheck),
  };
}

function planCheck(check: Check): PlannedCheck {
  const advisory = check.advisory ?? false;
  return {
    id: check.id,
    title: check.title,
    maxPoints: advisory ? 0 : (check.points ?? 1),
    advisory,
    visibility: check.visibility ?? "visible",
    needs: check.needs ?? [],
    hint: check.hint,
    setup: check.setup ?? [],
    steps: check.steps.map(planStep),
  };
}

function planStep(step: Step): PlannedStep {
  return { browser: step.browser ?? DEFAULT_BROWSER, action: actionOf(step) };
}

function actionOf(step: Step): Action {
  if (step.request !== undefined) return { kind: "request", request: plannedRequest(step.request), expect: step.expect, capture: step.capture };
  if (step.dropCookie !== undefined) return { kind: "dropCookie", name: step.dropCookie };
  if (step.setCookie) return { kind: "setCookie", name: step.setCookie.name, value: step.setCookie.value, path: step.setCookie.path ?? "/" };
  if (step.tamperSession) return { kind: "tamperSession", set: step.tamperSession.set, replace: step.tamperSession.replace };
  if (step.forgeSession) return { kind: "forgeSession", ...step.forgeSession };
  if (step.guessKeys) {
    const { keys, from, data, request } = step.guessKeys;
    return { kind: "guessKeys", keys, from, data, request: plannedRequest(request), expect: step.expect };
  }
  if (step.restart) return { kind: "restart" };
  if (step.script !== undefined) return { kind: "script", file: step.script };
  if (step.follow) {
    const { link, selector, followRedirects } = step.follow;
    return { kind: "follow", link, selector, followRedirects: followRedirects ?? false, expect: step.expect, capture: step.capture };
  }
  if (step.submit) {
    const { form, fields, button, followRedirects } = step.submit;
    return { kind: "submit", form, fields: fields ?? [], button, followRedirects: followRedirects ?? false, expect: step.expect, capture: step.capture };
  }
  // The loader's rules reject such a step; reaching here is a grader bug.
  throw new Error(`a step without an action: ${JSON.stringify(step)}`);
}

function plannedRequest(request: Request | string): PlannedRequest {
  const r: Request = typeof request === "string" ? (parseShorthand(request) as Request) : request;
  return {
    method: (r.method ?? "GET").toUpperCase(),
    path: r.path,
    query: r.query,
    form: r.form,
    headers: r.headers,
    followRedirects: r.followRedirects ?? false,
  };
}

/** `"POST /login"` → method and path. */
export function parseShorthand(text: string): { method: string; path: string } {
  const [method, path] = text.trim().split(/\s+/, 2);
  return path ? { method, path } : { method: "GET", path: method };
}

/** The title of the first needed check that did not pass, if any: this check is then skipped. */
export function blockingNeed(check: PlannedCheck, statusById: Map<string, string>, titleById: Map<string, string>): string | undefined {
  const blocked = check.needs.find((id) => statusById.get(id) !== "pass");
  return blocked === undefined ? undefined : (titleById.get(blocked) ?? blocked);
}
