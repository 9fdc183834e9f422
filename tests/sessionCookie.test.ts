/**
 * sessionCookie against real Flask: cookies made by Flask are decoded here, and cookies made or
 * forged here are loaded by Flask. Two interpreter starts in all (tests/support/flask_session.py):
 * "make" before anything is computed, then one "check" for every cookie the tests produce.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { inflateSync } from "node:zlib";
import { beforeAll, describe, expect, test } from "@jest/globals";
import { findPython } from "../graders/boot/python.js";
import { decodeSession, signSession, tamperSession, verifySession } from "../graders/drive/sessionCookie.js";

const KEY = "correct horse battery staple";
const OTHER = "dev";
const HELPER = fileURLToPath(new URL("./support/flask_session.py", import.meta.url));

// Cookies Flask makes (names from flask_session.py); "serializer" is dumps() outside an app context.
const FLASK_CASES = ["simple", "flashes", "nested", "unicode", "large", "tagged", "serializer"] as const;
type FlaskCase = (typeof FLASK_CASES)[number];

// Data we sign, each aimed at a way JS and Python JSON differ.
const SIGNED: Record<string, Record<string, unknown>> = {
  simple: { user: "bob", visits: 1 },
  keyOrder: { "2": "b", "10": "a", z: { y: 1, x: [true, null, 2.5] } }, // JS orders "2" before "10"
  unicode: { name: "Zoë 😀 日本語", ctrl: "a\tb\u007f\u0001" },
  tagLike: { wrapper: { " t": "a dict whose only key looks like a tag" } },
  large: { history: Array.from({ length: 400 }, (_, i) => `/page/${i % 7}`) },
};

// Payloads where the edit position matters: [data, what the forgery must say].
const TAMPER_EXACT: Array<[Record<string, unknown>, Record<string, unknown>]> = [
  [{ __: 9 }, { __: 8 }], // the only digit is at byte 6 (not 2 mod 3); 9 must not become ":"
  [{ __: "\u00e9xy" }, { __: "\u00e9xY" }], // \u00e9 in the JSON: its letters are not the data
];

interface Made { before: number; after: number; cases: Record<FlaskCase, { cookie: string; expected: unknown }> }
interface Attempt { ok: boolean; data?: unknown; error?: string }
interface Checked { signature: Attempt; session: Attempt; dump: unknown }
interface Item { label: string; cookie: string; key: string }

function python<T>(request: unknown): T {
  const out = execFileSync(findPython(), [HELPER], { input: JSON.stringify(request), encoding: "utf8", timeout: 30_000 });
  return JSON.parse(out) as T;
}

/** The JSON text inside a cookie, read independently of the module under test. */
function payloadJson(cookie: string): string {
  const compressed = cookie.startsWith(".");
  const bytes = Buffer.from(cookie.slice(compressed ? 1 : 0).split(".")[0], "base64url");
  return (compressed ? inflateSync(bytes) : bytes).toString("utf8");
}

const tail = (cookie: string) => cookie.split(".").slice(-2).join(".");

let made: Made;
const items: Item[] = [];
const results = new Map<string, Checked & Item>();
const checked = (label: string) => {
  const r = results.get(label);
  if (!r) throw new Error(`no Flask check for ${label}`);
  return r;
};

beforeAll(() => {
  made = python<Made>({ cmd: "make", key: KEY });
  const add = (label: string, cookie: string | null, key = KEY) => {
    if (cookie === null) throw new Error(`${label}: got null`);
    items.push({ label, cookie, key });
  };
  for (const name of FLASK_CASES) {
    const { cookie } = made.cases[name];
    add(`flask:${name}`, cookie);
    add(`flask:${name}:other-key`, cookie, OTHER);
    add(`tamper:${name}`, tamperSession(cookie));
  }
  const now = Math.floor(Date.now() / 1000);
  for (const [name, data] of Object.entries(SIGNED)) {
    add(`sign:${name}`, signSession(data, KEY));
    add(`sign:${name}:other-key`, signSession(data, KEY), OTHER);
  }
  add("sign:guessable", signSession({ user: "admin" }, OTHER), OTHER);
  add("sign:expired", signSession({ user: "bob" }, KEY, now - 40 * 86_400));
  add("sign:future", signSession({ user: "bob" }, KEY, now + 3_600));
  const simple = made.cases.simple.cookie;
  add("tamper:set", tamperSession(simple, { user: "admin" }));
  add("tamper:same", tamperSession(simple, { user: "alice" }));
  add("tamper:tagged-set", tamperSession(made.cases.tagged.cookie, { user: "mallory" }));
  add("tamper:empty", tamperSession(signSession({}, KEY)));
  TAMPER_EXACT.forEach(([data], i) => add(`tamper:exact:${i}`, tamperSession(signSession(data, KEY))));
  // The last signature character carries two unused bits; flipping one changes no signature byte.
  const last = simple.at(-1)!;
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  add("sig:last-spare-bit", simple.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1]);
  const sigStart = simple.lastIndexOf(".") + 1;
  const first = simple[sigStart] === "A" ? "B" : "A";
  add("sig:first-char", simple.slice(0, sigStart) + first + simple.slice(sigStart + 1));

  const answers = python<Checked[]>({ cmd: "check", items: items.map(({ cookie, key }) => ({ cookie, key })) });
  items.forEach((item, i) => results.set(item.label, { ...item, ...answers[i] }));
});

describe("decodeSession", () => {
  test.each(FLASK_CASES)("reads Flask's %s cookie without the key", (name) => {
    const { cookie, expected } = made.cases[name];
    const decoded = decodeSession(cookie);
    expect(decoded?.data).toEqual(expected);
    expect(decoded?.compressed).toBe(cookie.startsWith("."));
    expect(decoded?.timestamp).toBeGreaterThanOrEqual(made.before);
    expect(decoded?.timestamp).toBeLessThanOrEqual(made.after);
  });

  test("covers both payload forms", () => {
    expect(decodeSession(made.cases.simple.cookie)?.compressed).toBe(false);
    expect(decodeSession(made.cases.large.cookie)?.compressed).toBe(true);
  });

  test.each([
    ["empty", ""],
    ["no dots", "abc"],
    ["two parts", "eyJhIjoxfQ.abc"],
    ["bad base64", "ey!!.awcyrw.VdtVGWmYJMcXPN1lEB27-C44ch0"],
    ["base64 of 4n+1 length", "eyJhI.awcyrw.VdtVGWmYJMcXPN1lEB27-C44ch0"],
    ["not JSON", `${Buffer.from("hello").toString("base64url")}.awcyrw.VdtVGWmYJMcXPN1lEB27-C44ch0`],
    ["JSON array", `${Buffer.from("[1,2]").toString("base64url")}.awcyrw.VdtVGWmYJMcXPN1lEB27-C44ch0`],
    ["top-level tuple", `${Buffer.from('{" t":[1]}').toString("base64url")}.awcyrw.VdtVGWmYJMcXPN1lEB27-C44ch0`],
    ["dot but not zlib", ".eyJhIjoxfQ.awcyrw.VdtVGWmYJMcXPN1lEB27-C44ch0"],
    ["extra dot in payload", "eyJh.IjoxfQ.awcyrw.VdtVGWmYJMcXPN1lEB27-C44ch0"],
    // header.payload.signature: its "timestamp" is far longer than 8 bytes
    ["a JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"],
  ])("returns null for %s", (_, value) => {
    expect(decodeSession(value)).toBeNull();
    expect(tamperSession(value)).toBeNull();
    expect(tamperSession(value, { user: "x" })).toBeNull();
  });
});

describe("signSession", () => {
  test.each(["simple", "nested", "unicode", "large"] as const)("writes the same JSON Flask wrote (%s)", (name) => {
    const { cookie } = made.cases[name];
    const decoded = decodeSession(cookie)!;
    const signed = signSession(decoded.data, KEY, decoded.timestamp);
    // Not the compressed bytes, nor even whether to compress: Node's bundled zlib and Python's
    // can differ by a byte, which moves a payload across itsdangerous' "shorter" threshold.
    expect(payloadJson(signed)).toBe(payloadJson(cookie));
  });

  test("reproduces an uncompressed Flask cookie byte for byte", () => {
    const { cookie } = made.cases.simple;
    const decoded = decodeSession(cookie)!;
    expect(signSession(decoded.data, KEY, decoded.timestamp)).toBe(cookie);
  });

  test.each(Object.keys(SIGNED))("%s: Flask loads it with the right key, rejects it with another", (name) => {
    const right = checked(`sign:${name}`);
    expect(right.session).toEqual({ ok: true, data: SIGNED[name] });
    expect(right.dump).toEqual(SIGNED[name]); // through a real request and open_session
    const wrong = checked(`sign:${name}:other-key`);
    expect(wrong.signature).toEqual({ ok: false, error: "BadTimeSignature" });
    expect(wrong.dump).toEqual({});
  });

  test("compresses like itsdangerous: only when shorter", () => {
    expect(checked("sign:large").cookie.startsWith(".")).toBe(true);
    expect(checked("sign:simple").cookie.startsWith(".")).toBe(false);
  });

  test("signs with a guessed key that Flask then trusts", () => {
    expect(checked("sign:guessable").dump).toEqual({ user: "admin" });
  });

  test("the timestamp is signed: Flask refuses cookies over 31 days old or from the future", () => {
    for (const label of ["sign:expired", "sign:future"]) {
      const r = checked(label);
      expect(r.signature.ok).toBe(true);
      expect(r.session).toEqual({ ok: false, error: "SignatureExpired" });
      expect(r.dump).toEqual({});
    }
    expect(decodeSession(checked("sign:expired").cookie)?.timestamp).toBeLessThan(made.before - 39 * 86_400);
  });
});

describe("tamperSession", () => {
  const expectForgery = (label: string, original: string) => {
    const r = checked(label);
    expect(r.cookie).not.toBe(original);
    expect(tail(r.cookie)).toBe(tail(original)); // old timestamp and signature
    expect(r.signature).toEqual({ ok: false, error: "BadTimeSignature" });
    expect(r.dump).toEqual({});
    return r.cookie;
  };

  test.each(FLASK_CASES)("%s: the data changes, Flask rejects it", (name) => {
    const forged = expectForgery(`tamper:${name}`, made.cases[name].cookie);
    const decoded = decodeSession(forged);
    expect(decoded).not.toBeNull();
    expect(decoded?.data).not.toEqual(made.cases[name].expected);
    expect(decoded?.compressed).toBe(made.cases[name].cookie.startsWith("."));
  });

  test.each(["simple", "flashes", "serializer"] as const)("changes one character of the uncompressed %s payload", (name) => {
    const original = made.cases[name].cookie;
    const forged = checked(`tamper:${name}`).cookie;
    expect(original.startsWith(".")).toBe(false);
    expect(forged).toHaveLength(original.length);
    expect([...forged].filter((c, i) => c !== original[i])).toHaveLength(1);
  });

  test("with set: the new values, other keys kept, Flask rejects it", () => {
    const forged = expectForgery("tamper:set", made.cases.simple.cookie);
    expect(decodeSession(forged)).toMatchObject({ data: { user: "admin", visits: 3 }, compressed: false });
  });

  test("with set to the same values: the cookie still differs, Flask rejects it", () => {
    const forged = expectForgery("tamper:same", made.cases.simple.cookie);
    expect(decodeSession(forged)?.data).toEqual(made.cases.simple.expected);
  });

  test("with set on tagged data: the other values keep Flask's tags", () => {
    const forged = expectForgery("tamper:tagged-set", made.cases.tagged.cookie);
    expect(decodeSession(forged)).toMatchObject({ data: { ...(made.cases.tagged.expected as object), user: "mallory" }, compressed: false });
    expect(payloadJson(forged)).toContain('"pair":{" t":[1,"two"]}');
  });

  test.each(TAMPER_EXACT.map(([data, forged], i) => [JSON.stringify(data), forged, i] as const))(
    "%s: edits the data, not JSON syntax",
    (_, forged, i) => {
      const r = checked(`tamper:exact:${i}`);
      expect(decodeSession(r.cookie)?.data).toEqual(forged);
      expect(r.signature).toEqual({ ok: false, error: "BadTimeSignature" });
    },
  );

  test("an empty session still gives a cookie Flask rejects", () => {
    expect(checked("tamper:empty").signature).toEqual({ ok: false, error: "BadTimeSignature" });
  });
});

describe("verifySession", () => {
  test("agrees with Flask's signature check on every cookie in this file", () => {
    const verdicts = items.map(({ label, cookie, key }) => [label, verifySession(cookie, key)] as const);
    expect(verdicts).toEqual(items.map(({ label }) => [label, checked(label).signature.ok]));
    expect(verdicts.filter(([, ok]) => ok).length).toBeGreaterThan(5);
    expect(verdicts.filter(([, ok]) => !ok).length).toBeGreaterThan(5);
  });

  test("like Flask, ignores the spare bits of the last character but not an early change", () => {
    expect(checked("sig:last-spare-bit").cookie).not.toBe(made.cases.simple.cookie);
    expect(checked("sig:last-spare-bit").dump).toEqual(made.cases.simple.expected);
    expect(verifySession(checked("sig:last-spare-bit").cookie, KEY)).toBe(true);
    expect(checked("sig:first-char").dump).toEqual({});
    expect(verifySession(checked("sig:first-char").cookie, KEY)).toBe(false);
  });
});
