/**
 * `npm run bench -- --case watch`: from save to verdict in `autograde FOLDER --watch`. The
 * visit-counter solution is copied into a temporary folder and watched; app.py is saved `runs`
 * times, each after one measurement of the cold floor (`python -c "import flask"`), and the time
 * the command itself reports ("graded N ms after the save": from the first file event to the
 * report) is collected. Target: <= 300 ms on this machine.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageFile } from "../graders/paths.js";
import { median } from "./benchTime.js";

const GRADED = /graded (\d+) ms after the save/g;

export async function watchCase(runs: number, floorOnce: () => number): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "autograde-bench-watch-"));
  const folder = join(work, "visit-counter");
  cpSync(packageFile("solutions/visit-counter"), folder, { recursive: true });
  const app = join(folder, "app.py");
  const text = readFileSync(app, "utf8");
  const child = spawn(process.execPath, [packageFile("dist/scripts/grade.js"), folder, "--watch"], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d));
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  const ended = new Promise((resolve) => child.on("close", resolve));
  const until = async (condition: () => boolean, what: string) => {
    const deadline = Date.now() + 60_000;
    while (!condition()) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`bench watch: no ${what}; stderr:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  try {
    await until(() => stderr.includes("autograde: watching "), "first run");
    if (!stdout.includes("Score: 10/10")) throw new Error(`the reference solution did not score 10/10:\n${stdout}`);
    const floor: number[] = [];
    const graded: number[] = [];
    for (let i = 0; i < runs; i++) {
      floor.push(floorOnce());
      writeFileSync(app, `${text}\n# save ${i + 1}\n`);
      await until(() => [...stderr.matchAll(GRADED)].length > i, `run after save ${i + 1}`);
      graded.push(Number([...stderr.matchAll(GRADED)][i]![1]));
    }
    const scores = stdout.match(/Score: \d+\/\d+/g) ?? [];
    if (scores.some((s) => s !== "Score: 10/10")) throw new Error(`a run after a save did not score 10/10: ${scores.join(", ")}`);
    const ms = median(graded);
    console.log(`\nwatch: visit-counter solution, ${runs} saves, each after one cold floor:`);
    console.log(`  python -c "import flask"          median ${median(floor).toFixed(0)} ms  (the cold floor, this run)`);
    console.log(`  save to verdict (--watch)         median ${ms.toFixed(0)} ms = ${(ms / median(floor)).toFixed(2)} x the floor  (target <= 300 ms: ${ms <= 300 ? "met" : "NOT met"})`);
  } finally {
    child.kill("SIGINT");
    await ended;
    rmSync(work, { recursive: true, force: true });
  }
}
