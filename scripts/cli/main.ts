/**
 * What `autograde` does, as a function of its arguments and streams, so tests can run it in
 * process. Startup matters (a run is benchmarked against `python3 -c "import flask"`): the spec
 * loader and the grading pipeline are imported only once the arguments are known to be good.
 */
import { relative, isAbsolute, resolve, join } from "node:path";
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
  cwd?: string;
}

export const EXIT = { graded: 0, crashed: 1, usage: 2 } as const;

export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`autograde: ${error.message}\nRun \`autograde --help\` for usage.\n`);
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

async function run(argv: readonly string[], io: Io): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.help) {
    io.stdout.write(USAGE);
    return EXIT.graded;
  }
  const cwd = io.cwd ?? process.cwd();
  const root = packageRoot();
  const specsDir = args.specs !== undefined ? resolve(cwd, args.specs) : join(root, "specs");
  const known = listExercises(specsDir);

  const discovery: Discovery = args.path !== undefined
    ? findTargets(resolve(cwd, args.path), known, args.exercise)
    : bundledTargets(root, known, args.exercise);
  for (const folder of discovery.ignored) {
    io.stderr.write(`autograde: note: ignoring ${shown(folder, cwd)}: no exercise is named ${JSON.stringify(folder.split(/[\\/]/).pop())}.\n`);
  }

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
  const { grade } = await import("../../graders/grade.js");
  reporter.onBegin?.({ total: discovery.targets.length });
  const results: Result[] = [];
  for (const target of discovery.targets) {
    const result = await grade(specs.get(target.exercise)!, shown(target.dir, cwd));
    results.push(result);
    reporter.onResult(result);
  }
  reporter.onEnd(summarize(results));
  // A submission the grader could not grade has no trustworthy score: say so to CI.
  return results.some((r) => r.status === "error") ? EXIT.crashed : EXIT.graded;
}

/** The folder as the user would write it: relative to where they are, when it is below it. */
function shown(folder: string, cwd: string): string {
  const rel = relative(cwd, folder);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? folder : rel;
}
