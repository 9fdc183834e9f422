/**
 * What `autograde` does, as a function of its arguments and streams, so tests can run it in
 * process. Startup matters (a run is benchmarked against `python3 -c "import flask"`): the spec
 * loader and the grading pipeline are imported only once the arguments are known to be good.
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { GraderError } from "../../graders/errors.js";
import { EXIT, reportCommandError } from "./commandError.js";
import { packageRoot } from "../../graders/paths.js";
import { shouldColor } from "../../graders/report/colors.js";
import { failedRunReport, publishReport } from "../../graders/report/classroom.js";
import { createReporter, fanOut } from "../../graders/report/formats.js";
import { mayBeSubmission } from "../../graders/report/ignored.js";
import { summarize, type Reporter, type ReporterOptions } from "../../graders/report/reporter.js";
import { bundledTargets, findTargets, listExercises, specFile, userFolder, type Discovery, type Target } from "../../graders/targets.js";
import type { WarmLauncher } from "../../graders/boot/warm.js";
import type { Spec } from "../../graders/spec/types.js";
import type { Result } from "../../graders/verdict/types.js";
import { parseCliArgs, USAGE, type FormatRequest } from "./args.js";
import { startWarm } from "../../graders/boot/warmStart.js";
import { actionsSafe, nameText } from "../../graders/verdict/studentText.js";
import { HIDDEN_SPECS_ENV, hiddenChecksText } from "../../graders/spec/hiddenEnv.js";
import { mark } from "../../graders/timing.js";

export interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

export { EXIT };

export async function main(argv: readonly string[], io: Io, options: MainOptions = {}): Promise<number> {
  const context: RunContext = { prestarted: options.warm };
  try {
    return await run(argv, io, context);
  } catch (error) {
    return explain(error, io, context);
  }
}

/** Says why a run stopped, to stderr (and to the Classroom reporter on CI); returns the exit status for it. */
export function explain(error: unknown, io: Io, context: RunContext): number {
  const { status, reason } = reportCommandError(error, io.stderr, {
    command: "autograde",
    help: "autograde --help",
    usageSuffix: (message) => knownExercises(message, context),
    crash: "the grader crashed (a bug in the grader, not in your app)",
  });
  publishFailure(io, context, reason);
  return status;
}

export interface MainOptions {
  /**
   * A warm launcher the caller started before loading this module (scripts/grade.ts), used
   * instead of starting one; the caller closes it (a run that grades closes it when done).
   */
  warm?: WarmLauncher;
}

/** What a usage message may need from a run that stopped early, and what `--watch` shares between runs. */
export interface RunContext {
  specsDir?: string;
  /** Set by `--watch` for the runs it starts. */
  watching?: boolean;
  /** Watch mode: the warm launcher every run uses, left running after each. */
  warm?: WarmLauncher;
  /** See MainOptions.warm. */
  prestarted?: WarmLauncher;
  /** Set by a run: the folders it graded, and their results. */
  targets?: Target[];
  /** Called by a run once it knows its folders, before it reads any of their files. */
  onTargets?: (targets: readonly Target[]) => void;
  results?: Result[];
  /** The reporters have been handed the results (and have published theirs). */
  reported?: boolean;
}

/**
 * On GitHub Actions, a run that stopped before reporting still hands the Classroom reporter a
 * result: an error with the reason (graders/report/classroom.ts `failedRunReport`).
 */
function publishFailure(io: Io, context: RunContext, reason: string): void {
  const file = io.env.GITHUB_OUTPUT;
  if (context.reported || !file) return;
  try {
    publishReport(failedRunReport(reason), (name, value) => appendFileSync(file, `${name}=${value}\n`));
  } catch {
    // The reason is on stderr already; an unwritable output file is not worth hiding it behind.
  }
}

async function run(argv: readonly string[], io: Io, context: RunContext): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.help) {
    io.stdout.write(USAGE);
    return EXIT.graded;
  }
  if (args.watch && !context.watching) {
    const { watch } = await import("./watch.js");
    return watch(io, (shared, runIo) => run(argv, runIo, Object.assign(shared, { prestarted: context.prestarted })));
  }
  const root = packageRoot();
  const specsDir = args.specs !== undefined ? resolve(args.specs) : join(root, "specs");
  context.specsDir = specsDir;
  const known = listExercises(specsDir);

  const discovery: Discovery = args.path !== undefined
    ? findTargets(userFolder(args.path, io.env), known, args.exercise)
    : bundledTargets(root, known, args.exercise);
  for (const folder of discovery.ignored.filter(mayBeSubmission)) {
    // Folder names are the student's: one line each, odd characters visible.
    io.stderr.write(actionsSafe(`autograde: note: ignoring ${nameText(shown(folder))}: no exercise is named ${quotedName(basename(folder))}.\n`));
  }

  // One warm Python (Flask imported once) starts first, so that its start overlaps everything
  // below; every app, and every restart a check asks for, is then a fork of it instead of a new
  // interpreter. Cold boots remain the fallback inside the launcher. The zygote gets a clean
  // environment of its own, never this process's (see the hidden checks below).
  // (Imported before the pipeline: concurrent dynamic imports of shared modules trip jest's ESM loader.)
  context.targets = discovery.targets;
  context.onTargets?.(discovery.targets);
  mark("targets found");
  const warm = context.warm ?? (discovery.targets.length > 0 ? (context.prestarted ?? (await startWarm())) : undefined);
  if (context.watching) context.warm = warm;
  // In watch mode the launcher outlives this run.
  const close = async () => (warm === context.warm ? undefined : warm?.close());
  try {
    // The pipeline's modules load while the specs are read (file reads overlap); a failure to
    // load surfaces where it is awaited.
    const pipeline = import("../../graders/grade.js");
    pipeline.catch(() => undefined);
    // Every spec is loaded before any app starts, so a broken spec fails in a second, not after a run.
    // The YAML parser and the rest of the spec loader load only for a spec not loaded before
    // (graders/spec/loadedSpecs.ts) or for hidden checks.
    const { loadSpecFile } = await import("../../graders/spec/loadedSpecs.js");
    const { specWarnings } = await import("../../graders/spec/warnings.js");
    const hiddenText = hiddenChecksText(io.env);
    const hidden = hiddenText !== undefined ? (await import("../../graders/spec/hidden.js")).parseHiddenChecks(hiddenText) : undefined;
    // The apps must not be able to read the hidden checks.
    delete process.env[HIDDEN_SPECS_ENV];
    const specs = new Map<string, Spec>();
    for (const { exercise } of discovery.targets) {
      if (specs.has(exercise)) continue;
      const spec = await loadSpecFile(specFile(specsDir, exercise), hidden);
      specs.set(exercise, withEntry(spec, args.entry));
      for (const warning of specWarnings(spec)) io.stderr.write(`autograde: warning: ${warning}\n`);
    }
    if (hidden) noteHidden(io, hidden.exercises, [...specs.keys()], HIDDEN_SPECS_ENV);
    mark("specs loaded");

    // An entry folder without __init__.py is a usage error: said before anything is graded.
    const { checkEntryUsable } = await import("../../graders/boot/entryForm.js");
    for (const target of discovery.targets) checkEntryUsable(resolve(target.dir), specs.get(target.exercise)!);

    // Pretty wherever it goes (coloured only on a terminal): JSON only when asked for, as jest and eslint do.
    const outputs = openOutputs(args.formats ?? [{ format: "pretty" }], io, args.reveal);
    const reporter = outputs.reporter;
    const { grade } = await pipeline;
    mark("pipeline loaded");
    reporter.onBegin?.({ total: discovery.targets.length });
    const results: Result[] = [];
    for (const target of discovery.targets) {
      const result = await grade(specs.get(target.exercise)!, shown(target.dir), {
        launcher: warm?.launch,
        // A check spoilt by the warm server's loss is retried cold (graders/verdict/fault.ts).
        losses: warm?.losses,
        limits: args.limits,
        isolation: args.isolation,
        onNote: (note) => io.stderr.write(`autograde: note: ${note}\n`),
      });
      results.push(result);
      mark(`graded ${target.exercise}`);
      reporter.onResult(result);
    }
    // The zygote stops while the report is written; the run ends once it has (below, and finally).
    const closing = close();
    const { coldBootNote } = await import("../../graders/boot/warm.js");
    const coldNote = warm && coldBootNote(warm.stats);
    if (coldNote) io.stderr.write(`autograde: note: ${coldNote}\n`);
    context.reported = true;
    reporter.onEnd(summarize(results));
    outputs.flush();
    mark("reported");
    await closing;
    context.results = results;
    // A submission the grader could not grade has no trustworthy score: say so to CI.
    return results.some((r) => r.status === "error") ? EXIT.crashed : EXIT.graded;
  } finally {
    await close(); // also when a spec is invalid: a live zygote would keep this process running
  }
}

interface Outputs {
  reporter: Reporter;
  /** Writes the reports that go to files; call after onEnd. */
  flush(): void;
}

/**
 * One reporter per requested format, each writing to stdout or to its file (written whole at the
 * end, so a file never holds half a document). On GitHub Actions, annotations (on stderr, which
 * the runner reads for commands too) and the Markdown summary ($GITHUB_STEP_SUMMARY) are added
 * unless asked for explicitly.
 */
function openOutputs(requests: readonly FormatRequest[], io: Io, reveal: boolean): Outputs {
  const env = io.env;
  const base: Omit<ReporterOptions, "write"> = {
    reveal,
    root: env.GITHUB_WORKSPACE || process.cwd(),
    ...(env.GITHUB_OUTPUT && { setOutput: (name: string, value: string) => appendTo(env.GITHUB_OUTPUT!, `${name}=${value}\n`) }),
    ...(env.AUTOGRADER_SUBMISSION_METADATA && { submissionMetadata: env.AUTOGRADER_SUBMISSION_METADATA }),
  };
  const reporters: Reporter[] = [];
  const files: { path: string; text: () => string; append?: boolean }[] = [];
  const buffered = (path: string, append = false): ((text: string) => void) => {
    let text = "";
    files.push({ path, text: () => text, append });
    return (chunk) => void (text += chunk);
  };
  for (const { format, file } of requests) {
    const write = file !== undefined ? buffered(file) : (text: string) => void io.stdout.write(text);
    const color = file === undefined && shouldColor(io.stdout, env);
    reporters.push(createReporter(format, { ...base, write, color }));
  }
  if (env.GITHUB_ACTIONS === "true") {
    const asked = new Set(requests.map((r) => r.format));
    if (!asked.has("github")) reporters.push(createReporter("github", { ...base, write: (text) => void io.stderr.write(text) }));
    if (!asked.has("summary") && env.GITHUB_STEP_SUMMARY) {
      reporters.push(createReporter("summary", { ...base, write: buffered(env.GITHUB_STEP_SUMMARY, true) }));
    }
  }
  return {
    reporter: fanOut(reporters),
    flush() {
      for (const { path, text, append } of files) (append ? appendTo : writeTo)(path, text());
    },
  };
}

function writeTo(path: string, text: string): void {
  try {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    writeFileSync(path, text);
  } catch (error) {
    throw new GraderError(`cannot write the report to ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

function appendTo(path: string, text: string): void {
  try {
    appendFileSync(path, text);
  } catch (error) {
    throw new GraderError(`cannot append to ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

/** Says what the hidden checks added, or that they added nothing to what is graded (a typo in an id?). */
function noteHidden(
  io: Io,
  exercises: ReadonlyMap<string, readonly unknown[]>,
  graded: readonly string[],
  source: string,
): void {
  const count = (exercise: string) => exercises.get(exercise)?.length ?? 0;
  const added = graded.filter((exercise) => count(exercise) > 0);
  for (const exercise of added) {
    const n = count(exercise);
    io.stderr.write(`autograde: note: ${n} hidden check${n === 1 ? "" : "s"} added to ${exercise} from ${source}.\n`);
  }
  if (added.length === 0 && exercises.size > 0) {
    io.stderr.write(`autograde: note: ${source} has no checks for ${graded.join(", ")} (it has checks for ${[...exercises.keys()].join(", ")}).\n`);
  }
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
/** A plain name in quotes; any other is quoted already, its odd characters visible. */
function quotedName(name: string): string {
  const shownName = nameText(name);
  return shownName === name ? JSON.stringify(name) : shownName;
}

function shown(folder: string): string {
  if (!isAbsolute(folder)) return folder;
  const rel = relative(process.cwd(), folder);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? folder : rel;
}

/** `--entry` wins over the spec's `entry:` (a quiz has none to replace). */
function withEntry(spec: Spec, entry: string[] | undefined): Spec {
  return entry === undefined || spec.kind === "quiz" ? spec : { ...spec, entry };
}
