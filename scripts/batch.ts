#!/usr/bin/env node
/** `npm run batch`: grade a class, or merge report folders. Everything it does is in batch/main.ts. */
import { main } from "./batch/main.js";

// exitCode, not exit(): let the streams flush. A grader killed halfway leaves every finished
// submission saved; `--resume` picks up from there.
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
