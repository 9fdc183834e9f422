/**
 * Finding the Python interpreter that runs submissions, without words or error types, so that the
 * command's entry can find it and start the warm Python before anything else loads (warmStart.ts).
 * python.ts turns "none found" into the user's error.
 *
 * `python3` is often a pyenv shim (a bash script: +55 ms per start and it needs pyenv's
 * environment), so we ask it once for `sys.executable` and start the real binary from then on.
 * The answer is cached in a small file, keyed on what decides it (the command found on PATH,
 * pyenv's settings and the folder), because asking costs a whole interpreter start per run. The
 * file is in the user's own cache folder (userCache.ts): it names the program the grader runs.
 * `AUTOGRADER_PYTHON` overrides the discovery. Whether Flask is installed is the runner's to say.
 */
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { readCacheFile, writeCacheFile } from "../userCache.js";

let cached: string | undefined;

/** The commands tried, in order. */
export function pythonCandidates(): string[] {
  const override = process.env.AUTOGRADER_PYTHON;
  return override ? [override] : ["python3", "python"];
}

/** The interpreter's real path, or undefined when none of the candidates runs. */
export function discoverPython(): string | undefined {
  if (cached) return cached;
  for (const candidate of pythonCandidates()) {
    const command = onPath(candidate);
    if (!command) continue;
    const key = JSON.stringify([command, statSync(command).mtimeMs, process.env.PYENV_VERSION, process.env.VIRTUAL_ENV, process.cwd()]);
    const remembered = readCache(key);
    if (remembered) return (cached = remembered);
    try {
      const out = execFileSync(command, ["-c", "import sys; print(sys.executable)"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 20_000,
      }).trim();
      if (out) {
        writeCache(key, out);
        return (cached = out);
      }
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

/** The full path `command` runs, as the shell would find it. */
function onPath(command: string): string | undefined {
  if (command.includes("/")) return existsSync(command) ? command : undefined;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const path = join(dir, command);
    if (dir && existsSync(path)) return path;
  }
  return undefined;
}

const CACHE = "python.json";

type Cache = Record<string, string>;

function loadCache(): Cache {
  try {
    const cache: unknown = JSON.parse(readCacheFile(CACHE) ?? "{}");
    return cache && typeof cache === "object" && !Array.isArray(cache) ? (cache as Cache) : {};
  } catch {
    return {};
  }
}

function readCache(key: string): string | undefined {
  const executable = loadCache()[key];
  return typeof executable === "string" && existsSync(executable) ? executable : undefined;
}

/** Keeps the most recent entries only: one per folder the grader was started from. */
function writeCache(key: string, executable: string): void {
  const entries = Object.entries(loadCache()).filter(([k]) => k !== key).slice(-49);
  writeCacheFile(CACHE, JSON.stringify(Object.fromEntries([...entries, [key, executable]])));
}
