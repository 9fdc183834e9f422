/**
 * The grader as an unprivileged user, which is how GitHub Actions and Classroom run it, while
 * this suite may run as root (as on the project's CI machine): there the sandbox takes other
 * paths (the zygote writes a warm child's two user-namespace ids; unprivileged, the child maps
 * its one id itself). As root, this file runs the built CLI as `nobody` (setpriv) on an app that
 * reports what it can see from inside, before and after a restart (the restart's app takes the
 * two-process path), on one that starts threads up to its process limit, and on the visit-counter
 * solution. Not run as root: the whole suite is then the unprivileged case already.
 *
 * `nobody` needs a Python with Flask it can read. The grader's own is used when it can; else one
 * on the system of the same version, given copies of Flask and its dependencies (with their
 * metadata) on PYTHONPATH. Where there is none, or `nobody` may not make user namespaces, read the
 * checkout or run this Node, the file says why and skips.
 */
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { findPython } from "../graders/boot/python.js";
import { packageFile } from "../graders/paths.js";
import { privateBuild } from "./support/transpile.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const NOBODY = 65534;
const AS_NOBODY = ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "--"];
const FLASK_AND_DEPENDENCIES = ["flask", "werkzeug", "jinja2", "markupsafe", "itsdangerous", "click", "blinker"];

const runs = (command: string[], env: NodeJS.ProcessEnv = {}): boolean => {
  try {
    execFileSync(command[0]!, command.slice(1), { stdio: "ignore", cwd: "/", env: { PATH: process.env.PATH, ...env } });
    return true;
  } catch {
    return false;
  }
};

/** The Python `nobody` runs: the grader's own, or one of the system's of its version (with Flask copied); or why there is none. */
function pythonPlan(): { python: string; copyFlask: boolean } | string {
  const python = findPython();
  if (runs([...AS_NOBODY, python, "-c", "import flask"])) return { python, copyFlask: false };
  const version = execFileSync(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" }).trim();
  const system = [`/usr/bin/python${version}`, `/usr/local/bin/python${version}`].find((p) => existsSync(p) && runs([...AS_NOBODY, p, "-c", "0"]));
  return system ? { python: system, copyFlask: true } : `no Python ${version} that nobody can run besides ${python}`;
}

/** Flask and its dependencies with their metadata (werkzeug asks for its own version), copied into `site`, where nobody reads. */
function copyFlask(site: string): void {
  const where = JSON.parse(
    execFileSync(findPython(), ["-c", `import importlib, importlib.metadata as m, json, os
names = ${JSON.stringify(FLASK_AND_DEPENDENCIES)}
print(json.dumps([[os.path.dirname(importlib.import_module(n).__file__), str(m.distribution(n)._path)] for n in names]))`], { encoding: "utf8" }),
  ) as [string, string][];
  mkdirSync(site);
  for (const [pkg, meta] of where) {
    cpSync(pkg, join(site, basename(pkg)), { recursive: true });
    cpSync(meta, join(site, basename(meta)), { recursive: true });
  }
}

/** What the app sees from inside; "ok: isolated" when nothing of the machine is in reach. */
const PROBE_APP = `
import json, os, socket
from flask import Flask

app = Flask(__name__)
FACTS = json.load(open("facts.json"))


@app.get("/probe")
def probe():
    leaks = []
    if os.getpid() != 1:
        leaks.append(f"pid {os.getpid()}, not 1 of its own pid namespace")
    for path in FACTS["hidden"]:
        if os.path.exists(path):
            leaks.append("sees " + path)
    try:
        socket.create_connection(("127.0.0.1", FACTS["port"]), timeout=1).close()
        leaks.append("reached the grader's loopback port")
    except OSError:
        pass
    others = [p for p in os.listdir("/proc") if p.isdigit() and int(p) > 1]
    if len(others) > 2:
        leaks.append(f"sees {len(others)} other processes")
    return "leak: " + "; ".join(leaks) if leaks else "ok: isolated"
`;

const PROBE_SPEC = `id: inside
title: What the app sees from inside
checks:
  - id: isolated
    title: The app is isolated
    points: 1
    hint: The page says what the app could reach.
    steps:
      - request: GET /probe
        expect: { status: 200, text: { contains: "ok: isolated" } }
  - id: isolated-after-restart
    title: The restarted app is isolated too
    points: 1
    hint: The page says what the app could reach.
    needs: [isolated]
    steps:
      - restart: true
      - request: GET /probe
        expect: { status: 200, text: { contains: "ok: isolated" } }
`;

interface Report {
  score: number;
  maxScore: number;
  results: { status: string; notes: string[]; checks: { id: string; status: string; message?: string }[] }[];
}

const isRoot = process.getuid?.() === 0;
const why = !isRoot
  ? "not root: the whole suite runs unprivileged already"
  : !runs(["setpriv", "--version"])
    ? "setpriv is missing"
    : !runs([...AS_NOBODY, "unshare", "--user", "--map-root-user", "--net", "--mount", "--pid", "--fork", "true"])
      ? "nobody may not make user namespaces here"
      : !runs([...AS_NOBODY, "test", "-r", join(ROOT, "package.json")])
        ? "nobody cannot read this checkout (in a folder only root may enter)"
        : !runs([...AS_NOBODY, process.execPath, "-e", "0"])
          ? `nobody cannot run this Node (${process.execPath})`
          : undefined;
const plan = why === undefined ? pythonPlan() : undefined;
const skipped = why ?? (typeof plan === "string" ? plan : undefined);
if (skipped) console.warn(`unprivileged.test.ts: skipped (${skipped}).`);

(skipped ? describe.skip : describe)("the grader run by an unprivileged user (nobody)", () => {
  let work: string;
  let built: string;
  let python: { python: string; pythonPath?: string };
  let listener: Server;
  let port: number;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "unprivileged-"));
    chmodSync(work, 0o755);
    const { python: interpreter, copyFlask: copy } = plan as { python: string; copyFlask: boolean };
    python = { python: interpreter, ...(copy && { pythonPath: join(work, "site") }) };
    if (python.pythonPath) copyFlask(python.pythonPath);
    expect(runs([...AS_NOBODY, interpreter, "-c", "import flask"], python.pythonPath ? { PYTHONPATH: python.pythonPath } : {})).toBe(true);
    built = privateBuild(ROOT, ["graders", "scripts"], ".cli-test-unprivileged-");
    chmodSync(built, 0o755); // made by mkdtemp: this user's alone
    listener = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    port = (listener.address() as { port: number }).port;
    mkdirSync(join(work, "home"));
    chmodSync(join(work, "home"), 0o777);
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => listener?.close(resolve));
    if (built) rmSync(built, { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** The built CLI as nobody, JSON out; its own HOME and temporary folder. */
  const gradeAsNobody = (args: string[]) =>
    new Promise<{ code: number; report: Report; stderr: string }>((resolve, reject) => {
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: join(work, "home"),
        TMPDIR: join(work, "home"),
        AUTOGRADER_PYTHON: python.python,
        // No AUTOGRADER_ISOLATION: auto, as users get it. The first app goes through the runner,
        // which could still fall back; every later one (the restart's) takes the two-process path.
        ...(python.pythonPath ? { PYTHONPATH: python.pythonPath } : {}),
      };
      const [command, ...rest] = AS_NOBODY;
      execFile(command!, [...rest, process.execPath, join(built, "scripts", "grade.js"), ...args, "--format", "json"], { cwd: "/", env }, (error, stdout, stderr) => {
        try {
          resolve({ code: error ? Number(error.code ?? 1) : 0, report: JSON.parse(stdout) as Report, stderr });
        } catch {
          reject(new Error(`not a report (${error?.message}): ${stdout.slice(0, 500)} ${stderr.slice(0, 2000)}`));
        }
      });
    });

  test("an app sees nothing of the machine, before and after a restart", async () => {
    const exercise = join(work, "probe", "inside");
    const specs = join(work, "specs");
    mkdirSync(exercise, { recursive: true });
    mkdirSync(specs);
    writeFileSync(join(specs, "inside.yaml"), PROBE_SPEC);
    writeFileSync(join(exercise, "app.py"), PROBE_APP);
    // Hidden: the grader's files, the spec, the original submission (the app runs in a copy). This
    // test's folder itself may show as the way to the copied Flask on PYTHONPATH, with nothing else.
    const hidden = [packageFile("specs/visit-counter.yaml"), packageFile("package.json"), join(specs, "inside.yaml"), join(exercise, "facts.json")];
    writeFileSync(join(exercise, "facts.json"), JSON.stringify({ hidden, port }));
    for (const dir of [join(work, "probe"), exercise, specs]) chmodSync(dir, 0o755);
    const { code, report, stderr } = await gradeAsNobody([exercise, "--specs", specs]);
    const checks = report.results[0]!.checks.map((c) => `${c.id}:${c.status}${c.status === "pass" ? "" : ` ${c.message}`}`);
    expect({ checks, stderr }).toEqual({ checks: ["isolated:pass", "isolated-after-restart:pass"], stderr: "" });
    expect(code).toBe(0);
  }, 120_000);

  test("the process limit is the app's own: the middle process, which keeps the app's one id, is not counted", async () => {
    const exercise = join(work, "hog", "threads");
    const specs = join(work, "hog-specs");
    mkdirSync(exercise, { recursive: true });
    mkdirSync(specs);
    cpSync(packageFile("tests/hostile/thread-hog/app.py"), join(exercise, "app.py"));
    writeFileSync(join(specs, "threads.yaml"), `id: threads
title: Threads until the limit
limits: { processes: 16, memoryMb: 512 }
checks:
  - id: counted
    title: The app started 15 threads besides its own
    points: 1
    hint: The page says how many threads could start.
    steps:
      - request: GET /probe
        expect: { status: 200, text: { contains: "ok: 15 threads started" } }
`);
    for (const dir of [join(work, "hog"), exercise, specs]) chmodSync(dir, 0o755);
    const { report, stderr } = await gradeAsNobody([exercise, "--specs", specs]);
    const checks = report.results[0]!.checks.map((c) => `${c.id}:${c.status}${c.status === "pass" ? "" : ` ${c.message}`}`);
    expect({ checks, stderr }).toEqual({ checks: ["counted:pass"], stderr: "" });
  }, 120_000);

  test("the visit-counter solution earns full marks", async () => {
    const copy = join(work, "visit-counter");
    cpSync(packageFile("solutions/visit-counter"), copy, { recursive: true });
    chmodSync(copy, 0o755);
    const { code, report, stderr } = await gradeAsNobody([copy]);
    expect({ score: report.score, stderr }).toEqual({ score: report.maxScore, stderr: "" });
    expect(report.results[0]!.checks.every((c) => c.status === "pass")).toBe(true);
    expect(code).toBe(0);
  }, 120_000);
});
