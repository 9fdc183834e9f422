/**
 * Starting the one warm Python (zygote.py, Flask imported once) of a run: the CLI's and the jest
 * reporter's. The command's entry calls this before it loads anything else, so that Python's start
 * (the floor a run is measured against) overlaps the loading of Node's modules and of the specs;
 * main() calls it when it was not started yet (tests run main() in process). The zygote is spawned
 * before the warm launcher (warm.ts) and its imports load: this module needs only the interpreter's
 * discovery and the spawn itself (zygoteProcess.ts).
 */
import { discoverPython } from "./pythonDiscovery.js";
import { spawnZygote, type SpawnedZygote } from "./zygoteProcess.js";
import type { WarmLauncher } from "./warm.js";

/** A running warm launcher, or undefined when no Python is found (grade() then reports the missing interpreter for each submission). */
export async function startWarm(): Promise<WarmLauncher | undefined> {
  const python = discoverPython();
  if (python === undefined) return undefined;
  let spawned: SpawnedZygote | undefined;
  try {
    spawned = spawnZygote(python);
  } catch {
    // No folder for its socket: the launcher tries again and keeps the reason for its note.
  }
  const { warmLauncher } = await import("./warm.js");
  const warm = warmLauncher();
  void (spawned ? warm.adopt(spawned) : warm.prestart(python));
  return warm;
}
