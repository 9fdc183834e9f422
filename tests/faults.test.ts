/**
 * Fault injection: the grader's and the machine's faults never cost a student points
 * (graders/verdict/fault.ts). Real processes, real faults, injected while a check runs:
 * - the warm server killed mid-check, through the CLI (`main`);
 * - an app SIGSTOPped past the request limit, then resumed;
 * - an app killed mid-request;
 * - a batch of 40 with both cores saturated by a CPU hog (bounded in time, killed at the end);
 * - the batch's time limit running out, once (then graded again) and every time (an error);
 * - a boot that times out once (a stalled machine) and every time (the student's).
 * Every submission here deserves full marks: each gets them, or status `error`, never fewer
 * points. Controls prove the retries do not hide a real failure of the student's.
 *
 * The apps tell the test when a request is in flight (a line in a file of their private copy,
 * graders/boot/isolation.ts, which the test finds below its own TMPDIR) and wait for its go-ahead
 * there, so the fault lands mid-request without any timing; nothing here asserts a duration. The
 * test finds an app's processes by /proc (isolated, its own pid is 1 of its namespace).
 */
import { afterAll, describe, expect, test } from "@jest/globals";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBatch } from "../graders/batch/run.js";
import { readRecords } from "../graders/batch/store.js";
import { launch, type LaunchOptions } from "../graders/boot/launch.js";
import { findPython } from "../graders/boot/python.js";
import { grade } from "../graders/grade.js";
import type { Spec } from "../graders/spec/types.js";
import { blameCheck, firstDecision, settle } from "../graders/verdict/fault.js";
import type { Result } from "../graders/verdict/types.js";
import { main } from "../scripts/cli/main.js";
import { dedent, descendantsOf, isAlive, processesMentioning, waitFor } from "./support/tempApps.js";

const python = findPython();
const work = mkdtempSync(join(tmpdir(), "grader-faults-inject-"));
// The apps' private copies are made below TMPDIR: here, so that the test can find them.
const copiesBase = join(work, "t");
mkdirSync(copiesBase);
const savedTmp = process.env.TMPDIR;
process.env.TMPDIR = copiesBase;
afterAll(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(work, { recursive: true, force: true });
});

/** The private copies of the submissions graded so far (each grade() makes one; its restarts share it). */
function copies(): string[] {
  return readdirSync(copiesBase)
    .filter((n) => n.startsWith("ag-"))
    .map((n) => join(copiesBase, n, "app"))
    .filter((dir) => existsSync(dir));
}

let folders = 0;
function folder(name: string): string {
  const dir = join(work, `${name}-${++folders}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A correct app. Each request to /slow adds a line to `served` in the app's folder (its private
 * copy); until `go` exists there it waits (up to 30 s), for the test's fault.
 */
const SLOW_APP = dedent(`
  import os, time
  from flask import Flask

  app = Flask(__name__)
  HERE = os.path.dirname(os.path.abspath(__file__))

  @app.get("/")
  def index():
      return "hello"

  @app.get("/slow")
  def slow():
      with open(os.path.join(HERE, "served"), "a") as f:
          f.write("served\\n")
      for _ in range(3000):
          if os.path.exists(os.path.join(HERE, "go")):
              break
          time.sleep(0.01)
      return "slow hello"
`);

const hello = { request: "GET /", expect: { status: 200, text: { contains: "hello" } } };
const slowSpec: Spec = {
  id: "faults",
  title: "Fault injection",
  limits: { requestSeconds: 2 },
  checks: [
    { id: "home", title: "Home page", steps: [hello] },
    { id: "slow", title: "Slow page", points: 2, steps: [{ request: "GET /slow", expect: { status: 200, text: { contains: "slow hello" } } }] },
    { id: "after", title: "Home page again", steps: [hello] },
  ],
};

const SLOW_SPEC_YAML = `id: faults
title: Fault injection
limits: { requestSeconds: 2 }
checks:
  - id: home
    title: Home page
    steps:
      - request: GET /
        expect: { status: 200, text: { contains: hello } }
  - id: slow
    title: Slow page
    points: 2
    steps:
      - request: GET /slow
        expect: { status: 200, text: { contains: slow hello } }
  - id: after
    title: Home page again
    steps:
      - request: GET /
        expect: { status: 200, text: { contains: hello } }
`;

/** How many requests to /slow the apps of this copy have served. */
function served(copy: string): number {
  const file = join(copy, "served");
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0;
}

/**
 * When the first request to /slow is in flight in the copy `find` names, `inject` the fault
 * (given that copy), then let every later request through. Resolves with what `inject` returned.
 */
async function whenServed<T>(find: () => string | undefined, inject: (copy: string) => T | Promise<T>): Promise<{ kept: string; injected: T }> {
  let copy: string | undefined;
  const seen = await waitFor(() => (copy = find()) !== undefined && served(copy) > 0, 120_000);
  if (!seen || !copy) throw new Error("no request to /slow arrived");
  // The copy is removed when grading ends: a second name for `served` keeps what the apps wrote.
  const kept = folder("kept");
  linkSync(join(copy, "served"), join(kept, "served"));
  try {
    return { kept, injected: await inject(copy) };
  } finally {
    writeFileSync(join(copy, "go"), "");
  }
}

/** The live processes of the app in `copy` (a cold app's command line names its entry file). */
function appProcesses(copy: string): number[] {
  return processesMentioning(join(copy, "app.py")).map((p) => p.pid);
}

/** Full marks, or the grader's error: never fewer points for an app that deserves them all. */
function expectFullMarksOrError(result: Result): void {
  if (result.status === "error") {
    expect(result.error).toBeTruthy();
  } else {
    expect({ status: result.status, score: result.score, failed: result.checks.filter((c) => c.status !== "pass").map((c) => c.message) }).toEqual({
      status: "graded",
      score: result.maxScore,
      failed: [],
    });
  }
}

/** Cold launches, counting them. */
function countingLaunch() {
  const calls: LaunchOptions[] = [];
  return {
    calls,
    launcher: (options: LaunchOptions) => {
      calls.push(options);
      return launch(options);
    },
  };
}

describe("a fault mid-check is retried on a fresh cold app", () => {
  test("the warm server killed mid-check (the CLI): full marks, exit 0", async () => {
    const specs = folder("specs");
    writeFileSync(join(specs, "faults.yaml"), SLOW_SPEC_YAML);
    const submission = join(folder("class"), "faults");
    mkdirSync(submission);
    writeFileSync(join(submission, "app.py"), SLOW_APP);
    const before = new Set(copies());

    // The zygote is this process's child running zygote.py; the app serving /slow is below it,
    // and dies with it (the grader sees to that too): the go-ahead waits for that.
    const killed = whenServed(
      () => copies().find((c) => !before.has(c)),
      async () => {
        const zygotes = processesMentioning("zygote.py").filter((p) => p.ppid === process.pid);
        const apps = zygotes.flatMap((z) => descendantsOf(z.pid).map((p) => p.pid));
        for (const z of zygotes) process.kill(z.pid, "SIGKILL");
        await waitFor(() => !apps.some(isAlive), 10_000);
        return { zygotes: zygotes.length, apps: apps.length, appsDied: !apps.some(isAlive) };
      },
    );
    let stdout = "";
    const code = await main([submission, "--specs", specs, "--format", "json"], {
      stdout: { write: (t: string) => (stdout += t), isTTY: false },
      stderr: { write: () => undefined },
      env: {},
    });
    const { kept, injected } = await killed;
    // The fault was real: the warm server was running, and was killed with the app serving the check.
    expect(injected).toMatchObject({ zygotes: 1, appsDied: true });
    expect(injected.apps).toBeGreaterThan(0);
    const [result] = (JSON.parse(stdout) as { results: Result[] }).results;
    expectFullMarksOrError(result!);
    expect(code).toBe(result!.status === "error" ? 1 : 0);
    // The check ran twice: on the warm app that died with its server, then on a fresh one.
    expect(served(kept)).toBe(2);
  }, 120_000);

  test("an app SIGSTOPped past the request limit, then resumed: full marks", async () => {
    const dir = folder("stopped");
    writeFileSync(join(dir, "app.py"), SLOW_APP);
    const { calls, launcher } = countingLaunch();
    let resume: NodeJS.Timeout | undefined;
    const stopped = whenServed(
      () => calls[0]?.dir,
      (copy) => {
        const pids = appProcesses(copy);
        for (const pid of pids) signal(pid, "SIGSTOP");
        // The stall ends after the request limit has passed (if the grader has not stopped it by then).
        resume = setTimeout(() => pids.forEach((pid) => signal(pid, "SIGCONT")), (slowSpec.limits!.requestSeconds! + 1) * 1000);
        return pids;
      },
    );
    const result = await grade(slowSpec, dir, { python, launcher });
    const { kept, injected: pids } = await stopped;
    clearTimeout(resume);
    for (const pid of pids) signal(pid, "SIGCONT");
    expect(pids.length).toBeGreaterThan(0); // the fault was real
    expectFullMarksOrError(result);
    expect(served(kept)).toBe(2); // retried on a fresh app...
    expect(calls.map((c) => c.cold ?? false)).toEqual([false, true]); // ...a cold one
    expect(await waitFor(() => !pids.some(isAlive), 5_000)).toBe(true);
  }, 60_000);

  test("an app killed mid-request: full marks", async () => {
    const dir = folder("killed");
    writeFileSync(join(dir, "app.py"), SLOW_APP);
    const { calls, launcher } = countingLaunch();
    const killed = whenServed(
      () => calls[0]?.dir,
      (copy) => {
        const pids = appProcesses(copy);
        for (const pid of pids) signal(pid, "SIGKILL");
        return pids;
      },
    );
    const result = await grade(slowSpec, dir, { python, launcher });
    const { kept, injected: pids } = await killed;
    expect(pids.length).toBeGreaterThan(0); // the fault was real
    expectFullMarksOrError(result);
    expect(served(kept)).toBe(2);
    expect(calls.map((c) => c.cold ?? false)).toEqual([false, true]);
  }, 60_000);

  test("control: an app that dies on every request to a page fails that check (retried once), and is graded", async () => {
    const dir = folder("dies");
    writeFileSync(
      join(dir, "app.py"),
      dedent(`
        import os
        from flask import Flask

        app = Flask(__name__)

        @app.get("/")
        def index():
            return "hello"

        @app.get("/slow")
        def slow():
            os._exit(1)
      `),
    );
    const { calls, launcher } = countingLaunch();
    const result = await grade(slowSpec, dir, { python, launcher });
    expect(result.status).toBe("graded");
    expect(result.checks.map((c) => [c.id, c.status, c.points])).toEqual([
      ["home", "pass", 1],
      ["slow", "fail", 0],
      ["after", "pass", 1],
    ]);
    expect(result.checks[1]!.message).toContain("got no answer: the app stopped");
    // The first app, the retry's cold one, and a fresh one for the check after the crash.
    expect(calls.map((c) => c.cold ?? false)).toEqual([false, true, false]);
  }, 60_000);
});

describe("a boot that times out is retried on a fresh cold app", () => {
  const bootSpec: Spec = { ...slowSpec, id: "boot", limits: { bootSeconds: 4 }, checks: [{ id: "home", title: "Home page", steps: [hello] }] };
  /** An app whose import hangs (longer than the boot limit) the first time, or every time (a mark in its folder says which). */
  const hangingImport = (always: boolean) =>
    dedent(`
      import os, time
      from flask import Flask

      MARK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "imported")
      if ${always ? "True" : "not os.path.exists(MARK)"}:
          open(MARK, "a").close()
          time.sleep(30)
      app = Flask(__name__)

      @app.get("/")
      def index():
          return "hello"
    `);

  test("once (a stalled machine): full marks", async () => {
    const dir = folder("boot-once");
    writeFileSync(join(dir, "app.py"), hangingImport(false));
    const { calls, launcher } = countingLaunch();
    const result = await grade(bootSpec, dir, { python, launcher });
    expectFullMarksOrError(result);
    expect(calls.map((c) => c.cold ?? false)).toEqual([false, true]);
  }, 60_000);

  test("control: every time, it is the student's: the app did not start, graded", async () => {
    const dir = folder("boot-always");
    writeFileSync(join(dir, "app.py"), hangingImport(true));
    const { calls, launcher } = countingLaunch();
    const result = await grade(bootSpec, dir, { python, launcher });
    expect(result.status).toBe("graded");
    expect(result.problem?.kind).toBe("boot-timeout");
    expect(result.score).toBe(0);
    expect(calls.length).toBe(2);
  }, 60_000);
});

describe("the rules (graders/verdict/fault.ts)", () => {
  const timeout = blameCheck({ passed: false, noResponse: "timeout" });
  const vanished = blameCheck({ passed: false, noResponse: "connection", ending: { reason: "it was stopped by SIGKILL" } });

  test("evidence is final; a named limit is the student's; the grader's own doings are its faults", () => {
    expect(blameCheck({ passed: true })).toEqual({ kind: "final" });
    expect(blameCheck({ passed: false })).toEqual({ kind: "final" });
    expect(blameCheck({ passed: false, noResponse: "connection", ending: { reason: "cpu", limit: "cpu" } })).toEqual({ kind: "final" });
    expect(blameCheck({ passed: false, threw: "boom" })).toMatchObject({ kind: "grader" });
    expect(blameCheck({ passed: false, noResponse: "timeout", warmLost: true })).toMatchObject({ kind: "grader" });
    expect(blameCheck({ passed: false, noResponse: "connection", ending: { reason: "SIGKILL", byGrader: true } })).toMatchObject({ kind: "grader" });
    expect(timeout).toMatchObject({ kind: "doubt", doubt: "request-timeout" });
    expect(vanished).toMatchObject({ kind: "doubt", doubt: "app-vanished" });
  });

  test("a doubt is retried unless already confirmed; only the same doubt twice is the student's", () => {
    expect(firstDecision(timeout, new Set())).toEqual({ do: "retry" });
    expect(firstDecision(timeout, new Set(["request-timeout"]))).toEqual({ do: "keep" });
    expect(firstDecision({ kind: "grader", cause: "x" }, new Set(["request-timeout"]))).toEqual({ do: "retry" });
    expect(settle(timeout, timeout)).toEqual({ is: "graded", confirmed: "request-timeout" });
    expect(settle(timeout, { kind: "final" })).toEqual({ is: "graded" });
    expect(settle(timeout, vanished)).toMatchObject({ is: "error" });
    expect(settle({ kind: "grader", cause: "x" }, timeout)).toMatchObject({ is: "error" });
    expect(settle({ kind: "grader", cause: "x" }, { kind: "grader", cause: "y" })).toEqual({ is: "error", cause: "y" });
  });
});

const HELLO_YAML = `id: hello
title: Hello
checks:
  - id: home
    title: Home page
    steps:
      - request: GET /
        expect: { status: 200, text: { contains: hello } }
  - id: again
    title: Home page, twice
    points: 2
    needs: [home]
    steps:
      - request: GET /
      - request: GET /
        expect: { status: 200, text: { contains: hello } }
`;

const HELLO_APP = 'from flask import Flask\napp = Flask(__name__)\n\n@app.get("/")\ndef index():\n    return "hello"\n';

describe("batch", () => {
  test("40 submissions with both cores saturated by a CPU hog: each gets full marks or 'could not grade'", async () => {
    const specs = folder("specs");
    writeFileSync(join(specs, "hello.yaml"), HELLO_YAML);
    const cls = folder("class");
    for (let i = 0; i < 40; i++) {
      mkdirSync(join(cls, `s${String(i).padStart(2, "0")}`));
      writeFileSync(join(cls, `s${String(i).padStart(2, "0")}`, "app.py"), HELLO_APP);
    }
    const out = join(folder("report"), "out");
    // Bounded: each hog ends by itself after 3 minutes, and is killed when the batch ends.
    const hogs: ChildProcess[] = [0, 1].map(() =>
      spawn(process.execPath, ["-e", "const end = Date.now() + 180000; while (Date.now() < end) {}"], { stdio: "ignore" }),
    );
    let stillHogging: boolean;
    try {
      await waitFor(() => hogs.every((h) => h.pid !== undefined && isAlive(h.pid)), 10_000);
      await runBatch({ classDir: cls, out, exercises: ["hello"], specsDir: specs, jobs: 2 });
      stillHogging = hogs.every((h) => h.exitCode === null && h.signalCode === null);
    } finally {
      for (const h of hogs) h.kill("SIGKILL");
    }
    expect(stillHogging).toBe(true); // the cores were saturated for the whole batch
    const records = [...readRecords(out).values()];
    expect(records.length).toBe(40);
    for (const record of records) expectFullMarksOrError(record.result);
  }, 180_000);

  test("the time limit: cut once, graded again on a fresh app; cut every time, an error, never a zero", async () => {
    const specs = folder("specs");
    // The request limit is above the batch's time limit: only the time limit can cut these.
    writeFileSync(join(specs, "patient.yaml"), SLOW_SPEC_YAML.replace("id: faults", "id: patient").replace("requestSeconds: 2", "requestSeconds: 20"));
    const cls = folder("class");
    mkdirSync(join(cls, "cut-once"));
    writeFileSync(join(cls, "cut-once", "app.py"), SLOW_APP);
    mkdirSync(join(cls, "always-slow"));
    writeFileSync(join(cls, "always-slow", "app.py"), SLOW_APP.replace('@app.get("/")\ndef index():\n    return "hello"', '@app.get("/")\ndef index():\n    time.sleep(15)\n    return "hello"'));
    expect(readFileSync(join(cls, "always-slow", "app.py"), "utf8")).toContain("time.sleep(15)");
    const out = join(folder("report"), "out");
    const before = new Set(copies());
    // The first copy whose /slow is asked for never gets the go-ahead: its try is cut by the
    // time limit. Every later copy (the retry's fresh app) gets it at once.
    let held: string | undefined;
    const released = new Set<string>();
    const watcher = setInterval(() => {
      for (const copy of copies().filter((c) => !before.has(c) && served(c) > 0)) {
        held ??= copy;
        if (copy !== held && !released.has(copy)) {
          writeFileSync(join(copy, "go"), "");
          released.add(copy);
        }
      }
    }, 20);
    try {
      await runBatch({ classDir: cls, out, exercises: ["patient"], specsDir: specs, jobs: 2, timeLimitSeconds: 3, launcher: "cold" });
    } finally {
      clearInterval(watcher);
    }
    const records = readRecords(out);
    const once = records.get("cut-once\u0000patient")!.result;
    const always = records.get("always-slow\u0000patient")!.result;
    expect(held).toBeDefined(); // the first try was really cut in the middle of a request
    expect(released.size).toBe(1); // and graded again, once, on a fresh app
    expectFullMarksOrError(once);
    expect(always.status).toBe("error");
    expect(always.error).toContain("time limit of 3 s, twice");
    expect(always.checks.filter((c) => c.status === "fail")).toEqual([]); // nothing blamed on the student
  }, 120_000);
});

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
