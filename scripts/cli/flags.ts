/**
 * The commands' flags, read one way: every command takes positionals and refuses unknown flags,
 * and a bad flag gets the same words from each (its first sentence, then what was expected).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../../graders/errors.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs with positionals and strict flags; throws UsageError in plain words. */
export function parseFlags<const O extends Options>(argv: readonly string[], options: O, expected?: string) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (error) {
    const problem = flagProblem(error as Error);
    throw new UsageError(expected === undefined ? problem : `${problem} Expected: ${expected}.`);
  }
}

/**
 * parseArgs' message, first sentence only ("Unknown option '--x'. To specify a positional
 * argument starting with a '-', place it at the end of the command after '--', as in
 * '-- "--x"'" is advice for shell experts; a student only mistyped a flag).
 */
function flagProblem(error: Error): string {
  const unknown = /^Unknown option '([^']+)'/.exec(error.message);
  if (unknown) return `Unknown option ${unknown[1]}.`;
  return error.message.split(/(?<=\.) /)[0]!.replace(/\.?$/, ".");
}
