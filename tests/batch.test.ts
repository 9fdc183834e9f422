/**
 * Batch grading (`npm run batch`), run as the real command on small classes of real submissions:
 * - a class with a correct, a wrong, a broken, a hanging student, a folder that is no submission
 *   and a student without one of the exercises: the gradebook's rows, points and status column,
 *   results.json in the engine's shape, one feedback file per student, report.html;
 * - a grader that cannot run Python: every row "could not grade", never a zero;
 * - SIGKILLed halfway, then `--resume`: only what was missing is graded, each student is in the
 *   gradebook once, and it is identical to the gradebook of an uninterrupted run;
 * - `--shard 1/2` + `--shard 2/2` + `merge` gives the unsharded gradebook;
 * - no process is left behind, whether the batch ends or is killed;
 * - report.html renders in a real headless Chromium (Debian's `chromium`) when it is installed,
 *   else the test is reported as "skipped: no Chromium" (`.ci/run` installs it and sets
 *   REQUIRE_CHROMIUM=1, so CI never skips it).
 *
 * The command is compiled (transpiled only: type checking is `npm run typecheck`'s job) into a
 * private folder below dist/, so that neither a stale dist/ nor a teammate's build interferes.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateSync } from "node:zlib";
import { discoverClass } from "../graders/batch/discover.js";
import { buildRows, gradebookCsv } from "../graders/batch/gradebook.js";
import { createProgress } from "../graders/batch/progress.js";
import { inShard, parseShard } from "../graders/batch/shard.js";
import type { Manifest, SubmissionRecord } from "../graders/batch/store.js";
import { procStat } from "../graders/procStat.js";
import type { Result } from "../graders/verdict/types.js";
import { chromiumTest } from "./support/chromium.js";
import { privateBuildAround } from "./support/transpile.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const built = privateBuildAround(ROOT, ".cli-test-batch-");
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "batch-test-"));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Fails with what the command said when it did not end with status 0. */
function ok(run: Run): Run {
  if (run.code !== 0) throw new Error(`batch ended with status ${run.code}:\n${run.stderr}\n${run.stdout}`);
  return run;
}

function batchArgs(args: string[]): string[] {
  return [join(built(), "scripts", "batch.js"), ...args];
}

/**
 * Every process a batch starts, seen by walking /proc from the batch's pid every few
 * milliseconds while it runs (and from every process seen before, since a process whose parent
 * died is adopted by init). Known by pid and start time, so a reused pid is not mistaken for one.
 * The grader gives its apps a clean environment and their own sessions, so neither an inherited
 * variable nor a process group could find them all.
 */
const watched = new Map<string, string>();

function processStat(pid: number): { ppid: number; state: string; start: string } | undefined {
  const field = procStat(pid);
  return field && { state: field(3), ppid: Number(field(4)), start: field(22) };
}

function watch(root: number): () => void {
  const scan = () => {
    const children = new Map<number, number[]>();
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      const stat = processStat(Number(name));
      if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), Number(name)]);
    }
    const roots = [root, ...[...watched.keys()].map((key) => Number(key.split(":")[0]))];
    const queue = [...roots];
    while (queue.length) {
      const pid = queue.pop()!;
      for (const child of children.get(pid) ?? []) {
        const stat = processStat(child);
        const key = `${child}:${stat?.start}`;
        if (!stat) continue;
        let cmd = "";
        try {
          cmd = readFileSync(`/proc/${child}/cmdline`, "utf8").split("\0").join(" ").trim();
        } catch {
          // gone meanwhile
        }
        // Read again at every scan: a process first seen between its fork and its exec still shows its parent's command.
        const known = watched.has(key);
        if (cmd || !known) watched.set(key, cmd);
        if (!known) queue.push(child);
      }
    }
  };
  scan();
  const timer = setInterval(scan, 15);
  return () => {
    scan();
    clearInterval(timer);
  };
}

/** Processes started by this file's batches that are still alive (zombies aside). */
function leftovers(): string[] {
  return [...watched].filter(([key]) => {
    const [pid, start] = key.split(":");
    const stat = processStat(Number(pid));
    return stat !== undefined && stat.start === start && stat.state !== "Z" && stat.state !== "X";
  }).map(([key, cmd]) => `${key} ${cmd}`);
}

async function noLeftovers(timeoutMs = 5000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = leftovers();
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts `npm run batch -- ARGS` (the built script), watching every process it starts. */
function startBatch(args: string[], env: Record<string, string> = {}, stdio: "pipe" | "ignore" = "pipe"): ChildProcess {
  const child = spawn(process.execPath, batchArgs(args), { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", stdio, stdio] });
  const stop = watch(child.pid!);
  child.once("exit", stop);
  return child;
}

/** Runs `npm run batch -- ARGS` (the built script) to its end. */
function batch(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = startBatch(args, env);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c: Buffer) => (stdout += c));
    child.stderr!.on("data", (c: Buffer) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function fixture(exercise: string, name: string): string {
  return name === "solution" ? join(ROOT, "solutions", exercise) : join(ROOT, "tests", "fixtures", exercise, name);
}

/** Copies the .py files of `from` into `to` (expect.yaml and the like stay behind). */
function put(from: string, to: string, append = ""): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (name.endsWith(".py")) writeFileSync(join(to, name), readFileSync(join(from, name), "utf8") + append);
  }
  if (existsSync(join(from, "templates"))) cpSync(join(from, "templates"), join(to, "templates"), { recursive: true });
}

function csv(file: string): string[][] {
  return readFileSync(file, "utf8").trimEnd().split("\r\n").map((line) => line.split(","));
}

function gradebookRows(out: string): Record<string, Record<string, string>> {
  const [header, ...rows] = csv(join(out, "gradebook.csv"));
  return Object.fromEntries(rows.map((r) => [r[0]!, Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ""]))]));
}

describe("a small class", () => {
  let cls: string;
  let out: string;
  let run: Run;
  let seconds: number;

  beforeAll(async () => {
    cls = join(work, "small");
    put(fixture("visit-counter", "solution"), join(cls, "alice", "visit-counter"));
    put(fixture("protected-page", "solution"), join(cls, "alice", "protected-page"));
    // GitHub Classroom names each repository <assignment>-<user>: the files are at its top.
    put(fixture("visit-counter", "counter-in-global"), join(cls, "visit-counter-bob"));
    mkdirSync(join(cls, "carol", "visit-counter"), { recursive: true });
    writeFileSync(join(cls, "carol", "visit-counter", "app.py"), "from flask import Flask\napp = Flask(__name__)\nif app\n    pass\n");
    mkdirSync(join(cls, "dave"), { recursive: true });
    writeFileSync(join(cls, "dave", "README.md"), "I forgot to push my code\n");
    mkdirSync(join(cls, "erin", "visit-counter"), { recursive: true });
    writeFileSync(
      join(cls, "erin", "visit-counter", "app.py"),
      "import subprocess, time\nfrom flask import Flask\nsubprocess.Popen(['sleep', '300'])\napp = Flask(__name__)\n\n@app.route('/')\ndef index():\n    time.sleep(600)\n    return 'never'\n",
    );
    mkdirSync(join(cls, ".git"), { recursive: true });
    writeFileSync(join(cls, "notes.txt"), "not a student\n");
    out = join(work, "small-report");
    const started = Date.now();
    run = await batch([cls, "--out", out, "--exercise", "visit-counter", "--exercise", "protected-page", "--jobs", "2", "--time-limit", "3"]);
    seconds = (Date.now() - started) / 1000;
  }, 60_000);

  test("ends with exit status 1 (the hang could not be graded within its time limit) and a summary", () => {
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("5 students, 3 graded, 1 could not grade, 1 no submission");
    expect(run.stderr).toContain("dave is not a submission");
  });

  test("the hang cost only its own time limit", () => {
    expect(seconds).toBeLessThan(20);
  });

  test("gradebook.csv: one row per student folder, points per exercise, total, percent, status", () => {
    const [header] = csv(join(out, "gradebook.csv"));
    // visit-counter-bob follows GitHub Classroom's <assignment>-<login> naming: a login column.
    expect(header).toEqual(["student", "login", "visit-counter", "protected-page", "total", "percent", "status", "note"]);
    const rows = gradebookRows(out);
    expect(Object.keys(rows)).toEqual(["alice", "carol", "dave", "erin", "visit-counter-bob"]);
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { results: { student: string; exercise: string; maxScore: number }[] };
    const max = (id: string) => results.results.find((r) => r.exercise === id)!.maxScore;
    const both = max("visit-counter") + max("protected-page");

    expect(rows.alice).toMatchObject({ "visit-counter": String(max("visit-counter")), "protected-page": String(max("protected-page")), total: String(both), percent: "100.0", status: "graded", note: "" });
    expect(rows.carol).toMatchObject({ login: "", "visit-counter": "0", "protected-page": "", total: "0", percent: "0.0", status: "graded" });
    expect(rows.carol!.note).toContain("visit-counter: did not start: Python cannot read app.py line 3");
    expect(rows.carol!.note).toContain("no folder for protected-page");
    expect(rows["visit-counter-bob"]!.login).toBe("bob");
    // Every row below full marks says why.
    for (const row of Object.values(rows)) if (row.percent !== "100.0") expect(row.note).not.toBe("");
    expect(rows.dave).toMatchObject({ "visit-counter": "", "protected-page": "", total: "", percent: "", status: "no submission" });
    expect(rows.dave!.note).toContain("not a submission");
    // Its time limit (3 s) ran out twice before the request limit (5 s) could show the hang: the
    // grader's own limit cut the checks short, so no points at all rather than a zero.
    expect(rows.erin).toMatchObject({ "visit-counter": "", total: "", percent: "", status: "could not grade" });
    const bob = Number(rows["visit-counter-bob"]!["visit-counter"]);
    expect(bob).toBeGreaterThan(0);
    expect(bob).toBeLessThan(max("visit-counter"));
    expect(rows["visit-counter-bob"]).toMatchObject({ total: String(bob), percent: (Math.round((1000 * bob) / both) / 10).toFixed(1), status: "graded" });
  });

  test("results.json is the engine's JSON report, each result naming its student and class-relative folder", () => {
    const report = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as {
      score: number;
      maxScore: number;
      results: { student: string; exercise: string; submission: string; score: number; maxScore: number; status: string; checks: { id: string; status: string; points: number; maxPoints: number; message: string }[]; notes: string[] }[];
    };
    expect(report.results.map((r) => [r.student, r.exercise, r.submission, r.status])).toEqual([
      ["alice", "visit-counter", "alice/visit-counter", "graded"],
      ["alice", "protected-page", "alice/protected-page", "graded"],
      ["carol", "visit-counter", "carol/visit-counter", "graded"],
      ["erin", "visit-counter", "erin/visit-counter", "error"],
      ["visit-counter-bob", "visit-counter", "visit-counter-bob", "graded"],
    ]);
    expect(report.score).toBe(report.results.reduce((s, r) => s + r.score, 0));
    expect(report.maxScore).toBe(report.results.reduce((s, r) => s + r.maxScore, 0));
    for (const r of report.results) {
      expect(r.checks.length).toBeGreaterThan(0);
      for (const c of r.checks) expect(Object.keys(c)).toEqual(expect.arrayContaining(["id", "title", "status", "points", "maxPoints", "message"]));
    }
    expect((report.results.find((r) => r.student === "erin") as { error?: string }).error).toContain("time limit of 3 s, twice");
  });

  test("feedback/<student>.md for every student, in the words the other formats use", () => {
    expect(readdirSync(join(out, "feedback")).sort()).toEqual(["alice.md", "carol.md", "dave.md", "erin.md", "visit-counter-bob.md"]);
    const read = (s: string) => readFileSync(join(out, "feedback", `${s}.md`), "utf8");
    expect(read("alice")).toMatch(/^# Feedback for alice\n/);
    expect(read("alice")).toContain("✅");
    expect(read("carol")).toContain("Python cannot read app.py line 3");
    expect(read("dave")).toContain("No submission was found");
    expect(read("erin")).toContain("time limit of 3 s");
    expect(read("visit-counter-bob")).toContain("Hint:");
    expect(read("visit-counter-bob")).toContain("No folder was found for: protected-page");
  });

  test("report.html is one self-contained file: charts inline, nothing fetched", () => {
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain('id="score-distribution"');
    expect(html).toContain('id="pass-rate-visit-counter"');
    expect(html).toContain('id="hints"');
    // Every student, with a link to their feedback file; filters by status with CSS only.
    const byName = /<tbody class="by-name">(.*?)<\/tbody>/.exec(html)?.[1] ?? "";
    expect((byName.match(/<tr /g) ?? []).length).toBe(5);
    for (const student of ["alice", "carol", "dave", "erin", "visit-counter-bob"]) expect(byName).toContain(`<a href="feedback/${student}.md">`);
    expect(byName).toMatch(/<tr class="s-error">.*?erin.*?could not grade/);
    expect(html).toContain('id="filter-error"');
    expect(html).not.toMatch(/<script|<link|src=|url\(|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  test("no process is left: not the warm server, not an app, not what an app started", async () => {
    const seen = [...watched.values()];
    expect(seen.some((cmd) => cmd.includes("zygote.py"))).toBe(true);
    expect(seen.some((cmd) => cmd === "sleep 300")).toBe(true);
    expect(await noLeftovers()).toEqual([]);
  });

  chromiumTest("report.html renders in headless Chromium: its charts in the DOM, a screenshot that is not blank", (chromium) => {
    const profile = mkdtempSync(join(work, "chromium-"));
    const flags = [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`, "--window-size=1000,1400",
    ];
    const url = `file://${join(out, "report.html")}`;
    const png = join(work, "report.png");
    // One start does both: the DOM as Chromium parsed it on stdout, and a screenshot of the page.
    const shot = spawnSync(chromium, [...flags, "--dump-dom", `--screenshot=${png}`, url], { encoding: "utf8", timeout: 60_000 });
    expect(shot.stdout).toContain('<svg id="score-distribution"');
    expect((shot.stdout.match(/<rect class="hist"/g) ?? []).length).toBeGreaterThan(10);
    expect(shot.stdout).toContain('class="pass"');
    // The students' table, as Chromium parsed it: a row per student in the shown order, each linking its feedback.
    const shown = /<tbody class="by-name">(.*?)<\/tbody>/s.exec(shot.stdout)?.[1] ?? "";
    expect((shown.match(/<tr /g) ?? []).length).toBe(5);
    expect((shown.match(/href="feedback\/[^"]+\.md"/g) ?? []).length).toBe(5);
    const pixels = decodePng(readFileSync(png));
    expect(pixels.width).toBe(1000);
    // Not blank: many pixels that are not the white page, among them the charts' blue bars.
    let ink = 0;
    let bars = 0;
    for (let i = 0; i < pixels.data.length; i += pixels.channels) {
      const r = pixels.data[i]!;
      const g = pixels.data[i + 1]!;
      const b = pixels.data[i + 2]!;
      if (r < 240 || g < 240 || b < 240) ink++;
      if (Math.abs(r - 0x3f) < 12 && Math.abs(g - 0x6f) < 12 && Math.abs(b - 0xb5) < 12) bars++;
    }
    expect(ink).toBeGreaterThan(5000);
    expect(bars).toBeGreaterThan(1000);
  }, 120_000);
});

describe("a grader that cannot run Python", () => {
  test("marks every submission 'could not grade', with no points at all, and exits 1", async () => {
    const cls = join(work, "nopython");
    put(fixture("visit-counter", "solution"), join(cls, "alice", "visit-counter"));
    put(fixture("visit-counter", "no-secret-key"), join(cls, "bob", "visit-counter"));
    const out = join(work, "nopython-report");
    const run = await batch([cls, "--out", out], { AUTOGRADER_PYTHON: "/nonexistent/python3" });
    expect(run.code).toBe(1);
    const rows = gradebookRows(out);
    for (const student of ["alice", "bob"]) {
      expect(rows[student]).toMatchObject({ "visit-counter": "", total: "", percent: "", status: "could not grade" });
      expect(rows[student]!.note).toContain("Could not find Python");
    }
    expect(readFileSync(join(out, "feedback", "alice.md"), "utf8")).toContain("not your fault");
    expect(run.stdout).toContain("2 could not grade");
  });
});

describe("nothing lost, nothing repeated", () => {
  const cls = () => join(work, "resumable");
  const MIX = ["solution", "counter-in-global", "no-secret-key", "solution", "starts-at-zero", "count-never-saved", "solution", "counter-in-plain-cookie", "no-start-value", "solution", "secret-key-only-under-main", "solution"];
  const students = MIX.map((_, i) => `student-${String(i + 1).padStart(2, "0")}`);
  const args = (out: string, ...more: string[]) => [cls(), "--out", out, "--exercise", "visit-counter", ...more];
  let reference: string;

  beforeAll(async () => {
    // Each app takes a moment to import, so that a run lasts long enough to be killed halfway.
    MIX.forEach((name, i) => put(fixture("visit-counter", name), join(cls(), students[i]!), "\nimport time as _t\n_t.sleep(0.15)\n"));
    reference = join(work, "reference");
    ok(await batch(args(reference, "--jobs", "2")));
  }, 60_000);

  test("the reference run has each student once, in order", () => {
    expect(Object.keys(gradebookRows(reference))).toEqual(students);
  });

  test("SIGKILLed halfway, then --resume: only the missing ones are graded, and the gradebook is the uninterrupted one", async () => {
    const out = join(work, "killed");
    const records = () =>
      existsSync(join(out, "submissions"))
        ? readdirSync(join(out, "submissions")).flatMap((d) => readdirSync(join(out, "submissions", d)).filter((f) => f.endsWith(".json"))).length
        : 0;
    const child = startBatch(args(out, "--jobs", "1"), {}, "ignore");
    const deadline = Date.now() + 30_000;
    while (records() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    // There is something to clean up: the warm server at least (and the app being graded).
    expect(leftovers().some((p) => p.includes("zygote.py"))).toBe(true);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const saved = records();
    expect(saved).toBeGreaterThanOrEqual(3);
    expect(saved).toBeLessThan(students.length);
    expect(existsSync(join(out, "gradebook.csv"))).toBe(false);
    // Each graded student's feedback was written as their grading ended, not kept for the end
    // (with one job, only the last one's may still have been on its way), whole, as in the
    // uninterrupted run.
    const feedback = (dir: string) => (existsSync(join(dir, "feedback")) ? readdirSync(join(dir, "feedback")) : []);
    expect(feedback(out).length).toBeGreaterThanOrEqual(saved - 1);
    for (const name of feedback(out)) expect(readFileSync(join(out, "feedback", name), "utf8")).toBe(readFileSync(join(reference, "feedback", name), "utf8"));
    // The zygote, its children and whatever they started went with the grader.
    expect(await noLeftovers()).toEqual([]);

    const again = ok(await batch(args(out, "--jobs", "2", "--resume")));
    expect(again.stdout).toContain(`graded ${students.length - saved} submissions`);
    expect(again.stdout).toContain(`${saved} kept from the earlier run`);
    expect(Object.keys(gradebookRows(out))).toEqual(students);
    expect(readFileSync(join(out, "gradebook.csv"), "utf8")).toBe(readFileSync(join(reference, "gradebook.csv"), "utf8"));
    expect(feedback(out)).toEqual(feedback(reference));
    for (const name of feedback(out)) expect(readFileSync(join(out, "feedback", name), "utf8")).toBe(readFileSync(join(reference, "feedback", name), "utf8"));

    // A run over a finished report needs --resume; with it, a changed submission is graded again, and only it.
    const refused = await batch(args(out));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("Pass --resume");
    put(fixture("visit-counter", "no-secret-key"), join(cls(), students[0]!));
    const changed = ok(await batch(args(out, "--resume")));
    expect(changed.stdout).toContain(`graded 1 submission`);
    expect(gradebookRows(out)[students[0]!]!["visit-counter"]).toBe("0");
    put(fixture("visit-counter", "solution"), join(cls(), students[0]!), "\nimport time as _t\n_t.sleep(0.15)\n");
  }, 90_000);

  test("--shard 1/2 and 2/2, merged, give the unsharded gradebook", async () => {
    const one = join(work, "shard-1");
    const two = join(work, "shard-2");
    await Promise.all([batch(args(one, "--shard", "1/2", "--jobs", "1")).then(ok), batch(args(two, "--shard", "2/2", "--jobs", "1")).then(ok)]);
    const left = Object.keys(gradebookRows(one));
    const right = Object.keys(gradebookRows(two));
    expect(left.filter((s) => right.includes(s))).toEqual([]);
    expect([...left, ...right].sort()).toEqual(students);

    const incomplete = await batch(["merge", one, "--out", join(work, "merged-one")]);
    expect(incomplete.code).toBe(2);
    expect(incomplete.stderr).toContain("Shard 2/2 is missing");

    const merged = join(work, "merged");
    ok(await batch(["merge", two, one, "--out", merged]));
    expect(readFileSync(join(merged, "gradebook.csv"), "utf8")).toBe(readFileSync(join(reference, "gradebook.csv"), "utf8"));
    expect(readdirSync(join(merged, "feedback")).length).toBe(students.length);
  }, 60_000);

  test("no process is left", async () => {
    expect(await noLeftovers()).toEqual([]);
  });
});

describe("the pure parts", () => {
  test("shards are disjoint, cover everything and differ in size by at most one", () => {
    const names = Array.from({ length: 11 }, (_, i) => `s${i}`);
    const parts = [1, 2, 3].map((i) => inShard(names, { index: i, count: 3 }));
    expect(parts.flat().sort()).toEqual([...names].sort());
    expect(new Set(parts.flat()).size).toBe(names.length);
    expect(parts.map((p) => p.length)).toEqual([4, 4, 3]);
    expect(() => parseShard("3/2")).toThrow("1 <= i <= n");
    expect(() => parseShard("0/2")).toThrow();
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
  });

  test("a grader fault is never a zero: empty cells, total and percent, status 'could not grade'", () => {
    const manifest: Manifest = {
      version: 1,
      class: "c",
      exercises: ["a", "b"],
      maxScores: { a: 10, b: 5 },
      shard: null,
      students: [
        { student: 'x,"y"', submissions: [{ exercise: "a", path: "x/a" }, { exercise: "b", path: "x/b" }], missing: [] },
      ],
    };
    const result = (exercise: string, status: Result["status"], score: number): Result => ({
      exercise, title: exercise, submission: `x/${exercise}`, score, maxScore: 10, status, notes: [], checks: [], durationMs: 1,
      ...(status === "error" && { error: "the machine ran out of memory" }),
    });
    const records = new Map<string, SubmissionRecord>([
      [`x,"y"\u0000a`, { version: 1, student: 'x,"y"', exercise: "a", path: "x/a", fingerprint: "f", result: result("a", "graded", 7) }],
      [`x,"y"\u0000b`, { version: 1, student: 'x,"y"', exercise: "b", path: "x/b", fingerprint: "f", result: result("b", "error", 0) }],
    ]);
    const text = gradebookCsv(manifest, buildRows(manifest, records));
    expect(text).toBe('student,a,b,total,percent,status,note\r\n"x,""y""",7,,,,could not grade,b: the machine ran out of memory\r\n');
  });

  test("discovery: exercise folders, a wrapping folder, Classroom names, and folders that are no submission", () => {
    const root = mkdtempSync(join(work, "discover-"));
    const file = (path: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), "x = 1\n");
    };
    file("ann/visit-counter/app.py");
    file("ben/flask-sessions-main/protected-page/app.py");
    file("visit-counter-cat/app.py");
    file("dan/app.py");
    file("eve/notes.md");
    mkdirSync(join(root, "fay"));
    file("__MACOSX/junk.py");
    const plan = discoverClass(root, ["protected-page", "visit-counter"], []);
    expect(plan.exercises).toEqual(["protected-page", "visit-counter"]);
    const by = Object.fromEntries(plan.students.map((s) => [s.student, s]));
    expect(Object.keys(by)).toEqual(["ann", "ben", "dan", "eve", "fay", "visit-counter-cat"]);
    expect(by.ann!.submissions.map((s) => s.path)).toEqual(["ann/visit-counter"]);
    expect(by.ann!.missing).toEqual(["protected-page"]);
    expect(by.ben!.submissions.map((s) => [s.exercise, s.path])).toEqual([["protected-page", "ben/flask-sessions-main/protected-page"]]);
    expect(by["visit-counter-cat"]!.submissions.map((s) => [s.exercise, s.path])).toEqual([["visit-counter", "visit-counter-cat"]]);
    expect(by.dan!.notSubmission).toContain("pass --exercise ID");
    expect(by.eve!.notSubmission).toContain("no folder named after an exercise");
    expect(by.fay!.notSubmission).toBe("the folder is empty");
    // With one exercise chosen, a folder of files is that exercise.
    expect(discoverClass(root, ["protected-page", "visit-counter"], ["visit-counter"]).students.find((s) => s.student === "dan")!.submissions[0]!.exercise).toBe("visit-counter");
  });

  test("progress: a bar with counts and time left on a terminal, a line per submission elsewhere", () => {
    let clock = 0;
    const record = (i: number): SubmissionRecord => ({
      version: 1, student: `s${i}`, exercise: "e", path: `s${i}`, fingerprint: "f",
      result: { exercise: "e", title: "E", submission: `s${i}`, score: 1, maxScore: 2, status: "graded", notes: [], checks: [], durationMs: 1 },
    });
    let tty = "";
    const bar = createProgress({ isTTY: true, write: (t: string) => (tty += t) }, () => clock);
    bar.begin({ total: 4, reused: 0, jobs: 2 });
    for (let i = 0; i < 2; i++) {
      clock += 500;
      bar.done(record(i));
    }
    expect(tty).toContain("2/4");
    expect(tty).toContain("about 1 s left");
    expect(tty).toMatch(/█+░+/);

    let plain = "";
    const lines = createProgress({ isTTY: false, write: (t: string) => (plain += t) }, () => clock);
    lines.begin({ total: 2, reused: 1, jobs: 2 });
    lines.done(record(1));
    lines.end();
    expect(plain.split("\n")).toEqual(["grading 1 of 2 submissions (1 kept from the earlier run), 2 at a time", "[2/2] s1 (e): 1/2", expect.stringMatching(/^graded 1 submission in/), ""]);
  });
});

/** The pixels of an 8-bit RGB or RGBA PNG (what Chromium writes), unfiltered. */
function decodePng(png: Buffer): { width: number; height: number; channels: number; data: Buffer } {
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("ascii", offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8) throw new Error("only 8-bit PNGs");
      channels = body[9] === 6 ? 4 : body[9] === 2 ? 3 : 0;
      if (!channels) throw new Error(`PNG colour type ${body[9]} not handled`);
    } else if (type === "IDAT") idat.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const row = y * stride;
    const src = y * (stride + 1) + 1;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? data[row + x - channels]! : 0;
      const b = y > 0 ? data[row - stride + x]! : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const c = x >= channels && y > 0 ? data[row - stride + x - channels]! : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      data[row + x] = (raw[src + x]! + predictor) & 0xff;
    }
  }
  return { width, height, channels, data };
}
