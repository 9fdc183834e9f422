/**
 * Hints chosen by cause (graders/verdict/hints.ts): each names what the grader saw (the missing
 * route and the routes the app has, the method to allow, the name to import, the student's own
 * key), and the instructor's hint is kept with the diagnosis under it. No app is started; hints
 * that quote the source get the runner's real scan of it (graders/boot/sourceScan.py).
 */
import { afterAll, describe, expect, test } from "@jest/globals";
import { combineHints, diagnose, type Symptom } from "../graders/verdict/hints.js";
import type { AppException } from "../graders/verdict/types.js";
import { scanOf } from "./support/sourceScan.js";
import { removeTempApps } from "./support/tempApps.js";

afterAll(removeTempApps);

const symptom = (over: Partial<Symptom>): Symptom => ({ method: "GET", path: "/", ...over });
const raised = (type: string, message: string, line?: number): AppException => ({
  type,
  message,
  summary: `${type}: ${message}`,
  location: line ? { file: "app.py", line } : undefined,
});
const app = scanOf;

describe("hints by cause", () => {
  test("404 names the missing route and lists the routes the app has", () => {
    const routes = [
      { rule: "/login", endpoint: "login", methods: ["GET", "POST"] },
      { rule: "/home", endpoint: "home", methods: ["GET"] },
    ];
    const hint = diagnose(symptom({ path: "/dashboard", status: 404, routes }))!;
    expect(hint).toContain("There is no page at /dashboard");
    expect(hint).toContain("The routes your app has: /login, /home.");
    expect(diagnose(symptom({ path: "/dashboard", status: 404 }))).not.toContain("routes your app has");
    expect(diagnose(symptom({ path: "/dashboard", status: 404, routes: [] }))).toContain("no routes at all");
  });

  test("405 says which method to allow, keeping the ones the route has", () => {
    const routes = [{ rule: "/login", endpoint: "login", methods: ["GET"] }];
    expect(diagnose(symptom({ method: "POST", path: "/login", status: 405, routes }))).toBe(
      'The route /login does not accept POST (it allows only GET). Allow it in the route: @app.route("/login", methods=["GET", "POST"]).',
    );
  });

  test("a Flask name used without importing it: what to import, added to the student's own import line", () => {
    const e = raised("NameError", "name 'session' is not defined", 9);
    expect(diagnose(symptom({ status: 500, exception: e }), app("from flask import Flask, request\n"))).toContain("from flask import Flask, request, session");
    expect(diagnose(symptom({ status: 500, exception: e }))).toContain("from flask import session");
    const other = diagnose(symptom({ status: 500, exception: raised("NameError", "name 'vists' is not defined") }))!;
    expect(other).toContain("vists");
    expect(other).not.toContain("import vists");
  });

  test("KeyError and has_key name the student's own key", () => {
    const source = app('x = 1\nif session.has_key("username"):\n    del session["cart"]\nn = session["count"]\n');
    const hasKey = diagnose(symptom({ status: 500, exception: raised("AttributeError", "'SecureCookieSession' object has no attribute 'has_key'", 2) }), source);
    expect(hasKey).toContain('"username" in session');
    expect(hasKey).not.toContain('"user" in');
    const removed = diagnose(symptom({ status: 500, exception: raised("KeyError", "'cart'", 3) }), source)!;
    expect(removed).toContain("app.py line 3 removes 'cart'");
    expect(removed).toContain(".pop('cart', None)");
    const read = diagnose(symptom({ status: 500, exception: raised("KeyError", "'count'", 4) }), source)!;
    expect(read).toContain(".get('count')");
    expect(read).not.toContain(".pop");
  });

  test("no hint sends the student to a terminal they never opened", () => {
    const cases: Partial<Symptom>[] = [
      { status: 404 },
      { status: 405, method: "POST" },
      { status: 400 },
      { status: 500, exception: raised("KeyError", "'x'") },
      { status: 500, exception: raised("NameError", "name 'request' is not defined") },
      { status: 500, exception: raised("RuntimeError", "The session is unavailable because no secret key was set.") },
    ];
    for (const c of cases) expect(diagnose(symptom(c)) ?? "").not.toMatch(/terminal/i);
  });

  test("the instructor's hint always shows, with the diagnosis under it", () => {
    expect(combineHints("Teacher says.", "Grader saw.")).toBe("Teacher says.\nWhat the grader saw: Grader saw.");
    expect(combineHints("Teacher says.", undefined)).toBe("Teacher says.");
    expect(combineHints(undefined, "Grader saw.")).toBe("Grader saw.");
  });
});
