/**
 * Typed errors. Each carries a message written for the person who will read it (a teacher for a
 * spec error, whoever typed the command for a usage error), so the CLI prints it as it is.
 */
export class GraderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A spec file that cannot be used. `line`/`column` are 1-based; 0 when unknown. */
export class SpecError extends GraderError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(line > 0 ? `${file}:${line}:${column}: ${problem}` : `${file}: ${problem}`);
  }
}

/** The command line was used wrongly. */
export class UsageError extends GraderError {}
