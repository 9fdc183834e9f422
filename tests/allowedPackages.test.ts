/**
 * Issue 11 item 3: a spec lists the Python packages it allows (`packages:`). An app importing an
 * allowed package the grading machine lacks is the set-up's error, with the install command, on
 * the cold and the warm launcher; a missing module the spec does not list stays the student's.
 */
import { describe, expect, test } from "@jest/globals";
import { requireAllowedPackage } from "../graders/boot/allowedPackages.js";
import { findPython } from "../graders/boot/python.js";
import { LaunchError } from "../graders/boot/handshake.js";
import { SpecError } from "../graders/errors.js";
import { grade } from "../graders/grade.js";
import { loadSpecText } from "../graders/spec/load.js";
import type { Spec } from "../graders/spec/types.js";
import { appsOnWarmLauncher } from "./support/warmApps.js";

// A name no machine has installed: the test is about the grader, not about what pip put here.
const ABSENT = "autograder_surely_absent_pkg_7f3";

const { app, warm } = appsOnWarmLauncher();

const SOURCE = `
  from flask import Flask
  import ${ABSENT}.sessions

  app = Flask(__name__)

  @app.route("/")
  def home():
      return "hello"
`;

function spec(packages?: string[]): Spec {
  return {
    id: "allowed-packages",
    title: "Allowed packages",
    ...(packages && { packages }),
    limits: { bootSeconds: 20, requestSeconds: 10 },
    checks: [{ id: "home", title: "The home page answers", steps: [{ request: "GET /", expect: { status: 200 } }] }],
  };
}

describe("a package the spec allows", () => {
  test("not installed: a set-up error naming the install command (cold and warm), never a zero", async () => {
    for (const launcher of [undefined, warm.launch]) {
      const result = await grade(spec(["flask_session", ABSENT]), app(SOURCE), launcher ? { launcher } : {});
      expect(result.status).toBe("error");
      expect(result.problem).toBeUndefined();
      expect(result.error).toContain(`-m pip install ${ABSENT}`);
    }
  });

  test("installed: a report that it is missing is checked, not believed", async () => {
    await expect(requireAllowedPackage(findPython(), "json.decoder", ["json"])).resolves.toBeUndefined();
    await expect(requireAllowedPackage(findPython(), `${ABSENT}.x`, [ABSENT])).rejects.toThrow(LaunchError);
  });
});

describe("a package the spec does not list", () => {
  test("not installed: the student's feedback, as before", async () => {
    const result = await grade(spec(["flask_session"]), app(SOURCE));
    expect(result.status).toBe("graded");
    expect(result.problem?.kind).toBe("missing-module");
    expect(result.problem?.message).toContain(ABSENT);
    expect(result.score).toBe(0);
  });

  test("a name that is no import name is an invalid spec", () => {
    const text = "id: allowed-packages\ntitle: Allowed\npackages: [Flask-Session]\nchecks:\n  - id: home\n    title: Home\n    steps:\n      - request: GET /\n";
    expect(() => loadSpecText(text, "allowed.yaml")).toThrow(SpecError);
    expect(() => loadSpecText(text, "allowed.yaml")).toThrow(/allowed\.yaml:3:/);
    expect(loadSpecText(text.replace("Flask-Session", "flask_session"), "allowed.yaml").packages).toEqual(["flask_session"]);
  });
});
