/**
 * Where a run's time goes, for `npm run bench`: milliseconds summed per phase (copying a
 * submission, removing it, forking an app, isolating it, booting it to ready) and counts. Each
 * phase is recorded where it happens; only the bench reads the totals (the batch writes them to
 * the file named by AUTOGRADER_COSTS_FILE). Recording is a few additions: always on.
 */
import { procStat } from "./procStat.js";

const totals = new Map<string, { ms: number; count: number }>();

/** Adds `ms` to `phase` (and one to its count, unless `count` says otherwise). */
export function addCost(phase: string, ms: number, count = 1): void {
  const t = totals.get(phase) ?? { ms: 0, count: 0 };
  t.ms += ms;
  t.count += count;
  totals.set(phase, t);
}

/** The totals so far, per phase. */
export function costTotals(): Record<string, { ms: number; count: number }> {
  return Object.fromEntries([...totals].map(([k, v]) => [k, { ...v }]));
}

/**
 * CPU time of a process and of its children it has waited for (utime, stime, cutime, cstime of
 * /proc/PID/stat), in ms; undefined off Linux or when the process is gone.
 */
export function processCpu(pid: number | "self"): { selfMs: number; childrenMs: number } | undefined {
  const field = procStat(pid);
  if (!field) return undefined;
  const tick = 1000 / CLOCK_TICKS;
  const n = (i: number) => Number(field(i));
  return { selfMs: (n(14) + n(15)) * tick, childrenMs: (n(16) + n(17)) * tick };
}

/** sysconf(_SC_CLK_TCK): 100 on every Linux Node runs on. */
const CLOCK_TICKS = 100;
