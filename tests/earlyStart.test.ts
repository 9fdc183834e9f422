/**
 * The warm Python is spawned first thing in a run (graders/boot/warmStart.ts, issue 14): before it,
 * only the interpreter's discovery and the spawn load (zygoteProcess.ts), and the warm launcher
 * adopts the process spawned there. What must hold all the same: the zygote gets its own clean
 * environment and never the grader's working folder, its socket folder goes when it is closed, a
 * surplus zygote is stopped, a missing Python is reported as before and `--help` starts no Python.
 * The batch command starts its zygote the same way (not for --help, --cold or a merge).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { findPython } from "../graders/boot/python.js";
import { PYTHON_CWD } from "../graders/boot/pythonCommand.js";
import { warmLauncher } from "../graders/boot/warm.js";
import { startWarm } from "../graders/boot/warmStart.js";
import { spawnZygote } from "../graders/boot/zygoteProcess.js";
import { packageFile } from "../graders/paths.js";
import { procStat } from "../graders/procStat.js";
import { get, isAlive, processesLeft, removeTempApps, tempApp, waitFor } from "./support/tempApps.js";
import { privateBuildAround } from "./support/transpile.js";

const ROOT = packageFile(".");
const run = promisify(execFile);
const python = findPython();
const APP = "from flask import Flask\napp = Flask(__name__)\n@app.get('/')\ndef index():\n    return 'up'\n";

afterAll(() => removeTempApps());

/** The AUTOGRADER_TIMING marks a command wrote to stderr, in order, without their times. */
const timingMarks = (stderr: string) => stderr.split("\n").filter((l) => l.includes("timing:")).map((l) => l.replace(/^.*ms\)\s+/, ""));

/** The grader's own modules `file` loads, itself included, following every import that is not type-only. */
function staticGraph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = readFileSync(file, "utf8");
  for (const match of source.matchAll(/^import\s+(?!type\s)[^;]*?from\s+"(\.[^"]+)";/gms)) {
    staticGraph(resolve(dirname(file), match[1]!.replace(/\.js$/, ".ts")), seen);
  }
  return seen;
}

test("before the zygote is spawned, only the discovery, the spawn and their small helpers load", () => {
  const loaded = [...staticGraph(packageFile("graders/boot/warmStart.ts"))].map((f) => f.slice(ROOT.length + 1)).sort();
  expect(loaded).toEqual([
    "graders/boot/pythonCommand.ts",
    "graders/boot/pythonDiscovery.ts",
    "graders/boot/reaper.ts",
    "graders/boot/warmStart.ts",
    "graders/boot/zygoteProcess.ts",
    "graders/paths.ts",
    "graders/timing.ts",
    "graders/userCache.ts",
  ]);
  // The scan sees a real import: warm.ts imports the spawn.
  expect(staticGraph(packageFile("graders/boot/warm.ts")).has(packageFile("graders/boot/zygoteProcess.ts"))).toBe(true);
});

/** The zygote's socket folder, from its command line (its last argument is the socket). */
function socketFolder(pid: number): string {
  const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  return dirname(argv[argv.length - 1]!);
}

describe("the warm launcher adopts the zygote spawned first", () => {
  test("apps fork from it; it has a clean environment and the grader's folder for cwd; close() stops it and removes its folder", async () => {
    const marker = `early-start-${process.pid}`;
    process.env.AUTOGRADER_EARLY_MARKER = marker;
    let warm: Awaited<ReturnType<typeof startWarm>>;
    try {
      warm = await startWarm();
    } finally {
      delete process.env.AUTOGRADER_EARLY_MARKER;
    }
    if (!warm) throw new Error("no Python found");
    try {
      const outcome = await warm.launch({ python, dir: tempApp(APP), entry: "app.py", bootSeconds: 20 });
      if (!("app" in outcome)) throw new Error(outcome.problem.message);
      try {
        expect((await get(`${outcome.app.target.baseUrl}/`)).body).toBe("up");
      } finally {
        await outcome.app.stop();
      }
      expect(warm.stats).toMatchObject({ warm: 1, cold: 0 });
      const pid = warm.current()!.pid!;
      expect(readlinkSync(`/proc/${pid}/cwd`)).toBe(PYTHON_CWD);
      const environ = readFileSync(`/proc/${pid}/environ`, "utf8");
      expect(environ).not.toContain(marker);
      expect(environ.split("\0")).toContain(`AUTOGRADER_PARENT_PID=${process.pid}`);
      const folder = socketFolder(pid);
      expect(existsSync(folder)).toBe(true);
      await warm.close();
      expect(await waitFor(() => !isAlive(pid), 5000)).toBe(true);
      expect(existsSync(folder)).toBe(false);
    } finally {
      await warm.close();
    }
  }, 60_000);

  test("a zygote adopted while one runs already is stopped and its folder removed; the running one stays", async () => {
    const launcher = warmLauncher();
    try {
      await launcher.prestart(python);
      const running = launcher.current()!.pid!;
      const surplus = spawnZygote(python);
      await launcher.adopt(surplus);
      expect(launcher.current()!.pid).toBe(running);
      expect(isAlive(running)).toBe(true);
      expect(await waitFor(() => !isAlive(surplus.proc.pid!), 5000)).toBe(true);
      expect(existsSync(surplus.dir)).toBe(false);
    } finally {
      await launcher.close();
    }
  }, 60_000);
});

describe("the command's entry", () => {
  const built = privateBuildAround(ROOT, ".cli-test-early-");

  const entry = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    run(process.execPath, [join(built(), "scripts", "grade.js"), ...args], { cwd: ROOT, env: { ...process.env, AUTOGRADER_TIMING: "1", ...env } }).catch(
      (err: { code: number; stdout: string; stderr: string }) => err,
    );

  test("folders of graders that were killed are removed by the next run; a live grader's, an unmarked one and others stay; the run leaves none of its own", async () => {
    const base = mkdtempSync(join(tmpdir(), "early-sweep-"));
    try {
      const folder = (name: string, owner?: string) => {
        mkdirSync(join(base, name));
        writeFileSync(join(base, name, "z.sock"), "");
        if (owner !== undefined) writeFileSync(join(base, name, "owner"), owner);
        return join(base, name);
      };
      const myStart = procStat("self")!(22);
      // This process's pid with another start time: a grader that is gone, its pid reused.
      const stale = folder("autograde-warm-Stale1", `${process.pid} 1\n`);
      const live = folder("autograde-warm-Live01", `${process.pid} ${myStart}\n`);
      const unmarked = folder("autograde-warm-Being1");
      const cut = folder("autograde-warm-Cut001", `${process.pid} 1`);
      const other = folder("autograde-warm-not-one-of-ours", `${process.pid} 1\n`);
      // The browsers' warm-up socket folder and an app's private copy of a killed grader, swept alike.
      const staleWarmUp = folder("autograder-warm-Stale1", `${process.pid} 1\n`);
      // (Private copies go to /tmp instead when $TMPDIR is too long for their socket's path: isolation.ts.)
      const copiesHere = join(base, "ag-XXXXXX", "sock", "app.sock").length <= 107;
      const staleCopy = copiesHere ? folder("ag-Stale1", `${process.pid} 1\n`) : undefined;
      if (staleCopy) mkdirSync(join(staleCopy, "app"));
      const result = await entry([packageFile("solutions/visit-counter"), "--format", "json"], { TMPDIR: base });
      expect(JSON.parse(result.stdout).score).toBe(10);
      for (const gone of [stale, staleWarmUp, staleCopy ?? stale]) expect(existsSync(gone)).toBe(false);
      for (const kept of [live, unmarked, cut, other]) expect(existsSync(kept)).toBe(true);
      // The run's own folders (zygote, warm-up request, private copy) are gone with it.
      expect(readdirSync(base).sort()).toEqual(["autograde-warm-Being1", "autograde-warm-Cut001", "autograde-warm-Live01", "autograde-warm-not-one-of-ours"]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  }, 60_000);

  test("--help starts no Python", async () => {
    const { stdout, stderr } = await entry(["--help"]);
    expect(stdout).toContain("autograde");
    expect(stderr).toContain("modules of the command loaded");
    expect(stderr).not.toContain("zygote spawned");
  }, 60_000);

  test("a missing Python is each submission's error, saying what to install; no zygote is spawned", async () => {
    const result = await entry(["solutions/visit-counter", "--format", "json"], { AUTOGRADER_PYTHON: "/nonexistent/python3" });
    expect(result.stderr).not.toContain("zygote spawned");
    const report = JSON.parse(result.stdout) as { results: Array<{ status: string; error?: string }> };
    expect(report.results.map((r) => r.status)).toEqual(["error"]);
    expect(report.results[0]!.error).toContain("Could not find Python 3 (tried /nonexistent/python3)");
  }, 60_000);

  test("a run spawns the zygote before it loads the command's modules", async () => {
    const { stderr } = await entry(["solutions/visit-counter", "--format", "json"]);
    const marks = timingMarks(stderr);
    // In this order (the zygote may be ready before the modules are loaded on a busy machine).
    expect(marks.slice(0, 2)).toEqual(["hidden checks taken out of the environment", "zygote spawned"]);
    expect(marks.indexOf("modules of the command loaded")).toBeGreaterThan(1);
  }, 60_000);
});

describe("the batch command's entry", () => {
  const built = privateBuildAround(ROOT, ".cli-test-early-batch-");
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "early-batch-"));
    mkdirSync(join(work, "class", "student-1"), { recursive: true });
    writeFileSync(join(work, "class", "student-1", "app.py"), readFileSync(packageFile("solutions/visit-counter/app.py")));
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const batch = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    // A timeout: an entry that forgets to close its zygote never exits (the zygote holds it open).
    run(process.execPath, [join(built(), "scripts", "batch.js"), ...args], { cwd: ROOT, timeout: 30_000, env: { ...process.env, AUTOGRADER_TIMING: "1", ...env } }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );

  test("a class is graded through the zygote spawned before the command's modules load, and none is left", async () => {
    const out = join(work, "out");
    const result = await batch([join(work, "class"), "--exercise", "visit-counter", "--out", out]);
    expect(result.code).toBe(0);
    // In this order; the zygote may be ready before the modules are loaded on a busy machine.
    const order = timingMarks(result.stderr);
    expect(order[0]).toBe("zygote spawned");
    expect(order.indexOf("modules of the command loaded")).toBeGreaterThan(0);
    expect(result.stderr).not.toContain("started cold");
    expect(readFileSync(join(out, "gradebook.csv"), "utf8")).toMatch(/^student-1,10,10,100\.0,graded,/m);
  }, 60_000);

  test.each([["--help"], ["--cold"], ["merge"]])("%s starts no Python", async (flag) => {
    const out = join(work, `out-${flag.replace(/-/g, "")}`);
    const args = flag === "--help" ? ["--help"] : flag === "--cold" ? [join(work, "class"), "--exercise", "visit-counter", "--out", out, "--cold"] : ["merge", join(work, "out"), "--out", out];
    const { stderr } = await batch(args);
    expect(timingMarks(stderr)).toContain("modules of the command loaded");
    expect(stderr).not.toContain("zygote spawned");
  }, 60_000);

  test("a usage error stops the zygote it spawned: neither its process nor its folder is left", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "early-batch-tmp-"));
    try {
      const result = await batch([join(work, "class")], { TMPDIR: tmp }); // no --out
      expect(result.code).toBe(2);
      expect(timingMarks(result.stderr)).toContain("zygote spawned");
      // The zygote's command line names its socket, in its folder below TMPDIR.
      expect(await processesLeft([tmp], 3000)).toEqual([]);
      // Closed, not only killed with its parent: its folder went with it.
      expect(readdirSync(tmp).filter((n) => n.startsWith("autograde-warm-"))).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});
