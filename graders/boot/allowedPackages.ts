/**
 * Python packages an exercise allows (`packages:` in its spec) beyond Flask and the standard
 * library. An app that imports one which is not installed is stopped by the grader's machine, not
 * by the student: the boot is a set-up error that names the install command. A module the spec does
 * not list stays the student's feedback (handshake.ts `problemFrom`).
 */
import { execFile } from "node:child_process";
import { LaunchError } from "./handshake.js";
import { packageNotInstalled } from "../words/faults.js";

/** The package a module belongs to: `flask_session.sessions` is `flask_session`. */
export function topLevel(module: string): string {
  return module.split(".")[0] ?? module;
}

/**
 * Whether the grader's Python finds `name`, asked outside the submission (isolated mode, from
 * `/`): the runner's report of a missing module comes from the student's process and is checked,
 * not believed, before the grade is turned into an error.
 */
function installed(python: string, name: string): Promise<boolean> {
  const probe = `import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(${JSON.stringify(name)}) else 1)`;
  return new Promise((resolve) => {
    execFile(python, ["-I", "-c", probe], { cwd: "/", timeout: 10_000 }, (error) => resolve(error === null));
  });
}

/** Throws a LaunchError with the install command when `module` is an allowed package the grader's Python lacks. */
export async function requireAllowedPackage(python: string, module: string, allowed: readonly string[] | undefined): Promise<void> {
  const name = topLevel(module);
  if (!allowed?.includes(name) || (await installed(python, name))) return;
  throw new LaunchError(packageNotInstalled(name, python));
}
