/** The command line of `autograde`: parsing only, so batch grading can reuse it. */
import { parseArgs } from "node:util";
import { UsageError } from "../../graders/errors.js";
import { FORMATS, type Format } from "../../graders/report/reporter.js";

export interface CliArgs {
  /** Exercise folder or folder of exercise folders; none: the package's bundled ones. */
  path?: string;
  exercise?: string;
  /** Undefined: pretty on a terminal, json otherwise (the caller knows which stdout it has). */
  format?: Format;
  specs?: string;
  reveal: boolean;
  help: boolean;
}

const SYNOPSIS = "autograde [PATH] [--exercise ID] [--format pretty|json] [--specs DIR] [--reveal]";

export const USAGE = `Usage: ${SYNOPSIS}

Grades a Flask "Sessions & Cookies" exercise by running the app and using it like a browser.

  PATH             an exercise folder (named after its exercise, or use --exercise),
                   or a folder of exercise folders; default: the bundled solutions/ and starter/
  --exercise ID    the exercise PATH is a folder of
  --format FORMAT  pretty (default on a terminal) or json (default otherwise)
  --specs DIR      folder of exercise specs (<id>.yaml); default: the package's specs/
  --reveal         show the details of hidden checks
  -h, --help       show this help

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
        format: { type: "string" },
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
  const format = values.format;
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`Unknown format "${format}". Expected one of: ${FORMATS.join(", ")}.`);
  }
  return {
    path: positionals[0],
    exercise: values.exercise,
    format: format as Format | undefined,
    specs: values.specs,
    reveal: values.reveal ?? false,
    help: values.help ?? false,
  };
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
