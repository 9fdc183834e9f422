/**
 * Last line of defence against leaked apps: every live app's process group is killed when the
 * grader exits or is interrupted. (When the grader is SIGKILLed, the runner's PR_SET_PDEATHSIG
 * takes over.)
 */
/** Anything started in its own process group: its pid is the group's id. */
interface Group {
  readonly pid?: number;
}

const live = new Set<Group>();
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

export function track(child: Group): void {
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

export function untrack(child: Group): void {
  live.delete(child);
}
