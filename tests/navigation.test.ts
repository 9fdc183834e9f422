/**
 * Issue 11 item 8: navigation like a user. A course where students choose their own route and
 * field names is graded through `follow` and `submit` only: the spec knows `/` and what a user
 * reads (a "Log in" link, a field labelled Username, a password field, a "Log out" link). Two
 * look-alike apps with different names pass it; known-wrong apps fail the intended check with
 * words a student can act on. Real Flask apps over real HTTP; the page logic (navigate.ts) is
 * also tested on its own, on pages written here.
 */
import { describe, expect, test } from "@jest/globals";
import { grade } from "../graders/grade.js";
import { loadSpecText } from "../graders/spec/load.js";
import { SpecError } from "../graders/errors.js";
import { resolveNavigation, type Page } from "../graders/drive/navigate.js";
import type { Navigation } from "../graders/plan/plan.js";
import { checkFeedback } from "../graders/report/feedback.js";
import { traceHtml } from "../graders/report/trace.js";
import type { Result } from "../graders/verdict/types.js";
import { watchedApps } from "./support/warmApps.js";

const SPEC = `
id: own-names-login
title: A login whose routes and fields the student named
limits: { bootSeconds: 20, requestSeconds: 10 }
checks:
  - id: login-page
    title: The home page links to the login page
    hint: Put a link "Log in" on the home page, leading to your login form.
    steps:
      - request: GET /
        expect: { status: 200 }
      - follow: { link: Log in }
        expect: { status: 200 }
  - id: logs-in
    title: Signing in with the form greets the user by name
    needs: [login-page]
    hint: The login form sends the name and password to a route of yours that saves the name in the session.
    steps:
      - request: GET /
      - follow: { link: Log in }
      - submit:
          fields:
            - { label: Username, value: alice }
            - { type: password, value: wonderland }
          followRedirects: true
        expect:
          status: 200
          text: { contains: alice }
          session: { anyValue: alice }
  - id: logs-out
    title: The "Log out" link ends the session
    needs: [logs-in]
    hint: Once logged in, every page should have a link "Log out" to a route that forgets the user.
    steps:
      - request: GET /
      - follow: { link: Log in }
      - submit:
          fields:
            - { label: Username, value: alice }
            - { type: password, value: wonderland }
          followRedirects: true
        capture:
          name: { regex: "(alice)" }
      - follow: { link: Log out, followRedirects: true }
        expect:
          text: { notContains: { f: "{name}" } }
          session: { present: false }
`;

const spec = loadSpecText(SPEC, "own-names-login.yaml");

// Student A: /signin with fields who and secret, a hidden token it insists on, "Log out" → /bye.
const APP_A = `
  from flask import Flask, abort, redirect, request, session, url_for
  app = Flask(__name__)
  app.secret_key = "student-a"

  @app.route("/")
  def home():
      if "who" in session:
          return f'<nav><a href="/">Home</a> <a class="out" href="/bye">Log out</a></nav><p>Hello {session["who"]}</p>'
      return '<nav><a href="/">Home</a> <a href="/signin">Log in</a></nav><p>Not signed in.</p>'

  @app.route("/signin", methods=["GET", "POST"])
  def signin():
      if request.method == "POST":
          if request.form.get("token") != "t0k3n" or request.form.get("go") != "yes":
              abort(400)
          if not request.form.get("secret"):
              return "No password", 403
          session["who"] = request.form["who"]
          return redirect(url_for("home"))
      return """<form method="post">
        <input type="hidden" name="token" value="t0k3n">
        <label for="w">Username</label> <input id="w" name="who">
        <label>Password <input type="password" name="secret"></label>
        <button name="go" value="yes">Sign in</button>
      </form>"""

  @app.route("/bye")
  def bye():
      session.pop("who", None)
      return redirect("/")
`;

// Student B: other names everywhere, relative URLs, a search form before the login form.
const APP_B = `
  from flask import Flask, redirect, request, session
  app = Flask(__name__)
  app.secret_key = "student-b"
  SEARCH = '<form action="/search"><input name="q" placeholder="Search"></form>'

  @app.route("/")
  def index():
      return SEARCH + '<a href="account/enter">Log in</a> <p>Welcome, guest</p>'

  @app.route("/account/enter")
  def enter():
      return SEARCH + """<form method="POST" action="check">
        <p><label for="u">Username:</label><input id="u" name="u" type="text"></p>
        <p><input name="pw" type="password" aria-label="Password"></p>
        <input type="submit" value="Enter">
      </form>"""

  @app.route("/account/check", methods=["POST"])
  def check():
      session["user"] = request.form["u"]
      return redirect("/account/home")

  @app.route("/account/home")
  def account_home():
      return f'<p>Welcome back, {session.get("user")}</p><a href="bye-bye">Log out</a>'

  @app.route("/account/bye-bye")
  def bye():
      session.clear()
      return redirect("/")
`;

const { app } = watchedApps();

function statuses(result: Result): Record<string, string> {
  return Object.fromEntries(result.checks.map((c) => [c.id, c.status]));
}

describe("two students' apps with their own names pass the same spec", () => {
  test.each([["A (/signin, who, secret, /bye)", APP_A], ["B (relative URLs, a search form first)", APP_B]])("student %s", async (_name, source) => {
    const result = await grade(spec, app(source));
    expect(result.checks.map((c) => [c.id, c.status, c.status === "pass" ? "" : c.message])).toEqual([
      ["login-page", "pass", ""],
      ["logs-in", "pass", ""],
      ["logs-out", "pass", ""],
    ]);
    expect(result.score).toBe(result.maxScore);
  });
});

test("a hidden field reaches the app unchanged, and is recorded plain and cut", async () => {
  const hostile = APP_A.replace('value="t0k3n"', 'value="{TOKEN}"')
    .replace('return """<form method="post">', 'return f"""<form method="post">')
    .replace('request.form.get("token") != "t0k3n"', 'request.form.get("token") != TOKEN')
    .replace('app.secret_key = "student-a"', 'app.secret_key = "student-a"\n  TOKEN = "\\x1b[31m" + "x" * 5000');
  const result = await grade(spec, app(hostile));
  expect(statuses(result)).toEqual({ "login-page": "pass", "logs-in": "pass", "logs-out": "pass" });
  const token = result.checks[1]!.exchanges[2]!.request.form!.token!;
  expect(token).toBe(`[31m${"x".repeat(96)}…`);
});

describe("known-wrong apps fail the intended check with words a student can act on", () => {
  test("no password field: logs-in fails naming what the form has", async () => {
    const result = await grade(spec, app(APP_A.replace('type="password" name="secret"', 'type="text" name="secret"')));
    expect(statuses(result)).toEqual({ "login-page": "pass", "logs-in": "fail", "logs-out": "skip" });
    const failed = result.checks[1]!;
    expect(failed.message).toMatch(/^Step 3 of 3 \(submit the form \(label "Username" = alice, the password field = wonderland\)\): /);
    expect(failed.message).toMatch(/the form has no field of type "password"/);
    expect(failed.message).toMatch(/Its fields: "who" \(text, label "Username"\), "secret" \(text, label "Password"\)/);
    expect(failed.hint).toMatch(/label/);
    // The steps list shows the step that could not be done, after the two that were.
    const feedback = checkFeedback(failed);
    expect(feedback).toMatch(/2\. follow the link "Log in": GET \/signin/);
    expect(feedback).toMatch(/3\. submit the form \(label "Username" = alice, the password field = wonderland\)$/m);
  });

  test("the form posts to a route that does not exist: logs-in fails on the 404", async () => {
    const result = await grade(spec, app(APP_A.replace('<form method="post">', '<form method="post" action="/sign-in">')));
    expect(statuses(result)).toEqual({ "login-page": "pass", "logs-in": "fail", "logs-out": "skip" });
    const failed = result.checks[1]!;
    expect(failed.message).toMatch(/404/);
    const feedback = checkFeedback(failed);
    expect(feedback).toMatch(/3\. submit the form: POST \/sign-in with token=t0k3n, who=alice, secret=wonderland, go=yes\n/);
    // The student's form chose the address: the hint says so, rather than "add a route /sign-in".
    expect(failed.hint).toMatch(/Your page's form sends to \/sign-in \(its action=\), but no route of your app answers there \(the routes your app has: \/, \/signin, \/bye\)/);
  });

  test("no logout link: logs-out fails listing the links the page has", async () => {
    const result = await grade(spec, app(APP_A.replace('<a class="out" href="/bye">Log out</a>', "")));
    expect(statuses(result)).toEqual({ "login-page": "pass", "logs-in": "pass", "logs-out": "fail" });
    const failed = result.checks[2]!;
    expect(failed.message).toMatch(/^Step 4 of 4 \(follow the link "Log out"\): the page "\/" has no link whose text is "Log out"\. Its links: "Home" → "\/"\./);
    expect(failed.hint).toMatch(/Log out/);
    expect(failed.hint).toMatch(/<a href=/);
  });

  test("no login link: only the first check fails, the others are skipped", async () => {
    const result = await grade(spec, app(APP_A.replace(">Log in</a>", ">Sign in</a>")));
    expect(statuses(result)).toEqual({ "login-page": "fail", "logs-in": "skip", "logs-out": "skip" });
    expect(result.checks[0]!.message).toMatch(/no link whose text is "Log in"\. Its links: "Home" → "\/", "Sign in" → "\/signin"\./);
  });

  test("the trace shows how the page led to each request", async () => {
    const result = await grade(spec, app(APP_A));
    const html = traceHtml({ results: [result], score: result.score, maxScore: result.maxScore } as never, true);
    expect(html).toContain("follow the link &quot;Log in&quot;");
    expect(html).toMatch(/<div class="action">submit the form<\/div><div class="request"><span class="method">POST<\/span> <code>\/signin<\/code><\/div><div class="form">form: <code>token=t0k3n<\/code> <code>who=alice<\/code>/);
  });
});

describe("the loader", () => {
  const head = "id: nav\ntitle: Nav\nchecks:\n  - id: one\n    title: One\n    steps:\n";
  const load = (steps: string) => () => loadSpecText(head + steps, "nav.yaml");

  test("a follow or submit with no page open is refused, pointing at the step", () => {
    expect(load("      - follow: { link: Home }\n")).toThrow(/nav\.yaml:7:9: .*no earlier step of this check loads one: add a request step first/);
    expect(load('      - request: GET /\n      - browser: bob\n        submit: { fields: [] }\n')).toThrow(/nav\.yaml:9:9: .*the browser "bob" has open/);
  });

  test("follow needs exactly one of link and selector", () => {
    expect(load("      - request: GET /\n      - follow: { link: Home, selector: a }\n")).toThrow(/nav\.yaml:8:31: follow needs exactly one of "link"/);
    expect(load("      - request: GET /\n      - follow: { selector: 'a[' }\n")).toThrow(/not a CSS selector/);
  });

  test("a field needs exactly one way to be found; positions count from 1", () => {
    expect(load("      - request: GET /\n      - submit: { fields: [{ label: A, type: text, value: x }] }\n")).toThrow(/needs exactly one way to find it .* found "label" and "type"/);
    expect(load("      - request: GET /\n      - submit: { fields: [{ position: 0, value: x }] }\n")).toThrow(SpecError);
    expect(load("      - request: GET /\n      - submit: { form: 0 }\n")).toThrow(SpecError);
    expect(load("      - request: GET /\n      - submit: { fields: [{ label: A, value: { f: '{nope}' } }] }\n")).toThrow(/no earlier step of this check captures "nope"/);
  });

  test("expect and capture work on follow and submit, not on other actions; typos get a suggestion", () => {
    expect(load("      - request: GET /\n      - follow: { link: Home }\n        expect: { status: 200 }\n        capture: { n: { number: true } }\n")).not.toThrow();
    expect(load("      - restart: true\n        expect: { status: 200 }\n")).toThrow(/only works on a request, follow, submit or guessKeys step/);
    expect(load("      - request: GET /\n      - folow: { link: Home }\n")).toThrow(/did you mean "follow"/);
    expect(load("      - request: GET /\n      - submit: { feilds: [] }\n")).toThrow(/did you mean "fields"/);
    expect(load("      - request: GET /\n      - submit: { fields: [{ lable: A, value: x }] }\n")).toThrow(/nav\.yaml:8:30: unknown key "lable" in a field to fill \(did you mean "label"\?\)/);
    expect(load("      - request: GET /\n      - submit: { fields: [{ label: A }] }\n")).toThrow(/a field to fill needs "value"/);
  });
});

describe("what a page leads to (navigate.ts, on pages written here)", () => {
  const page = (body: string, path = "/"): Page => ({ path, body, contentType: "text/html; charset=utf-8" });
  const follow = (how: { link?: string; selector?: string }): Navigation => ({ kind: "follow", ...how, followRedirects: false });
  const submit = (how: Partial<Extract<Navigation, { kind: "submit" }>>): Navigation => ({ kind: "submit", fields: [], followRedirects: false, ...how });
  const resolve = (p: Page, a: Navigation) => resolveNavigation(p, a, new Map([["user", "bob"]]));

  test("links: by text (exact first, then containing), by selector, relative to the page, fragments dropped", () => {
    const body = '<a href="logout-all">Log out everywhere</a><nav><a class="x" href="../bye#top">Log out</a></nav><a href="/p"><img alt="Profile"></a>';
    expect(resolve(page(body, "/a/b/c"), follow({ link: "log OUT!" }))).toMatchObject({ request: { method: "GET", path: "/a/bye" } });
    expect(resolve(page(body, "/a/b/c"), follow({ link: "everywhere" }))).toMatchObject({ request: { path: "/a/b/logout-all" }, via: 'follow the link "Log out everywhere"' });
    expect(resolve(page(body), follow({ selector: "nav a.x" }))).toMatchObject({ request: { path: "/bye" }, via: 'follow the link at "nav a.x" ("Log out")' });
    expect(resolve(page(body), follow({ selector: "nav" }))).toMatchObject({ request: { path: "/bye" } });
    expect(resolve(page(body), follow({ link: "Profile" }))).toMatchObject({ request: { path: "/p" } });
    expect(resolve(page('<a href="/next">Next</a><a href="/go">→</a>'), follow({ link: "→" }))).toMatchObject({ request: { path: "/go" } });
  });

  test("links that leave the app or go nowhere are not followed", () => {
    for (const href of ["https://example.com/x", "javascript:alert(1)", "mailto:a@b.c", "//evil.example/x"]) {
      expect(resolve(page(`<a href="${href}">Go</a>`), follow({ link: "Go" }))).toMatchObject({ problem: expect.stringMatching(/not a page of the app/) });
    }
    expect(resolve(page('<a href="http://localhost:1/in">Go</a>'), follow({ link: "Go" }))).toMatchObject({ request: { path: "/in" } });
  });

  test("forms: hidden and default values kept, GET forms put fields in the query, buttons sent only when pressed", () => {
    const body = `<form action="/find?old=1" method="get">
      <input type="hidden" name="csrf" value="abc"><input name="q" placeholder="Search terms">
      <select name="sort"><option value="new">New</option><option value="top" selected>Top</option></select>
      <input type="checkbox" name="exact"><input type="checkbox" name="safe" checked>
      <input type="submit" name="act" value="Go"><input type="submit" name="act2" value="Lucky">
      <input name="off" value="x" disabled></form>`;
    expect(resolve(page(body), submit({ fields: [{ placeholder: "search", value: "cats" }] }))).toMatchObject({
      request: { method: "GET", path: "/find?csrf=abc&q=cats&sort=top&safe=on&act=Go" },
    });
    expect(resolve(page(body), submit({ button: "lucky", fields: [{ position: 1, value: "dogs" }] }))).toMatchObject({ request: { path: "/find?csrf=abc&q=dogs&sort=top&safe=on&act2=Lucky" } });
    expect(resolve(page(body), submit({ button: "Nope" }))).toMatchObject({ problem: 'the form has no button "Nope". Its buttons: "Go", "Lucky".' });
    const formaction = '<form method="post" action="/save"><input name="t" value="1"><button>Save</button><button formaction="/drop" name="x">Delete</button></form>';
    expect(resolve(page(formaction), submit({ button: "Delete" }))).toMatchObject({ request: { method: "POST", path: "/drop", form: { t: "1", x: "" } } });
    expect(resolve(page(formaction), submit({}))).toMatchObject({ request: { method: "POST", path: "/save", form: { t: "1" } } });
  });

  test("forms: chosen by selector or position; two password fields filled in order; values from captures; no action posts to the page itself", () => {
    const body = `<form id="search"><input name="q"></form>
      <form method=POST><label>New password<input type=password name=p1></label><input type=password name=p2>
      <textarea name="bio">hi</textarea></form>`;
    const fields = [{ type: "password", value: "s1" }, { type: "password", value: "s2" }, { name: "bio", value: { f: "{user}!" } }];
    expect(resolve(page(body, "/me?tab=2"), submit({ form: 2, fields }))).toMatchObject({ request: { method: "POST", path: "/me?tab=2", form: { p1: "s1", p2: "s2", bio: "bob!" } } });
    expect(resolve(page(body, "/me"), submit({ fields }))).toMatchObject({ request: { form: { p1: "s1", p2: "s2" } } });
    expect(resolve(page(body), submit({ form: "#search", fields: [{ label: "New password", value: "x" }] }))).toMatchObject({
      problem: expect.stringMatching(/^the form has no field labelled "New password"\. Its fields: "q" \(text\)\.$/),
    });
    expect(resolve(page(body), submit({ form: "#login" }))).toMatchObject({
      problem: expect.stringMatching(/has no form matching "#login"\. Its forms: form 1 \(GET "this page"\) with "q" \(text\); form 2 \(POST "this page"\) with "p1" \(password, label "New password"\), "p2" \(password\), "bio" \(textarea\)\./),
    });
    expect(resolve(page("<p>none</p>"), submit({}))).toMatchObject({ problem: 'the page "/" has no form. It has no <form> at all.' });
    expect(resolve(page('<form method="post" action="https://evil.example/steal"><input name="a"></form>'), submit({}))).toMatchObject({ problem: expect.stringMatching(/sends to "https:\/\/evil\.example\/steal", which is not a page of the app/) });
    expect(resolve(page('<form action="../find"><input name="q"></form>', "/a/b/c?x=1"), submit({ fields: [{ position: 1, value: "é &" }] }))).toMatchObject({ request: { method: "GET", path: "/a/find?q=%C3%A9+%26" } });
  });

  test("lists, boxes and radio buttons are chosen as a user sees them", () => {
    const body = `<form method="post">
      <label for="t">Theme</label><select id="t" name="th"><option value="l">Light</option><option value="d">Dark</option></select>
      <label><input type="checkbox" name="remember" value="1" checked> Remember me</label>
      <label><input type="checkbox" name="news"> News</label>
      <label><input type="radio" name="size" value="s" checked> Small</label>
      <label><input type="radio" name="size" value="b"> Big</label></form>`;
    const fields = [
      { label: "Theme", value: "dark" },
      { label: "Remember me", value: "off" },
      { label: "News", value: "yes" },
      { name: "size", value: "Big" },
    ];
    expect(resolve(page(body), submit({ fields }))).toMatchObject({ request: { form: { th: "d", news: "on", size: "b" } } });
    expect((resolve(page(body), submit({ fields })) as { request: { form: object } }).request.form).not.toHaveProperty("remember");
    expect(resolve(page(body), submit({ fields: [{ label: "Big", value: "on" }] }))).toMatchObject({ request: { form: { th: "l", remember: "1", size: "b" } } });
    expect(resolve(page(body), submit({ fields: [{ label: "Theme", value: "Blue" }] }))).toMatchObject({ problem: 'the field labelled "Theme": it has no option "Blue". Its options: "Light", "Dark".' });
    expect(resolve(page(body), submit({ fields: [{ name: "size", value: "huge" }] }))).toMatchObject({ problem: 'the field named "size": its choices are "Small", "Big", not "huge".' });
  });

  test("a field without a name, a page that is not HTML, a page not yet loaded", () => {
    expect(resolve(page('<form><input type="password"></form>'), submit({ fields: [{ type: "password", value: "x" }] }))).toMatchObject({ problem: expect.stringMatching(/has no name/) });
    expect(resolve({ path: "/api", body: "{}", contentType: "application/json" }, follow({ link: "x" }))).toMatchObject({ problem: expect.stringMatching(/not an HTML page/) });
    expect(resolveNavigation(undefined, follow({ link: "x" }), new Map())).toMatchObject({ problem: expect.stringMatching(/no page open/) });
  });

  test("what a message quotes from a hostile page is plain, cut short and bounded in number", () => {
    const links = Array.from({ length: 5000 }, (_, i) => `<a href="/${i}">\u001b[31m${"x".repeat(500)}${i}\u202e</a>`).join("");
    const result = resolve(page(links), follow({ link: "Log out" }));
    if (!("problem" in result)) throw new Error("expected a problem");
    expect(result.problem).not.toMatch(/[\u001b\u202e]/);
    expect(result.problem.length).toBeLessThan(1000);
    expect(result.problem).toMatch(/and 4992 more\.$/);
  });
});
