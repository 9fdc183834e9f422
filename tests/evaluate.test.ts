/**
 * graders/verdict, pure: every expectation kind passes when it should and otherwise fails with a
 * sentence a student can read; Set-Cookie parsing of real Flask headers; diagnosis hints.
 * No processes, no network.
 */
import { describe, expect, test } from "@jest/globals";
import type { Expectations } from "../graders/spec/types.js";
import { capture, describeResponse, evaluate, type Observation } from "../graders/verdict/evaluate.js";
import { diagnose, SECRET_KEY_HINT, type Symptom } from "../graders/verdict/hints.js";
import { parseSetCookie } from "../graders/verdict/setCookie.js";

function obs(over: Partial<Observation> = {}): Observation {
  return { status: 200, headers: {}, setCookies: [], text: "", jar: [], session: null, sessionCookie: "session", captures: new Map(), ...over };
}

const check = (expect: Expectations, o: Partial<Observation> = {}) => evaluate(expect, obs(o));

// Set-Cookie headers exactly as Flask 3.1 sends them.
const SESSION_SET = "session=eyJ1c2VyIjoiYWxpY2UifQ.aBcDeF.x1y2z3-AbCdEfGhIjKlMnOpQrStUv; HttpOnly; Path=/";
const SESSION_DELETED = "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/";
const THEME_SET = "theme=dark; Expires=Thu, 01 Jan 2099 00:00:00 GMT; Path=/";
const THEME_DELETED = "theme=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/";
const STRICT_SESSION = "session=abc.def.ghi; Secure; HttpOnly; Path=/; SameSite=Lax";

describe("status", () => {
  test("one status", () => {
    expect(check({ status: 200 })).toEqual([]);
    expect(check({ status: 200 }, { status: 500 })).toEqual(["expected status 200, got status 500 (server error)"]);
    expect(check({ status: 200 }, { status: 302, location: "/login" })).toEqual(["expected status 200, got 302, a redirect to /login"]);
  });

  test("a set of statuses", () => {
    expect(check({ status: [302, 303] }, { status: 303, location: "/" })).toEqual([]);
    expect(check({ status: [401, 403] }, { status: 200 })).toEqual(["expected status 401 or 403, got status 200 (OK)"]);
  });

  test("describeResponse names a status without words plainly", () => {
    expect(describeResponse({ status: 418 })).toBe("status 418");
  });
});

describe("redirect", () => {
  const to = (location: string, status = 302) => ({ status, location });

  test("to a path", () => {
    expect(check({ redirect: "/login" }, to("/login"))).toEqual([]);
    expect(check({ redirect: "/login" }, to("http://127.0.0.1:5000/login"))).toEqual([]);
    expect(check({ redirect: ["/", "/index"] }, to("/index", 303))).toEqual([]);
    expect(check({ redirect: "/login" }, to("/home"))).toEqual(["expected a redirect to /login, got a redirect to /home"]);
  });

  test("the query is ignored unless the expected value has one", () => {
    expect(check({ redirect: "/login" }, to("/login?next=%2Fdashboard"))).toEqual([]);
    expect(check({ redirect: "/login?next=/dashboard" }, to("/login?next=/dashboard"))).toEqual([]);
    expect(check({ redirect: "/login?next=/dashboard" }, to("/login?next=/profile"))).toEqual([
      "expected a redirect to /login?next=/dashboard, got a redirect to /login?next=/profile",
    ]);
    expect(check({ redirect: "/login?next=/dashboard" }, to("/login"))).toEqual(["expected a redirect to /login?next=/dashboard, got a redirect to /login"]);
  });

  test("the same query spelled differently is the same redirect", () => {
    // url_for() leaves "/" alone, urllib.parse.quote() encodes it; the order of fields is no matter.
    expect(check({ redirect: "/login?next=/dashboard" }, to("/login?next=%2Fdashboard"))).toEqual([]);
    expect(check({ redirect: "/search?q=a b&page=2" }, to("/search?page=2&q=a+b"))).toEqual([]);
  });

  test("a response that is not a redirect", () => {
    expect(check({ redirect: "/login" })).toEqual(["expected a redirect to /login, got status 200 (OK)"]);
    expect(check({ redirect: ["/login", "/"] }, { status: 403 })).toEqual(["expected a redirect to /login or /, got status 403 (forbidden)"]);
  });
});

describe("text", () => {
  const page = (text: string) => ({ text });

  test("contains and notContains", () => {
    expect(check({ text: { contains: ["Welcome", "alice"] } }, page("Welcome back, alice!"))).toEqual([]);
    expect(check({ text: { contains: "Welcome" } }, page("Please log in"))).toEqual(['expected the page to show "Welcome"']);
    expect(check({ text: { notContains: "alice" } }, page("Please log in"))).toEqual([]);
    expect(check({ text: { notContains: ["alice", "Welcome"] } }, page("Welcome back, alice!"))).toEqual([
      'expected the page not to show "alice", but it does',
      'expected the page not to show "Welcome", but it does',
    ]);
  });

  test("matches and notMatches", () => {
    expect(check({ text: { matches: "Visits: \\d+" } }, page("Visits: 3"))).toEqual([]);
    expect(check({ text: { matches: "Visits: \\d+" } }, page("Visits: none"))).toEqual(['expected the page to show "Visits:" followed by a number']);
    expect(check({ text: { notMatches: "Traceback" } }, page("Traceback (most recent call last)"))).toEqual([
      'expected the page not to show "Traceback", but it does',
    ]);
  });

  test("number: whole numbers only", () => {
    expect(check({ text: { number: 2 } }, page("Visits: 2."))).toEqual([]);
    expect(check({ text: { number: 2 } }, page("Visits: 12, was 2.5"))).toEqual(["expected the page to show the number 2, but the numbers on it are 12"]);
    expect(check({ text: { number: 1 } }, page("Welcome"))).toEqual(["expected the page to show the number 1, but it shows no number"]);
    expect(check({ text: { notNumber: 0 } }, page("Visits: 0"))).toEqual(["expected the page not to show the number 0, but it does"]);
    expect(check({ text: { notNumber: 0 } }, page("Visits: 10"))).toEqual([]);
  });

  test("number from a capture plus an offset", () => {
    const captures = new Map<string, unknown>([["first", 4]]);
    expect(check({ text: { number: { capture: "first", plus: 1 } } }, { text: "Visits: 5", captures })).toEqual([]);
    expect(check({ text: { number: { capture: "first", plus: 1 } } }, { text: "Visits: 4", captures })).toEqual([
      "expected the page to show the number 5, but the numbers on it are 4",
    ]);
  });

  test("loose: no regard to case, punctuation or spacing", () => {
    expect(check({ text: { contains: "hello, alice", loose: true } }, page("Hello   ALICE!"))).toEqual([]);
    expect(check({ text: { contains: "hello, alice" } }, page("Hello   ALICE!"))).toEqual(['expected the page to show "hello, alice"']);
    expect(check({ text: { matches: "logged in as alice", loose: true } }, page("Logged in as: Alice"))).toEqual([]);
    expect(check({ text: { notContains: "LOG IN", loose: true } }, page("please log-in"))).toEqual(['expected the page not to show "LOG IN", but it does']);
  });
});

describe("headers", () => {
  const headers = { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" };

  test("pass", () => {
    expect(check({ headers: { "Content-Type": { contains: "text/html" }, "Cache-Control": "no-cache", "X-Secret": { present: false } } }, { headers })).toEqual([]);
  });

  test("fail", () => {
    expect(
      check(
        { headers: { "Cache-Control": "no-store", "X-Frame-Options": { present: true }, "Content-Type": { matches: "^application/json" } } },
        { headers },
      ),
    ).toEqual([
      'expected the header Cache-Control to be "no-store", got "no-cache"',
      "expected the header X-Frame-Options, but there is none",
      'expected the header Content-Type to hold text starting with "application/json", got "text/html; charset=utf-8"',
    ]);
    expect(check({ headers: { "Cache-Control": { present: false } } }, { headers })).toEqual(['expected the header Cache-Control not to be there, but it is ("no-cache")']);
    expect(check({ jar: [{ name: "theme", value: { present: false } }] }, { jar: [{ name: "theme", value: "dark" }] })).toEqual([
      'expected the cookie "theme" not to be there, but it is ("dark")',
    ]);
  });
});

describe("Set-Cookie headers", () => {
  test("parseSetCookie reads real Flask headers", () => {
    expect(parseSetCookie(SESSION_DELETED)).toEqual({
      name: "session",
      value: "",
      attributes: { expires: "Thu, 01 Jan 1970 00:00:00 GMT", "max-age": "0", httponly: "", path: "/" },
      deleted: true,
    });
    expect(parseSetCookie(THEME_SET)).toEqual({
      name: "theme",
      value: "dark",
      attributes: { expires: "Thu, 01 Jan 2099 00:00:00 GMT", path: "/" },
      deleted: false,
    });
    expect(parseSetCookie(SESSION_SET).value).toBe("eyJ1c2VyIjoiYWxpY2UifQ.aBcDeF.x1y2z3-AbCdEfGhIjKlMnOpQrStUv");
    expect(parseSetCookie('name="Alice Smith"; Path=/').value).toBe("Alice Smith");
    expect(parseSetCookie("old=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/").deleted).toBe(true);
  });

  test("set", () => {
    expect(check({ setCookies: [{ name: "session" }] }, { setCookies: [THEME_SET, SESSION_SET] })).toEqual([]);
    expect(check({ setCookies: [{ name: "session", is: "set" }] }, { setCookies: [SESSION_DELETED] })).toEqual([
      'expected the response to set the cookie "session", but it deletes it',
    ]);
    expect(check({ setCookies: [{ name: "session" }] })).toEqual(['expected the response to set the cookie "session", but it set no cookie']);
    expect(check({ setCookies: [{ name: "session" }] }, { setCookies: [THEME_SET, "lang=en; Path=/"] })).toEqual([
      'expected the response to set the cookie "session", but it set: theme, lang',
    ]);
  });

  test("deleted", () => {
    expect(check({ setCookies: [{ name: "session", is: "deleted" }] }, { setCookies: [SESSION_DELETED] })).toEqual([]);
    expect(check({ setCookies: [{ name: "theme", is: "deleted" }] }, { setCookies: [THEME_DELETED] })).toEqual([]);
    expect(check({ setCookies: [{ name: "session", is: "deleted" }] }, { setCookies: [SESSION_SET] })).toEqual([
      'expected the response to delete the cookie "session", but it sets it to "eyJ1c2VyIjoiYWxpY2UifQ.aBcDeF.x1y2z3-AbCdEfGhIjKlMnOpQrStUv"',
    ]);
    expect(check({ setCookies: [{ name: "session", is: "deleted" }] })).toEqual(['expected the response to delete the cookie "session", but it set no cookie']);
  });

  test("absent", () => {
    expect(check({ setCookies: [{ name: "user", is: "absent" }] }, { setCookies: [SESSION_SET] })).toEqual([]);
    expect(check({ setCookies: [{ name: "user", is: "absent" }] }, { setCookies: ["user=alice; Path=/"] })).toEqual([
      'expected the response not to set the cookie "user", but it does',
    ]);
  });

  test("value", () => {
    expect(check({ setCookies: [{ name: "visits", value: "1" }] }, { setCookies: ["visits=1; Path=/"] })).toEqual([]);
    expect(check({ setCookies: [{ name: "visits", value: "2" }] }, { setCookies: ["visits=1; Path=/"] })).toEqual(['expected the cookie "visits" to be "2", got "1"']);
    expect(check({ setCookies: [{ name: "theme", value: { matches: "^(dark|light)$" } }] }, { setCookies: [THEME_SET] })).toEqual([]);
  });

  test("attributes", () => {
    expect(check({ setCookies: [{ name: "session", attributes: { HttpOnly: true, Path: "/", Secure: false } }] }, { setCookies: [SESSION_SET] })).toEqual([]);
    expect(check({ setCookies: [{ name: "session", attributes: { SameSite: "lax", Secure: true } }] }, { setCookies: [STRICT_SESSION] })).toEqual([]);
    expect(
      check(
        { setCookies: [{ name: "session", attributes: { Secure: true, HttpOnly: false, SameSite: "Strict" } }] },
        { setCookies: [SESSION_SET] },
      ),
    ).toEqual([
      'expected the cookie "session" to have Secure, but it has not',
      'expected the cookie "session" not to have HttpOnly, but it has',
      'expected the cookie "session" to have SameSite=Strict, got none',
    ]);
    expect(check({ setCookies: [{ name: "session", attributes: { SameSite: "Strict" } }] }, { setCookies: [STRICT_SESSION] })).toEqual([
      'expected the cookie "session" to have SameSite=Strict, got Lax',
    ]);
  });
});

describe("jar", () => {
  const jar = [
    { name: "session", value: "abc" },
    { name: "theme", value: "dark" },
  ];

  test("present, absent and value", () => {
    expect(check({ jar: [{ name: "session" }, { name: "user", present: false }, { name: "theme", value: "dark" }] }, { jar })).toEqual([]);
    expect(check({ jar: [{ name: "user" }] }, { jar })).toEqual(['expected the browser to hold the cookie "user", but it holds: session, theme']);
    expect(check({ jar: [{ name: "user" }] })).toEqual(['expected the browser to hold the cookie "user", but it holds no cookie']);
    expect(check({ jar: [{ name: "session", present: false }] }, { jar })).toEqual(['expected the browser not to hold the cookie "session", but it does ("abc")']);
    expect(check({ jar: [{ name: "theme", value: "light" }] }, { jar })).toEqual(['expected the cookie "theme" to be "light", got "dark"']);
  });
});

describe("session", () => {
  const alice = { session: { user: "alice", visits: 2 } };

  test("has and lacks", () => {
    expect(check({ session: { has: ["user", "visits"], lacks: "cart" } }, alice)).toEqual([]);
    expect(check({ session: { has: "cart" } }, alice)).toEqual(['expected the session to hold "cart", but the session holds {"user":"alice","visits":2}']);
    expect(check({ session: { has: "user" } })).toEqual(['expected the session to hold "user", but there is no "session" cookie in the browser']);
    expect(check({ session: { lacks: "user" } }, alice)).toEqual(['expected the session not to hold "user", but the session holds {"user":"alice","visits":2}']);
    expect(check({ session: { lacks: "user" } })).toEqual([]);
  });

  test("equals", () => {
    expect(check({ session: { equals: { user: "alice", visits: 2 } } }, alice)).toEqual([]);
    expect(check({ session: { equals: { visits: "2" } } }, alice)).toEqual([]); // "2" on a page is 2
    expect(check({ session: { equals: { visits: 3 } } }, alice)).toEqual(['expected the session\'s "visits" to be 3, but the session holds {"user":"alice","visits":2}']);
    expect(check({ session: { equals: { visits: 0 } } }, { session: {} })).toEqual(['expected the session\'s "visits" to be 0, but the session holds {}']);
    expect(check({ session: { equals: { user: null } } }, { session: { user: null } })).toEqual([]);
    expect(check({ session: { equals: { user: null } } }, { session: {} })).toHaveLength(1);
  });

  test("anyValue: whichever key the student chose", () => {
    expect(check({ session: { anyValue: "alice" } }, { session: { username: "alice" } })).toEqual([]);
    expect(check({ session: { anyValue: "alice" } }, { session: { username: "bob" } })).toEqual([
      'expected the session to hold the value "alice", but the session holds {"username":"bob"}',
    ]);
  });

  test("present", () => {
    expect(check({ session: { present: true } }, { session: {} })).toEqual([]);
    expect(check({ session: { present: true } })).toEqual(['expected a session, but there is no "session" cookie in the browser']);
    expect(check({ session: { present: false } })).toEqual([]);
    expect(check({ session: { present: false } }, { session: {} })).toEqual([]);
    expect(check({ session: { present: false } }, { session: { user: "alice" } })).toEqual(['expected no session, but the session holds {"user":"alice"}']);
  });
});

describe("captures", () => {
  const o = obs({
    text: "Logged in as alice. Visits: 3 (of 10)",
    headers: { "x-request-count": "7" },
    jar: [{ name: "theme", value: "dark" }],
    session: { user: "alice" },
  });

  test("each source", () => {
    const { values, failures } = capture(
      {
        visits: { number: true },
        user: { regex: "as (\\w+)" },
        whole: { regex: "Visits: \\d+" },
        count: { header: "X-Request-Count" },
        theme: { cookie: "theme" },
        who: { session: "user" },
      },
      o,
    );
    expect(failures).toEqual([]);
    expect(Object.fromEntries(values)).toEqual({ visits: 3, user: "alice", whole: "Visits: 3", count: "7", theme: "dark", who: "alice" });
  });

  test("a capture that finds nothing is a failure sentence", () => {
    const { values, failures } = capture(
      { n: { number: true }, r: { regex: "token=(\\w+)" }, h: { header: "X-None" }, c: { cookie: "lang" }, s: { session: "cart" } },
      obs(),
    );
    expect(values.size).toBe(0);
    expect(failures).toEqual([
      "expected a number on the page, but there is none",
      "expected the text this check looks for on the page, but there is none",
      "expected the header X-None, but there is none",
      'expected the cookie "lang", but there is none',
      'expected "cart" in the session, but there is none',
    ]);
  });

  test("captured equals / notEquals, with { capture, plus }", () => {
    const captures = new Map<string, unknown>([
      ["first", 1],
      ["second", 2],
      ["before", "abc"],
      ["after", "abc"],
    ]);
    expect(check({ captured: [{ name: "second", equals: { capture: "first", plus: 1 } }] }, { captures })).toEqual([]);
    expect(check({ captured: [{ name: "second", equals: { capture: "first", plus: 2 } }] }, { captures })).toEqual(["expected second (2) to be 3 (first + 2)"]);
    expect(check({ captured: [{ name: "first", equals: { capture: "second", plus: -1 } }] }, { captures })).toEqual([]);
    expect(check({ captured: [{ name: "after", notEquals: { capture: "before" } }] }, { captures })).toEqual(['expected after not to be "abc" (before), but it is']);
    expect(check({ captured: [{ name: "first", equals: 1 }] }, { captures })).toEqual([]);
  });
});

describe("anyOf", () => {
  const protectedPage: Expectations = {
    anyOf: [
      { status: [302, 303], redirect: "/login", because: "a redirect to the login page" },
      { status: [401, 403], because: "a refusal (401 or 403)" },
    ],
  };

  test("passes when one alternative holds", () => {
    expect(evaluate(protectedPage, obs({ status: 302, location: "/login?next=/dashboard" }))).toEqual([]);
    expect(evaluate(protectedPage, obs({ status: 403 }))).toEqual([]);
  });

  test("fails with the alternatives' own words", () => {
    expect(evaluate(protectedPage, obs({ status: 200, text: "Secret dashboard" }))).toEqual([
      "expected a redirect to the login page, or a refusal (401 or 403); got status 200 (OK)",
    ]);
    expect(evaluate(protectedPage, obs({ status: 302, location: "/" }))).toEqual([
      "expected a redirect to the login page, or a refusal (401 or 403); got 302, a redirect to /",
    ]);
  });

  test("without because, alternatives are described from their status and redirect", () => {
    expect(evaluate({ anyOf: [{ status: 302, redirect: "/login" }, { status: [401, 403] }, { text: { contains: "x" } }] }, obs({ status: 500 }))).toEqual([
      "expected status 302 with a redirect to /login, or status 401 or 403, or alternative 3; got status 500 (server error)",
    ]);
  });

  test("other expectations still apply next to anyOf", () => {
    expect(evaluate({ ...protectedPage, text: { notContains: "Secret" } }, obs({ status: 403, text: "Secret" }))).toEqual([
      'expected the page not to show "Secret", but it does',
    ]);
  });
});

describe("hints", () => {
  const symptom = (over: Partial<Symptom>): Symptom => ({ method: "GET", path: "/", ...over });
  const exception = (type: string, message: string) => ({ type, message, summary: `${type}: ${message}` });

  test("no secret key", () => {
    const e = exception(
      "RuntimeError",
      "The session is unavailable because no secret key was set.  Set the secret_key on the application to something unique and secret.",
    );
    expect(diagnose(symptom({ status: 500, exception: e }))).toBe(SECRET_KEY_HINT);
  });

  test("KeyError names the key and suggests .get()", () => {
    const hint = diagnose(symptom({ status: 500, exception: exception("KeyError", "'visits'") }));
    expect(hint).toContain("reads 'visits' with square brackets");
    expect(hint).toContain(".get('visits')");
  });

  test("a view without return", () => {
    const e = exception(
      "TypeError",
      "The view function for 'index' did not return a valid response. The function either returned None or ended without a return statement.",
    );
    expect(diagnose(symptom({ status: 500, exception: e }))).toContain("Did you forget `return`?");
  });

  test("405 names the route and the method", () => {
    expect(diagnose(symptom({ method: "POST", path: "/login", status: 405 }))).toBe(
      'The route /login does not accept POST. Allow it in the route: @app.route("/login", methods=["POST"]).',
    );
  });

  test("400 after a form names the fields sent; without a form it points at missing values", () => {
    const withForm = diagnose(symptom({ method: "POST", path: "/login", status: 400, form: { username: "alice", password: "pw" } }));
    expect(withForm).toContain('"username", "password"');
    expect(withForm).toContain("request.form");
    expect(diagnose(symptom({ status: 400 }))).toContain('.get("name", default)');
  });

  test("a view named session: every way of using it gets the same hint", () => {
    const looksLikeFunction = /is one of your view functions .* named `session`/;
    expect(diagnose(symptom({ status: 500, exception: exception("TypeError", "'function' object is not subscriptable") }))).toMatch(looksLikeFunction);
    expect(diagnose(symptom({ status: 500, exception: exception("TypeError", "'function' object does not support item assignment") }))).toMatch(looksLikeFunction);
    expect(diagnose(symptom({ status: 500, exception: exception("AttributeError", "'function' object has no attribute 'get'") }))).toMatch(looksLikeFunction);
    expect(diagnose(symptom({ status: 500, exception: exception("TypeError", "argument of type 'function' is not iterable") }))).toMatch(looksLikeFunction);
    expect(diagnose(symptom({ status: 500, exception: exception("AttributeError", "'SecureCookieSession' object has no attribute 'has_key'") }))).toContain("Python 2");
  });

  test("None where a value was expected is not mistaken for a view named session", () => {
    const none = /was None/;
    expect(diagnose(symptom({ status: 500, exception: exception("TypeError", "'NoneType' object is not subscriptable") }))).toMatch(none);
    expect(diagnose(symptom({ status: 500, exception: exception("TypeError", 'can only concatenate str (not "NoneType") to str') }))).toMatch(none);
  });

  test("nothing telling: no hint", () => {
    expect(diagnose(symptom({ status: 200 }))).toBeUndefined();
    expect(diagnose(symptom({ status: 500, exception: exception("ZeroDivisionError", "division by zero") }))).toBeUndefined();
  });
});
