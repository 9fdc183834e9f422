/**
 * The warm path (graders/boot/zygote.py + warm.ts) against real Python processes:
 * - it gives the same verdicts as the cold path on every solution and known-wrong fixture;
 * - each forked child has its own private channel and output, and holds no descriptor of the
 *   zygote's or of another child's (a student who writes to every descriptor reaches nobody);
 * - a crash, a hang at import and a stop behave as on the cold path (exit status, output, no
 *   process left, including what the app started);
 * - a SIGKILLed grader takes the zygote, its children and their children with it;
 * - when the zygote is unavailable or dies, apps boot cold.
 */
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { grade } from "../graders/grade.js";
import type { BootOutcome, RunningApp } from "../graders/boot/handshake.js";
import { launch } from "../graders/boot/launch.js";
import { findPython } from "../graders/boot/python.js";
import { WarmServer, warmLauncher } from "../graders/boot/warm.js";
import { packageFile } from "../graders/paths.js";
import { procStat } from "../graders/procStat.js";
import { loadSpec } from "../graders/spec/load.js";
import type { Spec } from "../graders/spec/types.js";
import type { Result } from "../graders/verdict/types.js";
import { dedent, get, getWithHeaders, groupMembers, isAlive, removeTempApps, tempApp, waitFor } from "./support/tempApps.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const python = findPython();
let warm: WarmServer;

beforeAll(async () => {
  warm = await WarmServer.start(python);
}, 30_000);

afterAll(async () => {
  await warm?.close();
  removeTempApps();
});

async function warmApp(source: string | Record<string, string>, bootSeconds = 10): Promise<{ outcome: BootOutcome; dir: string }> {
  const dir = tempApp(source);
  return { outcome: await warm.launch({ python, dir, entry: "app.py", bootSeconds }), dir };
}

async function running(source: string | Record<string, string>): Promise<RunningApp> {
  const { outcome } = await warmApp(source);
  if ("problem" in outcome) throw new Error(`expected the app to start: ${outcome.problem.message}`);
  return outcome.app;
}

/** The descendants of the zygote, by walking /proc parent links. */
function zygoteChildren(): number[] {
  return readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((pid) => {
      const field = procStat(pid);
      return field !== undefined && Number(field(4)) === warm.pid;
    });
}

/**
 * Exercises whose fixtures are compared. Grading cold is what costs here (about 0.4 s a fixture),
 * so by default the two exercises that cover every kind of boot and failure the engine knows
 * (problems, crashes in views, restarts, forged and tampered sessions) are compared, with every
 * solution; WARM_COMPARE=all compares every exercise's fixtures.
 */
const COMPARED = process.env.WARM_COMPARE === "all" ? undefined : ["visit-counter", "protected-page"];

describe("the warm path gives the same verdicts as the cold path", () => {
  interface Case {
    name: string;
    spec: string;
    dir: string;
  }
  const cases: Case[] = [];
  for (const file of readdirSync(join(ROOT, "specs")).filter((f) => f.endsWith(".yaml")).sort()) {
    const id = file.slice(0, -".yaml".length);
    if (/^kind:\s*quiz/m.test(readFileSync(join(ROOT, "specs", file), "utf8"))) continue; // no app to boot
    const solution = join(ROOT, "solutions", id);
    if (!existsSync(solution)) continue;
    cases.push({ name: `solutions/${id}`, spec: id, dir: solution });
    const fixtures = join(ROOT, "tests", "fixtures", id);
    if (!existsSync(fixtures) || (COMPARED && !COMPARED.includes(id))) continue;
    for (const name of readdirSync(fixtures).sort()) {
      if (statSync(join(fixtures, name)).isDirectory()) cases.push({ name: `${id}/${name}`, spec: id, dir: join(fixtures, name) });
    }
  }

  /** What a student and a gradebook see: everything but timings. */
  function verdicts(result: Result) {
    return {
      status: result.status,
      score: result.score,
      maxScore: result.maxScore,
      error: result.error,
      problem: result.problem && { kind: result.problem.kind, message: result.problem.message },
      notes: result.notes,
      checks: result.checks.map((v) => ({ id: v.id, status: v.status, points: v.points, message: v.message, hint: v.hint })),
    };
  }

  const cold = new Map<string, Result>();
  const hot = new Map<string, Result>();

  beforeAll(async () => {
    const specs = new Map<string, Spec>();
    for (const c of cases) if (!specs.has(c.spec)) specs.set(c.spec, await loadSpec(join(ROOT, "specs", `${c.spec}.yaml`)));
    const launcher = (options: Parameters<typeof launch>[0]) => warm.launch(options);
    // Cold and warm side by side, a few at a time: each case is graded once each way.
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const spec = specs.get(c.spec)!;
        const [a, b] = await Promise.all([grade(spec, c.dir, { python }), grade(spec, c.dir, { python, launcher })]);
        cold.set(c.name, a);
        hot.set(c.name, b);
      }
    };
    await Promise.all(Array.from({ length: 3 }, worker));
  }, 120_000);

  test("there are fixtures to compare", () => {
    expect(cases.length).toBeGreaterThan(10);
  });

  test.each(cases.map((c) => [c.name]))("%s", (name) => {
    expect(verdicts(hot.get(name)!)).toEqual(verdicts(cold.get(name)!));
  });
});

describe("each child is on its own", () => {
  test("a child's descriptors are its own: no zygote pipe, no other child's channel; a write to all of them reaches nobody", async () => {
    const victim = await running(`
      from flask import Flask
      app = Flask(__name__)

      @app.get("/")
      def index():
          return "victim"
    `);
    try {
      const attacker = await running(`
        import json, os
        from flask import Flask
        fake = json.dumps({"event": "exception", "request": "victim-request", "type": "X", "message": "spoofed", "summary": "X: spoofed"})
        for fd in range(3, 256):
            try:
                os.write(fd, (fake + "\\n").encode())
            except OSError:
                pass
        app = Flask(__name__)

        @app.get("/fds")
        def fds():
            return json.dumps({fd: os.readlink(f"/proc/self/fd/{fd}") for fd in map(int, os.listdir("/proc/self/fd")) if os.path.exists(f"/proc/self/fd/{fd}")})

        @app.get("/random")
        def rnd():
            import random
            return str(random.random())
      `);
      try {
        const fds = JSON.parse((await get(`${attacker.target.baseUrl}/fds`)).body) as Record<string, string>;
        expect(fds["0"]).toBe("/dev/null");
        // The zygote talks to the grader over pipes; a child has none of them.
        expect(Object.values(fds).filter((t) => t.startsWith("pipe:"))).toEqual([]);
        // Nothing of the victim's reached the victim's channel, and the victim still works.
        expect(await victim.exceptionFor("victim-request", 300)).toBeUndefined();
        expect((await get(`${victim.target.baseUrl}/`)).body).toBe("victim");
        // The attacker did write to its own channel (any process can): that is the runner's
        // business (a print cannot reach it); the point is that it could not reach the victim's.
        expect(await attacker.exceptionFor("victim-request", 300)).toBeDefined();

        // Children do not share the zygote's random state.
        const other = await running(`
          import random
          from flask import Flask
          app = Flask(__name__)
          @app.get("/random")
          def rnd():
              return str(random.random())
        `);
        try {
          const [a, b] = await Promise.all([get(`${attacker.target.baseUrl}/random`), get(`${other.target.baseUrl}/random`)]);
          expect(a.body).not.toBe(b.body);
        } finally {
          await other.stop();
        }
      } finally {
        await attacker.stop();
      }
    } finally {
      await victim.stop();
    }
  });

  test("a print of a handshake line cannot spoof the channel; it lands in the child's own output", async () => {
    const app = await running(`
      import sys
      print('{"event":"ready","port":1}')
      sys.stderr.write("to stderr\\n")
      from flask import Flask
      app = Flask(__name__)
    `);
    try {
      expect(app.target.baseUrl).not.toMatch(/:1$/);
      expect(await waitFor(() => app.output.toString().includes("to stderr"), 3000)).toBe(true);
      expect(app.output.toString()).toContain('{"event":"ready","port":1}');
    } finally {
      await app.stop();
    }
  });

  test("stop() kills the child's whole group, what it started included, and the zygote reports the exit", async () => {
    const app = await running(`
      import os, subprocess
      from flask import Flask
      child = subprocess.Popen(["sleep", "60"])
      app = Flask(__name__)

      @app.get("/pids")
      def pids():
          return f"{os.getpid()} {os.getpgid(0)} {os.getsid(0)} {child.pid}"
    `);
    const [pid, pgid, sid, sleeper] = (await get(`${app.target.baseUrl}/pids`)).body.split(" ").map(Number);
    expect(pgid).toBe(pid); // setsid: its own group and session
    expect(sid).toBe(pid);
    expect(zygoteChildren()).toContain(pid);
    await app.stop();
    expect(app.exitReason()).toBe("it was stopped by SIGKILL");
    expect(await waitFor(() => !isAlive(sleeper!) && groupMembers(pid!).length === 0, 5000)).toBe(true);
    expect(zygoteChildren()).not.toContain(pid);
  });

  test("a child that dies at import is boot-failed with its exit code and last output", async () => {
    const { outcome } = await warmApp(`
      import os
      print("about to leave", flush=True)
      os._exit(7)
    `);
    expect("problem" in outcome && outcome.problem.kind).toBe("boot-failed");
    if (!("problem" in outcome)) return;
    expect(outcome.problem.message).toContain("exited with code 7");
    expect(outcome.problem.message).toContain("about to leave");
  });

  test("a hang at import is a boot-timeout, and nothing of it is left", async () => {
    const before = new Set(zygoteChildren());
    const started = Date.now();
    const { outcome } = await warmApp("import flask\nwhile True:\n    pass\n", 1);
    expect("problem" in outcome && outcome.problem.kind).toBe("boot-timeout");
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await waitFor(() => zygoteChildren().every((p) => before.has(p)), 3000)).toBe(true);
  });
});

describe("what a child is spared", () => {
  // The app counts who asks the package metadata for a version: werkzeug asks for its own each
  // time it makes a server (for the Server header), unless the runner tells it the version read
  // before the app's code ran (once per process: in the zygote for a warm child).
  const counting = `
    import importlib.metadata, json
    from flask import Flask
    asked = []
    real = importlib.metadata.version
    def counting(name):
        asked.append(name)
        return real(name)
    importlib.metadata.version = counting
    app = Flask(__name__)

    @app.get("/")
    def index():
        return json.dumps({"asked": asked, "own": importlib.metadata.version is counting, "flask": importlib.metadata.version("flask")})
  `;
  const installed = (name: string) => execFileSync(python, ["-c", `import importlib.metadata as m; print(m.version("${name}"))`], { encoding: "utf8" }).trim();

  test.each([
    ["warm", (dir: string) => warm.launch({ python, dir, entry: "app.py", bootSeconds: 10 })],
    ["cold", (dir: string) => launch({ python, dir, entry: "app.py", bootSeconds: 10 })],
  ] as const)("%s: werkzeug's version for the Server header is not read again from the metadata; the app's own lookup is its own", async (_, boot) => {
    const outcome = await boot(tempApp(counting));
    if ("problem" in outcome) throw new Error(outcome.problem.message);
    try {
      const { headers, body } = await getWithHeaders(`${outcome.app.target.baseUrl}/`);
      expect(headers.server).toContain(`Werkzeug/${installed("werkzeug")}`);
      expect(JSON.parse(body)).toEqual({ asked: ["flask"], own: true, flask: installed("flask") });
    } finally {
      await outcome.app.stop();
    }
  });
});

describe("nothing outlives the grader", () => {
  test("a SIGKILLed grader takes the zygote, its children and what they started with it", async () => {
    const dir = tempApp(`
      import os, subprocess
      from flask import Flask
      child = subprocess.Popen(["sleep", "60"])
      app = Flask(__name__)

      @app.get("/pids")
      def pids():
          return f"{os.getpid()} {child.pid}"
    `);
    const script = join(dir, "grader.mjs");
    writeFileSync(
      script,
      dedent(`
        const [warmUrl, python, dir] = process.argv.slice(2);
        const { WarmServer } = await import(warmUrl);
        const warm = await WarmServer.start(python);
        const out = await warm.launch({ python, dir, entry: "app.py", bootSeconds: 10 });
        console.log(JSON.stringify({ zygote: warm.pid, ...("app" in out ? { baseUrl: out.app.target.baseUrl } : out) }));
        setInterval(() => {}, 1000);
      `),
    );
    const warmUrl = pathToFileURL(packageFile("graders/boot/warm.ts")).href;
    const grader = spawn(process.execPath, ["--no-warnings", "--loader", "ts-node/esm", script, warmUrl, python, dir], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: "", TS_NODE_TRANSPILE_ONLY: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const pids: number[] = [];
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
            resolve(out.split("\n")[0]!);
          }
        });
        grader.on("exit", () => reject(new Error(`the grader script ended: ${err}`)));
      });
      const { zygote, baseUrl } = JSON.parse(line) as { zygote: number; baseUrl: string };
      const [app, sleeper] = (await get(`${baseUrl}/pids`)).body.split(" ").map(Number);
      pids.push(zygote, app!, sleeper!);
      expect(pids.every(isAlive)).toBe(true);

      grader.kill("SIGKILL");

      expect(await waitFor(() => pids.every((p) => !isAlive(p)), 5000)).toBe(true);
    } finally {
      grader.kill("SIGKILL");
      for (const pid of pids) if (isAlive(pid)) process.kill(pid, "SIGKILL");
    }
  }, 60_000);
});

describe("the cold path is the fallback", () => {
  const source = `
    from flask import Flask
    app = Flask(__name__)

    @app.get("/")
    def index():
        return "up"
  `;

  test("when the zygote dies, the next app boots cold", async () => {
    const launcher = warmLauncher();
    try {
      const dir = tempApp(source);
      const first = await launcher.launch({ python, dir, entry: "app.py", bootSeconds: 10 });
      if (!("app" in first)) throw new Error(first.problem.message);
      await first.app.stop();
      expect(launcher.stats).toMatchObject({ warm: 1, cold: 0 });

      const zygote = launcher.current()?.pid;
      expect(zygote).toBeDefined();
      expect(zygote).not.toBe(warm.pid);
      const lossesBefore = launcher.losses();
      process.kill(zygote!, "SIGKILL");
      expect(await waitFor(() => !isAlive(zygote!), 3000)).toBe(true);
      await new Promise((r) => setTimeout(r, 100));
      expect(launcher.losses()).toBe(lossesBefore + 1);

      const second = await launcher.launch({ python, dir, entry: "app.py", bootSeconds: 10 });
      if (!("app" in second)) throw new Error(second.problem.message);
      try {
        expect((await get(`${second.app.target.baseUrl}/`)).body).toBe("up");
      } finally {
        await second.app.stop();
      }
      expect(launcher.stats).toMatchObject({ warm: 1, cold: 1 });
    } finally {
      await launcher.close();
    }
  });

  test("when the zygote stops answering, it is given up and apps boot cold", async () => {
    const launcher = warmLauncher({ spawnTimeoutMs: 500 });
    try {
      await launcher.prestart(python);
      const zygote = launcher.current()!.pid!;
      process.kill(zygote, "SIGSTOP"); // alive, but deaf
      const dir = tempApp(source);
      const started = Date.now();
      const outcome = await launcher.launch({ python, dir, entry: "app.py", bootSeconds: 10 });
      if (!("app" in outcome)) throw new Error(outcome.problem.message);
      try {
        expect((await get(`${outcome.app.target.baseUrl}/`)).body).toBe("up");
      } finally {
        await outcome.app.stop();
      }
      expect(Date.now() - started).toBeLessThan(5000);
      expect(launcher.stats).toMatchObject({ warm: 0, cold: 1 });
      expect(launcher.stats.fallbackReason).toContain("did not answer");
      expect(launcher.losses()).toBe(1);
      expect(await waitFor(() => !isAlive(zygote), 3000)).toBe(true);
    } finally {
      await launcher.close();
    }
  });

  test("when the zygote cannot start, apps boot cold", async () => {
    // An interpreter that runs anything but the zygote.
    const bin = tempApp({ "python": `#!/bin/sh\ncase "$*" in *zygote.py*) echo "no zygote here" >&2; exit 1;; esac\nexec "${python}" "$@"\n` });
    const fake = join(bin, "python");
    chmodSync(fake, 0o755);
    const launcher = warmLauncher();
    try {
      const dir = tempApp(source);
      const outcome = await launcher.launch({ python: fake, dir, entry: "app.py", bootSeconds: 10 });
      if (!("app" in outcome)) throw new Error(outcome.problem.message);
      try {
        expect((await get(`${outcome.app.target.baseUrl}/`)).body).toBe("up");
      } finally {
        await outcome.app.stop();
      }
      expect(launcher.stats.cold).toBe(1);
      expect(launcher.stats.warm).toBe(0);
      expect(launcher.stats.fallbackReason).toContain("no zygote here");
    } finally {
      await launcher.close();
    }
  });
});
