/**
 * The pipeline: a Spec and a submission folder in, a Result out.
 * spec → plan → boot → drive → verdict; reporters take it from there.
 */
import type { Spec } from "./spec/types.js";
import type { Result } from "./verdict/types.js";

export interface GradeOptions {
  /** Python interpreter to run submissions with (default: discovered once). */
  python?: string;
}

export async function grade(spec: Spec, submissionDir: string, options: GradeOptions = {}): Promise<Result> {
  void spec; void submissionDir; void options;
  throw new Error("not implemented yet");
}
