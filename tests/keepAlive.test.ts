/**
 * Kept-alive connections (runner.py's request handler, drive/browser.ts's pool per app): a
 * submission's requests share a connection, and whatever an app does to a response or leaves of
 * a request never spills into the next request's answer.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { RunningApp } from "../graders/boot/handshake.js";
import { launch } from "../graders/boot/launch.js";
import { findPython } from "../graders/boot/python.js";
import { Browser, type RequestSpec, type Response } from "../graders/drive/browser.js";
import { removeTempApps, tempApp } from "./support/tempApps.js";

const APP = `
  from flask import Flask, Response, request

  app = Flask(__name__)
  seen = []  # the connections' sockets, kept so that no id is reused

  def connections():
      sock = request.environ["werkzeug.socket"]
      if not any(s is sock for s in seen):
          seen.append(sock)
      return len(seen)

  @app.get("/connections")
  def count():
      return f"connections: {connections()}"

  @app.post("/ignore-body")
  def ignore_body():
      connections()
      return "not read"

  @app.post("/echo")
  def echo():
      return "got " + request.form.get("word", "")

  @app.get("/short-length")
  def short_length():
      response = Response("0123456789")
      response.headers["Content-Length"] = "4"
      return response

  @app.get("/closing")
  def closing():
      response = Response("bye")
      response.headers["Connection"] = "close"
      return response

  @app.get("/stream")
  def stream():
      def parts():
          yield "a"
          yield "b"
      return Response(parts())
`;

let app: RunningApp;

beforeAll(async () => {
  const dir = tempApp(APP);
  const outcome = await launch({ python: findPython(), dir, entry: "app.py", bootSeconds: 10 });
  if ("problem" in outcome) throw new Error(outcome.problem.message);
  app = outcome.app;
});

afterAll(async () => {
  await app?.stop();
  removeTempApps();
});

let counter = 0;
function send(browser: Browser, method: string, path: string, extra: Partial<RequestSpec> = {}): Promise<Response> {
  return browser.send(app.target, { method, path, followRedirects: false, timeoutMs: 5000, requestId: `k${++counter}`, ...extra });
}

const connections = async (browser: Browser) => Number((await send(browser, "GET", "/connections")).text.split(": ")[1]);

describe("kept-alive connections", () => {
  test("one app's requests share a connection, whichever browser sends them", async () => {
    const first = await connections(new Browser("a"));
    for (let i = 0; i < 4; i++) expect(await connections(new Browser(`b${i}`))).toBe(first);
  });

  test("a request body the view did not read does not spill into the next request", async () => {
    const browser = new Browser("b");
    const before = await connections(browser);
    expect((await send(browser, "POST", "/ignore-body", { form: { word: "x".repeat(5000) } })).body).toBe("not read");
    expect((await send(browser, "POST", "/echo", { form: { word: "next" } })).body).toBe("got next");
    expect(await connections(browser)).toBe(before);
  });

  test("a body longer than the app's Content-Length is cut there, and the next answer is intact", async () => {
    const browser = new Browser("b");
    const res = await send(browser, "GET", "/short-length");
    expect(res.body).toBe("0123");
    expect((await send(browser, "POST", "/echo", { form: { word: "after" } })).body).toBe("got after");
  });

  test("an app that closes the connection: the next request gets a new one", async () => {
    const browser = new Browser("b");
    expect((await send(browser, "GET", "/closing")).body).toBe("bye");
    expect((await send(browser, "POST", "/echo", { form: { word: "again" } })).body).toBe("got again");
  });

  test("a streamed answer (chunked) ends where it should, and the connection goes on", async () => {
    const browser = new Browser("b");
    const before = await connections(browser);
    const res = await send(browser, "GET", "/stream");
    expect(res.headers["transfer-encoding"]).toBe("chunked");
    expect(res.body).toBe("ab");
    expect(await connections(browser)).toBe(before);
  });
});
