import { describe, expect, test } from "@jest/globals";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SpecError } from "../graders/errors.js";
import { loadSpec, loadSpecText } from "../graders/spec/load.js";
import { generateSchema, packageRoot } from "../scripts/schema.js";

const VALID = `# yaml-language-server: $schema=./schema.json
id: visit-counter
title: Count the visits
limits: { bootSeconds: 5 }
checks:
  - id: counts-up
    title: The count goes up by one on each visit
    points: 2
    steps:
      - request: GET /
        expect: { status: 200, text: { matches: "Visits: \\\\d+" } }
        capture:
          first: { number: true }
      - request: { method: GET, path: /, followRedirects: true }
        expect:
          text: { number: { capture: first, plus: 1 } }
          captured: [{ name: first, notEquals: null }]
  - id: logout
    title: Logging out forgets you
    needs: [counts-up]
    hint: Clear the session in /logout.
    steps:
      - request: POST /logout
        expect:
          anyOf:
            - { redirect: /login, because: a redirect to the login page }
            - { status: [401, 403] }
          setCookies: [{ name: session, is: deleted }]
      - dropCookie: session
      - restart: true
      - browser: mallory
        forgeSession: { key: dev, data: { user: alice } }
  - id: httponly
    title: The session cookie is HttpOnly
    advisory: true
    steps:
      - request: GET /
        expect:
          headers: { Content-Type: { matches: "^text/html" } }
          setCookies: [{ name: session, attributes: { HttpOnly: true } }]
`;

const QUIZ = `id: cookies-quiz
title: Cookies, in theory
kind: quiz
checks: []
questions:
  - id: q1
    text: Where does Flask keep the session by default?
    options: [On the server, In a signed cookie]
    answer: In a signed cookie
    explanation: Flask's default session is a signed cookie.
`;

/** Loads `text` and returns the SpecError it throws, as "line:column problem". */
function problemOf(text: string): string {
  try {
    loadSpecText(text, "broken.yaml");
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    return `${error.line}:${error.column} ${error.problem}`;
  }
  throw new Error("the spec loaded without an error");
}

/** A minimal valid spec with `steps` (indented for the first check's steps) swapped in. */
const withSteps = (steps: string): string => `id: ex
title: T
checks:
  - id: a
    title: A
    steps:
${steps}`;

describe("loadSpec", () => {
  test("a valid spec loads, with the yaml-language-server comment", () => {
    const spec = loadSpecText(VALID, "visit-counter.yaml");
    expect(spec.id).toBe("visit-counter");
    expect(spec.checks.map((check) => check.id)).toEqual(["counts-up", "logout", "httponly"]);
    expect(spec.checks[0]?.points).toBe(2);
    expect(spec.checks[2]?.points).toBeUndefined(); // defaults are not filled in
  });

  test("merge keys reuse a block", () => {
    const text = withSteps(`      - request: &get { path: /count, headers: { Accept: text/html } }\n      - request: { <<: *get, method: POST }\n`);
    expect(loadSpecText(text, "merge.yaml").checks[0]?.steps[1]?.request).toEqual({ path: "/count", headers: { Accept: "text/html" }, method: "POST" });
  });

  test("a quiz loads", () => {
    expect(loadSpecText(QUIZ, "quiz.yaml").questions?.[0]?.answer).toBe("In a signed cookie");
  });

  test("loadSpec reads a file and reports a missing one", async () => {
    await expect(loadSpec("/nonexistent/spec.yaml")).rejects.toThrow("/nonexistent/spec.yaml: cannot read the spec (ENOENT)");
  });

  const broken: [string, string, string][] = [
    ["yaml syntax error", `id: ex\ntitle: [unclosed\nchecks: []\n`, "3:1 invalid YAML: "],
    ["duplicate key", `id: ex\nid: ex2\n`, "2:1 invalid YAML: Map keys must be unique"],
    ["unknown key with a typo", withSteps(`      - request: GET /\n        expct: { status: 200 }\n`),
      `8:9 unknown key "expct" in a step (did you mean "expect"?)`],
    ["unknown key without a likely match", `id: ex\ntitle: T\nchecks: []\ncolour: red\n`,
      `4:1 unknown key "colour" in the spec; allowed here: id, title, kind, entry, packages, sessionCookie, limits, setup, state, checks, questions`],
    ["typo inside an anyOf (request object)", withSteps(`      - request: { methd: POST, path: / }\n`),
      `7:20 unknown key "methd" in a request (did you mean "method"?)`],
    ["typo and missing key in one check", `id: ex\ntitle: T\nchecks:\n  - id: a\n    title: A\n    stps: []\n`,
      `6:5 unknown key "stps" in a check (did you mean "steps"?)`],
    ["wrong type", `id: ex\ntitle: T\nchecks:\n  - id: a\n    title: A\n    points: two\n    steps: [{ restart: true }]\n`,
      `6:13 "points" must be a number`],
    ["text given as a number", `id: ex\ntitle: 2024\nchecks: []\n`, `2:8 "title" must be text (put it in quotes)`],
    ["wrong type in a union", withSteps(`      - request: GET /\n        expect: { status: "ok" }\n`),
      `8:27 "status" must be a number or a list`],
    ["wrong item in a list union", withSteps(`      - request: GET /\n        expect: { status: [200, ok] }\n`),
      `8:33 item 2 of "status" must be a number`],
    ["capture reference of the wrong shape", withSteps(`      - request: GET /\n        expect: { text: { number: [1] } }\n`),
      `8:35 "number" must be a number or a capture reference like { capture: name }`],
    ["bad enum", `id: ex\ntitle: T\nchecks:\n  - id: a\n    title: A\n    visibility: hiden\n    steps: [{ restart: true }]\n`,
      `6:17 "visibility" must be one of "visible", "hidden", "after-due-date", "after-published" (did you mean "hidden"?)`],
    ["below the minimum", `id: ex\ntitle: T\nlimits:\n  bootSeconds: 0\nchecks: []\n`, `4:16 "bootSeconds" must be at least 1`],
    ["missing steps", `id: ex\ntitle: T\nchecks:\n  - id: a\n    title: A\n`, `4:5 a check needs "steps"`],
    ["empty steps", `id: ex\ntitle: T\nchecks:\n  - id: a\n    title: A\n    steps:\n`, `6:5 "steps" must be a list (it is empty)`],
    ["a list instead of a mapping", `- id: ex\n`, `1:1 the spec must be a mapping (key: value)`],
    ["empty file", ``, `1:1 the file is empty`],
    ["duplicate check id", `id: ex\ntitle: T\nchecks:\n  - { id: a, title: A, steps: [restart: true] }\n  - { id: a, title: B, steps: [restart: true] }\n`,
      `5:11 check id "a" is used twice (first on line 4)`],
    ["check id with capitals", `id: ex\ntitle: T\nchecks:\n  - { id: Counts Up, title: A, steps: [restart: true] }\n`,
      `4:11 a check id may only use lower-case letters, digits and dashes ("Counts Up" could be "counts-up")`],
    ["needs a later check", `id: ex\ntitle: T\nchecks:\n  - { id: a, title: A, needs: [b], steps: [restart: true] }\n  - { id: b, title: B, steps: [restart: true] }\n`,
      `4:32 needs "b", which comes later: a check can only need earlier checks`],
    ["needs an unknown check", `id: ex\ntitle: T\nchecks:\n  - { id: login, title: A, steps: [restart: true] }\n  - { id: b, title: B, needs: [logn], steps: [restart: true] }\n`,
      `5:32 needs "logn", but no earlier check has that id (did you mean "login"?)`],
    ["two actions in a step", withSteps(`      - request: GET /\n        restart: true\n`),
      `8:9 a step does one thing, but this one has both "request" and "restart": split it into two steps`],
    ["no action in a step", withSteps(`      - browser: alice\n`),
      `7:9 a step needs one action: request, dropCookie, setCookie, tamperSession, forgeSession, guessKeys, restart, script, follow, submit`],
    ["expect on a non-request step", withSteps(`      - dropCookie: session\n        expect: { status: 200 }\n`),
      `8:9 "expect" only works on a request, follow, submit or guessKeys step`],
    ["capture used before it is made", withSteps(
      `      - request: GET /\n        expect: { text: { number: { capture: n, plus: 1 } } }\n      - request: GET /\n        capture: { n: { number: true } }\n`),
      `8:46 capture "n" is used before step 2 makes it: a step can only use captures of earlier steps`],
    ["capture used in its own step", withSteps(
      `      - request: GET /\n        capture: { n: { number: true } }\n        expect: { captured: [{ name: n, equals: 1 }] }\n`),
      `9:38 capture "n" is made by this same step: it can be used from the next step on`],
    ["capture never made", withSteps(
      `      - request: GET /\n        capture: { count: { number: true } }\n      - request: GET /\n        expect: { captured: [{ name: cuont, equals: 1 }] }\n`),
      `10:38 no earlier step of this check captures "cuont" (did you mean "count"?)`],
    ["capture with two sources", withSteps(`      - request: GET /\n        capture: { n: { number: true, header: X-Count } }\n`),
      `8:39 capture "n" needs exactly one source (number, regex, header, cookie, session), found "number" and "header"`],
    ["bad regex", withSteps(`      - request: GET /\n        expect: { text: { matches: "Visits: (\\\\d+" } }\n`),
      `8:36 "matches" is not a valid regular expression: Unterminated group`],
    ["bad regex in a header rule inside anyOf", withSteps(
      `      - request: GET /\n        expect:\n          anyOf:\n            - headers: { Location: { matches: "[" } }\n`),
      `10:47 "matches" is not a valid regular expression: Unterminated character class`],
    ["bad shorthand", withSteps(`      - request: GET/login\n`),
      `7:18 request "GET/login" must look like "GET /path": a method (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS), one space, and a path starting with "/"`],
    ["path without a slash", withSteps(`      - request: { path: login }\n`), `7:26 the path "login" must start with "/"`],
    ["advisory check with points", `id: ex\ntitle: T\nchecks:\n  - { id: a, title: A, advisory: true, points: 1, steps: [restart: true] }\n`,
      `4:48 an advisory check earns no points: remove "points" or set it to 0`],
    ["flask-app without checks", `id: ex\ntitle: T\nchecks: []\n`, `3:9 a flask-app exercise needs at least one check`],
    ["quiz without questions", `id: ex\ntitle: T\nkind: quiz\nchecks: []\n`, `3:7 kind: quiz needs "questions"`],
    ["quiz answer not among the options", QUIZ.replace("answer: In a signed cookie", "answer: In a cookie"),
      `9:13 the answer "In a cookie" is not one of the options`],
  ];

  test.each(broken)("%s", (_name, text, expected) => {
    const problem = problemOf(text);
    if (expected.endsWith(": ")) expect(problem.startsWith(expected)).toBe(true);
    else expect(problem).toBe(expected);
  });

  test("a SpecError's message names the file, line and column", () => {
    expect(() => loadSpecText(`id: ex\ntitle: T\nchecks: []\ncolor: red\n`, "specs/x.yaml")).toThrow(
      /^specs\/x\.yaml:4:1: unknown key "color" in the spec/,
    );
  });
});

describe("specs/", () => {
  const specs = join(packageRoot(), "specs");

  test("schema.json is what types.ts generates", () => {
    const committed: unknown = JSON.parse(readFileSync(join(specs, "schema.json"), "utf8"));
    // A plain boolean first, so that a stale file fails with the instruction, not only a diff.
    const fresh = JSON.stringify(committed) === JSON.stringify(generateSchema());
    expect(fresh ? "fresh" : "schema is stale: run npm run schema").toBe("fresh");
  });

  const files = readdirSync(specs).filter((name) => name.endsWith(".yaml"));
  test.each(files.length > 0 ? files : ["(none yet)"])("%s validates", async (name) => {
    if (name === "(none yet)") return;
    await expect(loadSpec(join(specs, name))).resolves.toHaveProperty("id");
  });
});
