/**
 * Part of `npm run build`: compiles the grader's own Python (graders/boot, graders/verify) to
 * bytecode once, at install. Every grading runs with PYTHONDONTWRITEBYTECODE (no submission may
 * leave a cache behind), so without this the warm server compiled runner.py, sandbox.py and the
 * source scan from source on every run: ~40 ms of CPU on the path to the first app (measured in
 * `python -X importtime` and `/usr/bin/time`, 2026-12-01). Python checks each .pyc against its
 * source's size and time, so a stale one is ignored, never run. Without a Python here the grader
 * still works, only slower to start: a note, not a failure.
 */
import { spawnSync } from "node:child_process";
import { findPython } from "../graders/boot/python.js";
import { packageFile } from "../graders/paths.js";

const FOLDERS = ["graders/boot", "graders/verify"];

let python: string | undefined;
try {
  python = findPython();
} catch {
  python = undefined;
}
const result = python === undefined ? undefined : spawnSync(python, ["-m", "compileall", "-q", ...FOLDERS.map(packageFile)], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", timeout: 60_000 });
if (result === undefined || result.status !== 0) {
  const why = result === undefined ? "no Python found" : (result.stderr || result.error?.message || `exit ${result.status}`).trim().split("\n")[0];
  process.stderr.write(`precompile: the grader's Python files stay uncompiled (${why}); grading works, its start is a little slower.\n`);
}
