/**
 * graders/drive: the simulated browser against a real Flask app (cookies, redirects, time
 * limits), and the page-text helpers that numbers and text expectations rest on.
 */
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { RunningApp } from "../graders/boot/handshake.js";
import { launch } from "../graders/boot/launch.js";
import { findPython } from "../graders/boot/python.js";
import { Browser, NoResponse, type RequestSpec, type Response } from "../graders/drive/browser.js";
import { loosen, showsNumber, visibleText, wholeNumbers } from "../graders/drive/pageText.js";
import { processesLeft, removeTempApps, tempApp } from "./support/tempApps.js";

const APP = `
  import time
  from datetime import datetime, timezone
  from flask import Flask, make_response, redirect, request, session

  app = Flask(__name__)
  app.secret_key = "browser-test-key"

  @app.get("/count")
  def count():
      session["n"] = session.get("n", 0) + 1
      return f"<h1>Count</h1><p>Visits: {session['n']}.</p>"

  @app.get("/two-cookies")
  def two_cookies():
      response = make_response("two cookies")
      response.set_cookie("theme", "dark", expires=datetime(2099, 1, 1, tzinfo=timezone.utc))
      response.set_cookie("lang", "en")
      return response

  @app.post("/login")
  def login():
      session["user"] = request.form["user"]
      return redirect("/whoami")

  @app.get("/whoami")
  def whoami():
      return "user=" + session.get("user", "nobody")

  @app.get("/logout")
  def logout():
      session.clear()
      return redirect("/echo")

  @app.get("/echo")
  def echo():
      return "cookies:" + ",".join(f"{k}={v}" for k, v in sorted(request.cookies.items()))

  @app.get("/admin/echo")
  def admin_echo():
      return echo()

  @app.get("/loop")
  def loop():
      return redirect("/loop")

  @app.get("/slow")
  def slow():
      time.sleep(5)
      return "too late"

  @app.get("/page")
  def page():
      return """<!doctype html><html><head><title>Title 7</title><style>p { color: red }</style></head>
        <body><script>if (1 < 2) { document.write("9") }</script>
        <h1>Tom &amp; Jerry</h1><!-- 42 --><p>&lt;3 &#39;quoted&#39; &#x41;&nbsp;B</p></body></html>"""
`;

let app: RunningApp;
let dir: string;

beforeAll(async () => {
  dir = tempApp(APP);
  const outcome = await launch({ python: findPython(), dir, entry: "app.py", bootSeconds: 10 });
  if ("problem" in outcome) throw new Error(outcome.problem.message);
  app = outcome.app;
});

afterAll(async () => {
  await app?.stop();
  const left = await processesLeft([dir]);
  removeTempApps();
  expect(left).toEqual([]);
});

let counter = 0;
function send(browser: Browser, method: string, path: string, extra: Partial<RequestSpec> = {}): Promise<Response> {
  return browser.send(app.target, { method, path, followRedirects: false, timeoutMs: 5000, requestId: `b${++counter}`, ...extra });
}

describe("cookies", () => {
  test("one browser keeps its cookies across requests; a second browser has its own", async () => {
    const first = new Browser("first");
    const second = new Browser("second");
    expect((await send(first, "GET", "/count")).text).toBe("Count Visits: 1.");
    const again = await send(first, "GET", "/count");
    expect(again.text).toBe("Count Visits: 2.");
    expect(again.sentCookies).toEqual(["session"]);
    const other = await send(second, "GET", "/count");
    expect(other.sentCookies).toEqual([]);
    expect(other.text).toBe("Count Visits: 1.");
    expect((await send(first, "GET", "/count")).text).toBe("Count Visits: 3.");
  });

  test("each Set-Cookie header is read on its own, so an Expires date with a comma stays intact", async () => {
    const browser = new Browser("b");
    const res = await send(browser, "GET", "/two-cookies");
    expect(res.setCookies).toHaveLength(2);
    expect(res.setCookies[0]).toBe("theme=dark; Expires=Thu, 01 Jan 2099 00:00:00 GMT; Path=/");
    expect(res.setCookies[1]).toBe("lang=en; Path=/");
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(await browser.cookies()).toEqual(
      expect.arrayContaining([
        { name: "theme", value: "dark" },
        { name: "lang", value: "en" },
      ]),
    );
  });

  test("dropCookie forgets a cookie, setCookie puts one in by hand (for its path only)", async () => {
    const browser = new Browser("b");
    await send(browser, "POST", "/login", { form: { user: "alice" } });
    expect(await browser.cookie("session")).toBeDefined();
    expect(await browser.dropCookie("session")).toBe(true);
    expect(await browser.dropCookie("never-set")).toBe(false);
    expect(await browser.cookie("session")).toBeUndefined();
    expect((await send(browser, "GET", "/whoami")).text).toBe("user=nobody");

    await browser.setCookie("theme", "light");
    await browser.setCookie("area", "admin", "/admin");
    expect((await send(browser, "GET", "/echo")).text).toBe("cookies:theme=light");
    expect((await send(browser, "GET", "/admin/echo")).text).toBe("cookies:area=admin,theme=light");
    expect(await browser.dropCookie("area")).toBe(true); // also cookies of other paths
    expect((await send(browser, "GET", "/admin/echo")).text).toBe("cookies:theme=light");
  });
});

describe("redirects", () => {
  test("are not followed unless asked", async () => {
    const browser = new Browser("b");
    const res = await send(browser, "POST", "/login", { form: { user: "alice" } });
    expect(res.status).toBe(302);
    expect(res.location).toBe("/whoami");
    expect(await browser.cookie("session")).toBeDefined();
  });

  test("when followed, each hop is a GET that carries the cookies the previous hop set", async () => {
    const browser = new Browser("b");
    const res = await send(browser, "POST", "/login", { form: { user: "alice" }, followRedirects: true });
    expect(res.status).toBe(200); // /whoami only takes GET: a re-sent POST would be a 405
    expect(res.text).toBe("user=alice");
    expect(res.sentCookies).toEqual(["session"]);
  });

  test("a logout that clears the session and redirects: the next hop does not carry the old session", async () => {
    const browser = new Browser("b");
    await send(browser, "POST", "/login", { form: { user: "alice" } });
    await browser.setCookie("theme", "dark");
    const res = await send(browser, "GET", "/logout", { followRedirects: true });
    expect(res.status).toBe(200);
    expect(res.sentCookies).toEqual(["theme"]);
    expect(res.text).toBe("cookies:theme=dark");
    expect(await browser.cookie("session")).toBeUndefined();
  });

  test("an endless redirect loop stops with the last redirect", async () => {
    const res = await send(new Browser("b"), "GET", "/loop", { followRedirects: true });
    expect(res.status).toBe(302);
    expect(res.location).toBe("/loop");
  });
});

describe("no answer", () => {
  test("a view that sleeps longer than the time limit is a NoResponse of kind timeout", async () => {
    const err = await send(new Browser("b"), "GET", "/slow", { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoResponse);
    expect((err as NoResponse).kind).toBe("timeout");
    expect((err as NoResponse).message).toContain("1 s");
  });

  test("nothing listening is a NoResponse of kind connection", async () => {
    const server = createServer();
    const port = await new Promise<number>((r) => server.listen(0, "127.0.0.1", () => r((server.address() as { port: number }).port)));
    await new Promise((r) => server.close(r));
    const err = await new Browser("b")
      .send({ baseUrl: `http://127.0.0.1:${port}` }, { method: "GET", path: "/", followRedirects: false, timeoutMs: 5000, requestId: "x" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoResponse);
    expect((err as NoResponse).kind).toBe("connection");
  });
});

describe("page text", () => {
  test("a real page's visible text: no tags, script, style or head; entities decoded", async () => {
    const res = await send(new Browser("b"), "GET", "/page");
    expect(res.text).toBe("Tom & Jerry <3 'quoted' A B");
    expect(wholeNumbers(res.text)).toEqual([3]);
  });

  test("visibleText by itself", () => {
    expect(visibleText("<p>a<br>b</p>")).toBe("a b");
    expect(visibleText("<SCRIPT type=x>alert(1)</script><STYLE>h1{}</STYLE>ok")).toBe("ok");
    expect(visibleText("&amp;lt; is &lt; &#60; &#x3C; &unknown; &copy")).toBe("&lt; is < < < &unknown; &copy");
    expect(visibleText("  lots \n\n of   space ")).toBe("lots of space");
  });

  test("whole numbers: <h1> is not 1, 12 has no 2, 2.5 has no 2, 'Visits: 2.' has 2", () => {
    expect(showsNumber(visibleText("<h1>Visits</h1>"), 1)).toBe(false);
    expect(showsNumber("12", 2)).toBe(false);
    expect(showsNumber("12", 12)).toBe(true);
    expect(showsNumber("2.5", 2)).toBe(false);
    expect(showsNumber("2.5", 5)).toBe(false);
    expect(showsNumber("Visits: 2.", 2)).toBe(true);
    expect(showsNumber("Visits: 2, then 3", 2)).toBe(true);
    expect(showsNumber("1,000", 1)).toBe(false);
    expect(wholeNumbers("Visits: 2. Best: 10 (was 9.5)")).toEqual([2, 10]);
  });

  test("loosen ignores case, punctuation and runs of spaces", () => {
    expect(loosen("Hello,   ALICE!")).toBe("hello alice");
  });
});
