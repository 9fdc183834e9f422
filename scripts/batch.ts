#!/usr/bin/env node
/** `npm run batch`: grade a class, or merge report folders. Everything it does is in batch/main.ts. */
import { takeVariable } from "../graders/initialEnvironment.js";
import { mark } from "../graders/timing.js";
import { HIDDEN_SPECS_ENV } from "../graders/spec/hiddenEnv.js";

// The hidden checks leave this process's start-up environment (/proc/PID/environ) at once; batch
// reads them from process.env, where a value set now lives in memory only, and removes them.
const hidden = takeVariable(HIDDEN_SPECS_ENV);
if (!hidden.scrubbed) process.stderr.write(`batch: note: ${HIDDEN_SPECS_ENV} stays readable in /proc/${process.pid}/environ on this system.\n`);
if (hidden.value !== undefined) process.env[HIDDEN_SPECS_ENV] = hidden.value;

// The warm Python (Flask imported once) starts before the batch's modules load, as autograde's
// does (scripts/grade.ts): its start overlaps their loading and the class's discovery. Not for
// --help, --cold or a merge (no app to boot); a usage error stops it again below.
const argv = process.argv.slice(2);
const wanted = !argv.some((arg) => arg === "--help" || arg === "-h" || arg === "--cold" || arg === "merge");
const warm = wanted ? await (await import("../graders/boot/warmStart.js")).startWarm() : undefined;
const { main } = await import("./batch/main.js");
mark("modules of the command loaded");
try {
  // exitCode, not exit(): let the streams flush. A grader killed halfway leaves every finished
  // submission saved; `--resume` picks up from there.
  process.exitCode = await main(argv, { stdout: process.stdout, stderr: process.stderr }, { warm });
} finally {
  await warm?.close();
}
