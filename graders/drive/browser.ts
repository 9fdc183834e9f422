/**
 * A simulated browser: one cookie jar, kept across its requests, and redirects followed (when
 * asked) the way a browser does, re-reading the jar on every hop.
 *
 * Requests go through node:http rather than supertest's agent, whose jar cannot be swapped and
 * which re-sends the previous hop's cookies on a redirect (see shared/notes/stack.md).
 */
import { Agent, request as httpRequest } from "node:http";
import { createRequire } from "node:module";
import { startDeadline } from "../deadline.js";
import type { PlannedRequest } from "../plan/plan.js";
import { visibleText } from "./pageText.js";
import { plainText } from "../verdict/studentText.js";
import { connectionFailed, noAnswerWithin } from "../words/steps.js";

// tough-cookie's CommonJS build, required: imported as ESM it makes Node scan the source of its
// public-suffix dependency (tldts, 200 kB, CommonJS) for exports, ~20 ms of every run's start.
const { CookieJar } = createRequire(import.meta.url)("tough-cookie") as typeof import("tough-cookie");

/** The jar is keyed on a loopback-style name so it works for TCP ports and Unix sockets alike. */
const ORIGIN = "http://student.localhost";
const MAX_HOPS = 10;

/** Where the app listens: a loopback port, or a Unix socket (then `baseUrl` only names the host). */
export interface Target {
  /** `http://127.0.0.1:PORT` */
  baseUrl: string;
  /** Absolute path of the app's Unix socket, when it listens on one. */
  socketPath?: string;
}

/** A planned request, with what only the moment of sending knows. */
export interface RequestSpec extends PlannedRequest {
  timeoutMs: number;
  /** Tags the request so the app's exception report can be matched to it. */
  requestId: string;
}

export interface Response {
  status: number;
  headers: Record<string, string>;
  location?: string;
  setCookies: string[];
  body: string;
  text: string;
  /** Cookie names sent with the (last hop of the) request. */
  sentCookies: string[];
  /** Path and query of the (last hop of the) request: the page's address, for its relative links. */
  path: string;
}

/** The request did not get an answer. `kind` tells a hang from a dead app. */
export class NoResponse extends Error {
  constructor(
    readonly kind: "timeout" | "connection",
    message: string,
  ) {
    super(message);
  }
}

export interface JarCookie {
  name: string;
  value: string;
}

export class Browser {
  private jar = new CookieJar();

  constructor(readonly name: string) {}

  async send(target: Target, spec: RequestSpec): Promise<Response> {
    let method = spec.method;
    let path = withQuery(spec.path, spec.query);
    let form = spec.form;
    for (let hop = 0; ; hop++) {
      const response = await this.once(target, { ...spec, method, path, form });
      if (!spec.followRedirects || !response.location || ![301, 302, 303, 307, 308].includes(response.status) || hop >= MAX_HOPS) {
        return response;
      }
      const next = new URL(response.location, `${ORIGIN}${path}`);
      if (next.origin !== ORIGIN && !["localhost", "127.0.0.1"].includes(next.hostname)) return response; // leaves the app
      path = next.pathname + next.search;
      if (response.status !== 307 && response.status !== 308) {
        method = "GET";
        form = undefined;
      }
    }
  }

  private async once(target: Target, spec: RequestSpec): Promise<Response> {
    const cookieHeader = await this.jar.getCookieString(ORIGIN + spec.path);
    const body = spec.form ? new URLSearchParams(spec.form).toString() : undefined;
    const headers: Record<string, string> = {
      "User-Agent": "flask-sessions-autograder",
      "X-Autograder-Request": spec.requestId,
      ...spec.headers,
    };
    if (cookieHeader) headers.Cookie = cookieHeader;
    if (body !== undefined) {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      headers["Content-Length"] = String(Buffer.byteLength(body));
    }
    const raw = await rawRequest(target, spec.path, spec.method, headers, body, spec.timeoutMs);
    for (const setCookie of raw.setCookies) {
      await this.jar.setCookie(setCookie, ORIGIN + spec.path, { ignoreError: true });
    }
    // The jar took the raw headers, as a browser would; what the grader reads and quotes is
    // student text, made plain (a header can carry C1 controls as latin-1 bytes).
    const received = Object.fromEntries(Object.entries(raw.headers).map(([k, v]) => [k, plainText(v)]));
    return {
      ...raw,
      headers: received,
      setCookies: raw.setCookies.map(plainText),
      location: received.location,
      text: plainText(visibleText(raw.body, raw.headers["content-type"])),
      sentCookies: cookieHeader ? cookieHeader.split("; ").map((c) => plainText(c.split("=")[0]!)) : [],
      path: spec.path,
    };
  }

  /** The cookies this browser would send to the app's root path. */
  async cookies(): Promise<JarCookie[]> {
    const cookies = await this.jar.getCookies(ORIGIN + "/");
    return cookies.map((c) => ({ name: plainText(c.key), value: plainText(c.value) }));
  }

  async cookie(name: string): Promise<string | undefined> {
    return (await this.cookies()).find((c) => c.name === name)?.value;
  }

  async setCookie(name: string, value: string, path = "/"): Promise<void> {
    await this.jar.setCookie(`${name}=${value}; Path=${path}`, ORIGIN + path);
  }

  /** The Cookie header this browser would send to `path` (custom checks, drive/scriptCheck.ts). */
  cookieHeaderSync(path: string): string {
    return this.jar.getCookieStringSync(ORIGIN + path);
  }

  /** Takes a response's Set-Cookie headers into the jar, as `send` does. */
  storeSetCookiesSync(setCookies: string[], path: string): void {
    for (const setCookie of setCookies) this.jar.setCookieSync(setCookie, ORIGIN + path, { ignoreError: true });
  }

  async dropCookie(name: string): Promise<boolean> {
    const all = await this.jar.getCookies(ORIGIN + "/", { allPaths: true });
    const matching = all.filter((c) => c.key === name);
    for (const c of matching) {
      await this.jar.store.removeCookie(c.domain ?? "", c.path ?? "/", c.key);
    }
    return matching.length > 0;
  }
}

function withQuery(path: string, query?: Record<string, string>): string {
  if (!query || Object.keys(query).length === 0) return path;
  return path + (path.includes("?") ? "&" : "?") + new URLSearchParams(query).toString();
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  setCookies: string[];
  body: string;
}

/** Pages larger than this are cut: a flooding app must not fill the grader's memory. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * One pool of kept-alive connections per running app (boot/keptAlive.py keeps them open): a submission's
 * requests go one after the other, and a new connection per request (and a thread in the app to
 * serve it) cost more than the request itself. Cookies travel in the headers, so browsers can
 * share a connection as they would share a server.
 */
const agents = new WeakMap<Target, Agent>();

function agentFor(target: Target): Agent {
  let agent = agents.get(target);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxFreeSockets: 2, scheduling: "lifo" });
    agents.set(target, agent);
  }
  return agent;
}

/**
 * A request over a kept-alive connection, or over a fresh one when the kept one turns out to be
 * closed (the app closed it while it was idle, or it came back unusable): then nothing of the
 * request reached the app's view, and the request is sent once more on a new connection.
 */
async function rawRequest(target: Target, path: string, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<RawResponse> {
  try {
    return await attempt(target, path, method, headers, body, timeoutMs, agentFor(target));
  } catch (err) {
    if (!(err instanceof StaleConnection)) throw err;
    return attempt(target, path, method, headers, body, timeoutMs, false);
  }
}

/** A kept-alive connection failed before any answer came: not the app's answer to this request. */
class StaleConnection extends Error {}

function attempt(target: Target, path: string, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number, agent: Agent | false): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, target.baseUrl);
    // servername "" spares the agent its question whether the host is an IP address: a TLS
    // setting plain HTTP never reads, whose large pattern compiles on the first real request.
    const options = { method, headers, agent, socketPath: target.socketPath, servername: "" };
    let answered = false;
    const req = httpRequest(url, options, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        if (size < MAX_BODY_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      res.on("end", () => {
        timer.cancel();
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (k !== "set-cookie" && v !== undefined) flat[k] = Array.isArray(v) ? v.join(", ") : v;
        resolve({
          status: res.statusCode ?? 0,
          headers: flat,
          setCookies: res.headers["set-cookie"] ?? [],
          body: Buffer.concat(chunks).toString("utf8").slice(0, MAX_BODY_BYTES),
        });
      });
      res.on("error", fail);
    });
    // The grader's own stalls do not count, and an answer that arrived during one is read first.
    const timer = startDeadline(timeoutMs, () => {
      req.destroy(new NoResponse("timeout", noAnswerWithin(timeoutMs / 1000)));
    });
    function fail(err: Error): void {
      timer.cancel();
      if (req.reusedSocket && !answered && !(err instanceof NoResponse)) reject(new StaleConnection(err.message));
      else reject(err instanceof NoResponse ? err : new NoResponse("connection", connectionFailed(String((err as NodeJS.ErrnoException).code ?? err.message))));
    }
    req.on("error", fail);
    req.end(body);
  });
}
