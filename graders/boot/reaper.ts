/**
 * Last line of defence against leaked apps: every live app's process group is killed when the
 * grader exits or is interrupted. (When the grader is SIGKILLed, the runner's PR_SET_PDEATHSIG
 * takes over.)
 */
import type { ResultPromise } from "execa";

const live = new Set<ResultPromise>();
let installed = false;

function killAll(): void {
  for (const child of live) {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  live.clear();
}

export function track(child: ResultPromise): void {
  live.add(child);
  if (installed) return;
  installed = true;
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}

export function untrack(child: ResultPromise): void {
  live.delete(child);
}
