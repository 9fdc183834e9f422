/**
 * How the grader starts any Python for apps (a cold runner, the warm fork server): its flags, its
 * working folder and its environment. Apart from launch.ts so that the warm server can be started
 * first thing in a run, before the boot path's other modules load.
 */
import { delimiter, resolve } from "node:path";
import { packageFile } from "../paths.js";

/** Settings of the interpreter itself, which a Python with Flask may need to find Flask. */
export const PASSED_THROUGH = ["PYTHONPATH", "PYTHONHOME", "LD_LIBRARY_PATH"] as const;

/** The environment of any Python the grader starts for apps (a runner, a warm fork server). */
export function baseRunnerEnv(): Record<string, string> {
  const env: Record<string, string> = {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    LANG: "C.UTF-8",
    PYTHONDONTWRITEBYTECODE: "1",
    PYTHONUNBUFFERED: "1",
  };
  for (const name of PASSED_THROUGH) {
    const value = process.env[name];
    if (value) env[name] = name === "PYTHONPATH" ? absoluteSearchPath(value) : value;
  }
  if (!env.PYTHONPATH) delete env.PYTHONPATH;
  return env;
}

/**
 * PYTHONPATH with its empty and relative entries resolved against the grader's working folder,
 * as the user meant them: Python would resolve them against its own working folder, which must
 * never let a submission's sitecustomize.py or flask.py in before the sandbox.
 */
function absoluteSearchPath(value: string): string {
  return value
    .split(delimiter)
    .filter((entry) => entry !== "")
    .map((entry) => resolve(entry))
    .join(delimiter);
}

/** The working folder every Python the grader starts begins in: the grader's own, never a submission. */
export const PYTHON_CWD = packageFile("graders/boot");

/**
 * Interpreter flags of every Python the grader starts: unbuffered, and no user site folder (a
 * `.pth` file there runs at start-up, before any sandbox; without isolation an app running as the
 * grader's user could leave one for the next student's runner).
 */
export const PYTHON_FLAGS = ["-u", "-s"];
