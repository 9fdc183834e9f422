/**
 * The spec language for instructors' own Flask assignments (issue 11): structured session values,
 * text filled from captures, HTML/body/JSON expectations and bytes secret keys. Each is proven on
 * a small look-alike app (it passes) and on a wrong one (it fails with words a student can act
 * on), through the whole pipeline: YAML → loader → plan → real Flask app → verdict.
 */
import { describe, expect, test } from "@jest/globals";
import { grade } from "../graders/grade.js";
import { SpecError } from "../graders/errors.js";
import { describeKey, secretKeyOf } from "../graders/spec/bytesKey.js";
import { loadSpec, loadSpecText } from "../graders/spec/load.js";
import { fillTemplate, parseTemplate } from "../graders/spec/template.js";
import type { Result, Verdict } from "../graders/verdict/types.js";
import { join } from "node:path";
import { dedent, tempApp } from "./support/tempApps.js";
import { watchedApps } from "./support/warmApps.js";

const { app } = watchedApps();

const spec = (yaml: string) => loadSpecText(dedent(yaml), "test.yaml");

async function verdicts(yaml: string, source: string): Promise<Record<string, Verdict>> {
  const result: Result = await grade(spec(yaml), app(source));
  expect(result.status).toBe("graded");
  return Object.fromEntries(result.checks.map((c) => [c.id, c]));
}

/** The loader's complaint about `yaml`, as "line:column problem". */
function specError(yaml: string): string {
  try {
    spec(yaml);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    return `${error.line}:${error.column} ${error.problem}`;
  }
  throw new Error("the spec loaded");
}

/** A spec of one check with these steps (YAML, one string a step, at the steps' indentation), for the loader's complaints. */
function oneCheck(...steps: string[]): string {
  const lines = steps.join("\n").split("\n").map((line) => `      ${line}`);
  return ["id: x", "title: x", "checks:", "  - id: c", "    title: c", "    steps:", ...lines].join("\n");
}

const statuses = (v: Record<string, Verdict>) => Object.fromEntries(Object.entries(v).map(([id, c]) => [id, c.status]));

describe("structured session values (11.5): lists and mappings, deep equality, contains, length", () => {
  const yaml = `
    id: cart
    title: Cart
    checks:
      - id: cart-list
        title: The cart is a list of the items added, in order
        steps:
          - request: GET /add/apple
          - request: GET /add/pear
            expect:
              session:
                equals: { cart: [apple, pear] }
      - id: cart-holds
        title: The cart holds what was added
        steps:
          - request: GET /add/apple
          - request: GET /add/pear
            expect:
              session: { contains: { cart: apple } }
      - id: one-flash
        title: Adding an item flashes one message
        steps:
          - request: GET /add/apple
            expect:
              session: { length: { _flashes: 1 }, contains: { _flashes: [message, Added apple] } }
      - id: profile
        title: The profile is a mapping (key order does not matter)
        steps:
          - request: GET /profile
            expect:
              session:
                equals: { user: { roles: [admin], name: alice, age: 30 } }
  `;
  const right = `
    from flask import Flask, session, flash
    app = Flask(__name__)
    app.secret_key = "test"

    @app.route("/add/<item>")
    def add(item):
        cart = session.get("cart", [])
        cart.append(item)
        session["cart"] = cart
        flash(f"Added {item}")
        return "ok"

    @app.route("/profile")
    def profile():
        session["user"] = {"name": "alice", "age": "30", "roles": ["admin"]}
        return "ok"
  `;
  // Common beginner mistakes: the cart overwritten by the last item, a message flashed twice.
  const wrong = `
    from flask import Flask, session, flash
    app = Flask(__name__)
    app.secret_key = "test"

    @app.route("/add/<item>")
    def add(item):
        session["cart"] = item
        flash(f"Added {item}")
        flash("Cart updated")
        return "ok"

    @app.route("/profile")
    def profile():
        session["user"] = {"name": "alice", "age": 30, "roles": "admin"}
        return "ok"
  `;

  test("the right app passes every check", async () => {
    expect(statuses(await verdicts(yaml, right))).toEqual({ "cart-list": "pass", "cart-holds": "pass", "one-flash": "pass", profile: "pass" });
  });

  test("the wrong app fails each, saying what the session holds", async () => {
    const v = await verdicts(yaml, wrong);
    expect(statuses(v)).toEqual({ "cart-list": "fail", "cart-holds": "fail", "one-flash": "fail", profile: "fail" });
    expect(v["cart-list"]!.message).toContain(`expected the session's "cart" to be ["apple","pear"], but it is "pear"`);
    expect(v["cart-holds"]!.message).toContain(`expected the session's "cart" to hold "apple", but it is "pear"`);
    expect(v["one-flash"]!.message).toContain(`expected the session's "_flashes" to have 1 entry, but it has 2: [["message","Added apple"],["message","Cart updated"]]`);
    expect(v.profile!.message).toContain(`expected the session's "user" to be {"roles":["admin"],"name":"alice","age":30}, but it is {"age":30,"name":"alice","roles":"admin"}`);
  });

  test("a missing key and a value without a length are named as such", async () => {
    const v = await verdicts(
      `
      id: cart
      title: Cart
      checks:
        - id: no-key
          title: t
          steps: [{ request: GET /add/apple, expect: { session: { contains: { basket: apple } } } }]
        - id: no-length
          title: t
          steps: [{ request: GET /count, expect: { session: { length: { n: 1 } } } }]
      `,
      `
      from flask import Flask, session
      app = Flask(__name__)
      app.secret_key = "test"

      @app.route("/add/<item>")
      def add(item):
          session["cart"] = [item]
          return "ok"

      @app.route("/count")
      def count():
          session["n"] = 1
          return "ok"
      `,
    );
    expect(v["no-key"]!.message).toContain(`expected the session to hold "basket", but the session holds {"cart":["apple"]}`);
    expect(v["no-length"]!.message).toContain(`expected the session's "n" to have 1 entry, but it is 1, which is not a list`);
  });

  test("a mapping with `capture` is a capture reference; a typo in one is a spec error", () => {
    expect(specError(`
      id: x
      title: x
      checks:
        - id: c
          title: c
          steps:
            - { request: GET /, capture: { n: { number: true } } }
            - request: GET /
              expect: { session: { equals: { count: { capture: n, plsu: 1 } } } }
    `)).toBe(`9:61 unknown key "plsu" in a capture reference (did you mean "plus"?); it takes "capture" and "plus"`);
  });
});

describe("text filled from captures (11.6): { f: \"Total Visits: {first + 1}\" }", () => {
  const yaml = `
    id: visits
    title: Visits
    checks:
      - id: counts-up
        title: Each visit adds one to the total
        steps:
          - request: GET /
            capture: { first: { regex: "Total Visits: (\\\\d+)" } }
          - request: GET /
            expect:
              text:
                contains: [{ f: "Total Visits: {first + 1}" }, "{count}"]
                notContains: { f: "Total Visits: {first}" }
      - id: braces
        title: Literal braces are written twice
        steps:
          - request: GET /
            capture: { first: { number: true } }
          - request: GET /
            expect:
              text: { contains: { f: "{{count}} = {first+1}" } }
  `;
  const page = (step: string) => `
    from flask import Flask, session
    app = Flask(__name__)
    app.secret_key = "test"

    @app.route("/")
    def home():
        session["visits"] = session.get("visits", 0) + ${step}
        return f"<p>{{count}} = {session['visits']}</p><p>Total Visits: {session['visits']}</p>"
  `;

  test("the right app passes; one counting by two fails with the text it should have shown", async () => {
    expect(statuses(await verdicts(yaml, page("1")))).toEqual({ "counts-up": "pass", braces: "pass" });
    const v = await verdicts(yaml, page("2"));
    expect(statuses(v)).toEqual({ "counts-up": "fail", braces: "fail" });
    expect(v["counts-up"]!.message).toBe(`Step 2 of 2 (GET /): expected the page to show "Total Visits: 3" (from "Total Visits: {first + 1}").`);
    expect(v.braces!.message).toContain(`expected the page to show "{count} = 3" (from "{{count}} = {first+1}")`);
  });

  test("templates parse like f-strings, and fill numbers and text", () => {
    expect(parseTemplate("a {x} b {y - 2}{{z}}")).toEqual(["a ", { capture: "x", plus: 0 }, " b ", { capture: "y", plus: -2 }, "{z}"]);
    expect(parseTemplate("{my-count-1}")).toEqual([{ capture: "my-count", plus: -1 }]);
    const captures = new Map<string, unknown>([["n", "7"], ["who", "alice"]]);
    expect(fillTemplate("{who} has {n + 1}", captures)).toEqual({ text: "alice has 8" });
    expect(fillTemplate("{who + 1}", captures).problem).toBe(`the capture "who" is "alice", not a number`);
  });

  test("a broken template or an unknown capture is a spec error at its place", () => {
    const with_ = (f: string) => oneCheck(`- { request: GET /, capture: { first: { number: true } } }`, `- { request: GET /, expect: { text: { contains: { f: "${f}" } } } }`);
    expect(specError(with_("Total: {first"))).toBe(`8:60 "f" text: "{" (at character 8) is never closed: write "{{" for a literal brace`);
    expect(specError(with_("a } b"))).toBe(`8:60 "f" text: a single "}" (at character 3): write "}}" for a literal brace`);
    expect(specError(with_("{first * 2}"))).toBe(`8:60 "f" text: "{first * 2}" is not a capture: write {name}, {name + 1} or {name - 1}, and "{{" for a literal brace`);
    expect(specError(with_("{frist}"))).toBe(`8:60 no earlier step of this check captures "frist" (did you mean "first"?)`);
    // Outside `f`, braces are plain text, as they always were.
    expect(() => spec(with_("x").replace(`{ f: "x" }`, `"{first}"`))).not.toThrow();
  });
});

describe("HTML, raw body and JSON (11.4)", () => {
  const yaml = `
    id: theme
    title: Theme
    checks:
      - id: theme-attribute
        title: The page carries the chosen theme on <html>
        steps:
          - request: GET /theme/dark
          - request: GET /
            expect:
              html:
                - { selector: html, attributes: { data-bs-theme: dark } }
                - { selector: "html[data-bs-theme]", count: 1 }
                - { selector: h1, text: { contains: Welcome } }
                - { selector: ".warning", exists: false }
              body: { contains: 'data-bs-theme="dark"' }
      - id: theme-form
        title: The form offers the themes, with the current one chosen
        steps:
          - request: GET /theme/dark
          - request: GET /
            expect:
              html:
                - selector: form#theme
                  attributes: { method: { matches: "^(post|POST)$" } }
                  fields: { theme: dark, remember: on, note: { present: true } }
                - { selector: "form#theme option", count: 2 }
      - id: json-count
        title: The API answers JSON with the count and its history
        steps:
          - request: GET /api/visit
          - request: GET /api/visit
            expect:
              json:
                equals: { count: 2, "last.path": /api/visit }
                has: history
                length: { history: 2 }
                contains: { history: visit, .: count }
  `;
  const right = `
    from flask import Flask, session, request, jsonify, redirect
    app = Flask(__name__)
    app.secret_key = "test"

    @app.route("/theme/<name>")
    def theme(name):
        session["theme"] = name
        return redirect("/")

    @app.route("/")
    def home():
        t = session.get("theme", "light")
        dark = "selected" if t == "dark" else ""
        light = "selected" if t == "light" else ""
        return f"""<!doctype html><html data-bs-theme="{t}"><body><h1>Welcome</h1>
        <form id="theme" method="post" action="/save">
          <select name="theme"><option value="light" {light}>Light</option><option value="dark" {dark}>Dark</option></select>
          <input type="checkbox" name="remember" checked><textarea name="note"></textarea>
        </form></body></html>"""

    @app.route("/api/visit")
    def visit():
        session["history"] = session.get("history", []) + ["visit"]
        return jsonify(count=len(session["history"]), history=session["history"], last={"path": request.path})
  `;
  // The theme only in the text, a form with its own field names, HTML where JSON was asked for.
  const wrong = `
    from flask import Flask, session, redirect
    app = Flask(__name__)
    app.secret_key = "test"

    @app.route("/theme/<name>")
    def theme(name):
        session["theme"] = name
        return redirect("/")

    @app.route("/")
    def home():
        t = session.get("theme", "light")
        return f"""<html><body><h1>Hello</h1><p class="warning">Theme: {t}</p>
        <form id="theme"><input name="colour" value="{t}"></form></body></html>"""

    @app.route("/api/visit")
    def visit():
        session["n"] = session.get("n", 0) + 1
        return f"<p>Visits: {session['n']}</p>"
  `;

  test("the right app passes every check", async () => {
    expect(statuses(await verdicts(yaml, right))).toEqual({ "theme-attribute": "pass", "theme-form": "pass", "json-count": "pass" });
  });

  test("the wrong app fails each, naming the element, the attribute or the field it lacks", async () => {
    const v = await verdicts(yaml, wrong);
    expect(statuses(v)).toEqual({ "theme-attribute": "fail", "theme-form": "fail", "json-count": "fail" });
    const attribute = v["theme-attribute"]!.message;
    expect(attribute).toContain(`expected the attribute data-bs-theme on <html> ("html"), but there is none`);
    expect(attribute).toContain(`expected 1 element matching "html[data-bs-theme]", but the page has 0`);
    expect(attribute).toContain(`expected the text of <h1> ("h1") to contain "Welcome", got "Hello"`);
    expect(attribute).toContain(`expected the page to have no element matching ".warning", but it has 1: <p class="warning">`);
    expect(attribute).toContain(`expected the page's HTML to contain "data-bs-theme=\\"dark\\"", but it does not`);
    const form = v["theme-form"]!.message;
    expect(form).toContain(`expected the attribute method on <form id="theme"> ("form#theme"), but there is none`);
    expect(form).toContain(`expected <form id="theme"> ("form#theme") to have a field named "theme", but its fields are named "colour"`);
    expect(form).toContain(`expected 2 elements matching "form#theme option", but the page has 0`);
    expect(v["json-count"]!.message).toContain(`expected a JSON answer, but the response is not JSON (Content-Type text/html; charset=utf-8): "<p>Visits: 2</p>"`);
  });

  test("a JSON answer with other values says what it holds", async () => {
    const v = await verdicts(yaml, right.replace(`count=len(session["history"])`, `count=1`).replace(`+ ["visit"]`, `+ ["view"]`));
    expect(v["json-count"]!.message).toContain(`expected the JSON answer's "count" to be 2, but it is 1`);
    expect(v["json-count"]!.message).toContain(`expected the JSON answer's "history" to hold "visit", but it is ["view","view"]`);
  });

  test("a page nested 200,000 deep is read up to a depth, and says so (it cannot stall the grader)", async () => {
    const v = await verdicts(
      `
      id: deep
      title: Deep
      checks:
        - { id: deep, title: t, steps: [{ request: GET /, expect: { html: [{ selector: "div > h1" }] } }] }
      `,
      `
      from flask import Flask
      app = Flask(__name__)

      @app.route("/")
      def home():
          return "<div>" * 200000 + "<h1>Welcome</h1>"
      `,
    );
    expect(v.deep!.status).toBe("fail");
    expect(v.deep!.message).toContain(`expected the page to have an element matching "div > h1", but it has none; the page nests elements more than 1000 deep, so the grader read it only up to there: close your tags`);
  });

  test("an invalid selector, or exists: false with more to check, is a spec error", () => {
    const with_ = (html: string) => oneCheck(`- { request: GET /, expect: { html: [${html}] } }`);
    expect(specError(with_(`{ selector: "div[" }`))).toMatch(/^7:56 "div\[" is not a CSS selector the grader understands: /);
    expect(specError(with_(`{ selector: p, exists: false, text: x }`))).toBe(`7:74 "exists: false" says there is no such element, so "text" cannot be checked: remove one of them`);
  });
});

describe("bytes secret keys (11.7): the Flask docs' key b'_5#y2L\"F4Q8z\\n\\xec]/'", () => {
  // The key as Python reads it; hex from python3 -c "print(b'_5#y2L\"F4Q8z\n\xec]/'.hex())".
  const DOCS_KEY_HEX = "5f352379324c22463451387a0aec5d2f";

  test("a Python bytes literal and keyHex give the same bytes; text stays text", () => {
    expect(secretKeyOf({ key: `b'_5#y2L"F4Q8z\\n\\xec]/'` })).toEqual({ key: Buffer.from(DOCS_KEY_HEX, "hex") });
    expect(secretKeyOf({ keyHex: DOCS_KEY_HEX })).toEqual({ key: Buffer.from(DOCS_KEY_HEX, "hex") });
    expect(secretKeyOf({ key: `rb'a\\n'` })).toEqual({ key: Buffer.from("a\\n") });
    expect(secretKeyOf({ key: `b"\\101\\t\\'"` })).toEqual({ key: Buffer.from("A\t'") });
    expect(secretKeyOf({ key: "dev" })).toEqual({ key: "dev" });
    expect(secretKeyOf({ key: "b'\\xg0'" })).toEqual({ problem: `"\\x" must be followed by two hexadecimal digits, as in \\xec` });
    expect(describeKey({ keyHex: "5f35" })).toBe("0x5f35");
  });

  const yaml = `
    id: quickstart
    title: Quickstart login
    checks:
      - id: docs-key
        title: A session signed with the docs' key is accepted
        steps:
          - forgeSession:
              key: b'_5#y2L"F4Q8z\\n\\xec]/'
              data: { username: admin }
          - request: GET /
            expect: { text: { contains: Logged in as admin } }
      - id: docs-key-hex
        title: The same key written in hex
        steps:
          - forgeSession: { keyHex: ${DOCS_KEY_HEX}, data: { username: admin } }
          - request: GET /
            expect: { text: { contains: Logged in as admin } }
  `;
  const quickstart = (key: string) => `
    from flask import Flask, session
    app = Flask(__name__)
    app.secret_key = ${key}

    @app.route("/")
    def index():
        if "username" in session:
            return f"Logged in as {session['username']}"
        return "You are not logged in"
  `;

  test("forged with the docs' key, a real Flask app using that key accepts it; one with another key does not", async () => {
    expect(statuses(await verdicts(yaml, quickstart(`b'_5#y2L"F4Q8z\\n\\xec]/'`)))).toEqual({ "docs-key": "pass", "docs-key-hex": "pass" });
    const v = await verdicts(yaml, quickstart(`b'_5#y2L"F4Q8z\\n\\xed]/'`));
    expect(statuses(v)).toEqual({ "docs-key": "fail", "docs-key-hex": "fail" });
    expect(v["docs-key"]!.message).toBe(`Step 2 of 2 (GET /): expected the page to show "Logged in as admin".`);
  });

  test("a key that cannot be read, or two keys, is a spec error", () => {
    const with_ = (forgery: string) => oneCheck(`- forgeSession: ${forgery}`, `- request: GET /`);
    expect(specError(with_(`{ keyHex: 5f3 }`))).toBe(`7:33 "keyHex" must be pairs of hexadecimal digits (0-9, a-f), e.g. 5f3523`);
    expect(specError(with_(`{ key: dev, keyHex: "00" }`))).toBe(`7:35 forgeSession needs exactly one of "key" and "keyHex"`);
    expect(specError(with_(`{ data: { a: 1 } }`))).toBe(`7:23 forgeSession needs exactly one of "key" and "keyHex"`);
  });
});

describe("guessKeys: one request per guessed key, one for all the keys an app with Flask's own session refuses alike", () => {
  const KEYS = `[dev, secret, changeme, "b'bytes key'"]`;
  const yaml = (steps = "") => `
    id: guess
    title: Guessable keys
    checks:
      - id: guess
        title: The key is not a guessable one
        steps:
          - browser: alice
            request: GET /login
          ${steps}
          - browser: attacker
            guessKeys: { keys: ${KEYS}, from: alice, request: GET / }
            expect: { text: { contains: nobody } }
  `;
  const login = (setup: string) => `
    from flask import Flask, session
    from flask.sessions import SecureCookieSessionInterface
    app = Flask(__name__)
    ${setup}

    @app.route("/login")
    def login():
        session["user"] = "alice"
        return "logged in"

    @app.route("/")
    def home():
        return f"user: {session.get('user', 'nobody')}"
  `;
  const forged = (v: Verdict) => v.exchanges.filter((e) => e.browser === "attacker").map((e) => e.via);
  const signedWith = (key: string) => `signed with the guessed key "${key}"`;

  test("an unguessable key: one wrong key is sent for all of them, and the steps list says why the others were not", async () => {
    const v = (await verdicts(yaml(), login(`app.secret_key = "a long key nobody guesses, 9f2c"`))).guess!;
    expect(v.status).toBe("pass");
    expect(forged(v)).toEqual([signedWith("dev")]);
    expect(v.actions?.map((a) => a.text)).toEqual([expect.stringMatching(/^not sent with "secret", "changeme", "b'bytes key'": they do not sign this app's session either/)]);
  });

  test("the app's own key, even last in the list, is tried first, and the failure names it", async () => {
    for (const key of [`"changeme"`, `b'bytes key'`]) {
      const v = (await verdicts(yaml(), login(`app.secret_key = ${key}`))).guess!;
      const named = key.startsWith("b") ? "b'bytes key'" : "changeme";
      expect(v.status).toBe("fail");
      expect(forged(v)).toEqual([signedWith(named)]);
      expect(v.message).toBe(`Step 2 of 2 (attacker: GET / with a session cookie signed with each of 4 guessed keys, holding what alice's session holds): ${signedWith(named)}: expected the page to show "nobody".`);
      // What to change is the key, not the view that believed it.
      expect(v.location).toEqual({ file: "app.py", line: 4, label: "where the secret key is set" });
    }
  });

  test("a guessable fallback key, or a session interface of the app's own: every key is sent (no answer stands for another)", async () => {
    const fallback = (await verdicts(yaml(), login(`app.secret_key = "a long key nobody guesses, 9f2c"\n    app.config["SECRET_KEY_FALLBACKS"] = ["changeme"]`))).guess!;
    expect(fallback.status).toBe("fail");
    expect(forged(fallback)).toEqual(["dev", "secret", "changeme"].map(signedWith));
    // Not the key that signs its sessions: the view that believed it, not the secret key's line.
    expect(fallback.location?.label).toBe("the view home");
    const own = (await verdicts(yaml(), login(`app.secret_key = "a long key nobody guesses, 9f2c"\n    class Own(SecureCookieSessionInterface):\n        pass\n    app.session_interface = Own()`))).guess!;
    expect(own.status).toBe("pass");
    expect(forged(own)).toEqual(["dev", "secret", "changeme", "b'bytes key'"].map(signedWith));
    expect(own.actions ?? []).toEqual([]);
  });

  test("a session put in the jar by hand says nothing of the app's key: every key is sent", async () => {
    const byHand = `- browser: alice
            forgeSession: { key: dev, data: { user: alice } }`;
    const v = (await verdicts(yaml(byHand), login(`app.secret_key = "a long key nobody guesses, 9f2c"`))).guess!;
    expect(v.status).toBe("pass");
    expect(v.exchanges.filter((e) => e.browser === "alice")).toHaveLength(1);
    expect(forged(v)).toHaveLength(4);
  });

  test("keys that cannot be read, a key listed twice, a capture or a request that does not parse are spec errors", () => {
    const with_ = (guesses: string, extra = "") => oneCheck(`- guessKeys: ${guesses}${extra}`);
    expect(specError(with_(`{ keys: [b'\\x4'], request: GET / }`))).toBe(`7:29 "\\x" must be followed by two hexadecimal digits, as in \\xec`);
    expect(specError(with_(`{ keys: [dev, secret, "b'dev'"], request: GET / }`))).toBe(`7:42 the key "b'dev'" is listed twice`);
    expect(specError(with_(`{ keys: [], request: GET / }`))).toMatch(/^7:28 /);
    expect(specError(with_(`{ keys: [dev], request: GET dashboard }`))).toMatch(/^7:44 request "GET dashboard" must look like "GET \/path"/);
    expect(specError(with_(`{ keys: [dev], request: GET / }`, `\n  capture: { n: { number: true } }`))).toBe(`8:9 "capture" only works on a request, follow or submit step`);
  });
});

describe("custom checks in TypeScript with supertest (11.9): a `script` step", () => {
  // The instructor's check: supertest requests bound to the app, the harness's jars and decoder.
  const check = `
    interface Tools {
      request(browser?: string): Record<string, (path: string) => Promise<{ text: string }> & { expect(status: number): Promise<{ text: string }> }>;
      session(browser?: string): Record<string, unknown> | null;
    }

    export default async function cart(t: Tools) {
      await t.request().get("/add/apple").expect(200);
      await t.request().get("/add/pear").expect(200);
      const page = await t.request().get("/cart").expect(200);
      if (!page.text.includes("apple, pear")) {
        return { passed: false, message: \`expected /cart to list "apple, pear", but it shows \${JSON.stringify(page.text)}\`, hint: "Append to the list in session['cart'] instead of replacing it." };
      }
      const stored = t.session()?.cart;
      if (JSON.stringify(stored) !== '["apple","pear"]') return { passed: false, message: \`the session's cart is \${JSON.stringify(stored)}\` };
      // The other browser's jar is its own: it has no cart.
      if (t.session("other") !== null) return { passed: false, message: "another browser shares the cart" };
    }
  `;
  const yaml = `
    id: cart-script
    title: Cart (custom check)
    checks:
      - id: cart
        title: The cart keeps every item added
        steps:
          - script: checks/cart.ts
          - request: GET /cart
            expect: { text: { contains: "apple, pear" } }
      - id: missing-route
        title: The cart can be emptied
        steps:
          - script: checks/empty.mjs
  `;
  const empty = `
    export default async function (t) {
      await t.request().post("/empty").expect(302);
    }
  `;
  const source = (keep: string) => `
    from flask import Flask, session
    app = Flask(__name__)
    app.secret_key = "test"

    @app.route("/add/<item>")
    def add(item):
        session["cart"] = ${keep}
        return "ok"

    @app.route("/cart")
    def cart():
        return ", ".join(session.get("cart", []))
  `;

  async function gradeWith(app: string, spec = yaml): Promise<Result> {
    const folder = tempApp({ "spec.yaml": spec, "checks/cart.ts": check, "checks/empty.mjs": empty, "checks/broken.js": "export default (t) => t.nope();\n" });
    return grade(await loadSpec(join(folder, "spec.yaml")), app);
  }
  const checksOf = (result: Result) => {
    expect(result.status).toBe("graded");
    return Object.fromEntries(result.checks.map((c) => [c.id, c]));
  };

  test("the right app passes; the next YAML step sees the cookies the script's requests got", async () => {
    const v = checksOf(await gradeWith(app(source(`session.get("cart", []) + [item]`))));
    expect(v.cart!.status).toBe("pass");
    // No /empty route: supertest's .expect(302) fails, and says what came instead.
    expect(v["missing-route"]!.status).toBe("fail");
    expect(v["missing-route"]!.message).toBe(`Step 1 of 1 (run the custom check empty.mjs): expected 302 "Found", got 404 "Not Found"`);
  });

  test("a check whose own code is broken is the grader's error, never the student's failure", async () => {
    const result = await gradeWith(app(source(`[item]`)), `
      id: broken
      title: Broken
      checks:
        - { id: broken, title: t, steps: [{ script: checks/broken.js }] }
    `);
    expect(result.status).toBe("error");
    expect(result.checks[0]).toMatchObject({ status: "error", points: 0 });
    expect(result.checks[0]!.message).toContain("checks/broken.js failed: t.nope is not a function");
  });

  test("the wrong app fails with the script's message and hint, like a YAML check", async () => {
    const v = checksOf(await gradeWith(app(source(`[item]`))));
    expect(v.cart!.status).toBe("fail");
    expect(v.cart!.message).toBe(`Step 1 of 2 (run the custom check cart.ts): expected /cart to list "apple, pear", but it shows "pear"`);
    expect(v.cart!.hint).toContain("Append to the list in session['cart'] instead of replacing it.");
  });

  test("a script that is not TypeScript or JavaScript is a spec error", () => {
    expect(specError(`
      id: x
      title: x
      checks:
        - { id: c, title: c, steps: [{ script: checks/cart.py }] }
    `)).toBe(`4:42 script "checks/cart.py" must be a TypeScript or JavaScript file (.ts, .mts, .js or .mjs)`);
  });
});
