/**
 * graders/boot against real Python processes: the private channel, every way an app can fail to
 * start, exceptions reported per request, and no process left behind (stop, and a SIGKILLed
 * grader).
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { inspectSubmission } from "../graders/boot/inspect.js";
import { LaunchError, type BootOutcome, type RunningApp } from "../graders/boot/handshake.js";
import { launch } from "../graders/boot/launch.js";
import { OutputBuffer } from "../graders/boot/output.js";
import { findPython } from "../graders/boot/python.js";
import { packageFile } from "../graders/paths.js";
import type { Problem } from "../graders/verdict/types.js";
import { dedent, get, groupMembers, isAlive, processesLeft, processesMentioning, removeTempApps, tempApp, waitFor } from "./support/tempApps.js";

const python = findPython();
const dirs: string[] = [];

function boot(source: string | Record<string, string>, bootSeconds = 10): Promise<BootOutcome> {
  const dir = tempApp(source);
  dirs.push(dir);
  return launch({ python, dir, entry: "app.py", bootSeconds });
}

async function problemOf(source: string | Record<string, string>, bootSeconds = 10): Promise<Problem> {
  const outcome = await boot(source, bootSeconds);
  if ("app" in outcome) {
    await outcome.app.stop();
    throw new Error("expected the app not to start, but it did");
  }
  return outcome.problem;
}

async function appOf(source: string | Record<string, string>): Promise<RunningApp> {
  const outcome = await boot(source);
  if ("problem" in outcome) throw new Error(`expected the app to start: ${outcome.problem.message}`);
  return outcome.app;
}

/** `kill(-pgid, 0)` fails with ESRCH once no process (not even a zombie) is in the group. */
function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** 1-based line of the first line of `source` (as written to disk) that contains `marker`. */
function lineOf(source: string, marker: string): number {
  const index = dedent(source).split("\n").findIndex((l) => l.includes(marker));
  if (index < 0) throw new Error(`no line with ${marker}`);
  return index + 1;
}

afterAll(async () => {
  // Whatever a test did, nothing of any app may be left running.
  const left = await processesLeft(dirs);
  removeTempApps();
  expect(left.map((p) => p.cmdline)).toEqual([]);
});

describe("an app that starts", () => {
  const SOURCE = `
    import os, subprocess, sys
    print('{"event":"ready","port":1}')
    print('{"event":"problem","kind":"syntax","message":"spoofed","file":"app.py","line":1}')
    sys.__stdout__.write('{"event":"ready","port":2}\\n')
    sys.__stdout__.flush()
    os.write(1, b'{"event":"ready","port":3}\\n')
    from flask import Flask

    child = subprocess.Popen(["sleep", "60"])
    app = Flask(__name__)

    @app.get("/")
    def index():
        return "hello from the app"

    @app.get("/pids")
    def pids():
        return f"{os.getpid()} {child.pid}"

    @app.get("/boom")
    def boom():
        stored = {}
        return stored["missing"]  # BOOM
  `;
  let app: RunningApp;
  let dir: string;
  let stopped = false;

  beforeAll(async () => {
    app = await appOf(SOURCE);
    dir = dirs.at(-1)!;
  });

  afterAll(async () => {
    if (!stopped) await app.stop(); // when a test failed before stopping it
  });

  test("boots on a port the OS chose and answers", async () => {
    expect(app.target.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await get(app.target.baseUrl + "/");
    expect(res).toEqual({ status: 200, body: "hello from the app" });
  });

  test("a student's print() of a handshake line cannot spoof the channel, and shows up in the output", async () => {
    const port = Number(new URL(app.target.baseUrl).port);
    expect([1, 2, 3]).not.toContain(port);
    expect(app.notes).toEqual([]);
    const printed = await waitFor(() => app.output.toString().includes('{"event":"ready","port":3}'), 5000);
    const output = app.output.toString();
    expect(printed).toBe(true);
    expect(output).toContain('{"event":"ready","port":1}');
    expect(output).toContain('"message":"spoofed"');
    expect(output).toContain('{"event":"ready","port":2}');
  });

  test("a 500 in a view reports the exception (type, summary, file:line) for its request id", async () => {
    const res = await get(app.target.baseUrl + "/boom", { "X-Autograder-Request": "boot-test-1" });
    expect(res.status).toBe(500);
    const exception = await app.exceptionFor("boot-test-1", 5000);
    expect(exception).toEqual({
      type: "KeyError",
      message: "'missing'",
      summary: "KeyError: 'missing'",
      location: { file: "app.py", line: lineOf(SOURCE, "# BOOM") },
    });
    expect(await app.exceptionFor("some-other-request", 100)).toBeUndefined();
  });

  test("after stop() no process of the app's group is left, including a child it spawned at import", async () => {
    const [runner, child] = (await get(app.target.baseUrl + "/pids")).body.split(" ").map(Number);
    expect(isAlive(runner)).toBe(true);
    expect(isAlive(child)).toBe(true);
    // The group: the runner, its watchdog (a fork of it) and the child.
    const members = groupMembers(runner);
    const watchdogs = members.filter((p) => p.ppid === runner && p.pid !== child);
    expect(watchdogs).toHaveLength(1);
    expect(members.map((p) => p.pid).sort()).toEqual([runner, child, watchdogs[0].pid].sort());

    await app.stop();
    stopped = true;

    // The runner is reaped by stop(); the orphaned child may be a zombie until init reaps it.
    expect(isAlive(runner)).toBe(false);
    expect(await waitFor(() => !isAlive(child) && groupMembers(runner).length === 0, 3000)).toBe(true);
    expect(await waitFor(() => groupGone(runner), 5000)).toBe(true);
    expect(processesMentioning(dir)).toEqual([]);
    expect(app.exitReason()).toMatch(/SIGKILL/);
  });
});

describe("apps that do not start", () => {
  test("a syntax error names the file and the line", async () => {
    const problem = await problemOf(`
      from flask import Flask
      app = Flask(__name__)
      if app
          pass
    `);
    expect(problem.kind).toBe("syntax");
    expect(problem.locations).toEqual([{ file: "app.py", line: 3 }]);
    expect(problem.message).toContain("app.py line 3");
    expect(problem.message).toContain("SyntaxError");
  });

  test("a syntax error in a module the app imports names that module", async () => {
    const problem = await problemOf({
      "app.py": "from flask import Flask\nimport helpers\napp = Flask(__name__)\n",
      "helpers.py": "def greet(name):\n    return 'hi ' + name)\n",
    });
    expect(problem.kind).toBe("syntax");
    expect(problem.locations).toEqual([{ file: "helpers.py", line: 2 }]);
  });

  test("a module that is not installed is named", async () => {
    const problem = await problemOf(`
      from flask import Flask
      import flask_sqlalchemy
      app = Flask(__name__)
    `);
    expect(problem.kind).toBe("missing-module");
    expect(problem.message).toContain('"flask_sqlalchemy"');
    expect(problem.locations).toEqual([{ file: "app.py", line: 2 }]);
  });

  test("a file without a Flask app is no-app", async () => {
    const problem = await problemOf(`
      import flask
      greeting = "hello"
    `);
    expect(problem.kind).toBe("no-app");
    expect(problem.message).toContain("app.py");
  });

  test("an exception at import is an import-crash with the exception line and its location", async () => {
    const problem = await problemOf(`
      from flask import Flask
      app = Flask(__name__)
      raise ValueError("no database configured")
    `);
    expect(problem.kind).toBe("import-crash");
    expect(problem.message).toContain("ValueError: no database configured");
    expect(problem.message).toContain("app.py line 3");
    expect(problem.locations).toEqual([{ file: "app.py", line: 3 }]);
  });

  test("a process that dies at import without a word is boot-failed with its exit code and output", async () => {
    const problem = await problemOf(`
      import os
      print("about to leave", flush=True)
      os._exit(7)
    `);
    expect(problem.kind).toBe("boot-failed");
    expect(problem.message).toContain("exited with code 7");
    expect(problem.message).toContain("about to leave");
  });

  test("an endless loop at import is a boot-timeout within a bounded time, and nothing is left running", async () => {
    const started = Date.now();
    const problem = await problemOf("import flask\nwhile True:\n    pass\n", 1);
    const elapsed = Date.now() - started;
    expect(problem.kind).toBe("boot-timeout");
    expect(problem.message).toContain("1 s");
    expect(elapsed).toBeLessThan(8000); // a hang guard, not a speed test
    expect(await processesLeft([dirs.at(-1)!])).toEqual([]);
  });
});

describe("a grader that cannot start Python", () => {
  test("launch rejects with a LaunchError naming the interpreter (not a problem blamed on the student)", async () => {
    const dir = tempApp("from flask import Flask\napp = Flask(__name__)\n");
    const err = await launch({ python: "/nonexistent/python3", dir, entry: "app.py", bootSeconds: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LaunchError);
    expect((err as Error).message).toBe("Could not start the Python interpreter /nonexistent/python3 (ENOENT).");
  });
});

describe("apps that start in unusual ways", () => {
  test("app.run(debug=True) at module level neither blocks nor reloads, and is noted", async () => {
    const app = await appOf(`
      from flask import Flask
      app = Flask(__name__)

      @app.get("/")
      def index():
          return "ran anyway"

      app.run(debug=True)
    `);
    try {
      expect(app.notes).toEqual(["app-run-called"]);
      expect((await get(app.target.baseUrl + "/")).body).toBe("ran anyway");
      expect(processesMentioning(dirs.at(-1)!)).toHaveLength(2); // the runner and its watchdog: no reloader child
    } finally {
      await app.stop();
    }
  });

  test("a create_app() factory is found", async () => {
    const app = await appOf(`
      from flask import Flask

      def create_app():
          app = Flask(__name__)

          @app.get("/")
          def index():
              return "made by the factory"

          return app
    `);
    try {
      expect((await get(app.target.baseUrl + "/")).body).toBe("made by the factory");
    } finally {
      await app.stop();
    }
  });
});

describe("a SIGKILLed grader", () => {
  test("takes its app with it (PR_SET_PDEATHSIG), and what the app started", async () => {
    const dir = tempApp(`
      import os, subprocess
      from flask import Flask
      child = subprocess.Popen(["sleep", "60"])
      app = Flask(__name__)

      @app.get("/pids")
      def pids():
          return f"{os.getpid()} {child.pid}"
    `);
    dirs.push(dir);
    const script = join(dir, "grader.mjs");
    writeFileSync(
      script,
      dedent(`
        const [launchUrl, python, dir] = process.argv.slice(2);
        const { launch } = await import(launchUrl);
        const out = await launch({ python, dir, entry: "app.py", bootSeconds: 10 });
        console.log(JSON.stringify("app" in out ? { baseUrl: out.app.target.baseUrl } : out));
        setInterval(() => {}, 1000);
      `),
    );
    const launchUrl = pathToFileURL(packageFile("graders/boot/launch.ts")).href;
    const grader = spawn(process.execPath, ["--no-warnings", "--loader", "ts-node/esm", script, launchUrl, python, dir], {
      cwd: packageFile("."),
      env: { ...process.env, NODE_OPTIONS: "", TS_NODE_TRANSPILE_ONLY: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let runner = 0;
    let child = 0;
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        let err = "";
        const timer = setTimeout(() => reject(new Error(`the grader script said nothing: ${err}`)), 30_000);
        grader.stderr.on("data", (c: Buffer) => (err += c));
        grader.stdout.on("data", (c: Buffer) => {
          out += c;
          if (out.includes("\n")) {
            clearTimeout(timer);
            resolve(out.split("\n")[0]);
          }
        });
        grader.on("exit", () => reject(new Error(`the grader script ended: ${err}`)));
      });
      const { baseUrl } = JSON.parse(line) as { baseUrl: string };
      [runner, child] = (await get(baseUrl + "/pids")).body.split(" ").map(Number);
      expect(isAlive(runner)).toBe(true);
      expect(isAlive(child)).toBe(true);

      grader.kill("SIGKILL");

      expect(await waitFor(() => !isAlive(runner), 5000)).toBe(true);
      expect(await waitFor(() => !isAlive(child) && groupMembers(runner).length === 0, 5000)).toBe(true);
    } finally {
      grader.kill("SIGKILL");
      if (runner && groupMembers(runner).length) process.kill(-runner, "SIGKILL");
    }
  });
});

describe("inspect: the look before anything runs (blanks are the runner's: tests/sourceScan.test.ts)", () => {
  test("a missing entry file is reported with the Python files that are there", () => {
    const dir = tempApp({ "main.py": "print(1)\n" });
    const problem = inspectSubmission(dir, "app.py");
    expect(problem?.kind).toBe("missing-file");
    expect(problem?.message).toContain("There is no app.py");
    expect(problem?.message).toContain("main.py");
  });
});

describe("output: what an app printed, capped", () => {
  test("a character split across two chunks of the pipe stays whole", () => {
    const output = new OutputBuffer();
    const bytes = Buffer.from("Zoë 😀\n");
    for (const [from, to] of [[0, 3], [3, 6], [6, bytes.length]]) output.add(bytes.subarray(from, to));
    expect(output.toString()).toBe("Zoë 😀\n");
  });

  test("keeps the start and the latest part, and counts what it dropped", () => {
    const output = new OutputBuffer(10);
    output.add("abcdefgh");
    const mark = output.position;
    output.add("ijklmn");
    expect(output.droppedChars).toBe(4);
    expect(output.position).toBe(14);
    expect(output.toString()).toBe("abcde\n[... 4 characters dropped ...]\njklmn");
    expect(output.tail(3)).toBe("lmn");
    expect(output.since(mark)).toBe("jklmn");
    expect(output.since(12)).toBe("mn");
  });
});
