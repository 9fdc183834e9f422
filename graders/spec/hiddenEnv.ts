/** The environment variable the grading step fills from a secret (see hidden.ts); alone here so that a command can take it out of its environment before loading anything else. */
export const HIDDEN_SPECS_ENV = "AUTOGRADER_HIDDEN_SPECS";

/** The hidden checks' text, or undefined when the variable is unset or empty (then there are none, and the YAML parser need not load). */
export function hiddenChecksText(env: NodeJS.ProcessEnv): string | undefined {
  const text = env[HIDDEN_SPECS_ENV];
  return text !== undefined && text.trim() !== "" ? text : undefined;
}
