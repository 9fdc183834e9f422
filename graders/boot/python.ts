/**
 * Finding the Python interpreter that runs submissions.
 *
 * `python3` is often a pyenv shim (a bash script: +55 ms per start and it needs pyenv's
 * environment), so we ask it once for `sys.executable` and start the real binary from then on.
 * `AUTOGRADER_PYTHON` overrides the discovery.
 */
import { execFileSync } from "node:child_process";
import { GraderError } from "../errors.js";

let cached: string | undefined;

export class PythonNotFoundError extends GraderError {}

export function findPython(): string {
  if (cached) return cached;
  const override = process.env.AUTOGRADER_PYTHON;
  const candidates = override ? [override] : ["python3", "python"];
  for (const candidate of candidates) {
    try {
      const out = execFileSync(candidate, ["-c", "import sys, flask; print(sys.executable)"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 20_000,
      }).trim();
      if (out) return (cached = out);
    } catch {
      // try the next candidate
    }
  }
  throw new PythonNotFoundError(
    `Could not find a Python 3 with Flask (tried ${candidates.join(", ")}). ` +
      "Install it with `pip install -r requirements.txt`, or point AUTOGRADER_PYTHON at the interpreter.",
  );
}
