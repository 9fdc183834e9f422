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
 * The apps tell the test when a request is in flight (a line in a control file) and wait for its
 * go-ahead, so the fault lands mid-request without any timing; nothing here asserts a duration.
 * Apps run without isolation (`off`), so that they can reach the control folder and report their
 * real pid; faults are the same either way.
 */
import { afterAll, describe, expect, test } from "@jest/globals";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
import { dedent, isAlive, processesMentioning, waitFor } from "./support/tempApps.js";

const python = findPython();
const work = mkdtempSync(join(tmpdir(), "grader-faults-inject-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let folders = 0;
function folder(name: string): string {
  const dir = join(work, `${name}-${++folders}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A correct app. Each request to /slow appends the pid of the app that serves it to
 * CONTROL/served; until CONTROL/go exists it waits there (up to 30 s), for the test's fault.
 */
function slowApp(control: string): string {
  return dedent(`
    import os, time
    from flask import Flask

    app = Flask(__name__)
    CONTROL = ${JSON.stringify(control)}

    @app.get("/")
    def index():
        return "hello"

    @app.get("/slow")
    def slow():
        with open(os.path.join(CONTROL, "served"), "a") as f:
            f.write(f"{os.getpid()}\\n")
        for _ in range(3000):
            if os.path.exists(os.path.join(CONTROL, "go")):
                break
            time.sleep(0.01)
        return "slow hello"
  `);
}

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

/** The pids that served /slow, in order. */
function served(control: string): number[] {
  const file = join(control, "served");
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number) : [];
}

/**
 * When the first request to /slow is in flight, `inject` the fault (given that app's pid), then
 * let every later request through. Resolves with what `inject` returned.
 */
async function whenServed<T>(control: string, inject: (pid: number) => T | Promise<T>): Promise<T> {
  const seen = await waitFor(() => served(control).length > 0, 120_000);
  if (!seen) throw new Error("no request to /slow arrived");
  try {
    return await inject(served(control)[0]!);
  } finally {
    writeFileSync(join(control, "go"), "");
  }
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
    const control = folder("control");
    const specs = folder("specs");
    writeFileSync(join(specs, "faults.yaml"), SLOW_SPEC_YAML);
    const submission = join(folder("class"), "faults");
    mkdirSync(submission);
    writeFileSync(join(submission, "app.py"), slowApp(control));

    // The zygote is this process's child running zygote.py; the app serving /slow is its fork.
    // Its apps die with it (the grader sees to that too): the go-ahead waits for that.
    const killed = whenServed(control, async (app) => {
      const zygotes = processesMentioning("zygote.py").filter((p) => p.ppid === process.pid);
      for (const z of zygotes) process.kill(z.pid, "SIGKILL");
      await waitFor(() => !isAlive(app), 10_000);
      return { zygotes: zygotes.map((z) => z.pid), appDied: !isAlive(app) };
    });
    let stdout = "";
    const code = await main([submission, "--specs", specs, "--format", "json", "--isolation", "off"], {
      stdout: { write: (t: string) => (stdout += t), isTTY: false },
      stderr: { write: () => undefined },
      env: {},
    });
    const { zygotes, appDied } = await killed;
    expect(zygotes.length).toBe(1); // the fault was real: the warm server was running, and was killed,
    expect(appDied).toBe(true); // and the app serving the check with it
    const [result] = (JSON.parse(stdout) as { results: Result[] }).results;
    expectFullMarksOrError(result!);
    expect(code).toBe(result!.status === "error" ? 1 : 0);
    // The check ran twice: on the warm app that died with its server, then on a fresh one.
    expect(new Set(served(control)).size).toBe(2);
  }, 120_000);

  test("an app SIGSTOPped past the request limit, then resumed: full marks", async () => {
    const control = folder("control");
    const dir = folder("stopped");
    writeFileSync(join(dir, "app.py"), slowApp(control));
    const { calls, launcher } = countingLaunch();
    let resume: NodeJS.Timeout | undefined;
    const stopped = whenServed(control, (pid) => {
      process.kill(pid, "SIGSTOP");
      // The stall ends after the request limit has passed (if the grader has not stopped it by then).
      resume = setTimeout(() => signal(pid, "SIGCONT"), (slowSpec.limits!.requestSeconds! + 1) * 1000);
      return pid;
    });
    const result = await grade(slowSpec, dir, { python, launcher, isolation: "off" });
    const pid = await stopped;
    clearTimeout(resume);
    signal(pid, "SIGCONT");
    expectFullMarksOrError(result);
    const [first, again] = served(control);
    expect(first).toBe(pid);
    expect(again).not.toBe(pid); // retried on a fresh app...
    expect(calls.at(-1)?.cold).toBe(true); // ...a cold one
    expect(await waitFor(() => !isAlive(pid), 5_000)).toBe(true);
  }, 60_000);

  test("an app killed mid-request: full marks", async () => {
    const control = folder("control");
    const dir = folder("killed");
    writeFileSync(join(dir, "app.py"), slowApp(control));
    const { calls, launcher } = countingLaunch();
    const killed = whenServed(control, (pid) => {
      process.kill(pid, "SIGKILL");
      return pid;
    });
    const result = await grade(slowSpec, dir, { python, launcher, isolation: "off" });
    const pid = await killed;
    expectFullMarksOrError(result);
    expect(served(control)).toEqual([pid, expect.any(Number)]);
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
    const result = await grade(slowSpec, dir, { python, launcher, isolation: "off" });
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
  const bootSpec: Spec = { ...slowSpec, id: "boot", limits: { bootSeconds: 2 }, checks: [{ id: "home", title: "Home page", steps: [hello] }] };
  /** An app whose import hangs (longer than the boot limit) the first time, or every time. */
  const hangingImport = (control: string, always: boolean) =>
    dedent(`
      import os, time
      from flask import Flask

      MARK = ${JSON.stringify(join(control, "imported"))}
      if ${always ? "True" : "not os.path.exists(MARK)"}:
          open(MARK, "a").close()
          time.sleep(30)
      app = Flask(__name__)

      @app.get("/")
      def index():
          return "hello"
    `);

  test("once (a stalled machine): full marks", async () => {
    const control = folder("control");
    const dir = folder("boot-once");
    writeFileSync(join(dir, "app.py"), hangingImport(control, false));
    const { calls, launcher } = countingLaunch();
    const result = await grade(bootSpec, dir, { python, launcher, isolation: "off" });
    expectFullMarksOrError(result);
    expect(calls.map((c) => c.cold ?? false)).toEqual([false, true]);
  }, 60_000);

  test("control: every time, it is the student's: the app did not start, graded", async () => {
    const control = folder("control");
    const dir = folder("boot-always");
    writeFileSync(join(dir, "app.py"), hangingImport(control, true));
    const { calls, launcher } = countingLaunch();
    const result = await grade(bootSpec, dir, { python, launcher, isolation: "off" });
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
      await runBatch({ classDir: cls, out, exercises: ["hello"], specsDir: specs, jobs: 2, isolation: "off" });
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
    const control = folder("control");
    const specs = folder("specs");
    // The request limit is above the batch's time limit: only the time limit can cut these.
    writeFileSync(join(specs, "patient.yaml"), HELLO_YAML.replace("id: hello", "id: patient").replace("title: Hello", "title: Patient\nlimits: { requestSeconds: 20 }"));
    const cls = folder("class");
    const slow = (first: boolean) =>
      dedent(`
        import os, time
        from flask import Flask

        app = Flask(__name__)
        MARK = ${JSON.stringify(join(control, first ? "cut-once" : "always-slow"))}

        @app.get("/")
        def index():
            if ${first ? "not os.path.exists(MARK)" : "True"}:
                open(MARK, "a").close()
                time.sleep(15)
            return "hello"
      `);
    mkdirSync(join(cls, "cut-once"));
    writeFileSync(join(cls, "cut-once", "app.py"), slow(true));
    mkdirSync(join(cls, "always-slow"));
    writeFileSync(join(cls, "always-slow", "app.py"), slow(false));
    const out = join(folder("report"), "out");
    await runBatch({ classDir: cls, out, exercises: ["patient"], specsDir: specs, jobs: 2, isolation: "off", timeLimitSeconds: 3 });
    const records = readRecords(out);
    const once = records.get("cut-once\u0000patient")!.result;
    const always = records.get("always-slow\u0000patient")!.result;
    expect(existsSync(join(control, "cut-once"))).toBe(true); // its first try was really cut
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
