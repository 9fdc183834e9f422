#!/usr/bin/env node
/**
 * `npm run bench`: how fast is grading, as ratios against baselines measured in the same run.
 *
 * Case "cold CLI": grade the visit-counter solution with a fresh `autograde` process, N times,
 * against the floor `python -c "import flask"` (same interpreter, interleaved so that machine
 * load affects both alike). Target: ratio <= 2.5.
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { findPython } from "../graders/boot/python.js";
import { packageFile } from "../graders/paths.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "15" } } });
const runs = Math.max(3, Number(values.runs));

function timeMs(command: string, args: string[]): number {
  const start = process.hrtime.bigint();
  execFileSync(command, args, { stdio: ["ignore", "pipe", "pipe"], cwd: packageFile(".") });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function coldCli(): void {
  const python = findPython();
  const cli = [packageFile("dist/scripts/grade.js"), packageFile("solutions/visit-counter"), "--format", "json"];
  const out = JSON.parse(execFileSync(process.execPath, cli, { encoding: "utf8" })) as { score: number; maxScore: number };
  if (out.score !== out.maxScore) throw new Error(`the reference solution scored ${out.score}/${out.maxScore}: fix that before benchmarking`);
  timeMs(python, ["-c", "import flask"]); // warm the file cache for both
  const floor: number[] = [];
  const grade: number[] = [];
  for (let i = 0; i < runs; i++) {
    floor.push(timeMs(python, ["-c", "import flask"]));
    grade.push(timeMs(process.execPath, cli));
  }
  const ratio = median(grade) / median(floor);
  console.log(`cold CLI, visit-counter solution, ${runs} runs each (interleaved):`);
  console.log(`  python -c "import flask"   median ${median(floor).toFixed(0)} ms  (${python})`);
  console.log(`  autograde (one exercise)   median ${median(grade).toFixed(0)} ms`);
  console.log(`  ratio ${ratio.toFixed(2)}  (target <= 2.5: ${ratio <= 2.5 ? "met" : "NOT met"})`);
}

coldCli();
