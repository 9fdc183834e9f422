/**
 * `npm run bench`: the timing primitives every case shares: one command's wall time, medians,
 * and the cold floor (`python -c "import flask"`) the ratios are taken against.
 */
import { execFileSync } from "node:child_process";
import { packageFile } from "../graders/paths.js";

/** Wall time of one run of `command`, in ms; `env` replaces the environment when given. */
export function timeMs(command: string, args: string[], env?: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  execFileSync(command, args, { stdio: ["ignore", "pipe", "pipe"], cwd: packageFile("."), env: env ?? process.env });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** The cold floor: a fresh interpreter that imports Flask and exits (median of `n`). */
export function floorMs(python: string, n: number): number {
  timeMs(python, ["-c", "import flask"]); // warm the file cache
  return median(Array.from({ length: n }, () => timeMs(python, ["-c", "import flask"])));
}
