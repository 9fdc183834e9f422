/**
 * Issue 16 item 4: with AUTOGRADER_HIDDEN_SPECS set, no process of a grading run holds the hidden
 * checks in its /proc/PID/environ: not the grader (autograde, batch), not the warm server, not a
 * runner or an app. The real commands run from a private build (see cliAgreement.test.ts); while
 * they grade, every process below them is read from /proc, and a hidden check that waits in the app
 * makes sure the whole tree is seen at work.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { packageFile } from "../graders/paths.js";
import { descendantsOf } from "./support/tempApps.js";
import { sharedTscBuild } from "./support/transpile.js";

const ROOT = packageFile(".");
const MARKER = `hidden-marker-${Date.now().toString(36)}`;
const root = mkdtempSync(join(tmpdir(), "hidden-environ-"));
let built: string;

beforeAll(async () => {
  built = await sharedTscBuild(ROOT, "scripts/grade.js");
}, 180_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const specs = join(root, "specs");
mkdirSync(specs);
writeFileSync(
  join(specs, "hidden-env.yaml"),
  JSON.stringify({ id: "hidden-env", title: "Hidden checks stay hidden", checks: [{ id: "home", title: "Home", steps: [{ request: "GET /", expect: { status: 200 } }] }] }),
);
const HIDDEN = `hidden-env:\n  checks:\n    - id: waits\n      title: A request that waits (${MARKER})\n      steps:\n        - request: GET /wait?probe=${MARKER}\n          expect: { status: 200 }\n`;
const APP = [
  "import time",
  "from flask import Flask",
  "app = Flask(__name__)",
  "@app.get('/')",
  "def index():",
  "    return 'hello'",
  "@app.get('/wait')",
  "def wait():",
  "    time.sleep(1.5)",
  "    return 'waited'",
  "",
].join("\n");

/** Runs a built command with the hidden checks set, reading every process's environ while it runs. */
async function watch(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; leaks: string[]; seen: string[] }> {
  const child = spawn(process.execPath, args, { env: { ...process.env, AUTOGRADER_HIDDEN_SPECS: HIDDEN }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c));
  child.stderr.on("data", (c: Buffer) => (stderr += c));
  const leaks = new Set<string>();
  const seen = new Set<string>();
  let done = false;
  const finished = new Promise<number | null>((resolve) => child.on("close", (code) => ((done = true), resolve(code))));
  while (!done) {
    // From the moment a Python exists below the grader: before that no student code can run (the
    // grader takes the variable out first thing, but the kernel showed it since exec).
    const processes = descendantsOf(child.pid!, true);
    if (!processes.some((p) => /(zygote|runner)\.py/.test(p.cmdline))) {
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    for (const p of processes) {
      let environ = "";
      try {
        environ = readFileSync(`/proc/${p.pid}/environ`, "utf8");
      } catch {
        continue; // gone, or not ours to read
      }
      const kind = p.pid === child.pid ? "grader" : /zygote\.py/.test(p.cmdline) ? "zygote" : /runner\.py/.test(p.cmdline) ? "runner" : "other";
      seen.add(kind);
      if (environ.includes(MARKER)) leaks.add(`${kind} ${p.pid}: ${p.cmdline}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { code: await finished, stdout, stderr, leaks: [...leaks], seen: [...seen].sort() };
}

test("autograde: neither the grader nor the warm server nor an app holds the hidden checks in its environ", async () => {
  const dir = join(root, "hidden-env");
  mkdirSync(dir);
  writeFileSync(join(dir, "app.py"), APP);
  const result = await watch([join(built, "scripts", "grade.js"), dir, "--specs", specs, "--format", "json"]);
  expect(result.leaks).toEqual([]);
  expect(result.seen).toEqual(expect.arrayContaining(["grader", "zygote"]));
  expect({ code: result.code, stderr: result.code === 0 ? "" : result.stderr }).toEqual({ code: 0, stderr: "" });
  const report = JSON.parse(result.stdout) as { results: Array<{ checks: Array<{ id: string; status: string }> }> };
  expect(report.results[0]!.checks.map((c) => `${c.id}:${c.status}`)).toEqual(["home:pass", "waits:pass"]);
}, 120_000);

test("batch: neither the grader nor its apps hold the hidden checks in their environ (cold path)", async () => {
  const classDir = join(root, "class");
  mkdirSync(join(classDir, "ada", "hidden-env"), { recursive: true });
  writeFileSync(join(classDir, "ada", "hidden-env", "app.py"), APP);
  const out = join(root, "report");
  const result = await watch([join(built, "scripts", "batch.js"), classDir, "--out", out, "--specs", specs, "--cold", "--jobs", "1"]);
  expect(result.leaks).toEqual([]);
  expect(result.seen).toEqual(expect.arrayContaining(["grader", "runner"]));
  expect(result.code).toBe(0);
  const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as unknown;
  expect(JSON.stringify(results)).toContain('"waits"');
}, 120_000);
