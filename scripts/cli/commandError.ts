/**
 * How a command of this package ends on an error it did not handle itself: one line on stderr,
 * worded for whoever typed the command, and the exit status every command shares (2: bad usage or
 * an invalid spec; 1: the grader failed). Only a bug in the grader gets a stack trace: the other
 * errors' messages already say what is wrong and where.
 */
import { GraderError, SpecError, UsageError } from "../../graders/errors.js";

export const EXIT = { graded: 0, crashed: 1, usage: 2 } as const;

export interface CommandErrorOptions {
  /** The command's name, the prefix of its lines: `autograde`, `batch`, `verify`. */
  command: string;
  /** How to ask for its usage, e.g. `npm run batch -- --help`. */
  help: string;
  /** Added to a usage error's message (e.g. the known exercises). */
  usageSuffix?: (message: string) => string;
  /** How a crash is described. */
  crash?: string;
}

/** Writes why the command stopped and returns its exit status; `reason` is the line without its prefix. */
export function reportCommandError(error: unknown, stderr: { write(text: string): unknown }, options: CommandErrorOptions): { status: number; reason: string } {
  const { command } = options;
  if (error instanceof UsageError) {
    const reason = `${error.message}${options.usageSuffix?.(error.message) ?? ""}`;
    stderr.write(`${command}: ${reason}\nRun \`${options.help}\` for usage.\n`);
    return { status: EXIT.usage, reason };
  }
  if (error instanceof SpecError) {
    stderr.write(`${command}: invalid spec: ${error.message}\n`);
    return { status: EXIT.usage, reason: `invalid spec: ${error.message}` };
  }
  if (error instanceof GraderError) {
    stderr.write(`${command}: ${error.message}\n`);
    return { status: EXIT.crashed, reason: error.message };
  }
  const crash = options.crash ?? "the grader crashed (a bug in the grader)";
  stderr.write(`${command}: ${crash}:\n${(error as Error)?.stack ?? String(error)}\n`);
  return { status: EXIT.crashed, reason: `${crash}: ${(error as Error)?.message ?? String(error)}` };
}
