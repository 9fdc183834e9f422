/**
 * `npm run bench`, case class: what the whole machine did during a batch, from the kernel's
 * machine-wide counters: CPU time by state (/proc/stat's first line), tasks created and context
 * switches (/proc/stat `processes`, `ctxt`), page faults (/proc/vmstat `pgfault`, `pgmajfault`),
 * and the CPU of the kernel's own threads (children of kthreadd). They are exact counts, and they
 * see what the batch's processes do not account for (the kernel's own work, interrupts). They
 * also see everyone else's work, so the case samples them once without the batch, just
 * before it. A counter the machine does not have (not Linux, a missing file) is left out.
 */
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { procStat } from "../graders/procStat.js";

/** One reading of the counters, or their difference over a span of `ms`. */
export interface MachineCounters {
  ms: number;
  /** Milliseconds the cores spent in each state, summed over cores. */
  cpu?: { user: number; system: number; idle: number; iowait: number };
  /** Tasks created since boot: every fork and clone, threads included (/proc/stat `processes`). */
  tasks?: number;
  contextSwitches?: number;
  /** Page faults, minor and major (/proc/vmstat `pgfault`), and the major ones alone. */
  faults?: number;
  majorFaults?: number;
  /** Faults of this process's children it has waited for (cminflt + cmajflt): what rusage sees. */
  reapedFaults?: number;
  /** Their system time, ms (cstime): the kernel's work in the batch's processes. */
  reapedSystemMs?: number;
  /** CPU ms of the kernel's own threads alive at the reading, by pid. */
  kernelThreads?: Map<number, number>;
}

/** USER_HZ: 100 on every Linux Node runs on; /proc counts CPU in its ticks. */
const TICK_MS = 10;

function lines(file: string): Map<string, number[]> | undefined {
  try {
    const table = new Map<string, number[]>();
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const [key, ...values] = line.trim().split(/\s+/);
      if (key) table.set(key, values.map(Number));
    }
    return table;
  } catch {
    return undefined;
  }
}

/** Fields of /proc/PID/stat as numbers, counted as in proc(5). */
function statFields(pid: string): ((i: number) => number) | undefined {
  const field = procStat(pid === "self" ? "self" : Number(pid));
  return field && ((i) => Number(field(i)));
}

/** utime + stime of kthreadd and its children (ppid 2), by pid; undefined when /proc hides them. */
function kernelThreadsCpu(): Map<number, number> | undefined {
  const cpu = new Map<number, number>();
  try {
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      const field = statFields(pid);
      if (field && (pid === "2" || field(4) === 2)) cpu.set(Number(pid), (field(14) + field(15)) * TICK_MS);
    }
  } catch {
    return undefined;
  }
  return cpu.size > 0 ? cpu : undefined;
}

export function readCounters(): MachineCounters {
  const stat = lines("/proc/stat");
  const vmstat = lines("/proc/vmstat");
  const self = statFields("self");
  const cpuLine = stat?.get("cpu");
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0] = cpuLine ?? [];
  return {
    ms: performance.now(),
    cpu: cpuLine ? { user: (user + nice) * TICK_MS, system: (system + irq + softirq) * TICK_MS, idle: idle * TICK_MS, iowait: iowait * TICK_MS } : undefined,
    tasks: stat?.get("processes")?.[0],
    contextSwitches: stat?.get("ctxt")?.[0],
    faults: vmstat?.get("pgfault")?.[0],
    majorFaults: vmstat?.get("pgmajfault")?.[0],
    reapedFaults: self ? self(11) + self(13) : undefined,
    reapedSystemMs: self ? self(17) * TICK_MS : undefined,
    kernelThreads: kernelThreadsCpu(),
  };
}

const minus = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a - b);

/** What changed from `before` to now. Kernel threads: those alive now, their CPU since `before` (all of it for new ones). */
export function countersSince(before: MachineCounters): MachineCounters {
  const after = readCounters();
  const kernel = after.kernelThreads && before.kernelThreads ? new Map<number, number>() : undefined;
  for (const [pid, ms] of after.kernelThreads ?? []) kernel?.set(pid, ms - (before.kernelThreads?.get(pid) ?? 0));
  const a = after.cpu;
  const b = before.cpu;
  return {
    ms: after.ms - before.ms,
    cpu: a && b ? { user: a.user - b.user, system: a.system - b.system, idle: a.idle - b.idle, iowait: a.iowait - b.iowait } : undefined,
    tasks: minus(after.tasks, before.tasks),
    contextSwitches: minus(after.contextSwitches, before.contextSwitches),
    faults: minus(after.faults, before.faults),
    majorFaults: minus(after.majorFaults, before.majorFaults),
    reapedFaults: minus(after.reapedFaults, before.reapedFaults),
    reapedSystemMs: minus(after.reapedSystemMs, before.reapedSystemMs),
    kernelThreads: kernel,
  };
}

/** The counters over `ms` of the machine without the batch: the other work the run's figures include. */
export async function background(ms: number): Promise<MachineCounters> {
  const before = readCounters();
  await sleep(ms);
  return countersSince(before);
}

const busyMs = (c: MachineCounters) => (c.cpu ? c.cpu.user + c.cpu.system : undefined);
const kernelThreadsMs = (c: MachineCounters) => (c.kernelThreads ? [...c.kernelThreads.values()].reduce((s, ms) => s + ms, 0) : undefined);
const count = (x: number) => (x >= 100 ? Math.round(x).toLocaleString("en") : x.toFixed(1));

/**
 * The machine's lines of "what bounds it": where the cores' time went, the CPU that is not in the
 * batch's processes (`accountedMs`: their CPU as rusage sees it; `complete`: orphans included),
 * and the counts per submission and per app boot; `quiet` is the sample taken without the batch.
 */
export function printMachine(run: MachineCounters, quiet: MachineCounters | undefined, n: number, boots: number, accountedMs: number, complete: boolean): void {
  const per = (ms: number) => `${(ms / n).toFixed(1)} ms`;
  const busy = busyMs(run);
  // Other work at the rate measured without the batch (it gets less of the cores during the run: at most this).
  const others = (value: (c: MachineCounters) => number | undefined): number | undefined => {
    const q = quiet && value(quiet);
    return q === undefined || !quiet || quiet.ms <= 0 ? undefined : (q * run.ms) / quiet.ms;
  };
  if (run.cpu && busy !== undefined) {
    const { user, system, idle, iowait } = run.cpu;
    const all = user + system + idle + iowait;
    const pct = (ms: number) => `${((100 * ms) / Math.max(1, all)).toFixed(0)}%`;
    console.log(`    the whole machine (/proc/stat): busy ${pct(busy)} of the run (user ${pct(user)}, system ${pct(system)}), idle ${pct(idle)}, waiting for the disk ${pct(iowait)}`);
    const outside = Math.max(0, busy - accountedMs);
    const parts: string[] = [];
    if (!complete) parts.push("the batch's orphans (not measured here)");
    const kernel = kernelThreadsMs(run);
    if (kernel !== undefined) parts.push(`the kernel's own threads ${per(kernel)} (those alive at the end)`);
    const otherCpu = others(busyMs);
    if (otherCpu !== undefined) parts.push(`other work at most ~${per(otherCpu)} (at its rate in the ${(quiet!.ms / 1000).toFixed(0)} s without the batch just before)`);
    const left = outside - (kernel ?? 0) - (otherCpu ?? 0);
    // Negative when other work's rate overstates what it got of the cores during the run.
    if (complete && left > 0 && (kernel !== undefined || otherCpu !== undefined)) parts.push(`the rest ${per(left)} (interrupts, kernel threads that ended, other work beyond its earlier rate)`);
    console.log(`      ${per(outside)} of the machine's CPU per submission is outside the batch's processes${parts.length ? `: ${parts.join(", ")}` : ""}`);
  }
  const faultsMore =
    (run.majorFaults !== undefined ? `; major ${count(run.majorFaults / n)} per submission` : "") +
    (run.reapedFaults !== undefined ? `; in the batch's processes (rusage) ${count(run.reapedFaults / n)} / ${count(run.reapedFaults / boots)}` : "");
  const rows: [string, number | undefined, (c: MachineCounters) => number | undefined, string][] = [
    ["tasks created (processes and threads)", run.tasks, (c) => c.tasks, ""],
    ["page faults", run.faults, (c) => c.faults, faultsMore],
    ["context switches", run.contextSwitches, (c) => c.contextSwitches, ""],
  ];
  const shown = rows.filter(([, value]) => value !== undefined);
  if (shown.length === 0) return;
  console.log(`    machine-wide counts (exact), per submission / per app boot (${(boots / n).toFixed(2)} boots per submission), and other work's share at the rate without the batch:`);
  for (const [words, value, of, more] of shown) {
    const other = others(of);
    console.log(`      ${words.padEnd(38)} ${count(value! / n).padStart(7)} / ${count(value! / boots).padStart(7)}${other !== undefined ? `  (other work ~${((100 * other) / Math.max(1, value!)).toFixed(0)}%)` : ""}${more}`);
  }
}
