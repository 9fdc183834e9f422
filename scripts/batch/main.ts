/**
 * `npm run batch`: grade a whole class into a report folder, or merge report folders. A function
 * of its arguments and streams, so tests can run it in process (they mostly run the real command).
 */
import { join, resolve } from "node:path";
import { UsageError } from "../../graders/errors.js";
import { parseFlags } from "../cli/flags.js";
import { EXIT, reportCommandError } from "../cli/commandError.js";
import { packageRoot } from "../../graders/paths.js";
import type { StudentRow } from "../../graders/batch/gradebook.js";
import type { AppLimits, IsolationMode } from "../../graders/boot/isolation.js";
import type { WarmLauncher } from "../../graders/boot/warm.js";
import { parseSandboxFlags, SANDBOX_FLAG_OPTIONS } from "../cli/sandboxFlags.js";
import { parseShard } from "../../graders/batch/shard.js";
import { actionsSafe, nameText } from "../../graders/verdict/studentText.js";

export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
}

export { EXIT };

export const USAGE = `Usage:
  npm run batch -- CLASS_DIR --out REPORT_DIR [--exercise ID ...] [--jobs N] [--resume] [--shard i/n]
                   [--time-limit SECONDS] [--cold] [--specs DIR] [--reveal] [--isolation MODE] [LIMITS]
  npm run batch -- merge REPORT_DIR... --out REPORT_DIR

Grades every student folder of CLASS_DIR (each holds exercise folders named by exercise id, or
the files of one exercise) and writes REPORT_DIR: gradebook.csv, results.json,
feedback/<student>.md and report.html.

  --out DIR           the report folder (created; results are saved as each submission is graded)
  --exercise ID       grade this exercise (repeat for several); default: every exercise found
  --jobs N            submissions graded at a time; default: twice the number of cores
  --resume            finish an interrupted run in --out: grade only what is missing or changed
  --shard i/n         grade only the i-th of n slices of the students (for n CI machines)
  --time-limit S      seconds one submission may take before it is stopped (default 60)
  --cold              start a fresh Python per app instead of forking a warm one
  --specs DIR         folder of exercise specs (<id>.yaml); default: the package's specs/
  --student-pattern RE  a regular expression that finds the login in a student folder's name
                      (its group named login, or its first group); default: GitHub Classroom's
                      <assignment>-<login>, read when the folders share that prefix
  --reveal            show the details of hidden checks in the feedback
  --isolation MODE    auto (default), required or off, as for autograde (AUTOGRADER_ISOLATION)
  LIMITS              --memory-mb, --cpu-seconds, --processes, --file-size-mb, --open-files:
                      as for autograde (see autograde --help), over the specs' limits
  merge DIR... --out  combine the report folders of the shards of one class

Exit status: 0 every submission graded, 1 some could not be graded (see the status column),
2 bad usage or an invalid spec.
`;


export interface MainOptions {
  /** A warm launcher the command's entry started before loading this module (scripts/batch.ts): used for the run, and closed by it. */
  warm?: WarmLauncher;
}

export async function main(argv: readonly string[], io: Io, options: MainOptions = {}): Promise<number> {
  try {
    return await run(argv, io, options);
  } catch (error) {
    return reportCommandError(error, io.stderr, { command: "batch", help: "npm run batch -- --help" }).status;
  }
}

async function run(argv: readonly string[], io: Io, options: MainOptions): Promise<number> {
  const parsed = parseFlags(argv, {
    out: { type: "string" },
    exercise: { type: "string", multiple: true },
    jobs: { type: "string" },
    resume: { type: "boolean", default: false },
    shard: { type: "string" },
    "time-limit": { type: "string" },
    cold: { type: "boolean", default: false },
    specs: { type: "string" },
    "student-pattern": { type: "string" },
    reveal: { type: "boolean", default: false },
    ...SANDBOX_FLAG_OPTIONS,
    help: { type: "boolean", short: "h", default: false },
  });

  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(USAGE);
    return EXIT.graded;
  }
  if (!values.out) throw new UsageError("--out REPORT_DIR is required: where the gradebook and the reports go.");

  if (positionals[0] === "merge") {
    const inputs = positionals.slice(1);
    if (inputs.length === 0) throw new UsageError("merge needs the report folders to combine: batch merge DIR... --out DIR.");
    const { mergeReports } = await import("../../graders/batch/merge.js");
    const { rows } = mergeReports(inputs, values.out, { reveal: values.reveal });
    io.stdout.write(`merged ${inputs.length} report folder${inputs.length === 1 ? "" : "s"}: ${summary(rows)}\n${reportLine(values.out)}`);
    return rows.some((r) => r.status === "could not grade") ? EXIT.crashed : EXIT.graded;
  }

  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? "Give the class folder: batch CLASS_DIR --out REPORT_DIR." : `Expected one class folder, got ${positionals.length}: ${positionals.join(" ")}.`);
  }
  const jobs = values.jobs === undefined ? undefined : positiveInt(values.jobs, "--jobs");
  const timeLimit = values["time-limit"] === undefined ? undefined : positiveNumber(values["time-limit"], "--time-limit");
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  const studentPattern = values["student-pattern"] === undefined ? undefined : pattern(values["student-pattern"], "--student-pattern");
  const { isolation, limits } = parseSandboxFlags(values as Record<string, unknown>);

  // Hidden checks come as for autograde; the apps must not be able to read them.
  const { hiddenChecksFromEnv, HIDDEN_SPECS_ENV } = await import("../../graders/spec/hidden.js");
  const hidden = hiddenChecksFromEnv(process.env);
  delete process.env[HIDDEN_SPECS_ENV];
  if (hidden) io.stderr.write(`batch: note: hidden checks added from ${HIDDEN_SPECS_ENV} for ${[...hidden.exercises.keys()].join(", ") || "no exercise"}.\n`);

  const { runBatch } = await import("../../graders/batch/run.js");
  const { createProgress } = await import("../../graders/batch/progress.js");
  const { coldBootNote } = await import("../../graders/boot/warm.js");
  const classDir = positionals[0]!;
  const started = Date.now();
  const result = await runBatch({
    classDir,
    out: values.out,
    exercises: values.exercise ?? [],
    specsDir: values.specs !== undefined ? resolve(values.specs) : join(packageRoot(), "specs"),
    studentPattern,
    jobs,
    resume: values.resume,
    shard,
    timeLimitSeconds: timeLimit,
    launcher: values.cold ? "cold" : "warm",
    warm: options.warm,
    isolation,
    limits,
    hidden,
    // On a terminal the note clears the progress bar's line first; the bar is redrawn after it.
    onNote: (note) => io.stderr.write(`${io.stderr.isTTY ? "\r\x1b[K" : ""}batch: note: ${note}\n`),
    onWarning: (warning) => io.stderr.write(`batch: warning: ${warning}\n`),
    reveal: values.reveal,
    progress: createProgress(io.stderr),
  });
  for (const row of result.rows) {
    // The folder's name is the student's: one line, odd characters visible.
    if (row.status === "no submission") io.stderr.write(actionsSafe(`batch: note: ${nameText(row.student)} is not a submission: ${row.reason}.\n`));
  }
  const coldNote = coldBootNote(result.boots);
  if (coldNote) {
    io.stderr.write(`batch: note: ${coldNote}\n`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const kept = result.reused ? `, ${result.reused} kept from the earlier run` : "";
  io.stdout.write(`graded ${result.graded} submission${result.graded === 1 ? "" : "s"} in ${seconds} s${kept}: ${summary(result.rows)}\n${reportLine(values.out)}`);
  return result.rows.some((r) => r.status === "could not grade") ? EXIT.crashed : EXIT.graded;
}

function summary(rows: readonly StudentRow[]): string {
  const count = (status: StudentRow["status"]) => rows.filter((r) => r.status === status).length;
  return `${rows.length} student${rows.length === 1 ? "" : "s"}, ${count("graded")} graded, ${count("could not grade")} could not grade, ${count("no submission")} no submission`;
}

function reportLine(out: string): string {
  return `report: ${join(out, "gradebook.csv")}, ${join(out, "report.html")}\n`;
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} expects a whole number of at least 1, got "${text}".`);
  return n;
}

function positiveNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} expects a number of seconds above 0, got "${text}".`);
  return n;
}

function pattern(text: string, flag: string): RegExp {
  try {
    return new RegExp(text);
  } catch (error) {
    throw new UsageError(`${flag} is not a valid regular expression: ${(error as Error).message}.`);
  }
}
