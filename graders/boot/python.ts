/**
 * The Python interpreter that runs submissions (how it is found: pythonDiscovery.ts), or the
 * user's error when there is none.
 */
import { GraderError } from "../errors.js";
import { pythonNotFound } from "../words/faults.js";
import { discoverPython, pythonCandidates } from "./pythonDiscovery.js";

export class PythonNotFoundError extends GraderError {}

export function findPython(): string {
  const python = discoverPython();
  if (python !== undefined) return python;
  throw new PythonNotFoundError(pythonNotFound(pythonCandidates()));
}
