#!/usr/bin/env node
/** `npm run verify`: prove a spec catches the mistakes it should. Everything it does is in verify/main.ts. */
import { main } from "./verify/main.js";

// exitCode, not exit(): the report must be flushed before the process ends.
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
