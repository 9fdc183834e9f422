/**
 * /proc/PID/stat, read once: its fields numbered as in proc(5) (1 the pid, 2 the command name in
 * parentheses, 3 the state, ...). The name may hold spaces and parentheses of its own, so the
 * fields are counted from the last ")". Linux only: elsewhere, or once the process is gone,
 * there is nothing to read.
 */
import { readFileSync } from "node:fs";

/** A reader of one snapshot's fields from 3 on, or undefined when /proc has no such process. */
export function procStat(pid: number | "self"): ((field: number) => string) | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (field) => fields[field - 3] ?? "";
}
