/**
 * Starting the one warm Python (zygote.py, Flask imported once) of a run: the CLI's and the jest
 * reporter's. The command's entry calls this before it loads anything else, so that Python's start (the floor a run is measured
 * against) overlaps the loading of Node's modules and of the specs; main() calls it when it was
 * not started yet (tests run main() in process). Only the warm launcher and the interpreter's
 * discovery are loaded here: nothing of the pipeline.
 */
import { findPython } from "./python.js";
import { warmLauncher, type WarmLauncher } from "./warm.js";

/** A running warm launcher, or undefined when no Python is found (grade() then reports the missing interpreter for each submission). */
export function startWarm(): WarmLauncher | undefined {
  let python: string;
  try {
    python = findPython();
  } catch {
    return undefined;
  }
  const warm = warmLauncher();
  void warm.prestart(python);
  return warm;
}
