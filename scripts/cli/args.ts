/** The command line of `autograde`: parsing only, so batch grading can reuse it. */
import { resolve } from "node:path";
import type { AppLimits, IsolationMode } from "../../graders/boot/isolation.js";
import { parseSandboxFlags, SANDBOX_FLAG_OPTIONS } from "./sandboxFlags.js";
import { UsageError } from "../../graders/errors.js";
import { parseFlags } from "./flags.js";
import { entryProblem } from "../../graders/boot/entryForm.js";
import { FORMATS, type Format } from "../../graders/report/reporter.js";

/** One requested output: a format, and the file it goes to (none: stdout). */
export interface FormatRequest {
  format: Format;
  file?: string;
}

export interface CliArgs {
  /** Exercise folder or folder of exercise folders; none: the package's bundled ones. */
  path?: string;
  exercise?: string;
  /** Undefined: pretty (coloured on a terminal only). */
  formats?: FormatRequest[];
  specs?: string;
  reveal: boolean;
  help: boolean;
  /** Grade again on every save of the submission, until Ctrl-C. */
  watch: boolean;
  /** Limits given on the command line; they win over the spec's. */
  limits: Partial<AppLimits>;
  /** Undefined: AUTOGRADER_ISOLATION, else auto. */
  isolation?: IsolationMode;
  /** Accepted entries, in order, instead of the spec's `entry:`. */
  entry?: string[];
}


const SYNOPSIS = "autograde [PATH] [--exercise ID] [--format FORMAT[=FILE],...] [--watch] [--specs DIR] [--entry NAME] [--reveal] [--isolation MODE] [LIMITS]";

export const USAGE = `Usage: ${SYNOPSIS}

Grades a Flask "Sessions & Cookies" exercise by running the app and using it like a browser.

  PATH             an exercise folder (named after its exercise, or use --exercise),
                   or a folder of exercise folders; default: the bundled solutions/ and starter/.
                   Relative to where you are, also under \`npm run grade -- PATH\`
  --exercise ID    the exercise PATH is a folder of
  --format FORMATS one or more of the formats below, separated by commas or given by repeating
                   --format; FORMAT=FILE writes that format to FILE instead of stdout. Stdout takes
                   pretty and github, and at most one document format (json, classroom,
                   gradescope, junit, summary), printed last so that it stays whole; trace
                   only alone.
                   Default: pretty (colours only on a terminal); json only when asked for.
  --specs DIR      folder of exercise specs (<id>.yaml); default: the package's specs/
  --entry NAME     where the app is, instead of the spec's entry: (app.py, flaskr,
                   flaskr:create_app()); repeat it to accept several names, the first present wins
  -w, --watch      grade again each time a file of the submission is saved, and say what
                   changed since the last run; Ctrl-C stops
  --reveal         show the details of hidden checks (for teachers)
  -h, --help       show this help

Isolation and limits of the student's app (the spec's limits: are the defaults; these win):
  --isolation MODE   auto (default): isolate each app where this machine allows it (user, network,
                     mount and pid namespaces), else run it plainly and say so; required: make a
                     machine that cannot isolate a grader error; off: never isolate.
                     AUTOGRADER_ISOLATION sets the default.
  --memory-mb MB     memory (address space) per process, default 512
  --cpu-seconds S    processor time per process, default 10
  --processes N      processes and threads at once, default 32 (isolated apps only)
  --file-size-mb MB  largest file written, and size of the app's /tmp, default 16
  --open-files N     open files per process, default 128

Formats:
  pretty       one line per check, feedback under each one that did not pass
  json         the whole run as one JSON document
  classroom    GitHub Classroom runner result (version 1); with GITHUB_OUTPUT set it is also
               published as the step output "result" (base64) for the grading reporter
  gradescope   Gradescope's results.json
  junit        JUnit XML valid for Jenkins (xUnit) and the Ant schema; GitLab and IDEs read it
  junit-located  the same plus file and line on each test case (GitLab, action-junit-report);
               strict schemas reject those two attributes
  github       GitHub Actions annotations (workflow commands)
  summary      Markdown summary table
  trace        one offline HTML page of what the browser saw at each step (requests, cookies,
               session, page text); give it a file, or have it alone on stdout
  On GitHub Actions (GITHUB_ACTIONS=true) annotations go to stderr and the summary is appended
  to $GITHUB_STEP_SUMMARY without being asked for.

Hidden checks: the environment variable AUTOGRADER_HIDDEN_SPECS may hold YAML with more checks
per exercise (exercise id: { checks: [...] }); they are added to the specs at grade time.

Examples:
  autograde visit-counter --format pretty,classroom=classroom.json
  autograde /autograder/submission --exercise visit-counter --format gradescope=results.json
  autograde . --format pretty --format junit=report.xml

Exit status: 0 graded (whatever the score), 1 the grader failed, 2 bad usage or invalid spec.
`;

export function parseCliArgs(argv: readonly string[]): CliArgs {
  const parsed = parseFlags(argv, {
    exercise: { type: "string" },
    format: { type: "string", multiple: true },
    specs: { type: "string" },
    entry: { type: "string", multiple: true },
    reveal: { type: "boolean", default: false },
    watch: { type: "boolean", short: "w", default: false },
    help: { type: "boolean", short: "h", default: false },
    ...SANDBOX_FLAG_OPTIONS,
  }, SYNOPSIS);

  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw new UsageError(`Expected at most one folder, got ${positionals.length}: ${positionals.join(" ")}.`);
  }
  const { isolation, limits } = parseSandboxFlags(values as Record<string, unknown>);
  const entry = values.entry as string[] | undefined;
  const badEntry = entry?.map(entryProblem).find((problem) => problem !== undefined);
  if (badEntry) throw new UsageError(`--${badEntry}`);
  return {
    path: positionals[0],
    exercise: values.exercise as string | undefined,
    formats: values.format === undefined ? undefined : parseFormats(values.format as string[]),
    specs: values.specs as string | undefined,
    reveal: (values.reveal as boolean | undefined) ?? false,
    help: (values.help as boolean | undefined) ?? false,
    watch: (values.watch as boolean | undefined) ?? false,
    limits,
    isolation,
    ...(entry && { entry }),
  };
}

/**
 * `--format pretty,junit=report.xml --format classroom=out.json`: every entry of every
 * `--format`, each to stdout or to its file. Line formats (pretty, github) can share stdout with
 * each other and with one document format, which is printed after them; two documents on stdout
 * would make neither readable, and two formats in one file would overwrite each other, so both
 * are usage errors. The requests come back with stdout's line formats first.
 */
export function parseFormats(values: readonly string[]): FormatRequest[] {
  const requests: FormatRequest[] = [];
  for (const entry of values.flatMap((value) => value.split(","))) {
    const item = entry.trim();
    if (item === "") continue;
    const equals = item.indexOf("=");
    const name = equals < 0 ? item : item.slice(0, equals).trim();
    const file = equals < 0 ? undefined : item.slice(equals + 1).trim();
    if (!(FORMATS as readonly string[]).includes(name)) {
      throw new UsageError(`Unknown format "${name}". Expected one of: ${FORMATS.join(", ")}.`);
    }
    if (file === "") throw new UsageError(`--format ${name}= needs a file name after "=", e.g. --format ${name}=${exampleFile(name as Format)}.`);
    if (requests.some((r) => r.format === name)) throw new UsageError(`Format ${name} is given twice.`);
    const sameFile = file !== undefined && requests.find((r) => r.file !== undefined && resolve(r.file) === resolve(file));
    if (sameFile) throw new UsageError(`Formats ${sameFile.format} and ${name} both write to ${file}: give each its own file.`);
    requests.push({ format: name as Format, ...(file !== undefined && { file }) });
  }
  if (requests.length === 0) throw new UsageError(`--format needs a format. Expected one of: ${FORMATS.join(", ")}.`);
  const documents = requests.filter((r) => r.file === undefined && !LINE_FORMATS.has(r.format));
  if (documents.length > 1) {
    const [first, second] = documents;
    throw new UsageError(
      `Only one document format can write to stdout, but ${documents.map((r) => r.format).join(" and ")} would: ` +
        `give the others a file, e.g. --format ${first!.format},${second!.format}=${exampleFile(second!.format)}.`,
    );
  }
  const aloneOnStdout = requests.find((r) => r.file === undefined && STDOUT_ALONE.has(r.format));
  const others = requests.filter((r) => r.file === undefined && r !== aloneOnStdout);
  if (aloneOnStdout && others.length > 0) {
    throw new UsageError(
      `Format ${aloneOnStdout.format} writes a whole HTML page: it cannot share stdout with ${others.map((r) => r.format).join(" and ")}. ` +
        `Give it a file, e.g. --format ${others.map((r) => r.format).join(",")},${aloneOnStdout.format}=${exampleFile(aloneOnStdout.format)}.`,
    );
  }
  // Line formats first, so that a document sharing stdout comes out whole, after them.
  return [...requests.filter((r) => LINE_FORMATS.has(r.format)), ...requests.filter((r) => !LINE_FORMATS.has(r.format))];
}

/** Documents that any other text before them would spoil (an HTML page): on stdout, only alone. */
const STDOUT_ALONE: ReadonlySet<Format> = new Set<Format>(["trace"]);

/** Formats made of lines, printed as results arrive: they can share stdout. */
const LINE_FORMATS: ReadonlySet<Format> = new Set<Format>(["pretty", "github"]);

function exampleFile(format: Format): string {
  const names: Record<Format, string> = {
    pretty: "report.txt", json: "report.json", classroom: "classroom.json", gradescope: "results.json",
    junit: "report.xml", "junit-located": "report.xml", github: "annotations.txt", summary: "summary.md", trace: "trace.html",
  };
  return names[format];
}
