/**
 * Custom checks in code (a step `script: checks/cart.ts`), in the spirit of check50's Python
 * checks. The module's default export gets supertest requests bound to the running app (over its
 * Unix socket or port) that carry the check's browsers' cookies (the harness's tough-cookie jars,
 * read before and written after each request), the harness's session decoder and request time
 * limit, and says pass or fail; its result becomes a step result like any YAML step's, so every
 * reporter shows it the same way.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import supertest from "supertest";
import { GraderError } from "../errors.js";
import { packageFile } from "../paths.js";
import { plainText } from "../verdict/studentText.js";
import type { AppControl } from "./runCheck.js";
import type { Browser, Target } from "./browser.js";
import { decodeSession } from "./sessionCookie.js";
import { CUSTOM_CHECK_FAILED } from "../words/steps.js";

/** What a custom check's function receives. */
export interface CheckTools {
  /**
   * Requests as `browser` (default "browser"): `await t.request().get("/cart").expect(200)`.
   * Each carries that browser's cookies and stores the cookies the app sets; redirects are not followed.
   */
  request(browser?: string): Requester;
  /** The Flask session in that browser's jar, decoded without the key (null: none). */
  session(browser?: string): Record<string, unknown> | null;
  /** The request time limit, in seconds (already applied to every request). */
  requestSeconds: number;
}

export type Requester = Record<"get" | "post" | "put" | "patch" | "delete" | "head", (path: string) => supertest.Test>;

/** What a custom check reports; returning nothing means it passed. */
export interface CheckReport {
  passed: boolean;
  /** What went wrong, in words a student can act on. */
  message?: string;
  hint?: string;
}

export type CustomCheck = (tools: CheckTools) => Promise<CheckReport | void> | CheckReport | void;

/** Errors that mean the check's own code is broken (the instructor's bug, not the student's). */
const CODE_ERRORS = [TypeError, ReferenceError, SyntaxError, RangeError];

export async function runScript(
  file: string,
  browser: (name: string) => Browser,
  control: AppControl,
): Promise<{ message: string; hint?: string } | undefined> {
  const check = await load(file);
  const target = control.current().target;
  const tools: CheckTools = {
    request: (name = "browser") => requester(target, browser(name), control.requestSeconds),
    session: (name = "browser") => {
      const value = cookieValue(browser(name), control.sessionCookie);
      return value ? (decodeSession(value)?.data ?? null) : null;
    },
    requestSeconds: control.requestSeconds,
  };
  let report: CheckReport | void;
  try {
    report = await check(tools);
  } catch (error) {
    if (CODE_ERRORS.some((type) => error instanceof type)) throw new GraderError(`the custom check ${file} failed: ${(error as Error).message}`);
    // A hang or a dropped connection may leave the app stuck: the next check gets a fresh one.
    const { code, timeout } = error as { code?: string; timeout?: number };
    if (timeout !== undefined || (code && /^(ECONN|EPIPE|ETIMEDOUT)/.test(code))) control.taint();
    // supertest's .expect(...) and assertions throw: the app did not do what the check wants.
    return { message: plainText((error as Error).message ?? String(error)) };
  }
  if (!report || report.passed) return undefined;
  // The message may quote the app's answers: student text, made plain like any other.
  return { message: plainText(report.message ?? CUSTOM_CHECK_FAILED), hint: report.hint === undefined ? undefined : plainText(report.hint) };
}

function cookieValue(me: Browser, name: string): string | undefined {
  const pair = me.cookieHeaderSync("/").split("; ").find((c) => c.startsWith(`${name}=`));
  return pair?.slice(name.length + 1);
}

function requester(target: Target, me: Browser, seconds: number): Requester {
  // superagent reaches a Unix socket through an http+unix:// URL with the path percent-encoded.
  const base = target.socketPath ? `http+unix://${target.socketPath.replaceAll("/", "%2F")}` : target.baseUrl;
  const agent = supertest(base);
  const send = (method: keyof Requester) => (path: string) => {
    const test = agent[method](path).timeout(seconds * 1000).set("User-Agent", "flask-sessions-autograder");
    const cookies = me.cookieHeaderSync(path);
    if (cookies) test.set("Cookie", cookies);
    test.on("response", (response: { headers: Record<string, string | string[] | undefined> }) => {
      const setCookies = response.headers["set-cookie"];
      me.storeSetCookiesSync(setCookies === undefined ? [] : [setCookies].flat(), path);
    });
    return test;
  };
  return { get: send("get"), post: send("post"), put: send("put"), patch: send("patch"), delete: send("delete"), head: send("head") };
}

const loaded = new Map<string, CustomCheck>();

/**
 * A .ts file is transpiled (types stripped, not checked) into the package's own folder, so that
 * the packages it imports (supertest, ...) resolve to the grader's; .js and .mjs load as they are.
 */
async function load(file: string): Promise<CustomCheck> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new GraderError(`cannot read the custom check ${file} (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  const key = createHash("sha256").update(file).update("\0").update(text).digest("hex").slice(0, 16);
  const cached = loaded.get(key);
  if (cached) return cached;
  let url = pathToFileURL(file).href;
  if (/\.m?ts$/.test(file)) {
    const { default: ts } = await import("typescript");
    const { outputText } = ts.transpileModule(text, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, isolatedModules: true },
    });
    const dir = packageFile("dist/.custom-checks");
    mkdirSync(dir, { recursive: true });
    const out = join(dir, `${key}.mjs`);
    writeFileSync(out, outputText);
    url = pathToFileURL(out).href;
  }
  const module = (await import(url)) as { default?: unknown };
  if (typeof module.default !== "function") throw new GraderError(`the custom check ${file} has no default export function`);
  loaded.set(key, module.default as CustomCheck);
  return module.default as CustomCheck;
}
