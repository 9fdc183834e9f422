#!/usr/bin/env node
/** The `autograde` command. Everything it does is in cli/main.ts, which tests run in process. */
import { main } from "./cli/main.js";

// exitCode, not exit(): stdout (the json report) must be flushed before the process ends.
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
