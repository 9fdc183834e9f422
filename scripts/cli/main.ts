/**
 * What `autograde` does, as a function of its arguments and streams, so tests can run it in
 * process. Startup matters (a run is benchmarked against `python3 -c "import flask"`): the spec
 * loader and the grading pipeline are imported only once the arguments are known to be good.
 */
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { GraderError, SpecError, UsageError } from "../../graders/errors.js";
import { packageRoot } from "../../graders/paths.js";
import { shouldColor } from "../../graders/report/colors.js";
import { createReporter } from "../../graders/report/formats.js";
import { summarize } from "../../graders/report/reporter.js";
import { bundledTargets, findTargets, listExercises, specFile, type Discovery } from "../../graders/targets.js";
import type { Spec } from "../../graders/spec/types.js";
import type { Result } from "../../graders/verdict/types.js";
import { parseCliArgs, USAGE } from "./args.js";

export interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

export const EXIT = { graded: 0, crashed: 1, usage: 2 } as const;

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const context: RunContext = {};
  try {
    return await run(argv, io, context);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`autograde: ${error.message}${knownExercises(error.message, context)}\nRun \`autograde --help\` for usage.\n`);
      return EXIT.usage;
    }
    // The message already names file:line:column and what is wrong; a stack would only hide it.
    if (error instanceof SpecError) {
      io.stderr.write(`autograde: invalid spec: ${error.message}\n`);
      return EXIT.usage;
    }
    // A known grader-side failure (e.g. no Python with Flask) is explained by its message.
    if (error instanceof GraderError) {
      io.stderr.write(`autograde: ${error.message}\n`);
      return EXIT.crashed;
    }
    io.stderr.write(`autograde: the grader crashed (a bug in the grader, not in your app):\n${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.crashed;
  }
}

/** What a usage message may need from a run that stopped early. */
interface RunContext {
  specsDir?: string;
}

async function run(argv: readonly string[], io: Io, context: RunContext): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.help) {
    io.stdout.write(USAGE);
    return EXIT.graded;
  }
  const root = packageRoot();
  const specsDir = args.specs !== undefined ? resolve(args.specs) : join(root, "specs");
  context.specsDir = specsDir;
  const known = listExercises(specsDir);

  const discovery: Discovery = args.path !== undefined
    ? findTargets(args.path, known, args.exercise)
    : bundledTargets(root, known, args.exercise);
  for (const folder of discovery.ignored) {
    io.stderr.write(`autograde: note: ignoring ${shown(folder)}: no exercise is named ${JSON.stringify(basename(folder))}.\n`);
  }

  // The pipeline's modules load while the specs are read (file reads overlap); a failure to
  // load surfaces where it is awaited.
  const pipeline = import("../../graders/grade.js");
  pipeline.catch(() => undefined);
  // Every spec is loaded before any app starts, so a broken spec fails in a second, not after a run.
  const { loadSpec } = await import("../../graders/spec/load.js");
  const specs = new Map<string, Spec>();
  for (const { exercise } of discovery.targets) {
    if (!specs.has(exercise)) specs.set(exercise, await loadSpec(specFile(specsDir, exercise)));
  }

  const format = args.format ?? (io.stdout.isTTY ? "pretty" : "json");
  const reporter = createReporter(format, {
    write: (text) => io.stdout.write(text),
    color: shouldColor(io.stdout, io.env),
    reveal: args.reveal,
  });
  const { grade } = await pipeline;
  reporter.onBegin?.({ total: discovery.targets.length });
  const results: Result[] = [];
  for (const target of discovery.targets) {
    const result = await grade(specs.get(target.exercise)!, shown(target.dir));
    results.push(result);
    reporter.onResult(result);
  }
  reporter.onEnd(summarize(results));
  // A submission the grader could not grade has no trustworthy score: say so to CI.
  return results.some((r) => r.status === "error") ? EXIT.crashed : EXIT.graded;
}

/**
 * Every usage error ends with the exercise ids (a mistyped flag or folder is often a mistyped
 * exercise), unless its message lists them already or there are none to list.
 */
function knownExercises(message: string, context: RunContext): string {
  if (message.includes("Known exercises:")) return "";
  try {
    const known = listExercises(context.specsDir ?? join(packageRoot(), "specs"));
    return known.length > 0 ? ` Known exercises: ${known.join(", ")}.` : "";
  } catch {
    return "";
  }
}

/**
 * The folder as the user would write it: relative to where they are when it is below it (the
 * bundled folders are found as absolute paths), as given otherwise.
 */
function shown(folder: string): string {
  if (!isAbsolute(folder)) return folder;
  const rel = relative(process.cwd(), folder);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? folder : rel;
}
