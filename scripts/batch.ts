#!/usr/bin/env node
/** `npm run batch`: grade a class, or merge report folders. Everything it does is in batch/main.ts. */
import { takeVariable } from "../graders/initialEnvironment.js";
import { HIDDEN_SPECS_ENV } from "../graders/spec/hiddenEnv.js";
import { main } from "./batch/main.js";

// The hidden checks leave this process's start-up environment (/proc/PID/environ) at once; batch
// reads them from process.env, where a value set now lives in memory only, and removes them.
const hidden = takeVariable(HIDDEN_SPECS_ENV);
if (!hidden.scrubbed) process.stderr.write(`batch: note: ${HIDDEN_SPECS_ENV} stays readable in /proc/${process.pid}/environ on this system.\n`);
if (hidden.value !== undefined) process.env[HIDDEN_SPECS_ENV] = hidden.value;

// exitCode, not exit(): let the streams flush. A grader killed halfway leaves every finished
// submission saved; `--resume` picks up from there.
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
