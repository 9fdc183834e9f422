#!/usr/bin/env node
/**
 * `npm run check -- FOLDER [--exercise ID]` (and `SUBMISSION=FOLDER npm test`): one submission's
 * checks as jest tests, and nothing else: the test file a student repository runs
 * (templates/student/autograder.test.js) against the compiled grader in dist/, with no type check
 * and no TypeScript transform, so it takes about as long as `npm run grade`. The grader's own
 * suite is `npm test` without SUBMISSION.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../graders/errors.js";
import { parseFlags } from "./cli/flags.js";
import { packageRoot } from "../graders/paths.js";
import { userFolder } from "../graders/targets.js";

const SYNOPSIS = "npm run check -- FOLDER [--exercise ID] [--reveal] [--watch]";

export const USAGE = `Usage: ${SYNOPSIS}

Runs the checks of one submission as jest tests (what \`npm test\` runs in a student repository).
FOLDER is an exercise folder (named after its exercise, or use --exercise) or a folder of them,
relative to where you are. \`SUBMISSION=FOLDER npm test\` does the same.

  --exercise ID   the exercise FOLDER is for, when its name does not say
  --reveal        show the details of hidden checks (for teachers)
  -w, --watch     grade again on every save (this is \`npm run grade -- FOLDER --watch\`: the same
                  checks, shown as the grader's report)
  -h, --help      show this help
`;

export interface JestRun {
  /** Arguments for `node`. */
  args: string[];
  /** Environment additions for the jest process. */
  env: Record<string, string>;
  cwd: string;
}

/** What to run for these arguments (FOLDER, else env SUBMISSION). Throws UsageError. */
export function checkRun(argv: readonly string[], env: NodeJS.ProcessEnv): JestRun | "help" {
  const parsed = parseFlags(argv, {
    exercise: { type: "string" },
    reveal: { type: "boolean", default: false },
    watch: { type: "boolean", short: "w", default: false },
    help: { type: "boolean", short: "h", default: false },
  }, SYNOPSIS);

  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (positionals.length > 1) throw new UsageError(`Expected one folder, got ${positionals.length}: ${positionals.join(" ")}.`);
  const folder = positionals[0] ?? env.SUBMISSION;
  if (folder === undefined || folder === "") {
    throw new UsageError(`Which submission? Give its folder, e.g. \`npm run check -- starter/visit-counter\`. Expected: ${SYNOPSIS}.`);
  }
  const root = packageRoot();
  const exercise = values.exercise ?? env.EXERCISE;
  const submission = resolve(userFolder(folder, env));
  if (values.watch) {
    // jest's watch mode follows the test files, not the app: the grader's own --watch does.
    const grade = fileURLToPath(new URL("./grade.js", import.meta.url));
    const flags = [...(exercise ? ["--exercise", exercise] : []), ...(values.reveal ? ["--reveal"] : [])];
    return { args: [grade, submission, "--watch", ...flags], env: {}, cwd: root };
  }
  const jest = createRequire(import.meta.url).resolve("jest/bin/jest");
  const config = {
    rootDir: root,
    roots: ["<rootDir>/templates/student"],
    testMatch: ["**/autograder.test.js"],
    testEnvironment: "node",
    // Plain JavaScript importing the compiled grader: nothing to transform.
    transform: {},
    // The test file imports the grader by its package name, as in a student repository: here,
    // the build this command belongs to.
    moduleNameMapper: { "^flask-sessions-autograder/jest$": fileURLToPath(new URL("../graders/report/jest.js", import.meta.url)) },
  };
  return {
    args: ["--experimental-vm-modules", "--disable-warning=ExperimentalWarning", jest, "--config", JSON.stringify(config)],
    env: {
      // Absolute: jest runs in the package's root, wherever the student typed the command.
      SUBMISSION: submission,
      ...(exercise && { EXERCISE: exercise }),
      ...(values.reveal && { REVEAL: "1" }),
    },
    cwd: root,
  };
}

async function main(): Promise<number> {
  let run: JestRun | "help";
  try {
    run = checkRun(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`check: ${error.message}\n`);
    return 2;
  }
  if (run === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  const child = spawn(process.execPath, run.args, { cwd: run.cwd, env: { ...process.env, ...run.env }, stdio: "inherit" });
  // Ctrl-C reaches jest too (same terminal): wait for it to finish its clean-up.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  return new Promise((done) => child.on("close", (code, signal) => done(code ?? (signal ? 1 : 0))));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
