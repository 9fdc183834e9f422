/**
 * The browsers' code run once on made-up input while the first app boots, so that the first
 * check does not pay for their set-up: tough-cookie builds its public-suffix tables on first use
 * (~10 ms); the page-text parser, the pattern that finds the page's numbers and the jar's paths
 * are compiled on first call, node:http's client on its first request (drive/warmRequest.ts),
 * and the session cookie's HMAC and zlib on first use. Nothing of it is kept; it is what the
 * first real request would do anyway, done while the grader waits for Python. Once per process.
 */
import { Browser } from "./browser.js";
import { visibleText, wholeNumbers } from "./pageText.js";
import { decodeSession, signSession } from "./sessionCookie.js";
import { warmRequest } from "./warmRequest.js";

let warmed: Promise<void> | undefined;

export function warmUpBrowsers(): Promise<void> {
  return (warmed ??= (async () => {
    const browser = new Browser("warm-up");
    await browser.setCookie("session", "eyJ2aXNpdHMiOjF9.Z2FtZQ.c2lnbmF0dXJl");
    await browser.cookies();
    browser.cookieHeaderSync("/");
    browser.storeSetCookiesSync(["theme=dark; Path=/; HttpOnly; SameSite=Lax"], "/");
    // Twice: V8 compiles a pattern to bytecode on its first match and to machine code on its second.
    for (let i = 0; i < 2; i++) wholeNumbers(visibleText("<!doctype html><title>Warm-up</title><h1>Visits</h1><p>Visits: 1</p>", "text/html; charset=utf-8"));
    decodeSession(signSession({ visits: 1, user: "warm-up" }, "warm-up key"));
    await warmRequest().catch(() => undefined);
  })().catch(() => undefined));
}
