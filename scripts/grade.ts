#!/usr/bin/env node
/** The `autograde` command. Everything it does is in cli/main.ts, which tests run in process. */
import { takeVariable } from "../graders/initialEnvironment.js";
import { HIDDEN_SPECS_ENV } from "../graders/spec/hiddenEnv.js";
import { main } from "./cli/main.js";

// The hidden checks leave this process's environment, /proc/PID/environ included, before anything
// else runs: only the parsed checks stay, in memory (see initialEnvironment.ts).
const hidden = takeVariable(HIDDEN_SPECS_ENV);
if (!hidden.scrubbed) process.stderr.write(`autograde: note: ${HIDDEN_SPECS_ENV} stays readable in /proc/${process.pid}/environ on this system.\n`);
const env = hidden.value === undefined ? process.env : { ...process.env, [HIDDEN_SPECS_ENV]: hidden.value };

// exitCode, not exit(): stdout (the json report) must be flushed before the process ends.
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env });
