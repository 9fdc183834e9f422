/**
 * Issue 16 item 1, end to end: a correct app.py beside modules named like the runner's own
 * (tests/hostile/shadow-modules: flask.py, resource.py, json.py, sitecustomize.py, ...), each of
 * which leaves a marker outside the app's folder and reads solutions/ if it is ever imported.
 * Graded through the CLI (warm, the default) and batch (cold and warm), isolated where this
 * machine allows it and with isolation off: full marks, and no marker anywhere.
 * (tests/hostile.test.ts runs the same case through grade() on both launchers.)
 */
import { randomBytes } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { runBatch } from "../graders/batch/run.js";
import { baseRunnerEnv } from "../graders/boot/launch.js";
import { findPython } from "../graders/boot/python.js";
import { packageFile } from "../graders/paths.js";
import type { Spec } from "../graders/spec/types.js";
import { main } from "../scripts/cli/main.js";
import { closedAncestor, readablePython } from "./support/readablePython.js";

const root = mkdtempSync(join(tmpdir(), "hostile-entry-"));
chmodSync(root, 0o711); // like /tmp: an unprivileged app (plain mode as root) passes through to its folder
process.env.TMPDIR = root;
const installed = findPython();
const asRoot = process.getuid?.() === 0;
// Without isolation a root grader runs the app as an unprivileged user, who must be able to read
// the Python installation: batch is given one (see the helper); the CLI finds its own.
const python = asRoot ? readablePython(installed, root) : installed;
const cliPythonUnreadable = asRoot && closedAncestor(installed) !== undefined;

const hello = { status: 200, text: { contains: "hello" } };
const SPEC: Spec = {
  id: "hostile",
  title: "Hostile submissions",
  limits: { bootSeconds: 10, requestSeconds: 5 },
  checks: [
    { id: "home", title: "The home page answers", steps: [{ request: "GET /", expect: hello }] },
    { id: "probe", title: "The real Flask serves it", steps: [{ request: "GET /probe", expect: { status: 200, text: { contains: "ok: the real flask" } } }] },
  ],
};
const specs = join(root, "specs");
mkdirSync(specs);
writeFileSync(join(specs, "hostile.yaml"), JSON.stringify(SPEC));

/** The case copied to `dir`, told its marker's name and where the grader's files are. */
function plant(dir: string): string {
  mkdirSync(dir, { recursive: true });
  cpSync(packageFile("tests/hostile/shadow-modules"), dir, { recursive: true });
  const marker = `pwned-entry-${randomBytes(4).toString("hex")}`;
  writeFileSync(join(dir, "hostile.json"), JSON.stringify({ repo: packageFile("."), original: dir, marker }));
  return marker;
}

/** Every place a shadow module writes its marker (see tests/hostile/shadow-modules/_escape.py). */
function markersFound(dir: string, marker: string): string[] {
  const places = ["/tmp", dirname(dir), dir, packageFile("solutions"), "/"].map((p) => join(p, marker));
  return [...places.filter((p) => existsSync(p)), ...(existsSync(join(dir, "shadow-ran.txt")) ? ["shadow-ran.txt"] : [])];
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.each(["auto", "off"] as const)("shadowing modules never run (isolation %s)", (isolation) => {
  test("through the CLI", async () => {
    const dir = mkdtempSync(join(root, "cli-"));
    const marker = plant(dir);
    let stdout = "";
    let stderr = "";
    const code = await main([dir, "--exercise", "hostile", "--specs", specs, "--format", "json", "--isolation", isolation], {
      stdout: { write: (t: string) => (stdout += t), isTTY: false },
      stderr: { write: (t: string) => (stderr += t) },
      env: {},
    });
    expect(markersFound(dir, marker)).toEqual([]);
    if (isolation === "off" && cliPythonUnreadable) {
      // No unprivileged user can run this Python: the grader's error, before any student code.
      expect(code).toBe(1);
      expect(stdout + stderr).toContain("who cannot read");
      return;
    }
    expect({ code, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, stderr: "" });
    const report = JSON.parse(stdout) as { score: number; maxScore: number };
    expect([report.score, report.maxScore]).toEqual([2, 2]);
  });

  test.each(["cold", "warm"] as const)("through batch (%s)", async (launcher) => {
    const classDir = mkdtempSync(join(root, `class-${launcher}-`));
    const dir = join(classDir, "mallory", "hostile");
    const marker = plant(dir);
    const summary = await runBatch({ classDir, out: join(classDir, "..", `out-${launcher}-${isolation}`), exercises: ["hostile"], specsDir: specs, launcher, isolation, python, jobs: 1 });
    expect(markersFound(dir, marker)).toEqual([]);
    expect(summary.rows.map((r) => [r.student, r.status, r.total])).toEqual([["mallory", "graded", 2]]);
    expect(readdirSync(root).filter((n) => n.startsWith("ag-"))).toEqual([]);
  });
});

test("PYTHONPATH reaches a runner without empty or relative entries (Python would read them in its own working folder)", () => {
  const saved = process.env.PYTHONPATH;
  process.env.PYTHONPATH = ["", ".", "lib", "/abs"].join(":");
  try {
    expect(baseRunnerEnv().PYTHONPATH).toBe([process.cwd(), join(process.cwd(), "lib"), "/abs"].join(":"));
  } finally {
    if (saved === undefined) delete process.env.PYTHONPATH;
    else process.env.PYTHONPATH = saved;
  }
});
