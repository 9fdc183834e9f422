/**
 * `autograde FOLDER --watch`, run as the real command (a private build, see support/transpile.ts)
 * on a copy of the visit-counter starter: it grades, then the test saves the reference solution
 * over app.py and the command grades again by itself and says which checks now pass; Ctrl-C
 * (SIGINT) then stops it, and no process it started (the warm server, an app) is left.
 * Plus the loop itself around a stand-in run (a save at any moment after the run starts is graded)
 * and the pure part: the words for what changed between two runs. Needs Python with Flask.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeChanges } from "../graders/report/changes.js";
import type { Io, RunContext } from "../scripts/cli/main.js";
import { watch } from "../scripts/cli/watch.js";
import type { CheckStatus, Result, Verdict } from "../graders/verdict/types.js";
import { descendantsOf, isAlive, waitFor } from "./support/tempApps.js";
import { privateBuildAround } from "./support/transpile.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const build = privateBuildAround(root, ".watch-test-");
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "autograde-watch-"));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("--watch", () => {
  test("grades on every save, says what changed, and Ctrl-C leaves nothing running", async () => {
    const folder = join(work, "visit-counter");
    cpSync(join(root, "starter", "visit-counter"), folder, { recursive: true });
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!/^(npm_|INIT_CWD$|JEST_|GITHUB_|NODE_OPTIONS$|FORCE_COLOR$|AUTOGRADER_)/i.test(key)) env[key] = value;
    }
    // A hidden check: every run must have it, not only the first (a run removes the variable).
    env.AUTOGRADER_HIDDEN_SPECS = `visit-counter:
  checks:
    - id: third-visit
      title: The third visit says 3
      needs: [counts-up]
      steps:
        - request: GET /
        - request: GET /
        - request: GET /
          expect: { text: { number: 3 } }
`;
    const child = spawn(process.execPath, [join(build(), "scripts", "grade.js"), folder, "--watch"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
    try {
      // Deadlines, not timings: how long a run takes is `npm run bench`'s business.
      // On a miss, the whole of stderr is what the failure shows.
      await waitFor(() => /watching .*visit-counter: save a file/.test(stderr), 60_000);
      expect(stderr).toMatch(/watching .*visit-counter: save a file/);
      expect(stdout).toMatch(/it still has blanks to fill in[\s\S]*Score: 0\/11/);

      writeFileSync(join(folder, "app.py"), readFileSync(join(root, "solutions", "visit-counter", "app.py"), "utf8"));
      await waitFor(() => stderr.includes("first-visit now passes"), 60_000);
      expect(stderr).toContain("first-visit now passes");
      expect(stderr).toContain("── app.py changed: grading again ──");
      expect(stderr).toContain("Since the last run (score 0 → 11 of 11):");
      expect(stderr).toContain("third-visit now passes");
      await waitFor(() => /Score: 11\/11/.test(stdout), 10_000);
      expect(stdout).toMatch(/Score: 0\/11[\s\S]*Score: 11\/11/);
      // On a pipe the screen is not cleared: no terminal escapes in the report.
      expect(stdout).not.toContain("\u001b[");

      const started = descendantsOf(child.pid!);
      expect(started.some((p) => p.cmdline.includes("zygote.py"))).toBe(true);
      child.kill("SIGINT");
      const { code, signal } = await ended;
      expect(code === 0 || code === 130 || signal === "SIGINT").toBe(true);
      expect(await waitFor(() => started.every((p) => !isAlive(p.pid)), 10_000)).toBe(true);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  }, 180_000);
});

describe("watching starts before the first run reads a file", () => {
  /**
   * The real `watch` loop and real file events, around a stand-in for one run that does what
   * main.ts's run does with the context (targets first, then reading the files) and records what
   * it read. A save at the moment in `save` must be graded by a second run.
   */
  async function runsAfter(save: "during the first run" | "as watching is announced"): Promise<string[]> {
    const folder = mkdtempSync(join(work, "folder-"));
    const app = join(folder, "app.py");
    writeFileSync(app, "first = 1\n");
    const read: string[] = [];
    const stop = new AbortController();
    let stderr = "";
    const io: Io = {
      env: {},
      stdout: { write: () => true },
      stderr: {
        write: (text: string) => {
          stderr += text;
          if (save === "as watching is announced" && text.startsWith("autograde: watching ")) writeFileSync(app, "second = 2\n");
          return true;
        },
      },
    };
    const gradeOnce = async (context: RunContext): Promise<number> => {
      context.targets = [{ exercise: "visit-counter", dir: folder }];
      context.onTargets?.(context.targets);
      read.push(readFileSync(app, "utf8"));
      if (save === "during the first run" && read.length === 1) {
        writeFileSync(app, "second = 2\n");
        await new Promise((r) => setTimeout(r, 200)); // the rest of the run, long after the save settled
      }
      context.results = [];
      return 0;
    };
    const watching = watch(io, gradeOnce, { stop: stop.signal });
    await waitFor(() => read.length >= 2, 10_000);
    stop.abort();
    expect(await watching).toBe(0);
    expect(stderr).toMatch(/autograde: watching .*folder-/);
    return read;
  }

  test("a save made while the first run grades is graded next", async () => {
    expect(await runsAfter("during the first run")).toEqual(["first = 1\n", "second = 2\n"]);
  });

  test("a save made the moment the command says it is watching is graded", async () => {
    expect(await runsAfter("as watching is announced")).toEqual(["first = 1\n", "second = 2\n"]);
  });

  test("a folder that cannot be watched: one run, and a note that says why (no silent wait)", async () => {
    const folder = join(work, "removed-before-watching");
    let stderr = "";
    const io: Io = { env: {}, stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) } };
    let runs = 0;
    const status = await watch(io, async (context) => {
      runs++;
      context.targets = [{ exercise: "visit-counter", dir: folder }];
      context.onTargets?.(context.targets);
      return 0;
    });
    expect({ status, runs }).toEqual({ status: 0, runs: 1 });
    expect(stderr).toMatch(/autograde: note: not watching .*removed-before-watching: it is not a folder \(any more\)\./);
    expect(stderr).not.toContain("autograde: watching");
  });
});

describe("what changed since the last run", () => {
  const verdict = (id: string, status: CheckStatus, advisory = false): Verdict => ({
    id, title: id, status, points: status === "pass" && !advisory ? 2 : 0, maxPoints: advisory ? 0 : 2, advisory, visibility: "visible", message: "", exchanges: [], durationMs: 1,
  });
  const result = (checks: Verdict[], exercise = "visit-counter"): Result =>
    ({ exercise, submission: exercise, status: "graded", score: checks.reduce((s, c) => s + c.points, 0), maxScore: 6, checks, notes: [] }) as unknown as Result;

  test("each check whose status changed, in words, with the score", () => {
    const before = [result([verdict("page-answers", "pass"), verdict("first-visit", "fail"), verdict("counts-up", "skip"), verdict("secret", "fail", true)])];
    const after = [result([verdict("page-answers", "pass"), verdict("first-visit", "pass"), verdict("counts-up", "fail"), verdict("secret", "pass", true)])];
    expect(describeChanges(before, after)).toEqual([
      "Since the last run (score 2 → 4 of 6):",
      "  first-visit now passes",
      "  counts-up now fails",
      "  secret now passes (advisory)",
    ]);
  });

  test("nothing changed: one line; several exercises: each line names its exercise; a long list is cut", () => {
    const same = [result([verdict("a", "pass")])];
    expect(describeChanges(same, same)).toEqual(["No change since the last run."]);
    const two = (status: CheckStatus) => [result([verdict("a", status)], "one"), result([verdict("a", status)], "two")];
    expect(describeChanges(two("fail"), two("pass")).slice(1)).toEqual(["  one › a now passes", "  two › a now passes"]);
    const many = (status: CheckStatus) => [result(Array.from({ length: 20 }, (_, i) => verdict(`c${i}`, status)))];
    const lines = describeChanges(many("pass"), many("error"));
    expect(lines).toHaveLength(13);
    expect(lines.at(-1)).toBe("  and 9 more");
    expect(lines[1]).toBe("  c0 could not be graded this time");
  });
});
