#!/usr/bin/env node
/** The `autograde` command. Everything it does is in cli/main.ts, which tests run in process. */
import * as nodeModule from "node:module";
import { mark } from "../graders/timing.js";
import { takeVariable } from "../graders/initialEnvironment.js";
import { HIDDEN_SPECS_ENV } from "../graders/spec/hiddenEnv.js";

// The hidden checks leave this process's environment, /proc/PID/environ included, before anything
// else runs: only the parsed checks stay, in memory (see initialEnvironment.ts).
const hidden = takeVariable(HIDDEN_SPECS_ENV);
mark("hidden checks taken out of the environment");
if (!hidden.scrubbed) process.stderr.write(`autograde: note: ${HIDDEN_SPECS_ENV} stays readable in /proc/${process.pid}/environ on this system.\n`);
const env = hidden.value === undefined ? process.env : { ...process.env, [HIDDEN_SPECS_ENV]: hidden.value };
const argv = process.argv.slice(2);
// Node's compile cache where Node has one (>= 22.1); on older Node not even its module loads.
if ("enableCompileCache" in nodeModule) (await import("./cli/compileCache.js")).enableCompileCache();

// The one Python a run pays for starts now, with its own clean environment (warm.ts), so that its
// import of Flask overlaps the loading of everything below; main() closes it when the run is
// done, and this, whatever happened (a usage error, say), once main() returns.
const wanted = !argv.some((arg) => arg === "--help" || arg === "-h");
const warm = wanted ? await (await import("../graders/boot/warmStart.js")).startWarm() : undefined;
const { main } = await import("./cli/main.js");
mark("modules of the command loaded");
process.on("exit", () => mark("exit"));
try {
  // exitCode, not exit(): stdout (the json report) must be flushed before the process ends.
  process.exitCode = await main(argv, { stdout: process.stdout, stderr: process.stderr, env }, { warm });
} finally {
  await warm?.close();
}
