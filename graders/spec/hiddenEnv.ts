/** The environment variable the grading step fills from a secret (see hidden.ts); alone here so that a command can take it out of its environment before loading anything else. */
export const HIDDEN_SPECS_ENV = "AUTOGRADER_HIDDEN_SPECS";
