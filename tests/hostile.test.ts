/**
 * The hostile-submission corpus: tests/hostile/<case>/app.py, each doing one thing wrong on
 * purpose. For each case, graded through the real pipeline with small limits, on the cold path
 * (a fresh Python per app) and on the warm path (a fork server's child), this proves:
 * - the grade is right (which checks pass, and the message naming the limit that stopped the app);
 * - grading ends within its limits;
 * - no process remains (anything whose command line mentions this file's temporary folder, or that
 *   a case named "hostile-...");
 * - the grader's files are unchanged (specs/, solutions/, tests/hostile/ and this file, hashed);
 * - nothing secret was visible (AUTOGRADER_TEST_SECRET in the grader's environment and in the
 *   start-up environment of a grader-side process, a secret file next to the submission) and
 *   nothing is written outside the app's own folder.
 * Network traffic goes to loopback only, even where isolation is missing: the network case tries
 * this test's listeners on 127.0.0.1 and ::1 and lists the interfaces and routes it can see.
 */
import { createHash, randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { ChannelReader, type BootOutcome, type RunningApp } from "../graders/boot/handshake.js";
import { isolationState, prepareSandbox } from "../graders/boot/isolation.js";
import { launch, runnerEnv, type LaunchOptions } from "../graders/boot/launch.js";
import { PASSED_THROUGH } from "../graders/boot/pythonCommand.js";
import { warmLauncher, type WarmLauncher } from "../graders/boot/warm.js";
import { findPython } from "../graders/boot/python.js";
import { grade } from "../graders/grade.js";
import { packageFile } from "../graders/paths.js";
import { procStat } from "../graders/procStat.js";
import type { Check, Limits, Spec } from "../graders/spec/types.js";
import type { Result, Verdict } from "../graders/verdict/types.js";
import { main } from "../scripts/cli/main.js";
import { descendantsOf, processesMentioning, waitFor } from "./support/tempApps.js";

// Every private folder and temporary app of this file lives below `root`: a process of a case is
// one whose command line mentions it (the runner's does), or one a case named "hostile-...".
const root = mkdtempSync(join(tmpdir(), "hostile-"));
process.env.TMPDIR = root;
const SECRET_VARIABLE = "AUTOGRADER_TEST_SECRET";
const SECRET = `secret-${randomBytes(12).toString("hex")}`;
process.env[SECRET_VARIABLE] = SECRET;
const secretFile = join(root, "grader-secret.txt");
writeFileSync(secretFile, `${SECRET}\n`);

const python = findPython();
const CORPUS = packageFile("tests/hostile");
const GUARDED = ["specs", "solutions", "tests/hostile", "tests/hostile.test.ts"].map((p) => packageFile(p));

/** Small limits, so that the whole corpus stays quick. */
const LIMITS: Limits = { bootSeconds: 5, requestSeconds: 2, memoryMb: 128, cpuSeconds: 3, processes: 16, fileSizeMb: 2, openFiles: 64 };

const hello = { status: 200, text: { contains: "hello" } };
const CHECKS: Check[] = [
  { id: "home", title: "The home page answers", steps: [{ request: "GET /", expect: hello }] },
  { id: "probe", title: "The probe answers ok", steps: [{ request: "GET /probe", expect: { status: 200, text: { contains: "ok" } } }] },
  { id: "home-again", title: "The home page answers after the probe", steps: [{ request: "GET /", expect: hello }] },
];

function specFor(limits: Limits = {}): Spec {
  return { id: "hostile", title: "Hostile submissions", limits: { ...LIMITS, ...limits }, checks: CHECKS };
}

// ---------------------------------------------------------------------------------------------
// evidence

/** sha256 of every file below the guarded paths. */
function hashes(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (path: string) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    else out.set(path, createHash("sha256").update(readFileSync(path)).digest("hex"));
  };
  GUARDED.forEach(walk);
  return out;
}

function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((p) => before.get(p) !== after.get(p));
}

/** Processes of the cases: by their command line, and (warm path) the fork server's descendants. */
function leftovers(zygote?: number): string[] {
  // A runner or fork server of another grader on this machine (another checkout's tests, whose
  // temporary folders may be named hostile-* too) is not ours: ours mention this file's `root`.
  const foreign = (cmdline: string) => /graders\/boot\/(runner|zygote)\.py/.test(cmdline) && !cmdline.includes(root);
  const found = [...processesMentioning(root), ...processesMentioning("hostile-")].filter((p) => !p.cmdline.includes("jest") && !foreign(p.cmdline));
  const lines = found.map((p) => `${p.pid} ${p.cmdline}`);
  if (zygote !== undefined) lines.push(...descendantsOf(zygote).map((p) => `${p.pid} ${p.cmdline} (child of the fork server)`));
  return [...new Set(lines)];
}

function readProc(pid: number, part: string): string {
  try {
    return readFileSync(`/proc/${pid}/${part}`, "utf8");
  } catch {
    return "";
  }
}

function byId(result: Result): Record<string, Verdict> {
  return Object.fromEntries(result.checks.map((c) => [c.id, c]));
}

/** Each check as "id:status"; with its message when it did not pass, so a failing test says why. */
function statuses(result: Result): string[] {
  return result.checks.map((c) => `${c.id}:${c.status}`);
}

function expectStatuses(result: Result, expected: string[]): void {
  const actual = statuses(result);
  if (actual.join() === expected.join()) return;
  const why = result.problem ? [`problem: ${result.problem.message}`] : result.checks.filter((c) => c.status !== "pass").map((c) => `${c.id}: ${c.message}`);
  expect({ statuses: actual, why }).toEqual({ statuses: expected, why: [] });
}

/** A port this test can listen on right now (on loopback): if so, nobody else holds it. */
function canListen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

// ---------------------------------------------------------------------------------------------
// the cases

interface Case {
  name: string;
  limits?: Limits;
  /** Only where apps are isolated: without isolation the case would really do harm, or leak. */
  isolatedOnly?: boolean;
  /** Runs while the first app is up, before the checks (through the launcher). */
  during?: (app: RunningApp) => Promise<void>;
  expect: (result: Result) => void;
}

let listener: Server;
/** A grader-side process started with the secret in its environment (/proc/PID/environ shows it). */
let holder: ChildProcess;
let listenerPort = 0;
/** The same listener's twin on ::1 (0 where this machine has no IPv6 loopback). */
let listener6: Server | undefined;
let listenerPort6 = 0;
let listenerConnections = 0;
const squatPorts = [5000, 8000, 8080, 5001];
const freeBefore = new Map<number, boolean>();

const CASES: Case[] = [
  {
    name: "fork-bomb",
    isolatedOnly: true,
    expect(result) {
      expect(result.problem?.kind).toBe("import-crash");
      expect(result.problem?.message).toContain("BlockingIOError");
      expect(result.problem?.message).toContain("the limit on processes and threads (16)");
      expect(result.score).toBe(0);
    },
  },
  {
    name: "memory-hog",
    expect(result) {
      expectStatuses(result, ["home:pass", "probe:fail", "home-again:pass"]);
      expect(byId(result).probe.message).toContain("MemoryError (the app went over the memory limit (128 MB))");
    },
  },
  {
    name: "loop-at-import",
    limits: { cpuSeconds: 1, bootSeconds: 15 },
    expect(result) {
      expect(result.problem?.kind).toBe("boot-failed");
      expect(result.problem?.message).toContain("it was stopped for going over the CPU time limit (1 s of processor time)");
      expect(result.score).toBe(0);
    },
  },
  {
    name: "loop-in-handler",
    limits: { requestSeconds: 1 },
    expect(result) {
      expectStatuses(result, ["home:pass", "probe:fail", "home-again:pass"]);
      expect(byId(result).probe.message).toContain("got no answer within 1 s (the request time limit)");
    },
  },
  {
    name: "spinning-threads",
    limits: { cpuSeconds: 2, requestSeconds: 20 },
    expect(result) {
      expectStatuses(result, ["home:pass", "probe:fail", "home-again:pass"]);
      expect(byId(result).probe.message).toContain("the app stopped (it was stopped for going over the CPU time limit (2 s of processor time))");
    },
  },
  {
    name: "thread-hog",
    isolatedOnly: true, // without isolation only the memory limit would stop it
    limits: { memoryMb: 512 },
    expect(result) {
      expectStatuses(result, ["home:pass", "probe:pass", "home-again:pass"]);
      // 16 tasks: the app's own thread and 15 more.
      expect(byId(result).probe.exchanges[0].response?.text).toBe("ok: 15 threads started");
    },
  },
  {
    name: "output-flood",
    limits: { cpuSeconds: 60, requestSeconds: 5 },
    async during(app) {
      expect(await waitFor(() => app.output.droppedChars > 1_000_000, 10_000)).toBe(true);
      expect(app.output.toString().length).toBeLessThan(64 * 1024 + 200);
    },
    expect(result) {
      expectStatuses(result, ["home:pass", "probe:pass", "home-again:pass"]);
    },
  },
  {
    name: "sigterm-ignored",
    async during() {
      expect(await waitFor(() => processesMentioning("hostile-sigterm-ignored").length > 0, 3000)).toBe(true);
    },
    expect(result) {
      expectStatuses(result, ["home:pass", "probe:pass", "home-again:pass"]);
    },
  },
  {
    name: "double-fork-daemon",
    isolatedOnly: true,
    async during() {
      expect(await waitFor(() => processesMentioning("hostile-daemon").length > 0, 3000)).toBe(true);
    },
    expect(result) {
      expectStatuses(result, ["home:pass", "probe:pass", "home-again:pass"]);
      expect(byId(result).probe.exchanges[0].response?.text).toContain("ok: daemon hostile-daemon is running");
    },
  },
  {
    name: "network",
    isolatedOnly: true,
    expect(result) {
      expectStatuses(result, ["home:pass", "probe:pass", "home-again:pass"]);
      const text = byId(result).probe.exchanges[0].response?.text ?? "";
      // Loopback targets only (issue 9 item 11): the grader's listeners, and the namespace's own
      // interfaces and routes (none: no address anywhere is reachable from it).
      expect(text).toContain("ok: all blocked");
      expect(text).toContain("blocked grader loopback (");
      expect(text).toContain("blocked grader loopback6 (");
      expect(text).toContain("interfaces lo;");
      expect(text).toContain("routes 0; routes6 0");
      expect(listenerConnections).toBe(0);
    },
  },
  {
    name: "secrets",
    isolatedOnly: true,
    expect(result) {
      expect(byId(result).probe.exchanges[0].response?.text).toBe("ok: nothing visible");
      expectStatuses(result, ["home:pass", "probe:pass", "home-again:pass"]);
    },
  },
  {
    name: "write-outside",
    isolatedOnly: true,
    expect(result) {
      expect(byId(result).probe.exchanges[0].response?.text).toBe("ok: only its own folder");
      expectStatuses(result, ["home:pass", "probe:pass", "home-again:pass"]);
    },
  },
  {
    name: "port-squatting",
    isolatedOnly: true,
    async during() {
      // The app listens on these ports in its own network namespace: here they are still free.
      for (const port of squatPorts) if (freeBefore.get(port)) expect(await canListen(port)).toBe(true);
    },
    expect(result) {
      expectStatuses(result, ["home:pass", "probe:pass", "home-again:pass"]);
      expect(byId(result).probe.exchanges[0].response?.text).toBe("ok: squatting 5000,8000,8080,5001");
    },
  },
  {
    // Issue 16 item 1: modules named like the runner's own (flask.py, resource.py, json.py...)
    // beside a correct app.py; none may run, least of all before the sandbox is entered.
    name: "shadow-modules",
    expect(result) {
      expect(byId(result).probe.exchanges[0].response?.text).toBe("ok: the real flask");
      expectStatuses(result, ["home:pass", "probe:pass", "home-again:pass"]);
    },
  },
  {
    // Issue 16 item 4: notes the app writes on the runner's channel are not believed.
    name: "forged-notes",
    expect(result) {
      expectStatuses(result, ["home:pass", "probe:pass", "home-again:pass"]);
      expect(result.notes).toEqual([]);
      expect(JSON.stringify(result)).not.toContain("hostile-forged-note");
      expect(JSON.stringify(result)).not.toContain("::notice");
    },
  },
  {
    // Issue 9 item 7: underscores outside Python code are no blanks.
    name: "underscored-notes",
    expect(result) {
      expect(result.problem).toBeUndefined();
      expectStatuses(result, ["home:pass", "probe:pass", "home-again:pass"]);
    },
  },
  {
    // An app that leaves its process group still dies with its stop (no process remains).
    name: "escaped-session",
    expect(result) {
      expect(byId(result).probe.exchanges[0].response?.text).toMatch(/^ok: /);
      expectStatuses(result, ["home:pass", "probe:pass", "home-again:pass"]);
    },
  },
  {
    // A warm child's line to the zygote (sandbox.ParentMaps) is closed before student code runs.
    name: "zygote-line",
    expect(result) {
      expect(byId(result).probe.exchanges[0].response?.text).toBe("ok: no line to the zygote");
      expectStatuses(result, ["home:pass", "probe:pass", "home-again:pass"]);
    },
  },
  {
    name: "fake-json",
    expect(result) {
      // The fake "fatal" is not believed (no grader error), nor the fake ready lines.
      expect(result.status).toBe("graded");
      expectStatuses(result, ["home:pass", "probe:fail", "home-again:pass"]);
      expect(result.score).toBe(2);
    },
  },
  {
    name: "file-size",
    expect(result) {
      expectStatuses(result, ["home:pass", "probe:fail", "home-again:pass"]);
      expect(byId(result).probe.message).toContain("File too large (the app went over the file size limit (2 MB))");
    },
  },
  {
    name: "open-files",
    expect(result) {
      expectStatuses(result, ["home:pass", "probe:fail", "home-again:pass"]);
      expect(byId(result).probe.message).toContain("Too many open files");
      expect(byId(result).probe.message).toContain("the limit on open files (64)");
    },
  },
];

// ---------------------------------------------------------------------------------------------

/** Whether apps are isolated on this machine: the first grading finds out. */
async function probeIsolation(): Promise<boolean> {
  const dir = mkdtempSync(join(root, "probe-"));
  writeFileSync(join(dir, "app.py"), "from flask import Flask\napp = Flask(__name__)\n");
  await grade({ id: "probe", title: "Probe", checks: [] }, dir, { python });
  return isolationState().available === true;
}
const isolated = await probeIsolation();
// .ci/run sets REQUIRE_ISOLATION where the machine allows namespaces: then a sandbox that does not
// work is a failure, not a skip.
if (!isolated && process.env.REQUIRE_ISOLATION) throw new Error(`REQUIRE_ISOLATION is set but apps are not isolated: ${isolationState().reason}`);
if (!isolated) console.warn(`hostile.test.ts: apps are not isolated here (${isolationState().reason}); the cases that need isolation are skipped.`);

/** A copy of the case outside the repo, with what the app is told about the grader (paths, ports). */
function submissionFor(name: string): string {
  const dir = mkdtempSync(join(root, `${name}-`));
  cpSync(join(CORPUS, name), dir, { recursive: true });
  const marker = `pwned-${name}-${randomBytes(4).toString("hex")}`;
  writeFileSync(
    join(dir, "hostile.json"),
    JSON.stringify({ repo: packageFile("."), original: dir, secretFile, secretVariable: SECRET_VARIABLE, listenerPort, listenerPort6, marker }),
  );
  return dir;
}

/** Where a write-outside marker could have landed on this machine. */
function markerPlaces(dir: string): string[] {
  const { marker } = JSON.parse(readFileSync(join(dir, "hostile.json"), "utf8")) as { marker: string };
  return [
    ...["specs", "solutions", "tests/hostile"].map((p) => packageFile(join(p, marker))),
    join(dir, marker),
    join("/tmp", marker),
    join(root, marker),
    join("/usr", marker),
    join("/etc", marker),
    join("/", marker),
  ];
}

beforeAll(async () => {
  holder = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { env: { [SECRET_VARIABLE]: SECRET }, stdio: "ignore" });
  expect(await waitFor(() => readProc(holder.pid!, "environ").includes(SECRET), 5000)).toBe(true);
  listener = createServer((socket) => {
    listenerConnections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  listenerPort = (listener.address() as { port: number }).port;
  listener6 = createServer((socket) => {
    listenerConnections++;
    socket.destroy();
  });
  listenerPort6 = await new Promise<number>((resolve) => {
    listener6!.once("error", () => resolve(0));
    listener6!.listen(0, "::1", () => resolve((listener6!.address() as { port: number }).port));
  });
  for (const port of squatPorts) freeBefore.set(port, await canListen(port));
});

afterAll(async () => {
  holder.kill("SIGKILL");
  await new Promise((r) => listener.close(r));
  if (listenerPort6) await new Promise((r) => listener6!.close(r));
  rmSync(root, { recursive: true, force: true });
});

async function runCase(c: Case, base: (options: LaunchOptions) => Promise<BootOutcome>, zygote?: () => number | undefined): Promise<void> {
  const before = hashes();
  const dir = submissionFor(c.name);
  const spec = specFor(c.limits);
  const limits = spec.limits!;
  let during: Promise<void> | undefined;
  let duringFailed: unknown;
  const launcher = async (options: LaunchOptions): Promise<BootOutcome> => {
    const outcome = await base(options);
    if ("app" in outcome && c.during && !during) {
      // A failure here is the test's, reported after grading: thrown from a launcher it would
      // count as a grader fault (the boot retried, the first app never handed back).
      during = c.during(outcome.app).catch((err: unknown) => void (duringFailed = err ?? "during failed"));
      await during;
    }
    return outcome;
  };

  const started = Date.now();
  const result = await grade(spec, dir, { python, launcher });
  const seconds = (Date.now() - started) / 1000;

  // The grade.
  if (duringFailed) throw duringFailed;
  c.expect(result);
  if (c.during) expect(during).toBeDefined();
  // Within its limits: every boot and every request at most once its limit (a restart after
  // each of the three checks at worst), plus the grader's own time.
  const bound = limits.bootSeconds! * 4 + limits.requestSeconds! * CHECKS.length + 10;
  expect(seconds).toBeLessThan(bound);
  // Nothing left running.
  expect(await waitFor(() => leftovers(zygote?.()).length === 0, 5000)).toBe(true);
  expect(leftovers(zygote?.())).toEqual([]);
  // The grader's files as they were; no write outside the app's folder landed anywhere.
  expect(changed(before, hashes())).toEqual([]);
  expect(markerPlaces(dir).filter((p) => existsSync(p))).toEqual([]);
  // Nothing secret in what grading produced.
  expect(JSON.stringify(result)).not.toContain(SECRET);
  // The private copy is gone.
  expect(readdirSync(root).filter((n) => n.startsWith("ag-"))).toEqual([]);
}

describe("hostile submissions, cold path", () => {
  for (const c of CASES) (c.isolatedOnly && !isolated ? test.skip : test)(c.name, () => runCase(c, launch));
});

describe("hostile submissions, warm path (a fork server's child)", () => {
  let warm: WarmLauncher;
  beforeAll(async () => {
    warm = warmLauncher();
    await warm.prestart(python);
  });
  afterAll(async () => {
    // Every app went through the fork server: no fallback. (A retry the fault rules ask for runs
    // cold on purpose, e.g. after loop-in-handler's timeout: it counts in stats.cold, not here.)
    expect(warm.stats.fallbackReason).toBeUndefined();
    await warm.close();
  });
  for (const c of CASES) {
    (c.isolatedOnly && !isolated ? test.skip : test)(c.name, () => runCase(c, (options) => warm.launch(options), () => warm.current()?.pid));
  }
});

describe("the grader's side", () => {
  (isolated ? test : test.skip)("the fake JSON a submission prints never reaches the CLI's JSON output", async () => {
    const dir = submissionFor("fake-json");
    const specs = mkdtempSync(join(root, "specs-"));
    writeFileSync(join(specs, "hostile.yaml"), JSON.stringify(specFor()));
    let stdout = "";
    let stderr = "";
    const code = await main([dir, "--exercise", "hostile", "--specs", specs, "--format", "json"], {
      stdout: { write: (t: string) => (stdout += t), isTTY: false },
      stderr: { write: (t: string) => (stderr += t) },
      env: {},
    });
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { score: number; results: Array<{ status: string; score: number }> };
    expect(report.score).toBe(2);
    expect(report.results.map((r) => [r.status, r.score])).toEqual([["graded", 2]]);
    expect(stdout).not.toContain("/tmp/evil.sock");
    expect(stderr).not.toContain("evil");
  });

  test("an app restarted in its sandbox is still isolated and still owns its folder (kept across restarts)", async () => {
    const dir = mkdtempSync(join(root, "restarts-")); // mode 0700, as mkdtemp makes it
    writeFileSync(
      join(dir, "app.py"),
      [
        "import os",
        "from flask import Flask",
        "with open('boots.txt', 'a') as f:",
        "    f.write('boot\\n')",
        "app = Flask(__name__)",
        "@app.get('/')",
        "def index():",
        "    return f\"boots {open('boots.txt').read().count('boot')} uid {os.getuid()} pid {os.getpid()}\"",
        "",
      ].join("\n"),
    );
    // Inside, the app is uid 65534 when the grader is root (an id of its own), else 0 (the one id mapped).
    const uid = process.getuid?.() === 0 ? 65534 : 0;
    const boots = (n: number) => ({ request: "GET /", expect: { text: { contains: `boots ${n} uid ${uid} pid 1` } } });
    const spec: Spec = {
      id: "restarts",
      title: "Restarts",
      checks: [{ id: "three", title: "Three boots", steps: [boots(1), { restart: true }, boots(2), { restart: true }, boots(3)] }],
    };
    const result = await grade(spec, dir, { python });
    expectStatuses(result, ["three:pass"]);
    expect(existsSync(join(dir, "boots.txt"))).toBe(false); // written in the private copy only
  });

  test("private folders left by a grader killed with SIGKILL are removed by the next one", async () => {
    const base = mkdtempSync(join(root, "sweep-"));
    const myStart = procStat("self")!(22);
    const folders = { dead: "ag-Dead00", reused: "ag-Reuse0", mine: "ag-Mine00", unowned: "ag-NoOwnr", writing: "ag-Write0", cut: "ag-Cut000" };
    for (const name of Object.values(folders)) cpSync(join(CORPUS, "memory-hog"), join(base, name, "app"), { recursive: true });
    writeFileSync(join(base, folders.dead, "owner"), "999999999 1\n"); // no such process
    writeFileSync(join(base, folders.reused, "owner"), `${process.pid} 1\n`); // this pid, but another process
    writeFileSync(join(base, folders.mine, "owner"), `${process.pid} ${myStart}\n`);
    // A live grader's owner file caught while it is written: empty, or cut short.
    writeFileSync(join(base, folders.writing, "owner"), "");
    writeFileSync(join(base, folders.cut, "owner"), `${process.pid} ${myStart}`.slice(0, 3));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = base;
    try {
      await (await prepareSandbox({ submission: join(CORPUS, "memory-hog") })).dispose();
    } finally {
      process.env.TMPDIR = saved;
    }
    expect(readdirSync(base).sort()).toEqual([folders.mine, folders.unowned, folders.writing, folders.cut].sort());
  });

  test("the channel reader stays bounded whatever is written to the channel", () => {
    const reader = new ChannelReader();
    const junk = Buffer.alloc(1024 * 1024, "x");
    for (let i = 0; i < 20; i++) reader.add(junk); // 20 MB without a newline
    const fake = Buffer.from(`${JSON.stringify({ event: "exception", request: "r1", type: "Fake", message: "", summary: "Fake" })}\n`.repeat(10_000));
    for (let i = 0; i < 10; i++) reader.add(fake); // 100,000 events
    reader.add(Buffer.from(`${JSON.stringify({ event: "ready", socket: "/x" })}\n`.repeat(1000)));
    reader.add(Buffer.from(`${JSON.stringify({ event: "ready", socket: "/real" })}\n`));
    expect(reader.all.length).toBeLessThanOrEqual(500 + 8);
    expect(reader.all.filter((e) => e.event === "ready")).toHaveLength(8);
    expect(reader.dropped).toBeGreaterThan(100_000);
  });

  test("the runner's environment is not the grader's", () => {
    const env = runnerEnv({ python, dir: root, entry: "app.py", bootSeconds: 1 });
    // The interpreter's own settings pass through when the grader has them (pythonCommand.ts).
    const interpreter = PASSED_THROUGH.filter((name) => process.env[name]);
    expect(Object.keys(env).sort()).toEqual(["LANG", "PATH", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", ...interpreter].sort());
    expect(JSON.stringify(env)).not.toContain(SECRET);
  });

  test("a submission's files outside the app's reach: the private copy, its socket folder and new root are removed", async () => {
    const dir = submissionFor("memory-hog");
    const sandbox = await prepareSandbox({ submission: dir });
    expect(readFileSync(join(sandbox.dir, "app.py"), "utf8")).toBe(readFileSync(join(dir, "app.py"), "utf8"));
    expect(sandbox.socketPath.startsWith(root)).toBe(true);
    expect(sandbox.config().hide).toEqual([packageFile("."), dir]);
    await sandbox.dispose();
    expect(existsSync(sandbox.dir)).toBe(false);
  });
});
