/**
 * The temporary folders of the isolation probe (`autograde-probe-*`), of `npm run verify`'s
 * mutants (`autograde-verify-*`) and of the batch's empty submission (`autograde-empty-*`), left
 * by a grader killed with SIGKILL, are removed by the next run that makes one of its own
 * (graders/boot/ownedFolders.ts). Each case plants, in a fresh TMPDIR, a folder whose owner is
 * gone (this process's pid with another start time: its pid reused, as tests/earlyStart.test.ts
 * forges one), a live grader's (this process) and an unmarked look-alike, then runs the real code
 * path: only the first may go, and the run leaves none of its own.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { ABANDONED_MS } from "../graders/boot/ownedFolders.js";
import { EMPTY_FOLDER, PROBE_FOLDER, VERIFY_FOLDER } from "../graders/boot/tempFolders.js";
import { packageFile } from "../graders/paths.js";
import { procStat } from "../graders/procStat.js";
import { waitFor } from "./support/tempApps.js";
import { privateBuildAround } from "./support/transpile.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Planted {
  stale: string;
  live: string;
  unmarked: string;
}

/** Two hours ago: past ABANDONED_MS, for a folder no grader marked. */
const LONG_AGO = new Date(Date.now() - 2 * ABANDONED_MS);

/**
 * The folders of one kind in `base`: the three above, each holding a file as a real one would
 * (the unmarked one old, which its content alone must save), and three a grader killed between
 * making and marking leaves: empty, or with a cut `owner.new`, long ago (to be swept), and
 * empty just now (being made: to be kept).
 */
function plant(base: string, prefix: string, pattern: RegExp): Planted {
  const myStart = procStat("self")!(22);
  const folder = (name: string, owner?: string) => {
    expect(name).toMatch(pattern); // the names the run itself would make, not merely alike
    mkdirSync(join(base, name, "1"), { recursive: true });
    writeFileSync(join(base, name, "1", "app.py"), "from flask import Flask\napp = Flask(__name__)\n");
    if (owner !== undefined) writeFileSync(join(base, name, "owner"), owner);
    return join(base, name);
  };
  const empty = (name: string, when: Date, cut?: string) => {
    expect(name).toMatch(pattern);
    mkdirSync(join(base, name));
    if (cut !== undefined) writeFileSync(join(base, name, "owner.new"), cut);
    utimesSync(join(base, name), when, when);
  };
  empty(`${prefix}Empty1`, LONG_AGO);
  empty(`${prefix}Cut001`, LONG_AGO, `${process.pid} `);
  empty(`${prefix}Fresh1`, new Date());
  const unmarked = folder(`${prefix}Being1`);
  utimesSync(unmarked, LONG_AGO, LONG_AGO);
  return {
    stale: folder(`${prefix}Stale1`, `${process.pid} 1\n`),
    live: folder(`${prefix}Live01`, `${process.pid} ${myStart}\n`),
    unmarked,
  };
}

/** Only the stale folder and the long-abandoned empty ones went, and the run left no folder of this kind behind. */
function expectSwept(base: string, prefix: string, planted: Planted): void {
  expect(existsSync(planted.stale)).toBe(false);
  expect(existsSync(planted.live)).toBe(true);
  expect(existsSync(planted.unmarked)).toBe(true);
  expect(readdirSync(base).filter((n) => n.startsWith(prefix)).sort()).toEqual([`${prefix}Being1`, `${prefix}Fresh1`, `${prefix}Live01`]);
}

describe("run as processes (in jest, os.tmpdir() does not see a changed process.env.TMPDIR)", () => {
  const built = privateBuildAround(ROOT, ".cli-test-sweeps-");
  let base: string;
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), "sweep-cli-"));
  });
  afterAll(() => {
    if (base) rmSync(base, { recursive: true, force: true });
  });

  /** Runs a command of the private build with TMPDIR set to `tmp`; resolves with its exit status and output. */
  const command = (script: string, args: string[], tmp: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(built(), "scripts", script), ...args], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp } }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  /**
   * What the handshake does when an app in \`auto\` mode reports that it ran without isolation:
   * settleIsolation, whose first such report boots the probe app (the grader's own), for real.
   * (Spoiling an app's isolation, as tests/isolationAvailability.test.ts does, reaches the probe
   * only where the unisolated fallback can run: not as root with Python in /root.)
   */
  const PROBING = `
    const [{ prepareSandbox, settleIsolation, isolationState }, { findPython }] = await Promise.all(
      ["boot/isolation.js", "boot/python.js"].map((m) => import(process.argv[1] + "/graders/" + m)),
    );
    const sandbox = await prepareSandbox({ submission: "solutions/visit-counter", mode: "auto" });
    try {
      const fault = await settleIsolation(false, "spoilt on purpose", sandbox, findPython());
      console.log(JSON.stringify({ fault: fault ?? null, available: isolationState().available ?? null }));
    } finally {
      await sandbox.dispose();
    }
  `;

  test("the isolation probe sweeps the probe folders of killed graders", async () => {
    const tmp = mkdtempSync(join(base, "probe-"));
    const planted = plant(tmp, "autograde-probe-", PROBE_FOLDER.pattern);
    const run = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ["--input-type=module", "-e", PROBING, built()], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp } }, (_, stdout, stderr) => resolve({ stdout, stderr }));
    });
    expect(run.stderr).toBe("");
    const said = JSON.parse(run.stdout) as { fault: string | null; available: boolean | null };
    // Decided by the probe (nothing else told it); where isolation works, the app's report is a grader fault.
    expect(typeof said.available).toBe("boolean");
    if (said.available) expect(said.fault).toContain("although isolation works on this machine");
    else expect(said.fault).toBeNull();
    expectSwept(tmp, "autograde-probe-", planted);
  }, 120_000);

  test("npm run verify sweeps the mutant copies of killed runs", async () => {
    const tmp = mkdtempSync(join(base, "verify-"));
    const planted = plant(tmp, "autograde-verify-", VERIFY_FOLDER.pattern);
    const run = await command("verify.js", ["visit-counter", "--only", "default-plus-one", "--format", "json", "--jobs", "1"], tmp);
    expect(run.stderr).toBe("");
    expect((JSON.parse(run.stdout) as { mutants: Array<{ id: string }> }).mutants.map((m) => m.id)).toEqual(["default-plus-one/index:visits"]);
    expectSwept(tmp, "autograde-verify-", planted);
  }, 120_000);

  test("a verify killed with SIGKILL amid its mutants leaves their folder to the next run, which removes it", async () => {
    const tmp = mkdtempSync(join(base, "killed-"));
    const args = ["visit-counter", "--only", "secret-key-removed,default-plus-one,session-global-dict,session-plain-cookie,route-path-changed", "--format", "json", "--jobs", "1"];
    const mine = () => readdirSync(tmp).filter((n) => VERIFY_FOLDER.pattern.test(n));
    const killed = spawn(process.execPath, [join(built(), "scripts", "verify.js"), ...args], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, stdio: "ignore" });
    let exited = false;
    const ended = new Promise((resolve) => killed.once("exit", resolve)).then(() => (exited = true));
    const marked = () => mine().some((n) => existsSync(join(tmp, n, "owner")));
    try {
      // Killed once its mutants' folder is marked, while they are graded.
      await waitFor(() => marked() || exited, 60_000);
      expect(marked()).toBe(true);
    } finally {
      killed.kill("SIGKILL");
      await ended;
    }
    const left = mine();
    expect(left).toHaveLength(1);
    const run = await command("verify.js", ["visit-counter", "--only", "default-plus-one", "--format", "json", "--jobs", "1"], tmp);
    expect(run.stderr).toBe("");
    expect(existsSync(join(tmp, left[0]!))).toBe(false);
    expect(mine()).toEqual([]);
  }, 120_000);

  test("npm run batch sweeps the empty submission folders of killed batches", async () => {
    const tmp = mkdtempSync(join(base, "batch-"));
    const planted = plant(tmp, "autograde-empty-", EMPTY_FOLDER.pattern);
    const cls = join(base, "class");
    mkdirSync(join(cls, "alice"), { recursive: true });
    writeFileSync(join(cls, "alice", "app.py"), readFileSync(packageFile("solutions/visit-counter/app.py")));
    const out = join(base, "report");
    const run = await command("batch.js", [cls, "--out", out, "--exercise", "visit-counter", "--jobs", "1"], tmp);
    expect(run.code).toBe(0);
    expect(readFileSync(join(out, "gradebook.csv"), "utf8")).toMatch(/^alice,.*,100\.0,graded/m);
    expectSwept(tmp, "autograde-empty-", planted);
  }, 120_000);
});
