#!/usr/bin/env node
/** `npm run new -- <id> [--root <project folder>]`: scaffolds a new exercise (see newExercise.ts). */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { GraderError } from "../graders/errors.js";
import { scaffoldExercise } from "./newExercise.js";

const USAGE = "usage: npm run new -- <exercise-id> [--root <project folder>]";

try {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { root: { type: "string" } } });
  if (positionals.length !== 1) throw new GraderError(USAGE);
  const root = resolve(values.root ?? process.cwd());
  const written = scaffoldExercise(positionals[0]!, root);
  process.stdout.write(`Created in ${root}:\n${written.map((file) => `  ${file}\n`).join("")}`);
  process.stdout.write("Next: edit the spec's check, then run npm test (the solution must pass, the fixture must fail).\n");
} catch (error) {
  process.stderr.write(`new: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
