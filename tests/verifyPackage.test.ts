/**
 * `npm run verify` on a package entry (`entry: blog`, a folder with __init__.py): every module of
 * the package is mutated on its own, each mutant id starts with the file it changes (distinct per
 * file, the same on every run), a mutant's folder has that one file changed, and marks in the
 * marks file still name mutants. Proven on the look-alike of the Flask tutorial's app
 * (tests/support/blogApp.ts), graded for real.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { findPython } from "../graders/boot/python.js";
import { loadSpecText } from "../graders/spec/load.js";
import type { Marks } from "../graders/verify/marks.js";
import { makeMutants, writeMutants } from "../graders/verify/mutants.js";
import { verify } from "../graders/verify/run.js";
import { blogFiles } from "./support/blogApp.js";
import { dedent, removeTempApps, tempApp } from "./support/tempApps.js";

const python = findPython();
afterAll(() => removeTempApps());

const REGISTER = "{ request: { method: POST, path: /auth/register, form: { username: ada, password: pw } }, expect: { status: 302 } }";
const LOGIN = "{ request: { method: POST, path: /auth/login, form: { username: ada, password: pw } }, expect: { status: 302 } }";

const spec = loadSpecText(
  dedent(`
    id: blog
    title: A blog with a database
    entry: blog
    setup: [{ flask: init-db }]
    state: per-check
    limits: { bootSeconds: 20, requestSeconds: 10, setupSeconds: 20 }
    checks:
      - id: own-posts
        title: A user who registers and logs in sees their own post
        hint: Look at the login and create views.
        steps:
          - ${REGISTER}
          - ${LOGIN}
          - request: { method: POST, path: /create, form: { title: Hello } }
            expect: { status: 302 }
          - request: GET /
            expect: { text: { contains: "Your posts: Hello" } }
  `),
  "blog.yaml",
);

describe("mutants of a package entry", () => {
  const solution = tempApp(blogFiles());

  test("every module is mutated; ids start with the module's file, are distinct and the same on every run", async () => {
    const made = await makeMutants(python, spec, solution);
    expect(made.file).toBe("blog");
    const files = new Set(made.mutants.map((m) => m.file));
    expect([...files].sort()).toEqual(expect.arrayContaining(["blog/auth.py", "blog/posts.py"]));
    for (const m of made.mutants) expect(m.id.startsWith(`${m.file}:`)).toBe(true);
    expect(new Set(made.mutants.map((m) => m.id)).size).toBe(made.mutants.length);
    // The login's session.clear() (auth.py) is one of the mistakes, named after its file.
    expect(made.mutants.map((m) => m.id)).toContain("blog/auth.py:clear-not-called/login");
    // The routes a mutant changes are the app's own: a blueprint's url_prefix is added (auth's is /auth).
    expect(made.mutants.find((m) => m.id === "blog/auth.py:clear-not-called/login")!.routes).toEqual([{ rule: "/auth/login", methods: ["POST"] }]);
    expect(made.mutants.find((m) => m.id === "blog/posts.py:guard-removed/create")!.routes).toEqual([{ rule: "/create", methods: ["POST"] }]);
    const again = await makeMutants(python, spec, solution);
    expect(again.mutants.map((m) => m.id)).toEqual(made.mutants.map((m) => m.id));
  });

  test("a mutant's folder has its own file changed and the package's other modules as they were", async () => {
    const made = await makeMutants(python, spec, solution);
    const mutant = made.mutants.find((m) => m.file === "blog/posts.py")!;
    const folders = writeMutants(solution, { file: made.file, mutants: [mutant] });
    try {
      const dir = folders.dirs[0]!;
      expect(readFileSync(join(dir, "blog/posts.py"), "utf8")).toBe(mutant.source);
      expect(readFileSync(join(dir, "blog/posts.py"), "utf8")).not.toBe(readFileSync(join(solution, "blog/posts.py"), "utf8"));
      for (const other of ["blog/__init__.py", "blog/auth.py", "blog/db.py"]) {
        expect(readFileSync(join(dir, other), "utf8")).toBe(readFileSync(join(solution, other), "utf8"));
      }
      expect(mutant.diff).toContain("+++ mutant/blog/posts.py");
    } finally {
      folders.dispose();
    }
  });

  test("verify grades the solution and the package's mutants; a mark in the marks file names its mutant", async () => {
    const ids = ["blog/posts.py:key-renamed/mine:author_id(read)", "blog/auth.py:clear-not-called/login"];
    const marks: Marks = { file: "blog.mutants.yml", equivalent: new Map([[ids[1]!, "the login starts from no session in this check"]]), doublePenalty: new Map() };
    const report = await verify({ spec, specFile: "blog.yaml", solution, marks, jobs: 1, python, only: (m) => ids.includes(m.id) });
    expect(report.file).toBe("blog");
    expect(report.mutants.map((m) => m.id).sort()).toEqual([...ids].sort());
    const byId = new Map(report.mutants.map((m) => [m.id, m]));
    // The page reads another key than the login wrote: the logged-in user is told to log in.
    expect(byId.get(ids[0]!)!.status).toBe("caught");
    expect(byId.get(ids[1]!)!.status).toBe("equivalent");
    expect(report.staleMarks).toEqual([]);
  }, 120_000);
});
