/**
 * `npm run export` of an exercise whose spec refers to files: a TypeScript custom check
 * (`script: checks/cart.ts`), a setup script (`pythonFile: setup/seed.py`), and a script only a
 * hidden check uses. The compiled command exports a student repository; the referenced files land
 * below its specs/ at the same relative paths (the hidden check's beside the hidden checks' file,
 * never in the repository), the specs name them relatively, and the repository's own `npm test`
 * (after `npm install`, offline by the exported lockfile, which brings typescript for the .ts check) passes on a solution and fails a
 * wrong app with the custom check's words. Its grading command runs the hidden check once its file
 * is put in place. A file outside the specs folder, or missing, is refused with exit 2.
 *
 * Slow (a TypeScript build and an npm install), like exportRoundTrip.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { installArgs, offlineInstall } from "./support/offlineInstall.js";
import { dedent } from "./support/tempApps.js";
import { cleanEnv, output, sh } from "./support/studentShell.js";
import { sharedTscBuild } from "./support/transpile.js";

const root = fileURLToPath(new URL("..", import.meta.url));

let build: string;
let work: string;
let specs: string;
let repo: string;

const SPEC = `
  id: cart
  title: A cart in the session
  setup:
    - pythonFile: setup/seed.py
  limits: { bootSeconds: 20, requestSeconds: 10, setupSeconds: 20 }
  checks:
    - id: cart-lists
      title: The cart lists what was added, from the session
      hint: Append to the list, then assign it back to session["cart"].
      steps:
        - script: checks/cart.ts
    - id: zebra-stock
      title: The stock page shows what the setup wrote
      visibility: hidden
      hint: Read stock.txt.
      steps:
        - script: checks/hidden/stock.mjs
`;

// Type annotations on purpose: the exported repository must transpile it.
const CART_CHECK = `
  interface Tools {
    request(browser?: string): { get(path: string): Promise<{ text: string }> & { expect(status: number): Promise<{ text: string }> } };
    session(browser?: string): Record<string, unknown> | null;
  }

  export default async function (t: Tools) {
    await t.request().get("/add/apple").expect(302);
    const page = await t.request().get("/cart").expect(200);
    const cart = t.session()?.cart as string[] | undefined;
    if (!page.text.includes("apple") || !Array.isArray(cart)) {
      return { passed: false, message: "after /add/apple, the cart page did not list apple", hint: "Assign the list back to session['cart']." };
    }
    const stock = await t.request().get("/stock").expect(200);
    if (!stock.text.includes("apple")) return { passed: false, message: "the stock page does not show what the setup script wrote" };
    return { passed: true };
  }
`;

const STOCK_CHECK = `
  export default async function (t) {
    const page = await t.request().get("/stock").expect(200);
    return page.text.includes("apple") ? undefined : { passed: false, message: "no stock" };
  }
`;

const SEED = `
  with open("stock.txt", "w") as f:
      f.write("apple\\n")
`;

const APP = (append: string) => `
  from flask import Flask, redirect, session

  app = Flask(__name__)
  app.secret_key = "a fixed key of thirty-two chars!"


  @app.route("/add/<item>")
  def add(item):
      ${append}
      return redirect("/cart")


  @app.route("/cart")
  def cart():
      return "Cart: " + ", ".join(session.get("cart", []))


  @app.route("/stock")
  def stock():
      with open("stock.txt") as f:
          return f.read()
`;
const SOLUTION = APP('session["cart"] = session.get("cart", []) + [item]');
// The list is changed in place and never assigned back: Flask does not see it change.
const WRONG = APP('session.get("cart", []).append(item)');

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), dedent(text));
  }
}

const exportCommand = (args: string[]) => sh(process.execPath, [join(build, "scripts", "export.js"), ...args], work);

beforeAll(async () => {
  build = await sharedTscBuild(root, "scripts/export.js");

  work = mkdtempSync(join(tmpdir(), "autograde-export-refs-"));
  specs = join(work, "specs");
  write(specs, { "cart.yaml": SPEC, "checks/cart.ts": CART_CHECK, "checks/hidden/stock.mjs": STOCK_CHECK, "setup/seed.py": SEED });
  cpSync(join(root, "specs", "schema.json"), join(specs, "schema.json"));
  write(join(work, "starter"), { "cart/app.py": WRONG });
  repo = join(work, "repo");
  const exported = exportCommand([repo, "--exercise", "cart", "--specs", specs, "--starter", join(work, "starter")]);
  if (exported.status !== 0) throw new Error(`export failed:\n${output(exported)}`);
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("a student repository of a spec that refers to files", () => {
  test("the public files are below specs/ at their paths, the hidden check's beside the hidden checks' file; paths stay relative", () => {
    expect(readFileSync(join(repo, "specs", "checks", "cart.ts"), "utf8")).toBe(dedent(CART_CHECK));
    expect(readFileSync(join(repo, "specs", "setup", "seed.py"), "utf8")).toBe(dedent(SEED));
    expect(existsSync(join(repo, "specs", "checks", "hidden"))).toBe(false);
    expect(readFileSync(`${repo}.hidden-checks-files/specs/checks/hidden/stock.mjs`, "utf8")).toBe(dedent(STOCK_CHECK));
    const publicSpec = readFileSync(join(repo, "specs", "cart.yaml"), "utf8");
    const hiddenText = readFileSync(`${repo}.hidden-checks.yaml`, "utf8");
    expect(publicSpec).toContain("script: checks/cart.ts");
    expect(publicSpec).toContain("pythonFile: setup/seed.py");
    expect(publicSpec).not.toMatch(/zebra|stock\.mjs/);
    expect(hiddenText).toContain("script: checks/hidden/stock.mjs");
    for (const text of [publicSpec, hiddenText]) expect(text).not.toContain(work);
    // The .ts check is transpiled where it is graded: the repository installs typescript.
    const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies.typescript).toBeDefined();
  });

  test(
    "npm install, then npm test passes on the solution and fails the wrong app with the custom check's words",
    () => {
      offlineInstall(repo, installArgs(readFileSync(join(repo, ".github", "workflows", "classroom.yml"), "utf8")), cleanEnv());
      const wrong = sh("npm", ["test"], repo);
      expect(wrong.status).not.toBe(0);
      expect(output(wrong)).toContain("after /add/apple, the cart page did not list apple");
      write(join(repo, "cart"), { "app.py": SOLUTION });
      const right = sh("npm", ["test"], repo);
      expect(output(right)).toMatch(/Tests:\s+\d+ passed, \d+ total/);
      expect(right.status).toBe(0);
    },
    400_000,
  );

  test("the grading command runs the hidden check once its file is put at its path below specs/", () => {
    cpSync(`${repo}.hidden-checks-files/specs`, join(repo, "specs"), { recursive: true });
    const env = cleanEnv({ AUTOGRADER_HIDDEN_SPECS: readFileSync(`${repo}.hidden-checks.yaml`, "utf8") });
    const graded = sh("npx", ["autograde", ".", "--specs", "specs", "--format", "json"], repo, env);
    expect(graded.status).toBe(0);
    const result = JSON.parse(graded.stdout) as { results?: { checks: { id: string; status: string }[] }[]; checks?: { id: string; status: string }[] };
    const checks = result.checks ?? result.results?.[0]?.checks ?? [];
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ["cart-lists", "pass"],
      ["zebra-stock", "pass"],
    ]);
  }, 120_000);
});

describe("files the export refuses", () => {
  test("a file outside the specs folder, and a missing one: exit 2 with what to do", () => {
    write(work, { "elsewhere/outside.ts": CART_CHECK });
    write(specs, {
      "outside.yaml": `id: outside\ntitle: Outside\nchecks:\n  - { id: a, title: A, hint: H, steps: [{ script: ../elsewhere/outside.ts }] }\n`,
      "missing.yaml": `id: missing\ntitle: Missing\nchecks:\n  - { id: a, title: A, hint: H, steps: [{ script: checks/nope.ts }] }\n`,
    });
    const outside = exportCommand([join(work, "gs-outside"), "--gradescope", "--exercise", "outside", "--specs", specs]);
    expect(outside.status).toBe(2);
    expect(outside.stderr).toContain('check "a", step 1 (script) refers to ../elsewhere/outside.ts, outside the specs folder');
    expect(outside.stderr).toContain("move it below the specs folder");
    const missing = exportCommand([join(work, "gs-missing"), "--gradescope", "--exercise", "missing", "--specs", specs]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("refers to checks/nope.ts, which is not there");
    expect(existsSync(join(work, "gs-outside"))).toBe(false);
  });

  test("Gradescope with --include-hidden: the hidden check's file is in the (staff-only) folder", () => {
    const folder = join(work, "gs");
    const exported = exportCommand([folder, "--gradescope", "--exercise", "cart", "--specs", specs, "--include-hidden"]);
    if (exported.status !== 0) throw new Error(`export failed:\n${output(exported)}`);
    expect(existsSync(join(folder, "specs", "checks", "hidden", "stock.mjs"))).toBe(true);
    expect(existsSync(join(folder, "specs", "checks", "cart.ts"))).toBe(true);
    expect(existsSync(join(folder, "specs", "setup", "seed.py"))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.typescript).toBeDefined();
  });
});
