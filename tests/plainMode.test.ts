/**
 * Issue 9 item 6: without isolation (`--isolation off`, or `auto` where namespaces are refused) a
 * grader running as root drops the app to an unprivileged uid and gid of its own before any
 * student code runs. tests/hostile/plain-root reports its ids and tries the grader's files: a
 * Gradescope-like /autograder with source/ made 0700 (hidden checks, specs) and results/, the
 * grader's /proc/PID/environ, its original submission. Cold and warm path. Only meaningful as
 * root (this project's CI machine is); skipped otherwise. Where no unprivileged user can run the
 * app (its folder or the Python installation unreadable to others), grading is the grader's error.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { LaunchOptions } from "../graders/boot/launch.js";
import type { BootOutcome } from "../graders/boot/handshake.js";
import { launch } from "../graders/boot/launch.js";
import { findPython } from "../graders/boot/python.js";
import { warmLauncher, type WarmLauncher } from "../graders/boot/warm.js";
import { grade } from "../graders/grade.js";
import { packageFile } from "../graders/paths.js";
import type { Spec } from "../graders/spec/types.js";
import type { Result } from "../graders/verdict/types.js";
import { closedAncestor, readablePython } from "./support/readablePython.js";
import { processesMentioning, waitFor } from "./support/tempApps.js";

/** No process of these gradings is left, the runner's root watchdog included (the app it guarded was unprivileged). */
async function expectNothingLeft(): Promise<void> {
  const left = () => processesMentioning(base).filter((p) => !p.cmdline.includes("jest")).map((p) => `${p.pid} ${p.cmdline}`);
  await waitFor(() => left().length === 0, 5000);
  expect(left()).toEqual([]);
}

const asRoot = process.getuid?.() === 0;
// Made only as root: otherwise every test is skipped, and jest then runs no hook either (the
// afterAll below would not remove it).
const base = asRoot ? mkdtempSync(join(tmpdir(), "plain-mode-")) : join(tmpdir(), "plain-mode-not-root");
if (asRoot) {
  chmodSync(base, 0o711); // like /tmp: an unprivileged app can pass through to its private folder
  process.env.TMPDIR = base;
}
const installed = findPython();
// A Python every user can read (here: pyenv in /root, through a mount namespace; see the helper).
const python = asRoot ? readablePython(installed, base) : installed;

const autograder = join(base, "autograder");
const source = join(autograder, "source");
const results = join(autograder, "results");
if (asRoot) {
  mkdirSync(join(source, "specs"), { recursive: true });
  mkdirSync(results, { mode: 0o755 });
  writeFileSync(join(source, "hidden-checks.yaml"), "visit-counter:\n  checks: []\n");
  writeFileSync(join(source, "specs", "visit-counter.yaml"), "id: visit-counter\n");
  chmodSync(source, 0o700); // what the exported run_autograder does before grading
}

const hello = { status: 200, text: { contains: "hello" } };
const SPEC: Spec = {
  id: "plain-root",
  title: "Plain mode as root",
  limits: { bootSeconds: 10, requestSeconds: 5 },
  checks: [
    { id: "home", title: "The home page answers", steps: [{ request: "GET /", expect: hello }] },
    { id: "probe", title: "The probe answers", steps: [{ request: "GET /probe", expect: { status: 200 } }] },
  ],
};

function submission(): { dir: string; marker: string } {
  const dir = mkdtempSync(join(base, "submission-"));
  cpSync(packageFile("tests/hostile/plain-root"), dir, { recursive: true });
  const marker = `pwned-plain-${randomBytes(4).toString("hex")}`;
  const paths = { hiddenChecks: join(source, "hidden-checks.yaml"), specs: join(source, "specs"), results, graderPid: process.pid, original: dir, marker };
  writeFileSync(join(dir, "hostile.json"), JSON.stringify(paths));
  return { dir, marker };
}

function probeText(result: Result): string {
  const probe = result.checks.find((c) => c.id === "probe");
  return probe?.exchanges[0]?.response?.text ?? `no answer: ${result.problem?.message ?? probe?.message}`;
}

let warm: WarmLauncher;
beforeAll(async () => {
  warm = warmLauncher();
  if (asRoot) await warm.prestart(python);
});
afterAll(async () => {
  await warm.close();
  rmSync(base, { recursive: true, force: true });
});

const launchers: Record<string, (options: LaunchOptions) => Promise<BootOutcome>> = {
  cold: launch,
  warm: (options) => warm.launch(options),
};

(asRoot ? describe.each(["cold", "warm"]) : describe.skip.each(["cold", "warm"]))("plain mode as root (%s path)", (path) => {
  test("the app runs as an unprivileged uid of its own and cannot touch the grader's files", async () => {
    const { dir, marker } = submission();
    const result = await grade(SPEC, dir, { python, isolation: "off", launcher: launchers[path] });
    const text = probeText(result);
    const [, uid, euid, gid] = /^uid (\d+) euid (\d+) gid (\d+) groups \[\]/.exec(text) ?? [];
    expect({ text, ids: [uid, euid, gid].map(Number).every((id) => id >= 1_500_000_000) }).toEqual({ text, ids: true });
    expect(uid).toBe(gid);
    for (const what of ["hidden checks", "specs", "results", "grader environ", "original submission"]) expect(text).toContain(`blocked ${what}`);
    expect(text).toContain("REACHED own folder");
    expect(result.checks.map((c) => `${c.id}:${c.status}`)).toEqual(["home:pass", "probe:pass"]);
    expect([existsSync(join(results, marker)), existsSync(join(dir, marker)), existsSync(join(dir, "own-file.txt"))]).toEqual([false, false, false]);
    expect(readdirSync(base).filter((n) => n.startsWith("ag-"))).toEqual([]);
    await expectNothingLeft();
  });

  test("an app that ends by itself leaves nothing behind (the runner's watchdog, still root, included)", async () => {
    const dir = mkdtempSync(join(base, "submission-"));
    writeFileSync(join(dir, "app.py"), "import os\nfrom flask import Flask\napp = Flask(__name__)\nos._exit(3)\n");
    const result = await grade(SPEC, dir, { python, isolation: "off", launcher: launchers[path] });
    expect(result.problem?.kind ?? result.status).toBe("boot-failed");
    await expectNothingLeft();
  });

  test("a private folder below a folder others cannot pass is the grader's error, said plainly", async () => {
    const { dir } = submission();
    const closed = mkdtempSync(join(base, "closed-")); // 0700: nobody but root passes
    process.env.TMPDIR = closed;
    try {
      const result = await grade(SPEC, dir, { python, isolation: "off", launcher: launchers[path] });
      expect(result.status).toBe("error");
      expect(result.error).toContain(`who cannot read ${closed}/`);
      expect(result.error).toContain("set TMPDIR to a folder every user can pass through");
      await expectNothingLeft();
    } finally {
      process.env.TMPDIR = base;
    }
  });
});

(asRoot && closedAncestor(installed) ? test : test.skip)("a Python that other users cannot read makes plain mode as root the grader's error", async () => {
  const { dir } = submission();
  const result = await grade(SPEC, dir, { python: installed, isolation: "off", launcher: launch });
  expect(result.status).toBe("error");
  expect(result.error).toContain("without isolation the app runs as an unprivileged user, who cannot read");
  expect(result.error).toContain("install Python where every user can read it");
  expect(result.checks.filter((c) => c.status === "pass")).toEqual([]);
  await expectNothingLeft();
});
