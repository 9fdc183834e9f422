/** The command line of `autograde`: parsing only, so batch grading can reuse it. */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { UsageError } from "../../graders/errors.js";
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
  /** Undefined: pretty on a terminal, json otherwise (the caller knows which stdout it has). */
  formats?: FormatRequest[];
  specs?: string;
  reveal: boolean;
  help: boolean;
}

const SYNOPSIS = "autograde [PATH] [--exercise ID] [--format FORMAT[=FILE],...] [--specs DIR] [--reveal]";

export const USAGE = `Usage: ${SYNOPSIS}

Grades a Flask "Sessions & Cookies" exercise by running the app and using it like a browser.

  PATH             an exercise folder (named after its exercise, or use --exercise),
                   or a folder of exercise folders; default: the bundled solutions/ and starter/
  --exercise ID    the exercise PATH is a folder of
  --format FORMATS one or more of the formats below, separated by commas or given by repeating
                   --format; FORMAT=FILE writes that format to FILE instead of stdout, and at most
                   one format may go to stdout. Default: pretty on a terminal, json otherwise.
  --specs DIR      folder of exercise specs (<id>.yaml); default: the package's specs/
  --reveal         show the details of hidden checks (for teachers)
  -h, --help       show this help

Formats:
  pretty       one line per check, feedback under each one that did not pass
  json         the whole run as one JSON document
  classroom    GitHub Classroom runner result (version 1); with GITHUB_OUTPUT set it is also
               published as the step output "result" (base64) for the grading reporter
  gradescope   Gradescope's results.json
  junit        JUnit XML (GitLab, Jenkins, IDEs)
  github       GitHub Actions annotations (workflow commands)
  summary      Markdown summary table
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
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        exercise: { type: "string" },
        format: { type: "string", multiple: true },
        specs: { type: "string" },
        reveal: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${parseProblem(error as Error & { code?: string })} Expected: ${SYNOPSIS}.`);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw new UsageError(`Expected at most one folder, got ${positionals.length}: ${positionals.join(" ")}.`);
  }
  return {
    path: positionals[0],
    exercise: values.exercise,
    formats: values.format === undefined ? undefined : parseFormats(values.format),
    specs: values.specs,
    reveal: values.reveal ?? false,
    help: values.help ?? false,
  };
}

/**
 * `--format pretty,junit=report.xml --format classroom=out.json`: every entry of every
 * `--format`, each to stdout or to its file. Two formats on stdout would make neither readable,
 * and two in one file would overwrite each other, so both are usage errors.
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
  const onStdout = requests.filter((r) => r.file === undefined);
  if (onStdout.length > 1) {
    const [, second] = onStdout;
    throw new UsageError(
      `Only one format can write to stdout, but ${onStdout.map((r) => r.format).join(" and ")} would: ` +
        `give the others a file, e.g. --format ${onStdout[0]!.format},${second!.format}=${exampleFile(second!.format)}.`,
    );
  }
  return requests;
}

function exampleFile(format: Format): string {
  const names: Record<Format, string> = {
    pretty: "report.txt", json: "report.json", classroom: "classroom.json", gradescope: "results.json",
    junit: "report.xml", github: "annotations.txt", summary: "summary.md",
  };
  return names[format];
}

/**
 * parseArgs' first sentence, minus its advice about `--` (meant for positionals that start with a
 * dash, which a folder name never needs).
 */
function parseProblem(error: Error & { code?: string }): string {
  const unknown = /^Unknown option '([^']+)'/.exec(error.message);
  if (unknown) return `Unknown option ${unknown[1]}.`;
  return `${error.message.split(/(?<=\.) /)[0]!.replace(/\.?$/, ".")}`;
}
